from datetime import date

import pytest

from core.errors import CadenceError
from core.imports import import_kpis, import_measurements, import_okrs
from core.store import Store
from tests.helpers import TODAY, load
KPIS = """name,owner,unit,direction,target,threshold,cadence,area,north_star
Cart abandonment,Priya,%,lower,20,25,weekly,Growth,
MRR,Dana,$,higher,500000,460000,monthly,Finance,yes
"""


def test_kpis_are_created_then_updated_by_name(db, write_csv):
    report = import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    assert (report.created, report.updated) == (2, 0)
    kpis = {h.kpi.name: h.kpi for h in load(db).kpis}
    assert kpis["MRR"].north_star and kpis["Cart abandonment"].area == "Growth"
    assert [h.kpi.name for h in load(db).kpis] == ["MRR", "Cart abandonment"]   # north star first
    again = import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = import_kpis(Store(db), write_csv("k2.csv", KPIS.replace("Priya", "Sam")
                                               .replace("Cart abandonment", "CART ABANDONMENT")))
    assert (changed.created, changed.updated) == (0, 1)
    kpis = {h.kpi.id: h.kpi for h in load(db).kpis}
    assert kpis["k1"].owner == "Sam" and kpis["k1"].name == "CART ABANDONMENT"


def test_absent_optional_columns_keep_what_the_kpi_had(db, write_csv):
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    import_kpis(Store(db), write_csv("min.csv", "name,owner,unit,direction,target,threshold,"
                                     "cadence\nMRR,Dana,$,higher,510000,460000,monthly\n"))
    mrr = next(h.kpi for h in load(db).kpis if h.kpi.name == "MRR")
    assert mrr.north_star and mrr.area == "Finance" and mrr.target == 510000


@pytest.mark.parametrize("row, message", [
    ("X,Ann,%,sideways,1,1,weekly", "row 2: direction: 'sideways' is not one of higher, lower"),
    ("X,Ann,%,lower,abc,1,weekly", "row 2: target: 'abc' is not a number"),
    ("X,Ann,%,lower,20,15,weekly",
     "row 2: threshold: 15 must be >= target 20 when lower is better (KPI 'X')"),
    (",Ann,%,lower,20,25,weekly", "row 2: name: must not be empty"),
    ("X,Ann,%,lower,20,25,hourly", "row 2: cadence: 'hourly' is not one of daily, weekly"),
    ("X,Ann,%,lower,nan,25,weekly", "row 2: target: 'nan' is not a finite number"),
])
def test_a_bad_kpi_row_names_file_row_and_field(db, write_csv, row, message):
    path = write_csv("bad.csv", KPIS.splitlines()[0] + "\n" + row + "\n")
    with pytest.raises(CadenceError) as err:
        import_kpis(Store(db), path)
    assert str(err.value).startswith(f"{path}: {message}")
    assert not db.exists()


def test_one_bad_row_and_nothing_is_written(db, write_csv):
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    before = db.read_bytes()
    path = write_csv("mixed.csv", KPIS + "Churn,Ana,%,lower,2,1,monthly,,\n")
    with pytest.raises(CadenceError, match="row 4: threshold"):
        import_kpis(Store(db), path)
    assert db.read_bytes() == before


def test_header_problems(db, write_csv):
    with pytest.raises(CadenceError, match=r"row 1: missing columns target, threshold"):
        import_kpis(Store(db), write_csv("h.csv", "name,owner,unit,direction,cadence\n"))
    with pytest.raises(CadenceError, match="empty file"):
        import_kpis(Store(db), write_csv("e.csv", ""))
    with pytest.raises(CadenceError, match="no such file"):
        import_kpis(Store(db), db.parent / "missing.csv")
    latin = db.parent / "latin.csv"
    latin.write_bytes("name,owner\nCafé,Zoë\n".encode("latin-1"))
    with pytest.raises(CadenceError, match="not UTF-8"):
        import_kpis(Store(db), latin)


def test_duplicate_names_in_one_file_are_refused(db, write_csv):
    path = write_csv("d.csv", KPIS + "cart ABANDONMENT,Ann,%,lower,20,25,weekly,,\n")
    with pytest.raises(CadenceError, match="row 4: name: 'cart ABANDONMENT' is already on row 2"):
        import_kpis(Store(db), path)


def test_header_is_case_insensitive_with_bom_and_extra_columns(db, write_csv):
    path = db.parent / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfName, Owner ,UNIT,direction,target,threshold,cadence,colour\n"
                     b"Uptime,Ops,%,higher,99.9,99.5,weekly,blue\n")
    assert import_kpis(Store(db), path).created == 1


MEASUREMENTS = """kpi,date,value,note
Cart abandonment,2026-11-10,26,checkout bug
cart abandonment,2026-11-03,22,
k2,2026-10-05,505000,
"""


def test_measurements_by_name_or_id_normalised_to_the_period(db, write_csv):
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    report = import_measurements(Store(db), write_csv("m.csv", MEASUREMENTS), TODAY)
    assert report.created == 3
    cart = next(h for h in load(db).kpis if h.kpi.name == "Cart abandonment")
    assert [(m.period, m.value, m.note) for m in cart.series.recent()] == [
        (date(2026, 11, 2), 22.0, ""), (date(2026, 11, 9), 26.0, "checkout bug")]
    mrr = next(h for h in load(db).kpis if h.kpi.name == "MRR")
    assert mrr.series.recent()[0].period == date(2026, 10, 1)


def test_reimporting_measurements_is_harmless_and_a_replaced_value_stays_in_history(db, write_csv):
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    import_measurements(Store(db), write_csv("m.csv", MEASUREMENTS), TODAY)
    again = import_measurements(Store(db), write_csv("m.csv", MEASUREMENTS), TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    fixed = import_measurements(Store(db), write_csv("fix.csv", "kpi,date,value\n"
                                "Cart abandonment,2026-11-12,25.5\n"), TODAY)
    assert fixed.updated == 1
    cart = next(h for h in load(db).kpis if h.kpi.name == "Cart abandonment")
    assert cart.latest == 25.5 and len(cart.series) == 2
    replaced = Store(db).events()[-1].changes[0]
    # The event keeps the replaced value, and only it: not the KPI's whole series.
    assert (replaced.table, replaced.before, replaced.after) == (
        "series", {"2026-11-09": {"value": 26.0, "note": "checkout bug", "meeting": None}},
        {"2026-11-09": 25.5})


@pytest.mark.parametrize("row, message", [
    ("Nope,2026-11-10,1", "row 2: kpi: no KPI named 'Nope'"),
    ("MRR,10/11/2026,1", "row 2: date: '10/11/2026' is not a date (YYYY-MM-DD)"),
    ("MRR,2026-11-10,lots", "row 2: value: 'lots' is not a number"),
    ("MRR,2026-12-01,1", "row 2: date: 2026-12 has not started yet"),
    ("MRR,2026-11-10,", "row 2: value: must not be empty"),
    ("MRR,2026-11-10,inf", "row 2: value: 'inf' is not a finite number"),
    ("MRR,2026-11-10, nan ", "row 2: value: 'nan' is not a finite number"),
    ("MRR,2026-11-10,\"26,5\"", "row 2: value: '26,5' is not a number"),
    ("MRR,,1", "row 2: date: must not be empty"),
    (",2026-11-10,1", "row 2: kpi: must not be empty"),
    ("MRR,2026-11-10", "row 2: value: must not be empty"),
])
def test_bad_measurement_rows(db, write_csv, row, message):
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    before = db.read_bytes()
    path = write_csv("m.csv", "kpi,date,value\n" + row + "\n")
    with pytest.raises(CadenceError) as err:
        import_measurements(Store(db), path, TODAY)
    assert str(err.value).startswith(f"{path}: {message}")
    assert db.read_bytes() == before


def test_two_values_for_one_period_in_a_file_are_refused(db, write_csv):
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    path = write_csv("m.csv", "kpi,date,value\nMRR,2026-10-05,1\nMRR,2026-10-20,2\n")
    with pytest.raises(CadenceError, match="row 3: date: 2026-10 of 'MRR' is already on row 2"):
        import_measurements(Store(db), path, TODAY)


def test_the_same_kpi_by_name_and_by_id_is_one_series(db, write_csv):
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    path = write_csv("m.csv", "kpi,date,value\nMRR,2026-09-05,1\n,,\nMRR,2026-10-05,1\n"
                     "k2,2026-10-20,2\n")
    with pytest.raises(CadenceError, match="row 5: date: 2026-10 of 'MRR' is already on row 4"):
        import_measurements(Store(db), path, TODAY)


def test_blank_rows_are_skipped_and_row_numbers_count_file_lines(db, write_csv):
    """Blank, spaces-only and commas-only rows are skipped; a quoted note over two lines
    moves the rows after it down a line."""
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    rows = ('kpi,date,value,note\nMRR,2026-10-05,"1,250,000","a note\nover two lines"\n\n'
            '  ,  ,\n,,,\nCart abandonment,2026-11-10,21.5\n')
    report = import_measurements(Store(db), write_csv("m.csv", rows), TODAY)
    assert report.created == 2
    mrr = next(h for h in load(db).kpis if h.kpi.name == "MRR")
    assert [(m.value, m.note) for m in mrr.series.recent()] == [
        (1_250_000.0, "a note\nover two lines")]
    with pytest.raises(CadenceError, match="row 8: value: 'lots' is not a number"):
        import_measurements(Store(db), write_csv("bad.csv", rows + "MRR,2026-09-01,lots\n"),
                            TODAY)


def test_values_imported_in_a_meeting_link_to_it(db, write_csv):
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    import_measurements(Store(db), write_csv("m.csv", "kpi,date,value\nMRR,2026-10-05,3\n"),
                        TODAY, meeting="m1")
    assert Store(db).docs("series")[2] == {"2026-10-01": {"value": 3.0, "note": "",
                                                          "meeting": "m1"}}


OKRS = """objective,key_result,start,target,owner,cycle,unit,current,kpi,confidence
Make support feel effortless,CSAT,85,95,Lena,2026-Q4,%,88,,on_track
Make support feel effortless,First response time,60,30,,,min,,Cart abandonment,at risk
Turn trials into customers,Free-to-paid,3,5,Priya,,%,,,
"""


def test_okrs_group_rows_rank_after_existing_and_link_kpis(db, write_csv):
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    report = import_okrs(Store(db), write_csv("okrs.csv", OKRS), TODAY)
    assert report.created == 3
    support, trials = load(db).objectives
    assert (support.objective.priority, trials.objective.priority) == (1, 2)
    assert support.objective.owner == "Lena" and support.objective.kpis == ("k1",)
    assert trials.objective.cycle == "2026-Q4"                     # the current quarter
    csat, frt = support.krs
    assert (csat.current, csat.history, csat.kr.confidence) == (88.0, (88.0,), "on_track")
    assert frt.kr.kpi == "k1" and frt.kr.confidence == "at_risk"
    assert report.warnings == [
        "objective 'Turn trials into customers' has 1 key result; 2 to 5 keep it focused",
        "objective 'Turn trials into customers' points to no KPI: which health metric should "
        "it move?"]
    more = import_okrs(Store(db), write_csv("more.csv", OKRS.splitlines()[0] +
                                            "\nShip rock-solid releases,P1 bugs,12,4,Sam,,,,,\n"),
                       TODAY)
    assert more.created == 1
    assert [v.objective.priority for v in load(db).objectives] == [1, 2, 3]


def test_reimporting_okrs_updates_instead_of_duplicating(db, write_csv):
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    import_okrs(Store(db), write_csv("okrs.csv", OKRS), TODAY)
    again = import_okrs(Store(db), write_csv("okrs.csv", OKRS), TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert len(load(db).objectives) == 2
    assert len(Store(db).docs("checkins")) == 1


@pytest.mark.parametrize("row, message", [
    ("O,KR,5,5,,,,,,", "row 2: target: equals start (5)"),
    ("O,KR,1,x,,,,,,", "row 2: target: 'x' is not a number"),
    ("O,KR,1,2,,2026-Q9,,,,", "row 2: cycle: '2026-Q9' is not a cycle"),
    ("O,KR,1,2,,,,,Nope,", "row 2: kpi: no KPI named 'Nope'"),
    ("O,KR,1,2,,,,,,maybe", "row 2: confidence: 'maybe' is not one of on_track"),
    ("O,KR,1,2,,,,1.5,MRR,", "row 2: current: the key result takes its value from KPI 'MRR'"),
    (",KR,1,2,,,,,,", "row 2: objective: must not be empty"),
])
def test_bad_okr_rows(db, write_csv, row, message):
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    before = db.read_bytes()
    path = write_csv("o.csv", OKRS.splitlines()[0] + "\n" + row + "\n")
    with pytest.raises(CadenceError) as err:
        import_okrs(Store(db), path, TODAY)
    assert str(err.value).startswith(f"{path}: {message}")
    assert db.read_bytes() == before


def test_rows_of_one_objective_may_not_disagree_on_owner(db, write_csv):
    path = write_csv("o.csv", "objective,key_result,start,target,owner\n"
                     "O,A,1,2,Ann\nO,B,1,2,Bo\n")
    with pytest.raises(CadenceError, match="row 3: owner: 'Bo' differs from 'Ann' on row 2"):
        import_okrs(Store(db), path, TODAY)


def test_quoted_fields_with_commas_and_newlines_keep_their_row_numbers(db, write_csv):
    path = write_csv("q.csv", 'name,owner,unit,direction,target,threshold,cadence,description\n'
                     '"Revenue, net",Dana,$,higher,10,5,monthly,"two\nlines"\n'
                     'Bad,Ann,%,lower,1,0,weekly,\n')
    with pytest.raises(CadenceError, match="row 4: threshold"):
        import_kpis(Store(db), path)


# --- CSV that reads two ways, and names that read the same -----------------------------------

@pytest.mark.parametrize("header, repeated", [
    ("name,owner,unit,direction,target,threshold,cadence,Target", r"'target' appears twice "
     r"\(columns 5 and 8\)"),
    ("name,owner, Name ,unit,direction,target,threshold,cadence", "'name' appears twice"),
    ("name,owner,unit,direction,target,threshold,cadence,note,NOTE", "'note' appears twice")])
def test_a_header_naming_a_column_twice_is_refused(db, write_csv, header, repeated):
    path = write_csv("k.csv", f"{header}\nMRR,Dana,$,higher,500000,460000,monthly,1,2\n")
    with pytest.raises(CadenceError, match=rf"k\.csv: row 1: column {repeated}"):
        import_kpis(Store(db), path)
    assert not db.exists()


def test_blank_header_cells_from_trailing_commas_are_no_columns(db, write_csv):
    path = write_csv("k.csv", "name,owner,unit,direction,target,threshold,cadence,,\n"
                     "MRR,Dana,$,higher,500000,460000,monthly,,\n")
    assert import_kpis(Store(db), path).created == 1


@pytest.mark.parametrize("rows, line", [
    ("Cart abandonment,2026-11-16,1,250\n", 2),                 # an unquoted thousands comma
    ("Cart abandonment,2026-11-09,25\nCart abandonment,2026-11-16,26,5\n", 3),   # decimal comma
    ("Cart abandonment,2026-11-16,26,5,note\n", 2)])
def test_a_row_with_more_cells_than_the_header_is_refused_naming_it(db, write_csv, rows, line):
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    before = db.read_bytes()
    path = write_csv("m.csv", "kpi,date,value\n" + rows)
    with pytest.raises(CadenceError, match=rf"m\.csv: row {line}: \d cells, but the header has 3 "
                                           r'columns: a comma inside a value must be quoted'):
        import_measurements(Store(db), path, TODAY)
    assert db.read_bytes() == before


def test_a_quoted_comma_and_trailing_empty_cells_are_fine(db, write_csv):
    import_kpis(Store(db), write_csv("kpis.csv", KPIS))
    path = write_csv("m.csv", 'kpi,date,value\nMRR,2026-10-01,"1,250"\nCart abandonment,'
                     '2026-11-16,26.5,,\n')
    assert import_measurements(Store(db), path, TODAY).created == 2
    assert {h.kpi.name: h.latest for h in load(db).kpis} == {"MRR": 1250.0,
                                                             "Cart abandonment": 26.5}


LOOK_ALIKES = {
    "NFD": "Cafe\u0301 visits",                    # e + combining acute, against NFC é
    "fullwidth": "Ｃａｆé visits",
    "inner spaces": "Café   visits",
    "a zero-width space": "Caf\u200bé visits",
    "a no-break space and case": "CAFÉ\u00a0VISITS",
    "a byte-order mark": "\ufeffCafé visits",
}
CAFE = "name,owner,unit,direction,target,threshold,cadence\nCafé visits,Ann,,higher,100,80,weekly\n"


@pytest.mark.parametrize("variant", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_a_look_alike_name_refers_to_the_same_kpi(db, write_csv, variant):
    import_kpis(Store(db), write_csv("kpis.csv", CAFE))
    import_measurements(Store(db), write_csv("m.csv", f"kpi,date,value\n{variant},2026-11-16,90\n"),
                        TODAY)
    import_okrs(Store(db), write_csv("o.csv", "objective,key_result,start,target,kpi\n"
                                     f"More visits,Visits,80,120,{variant}\n"), TODAY)
    current = load(db)
    assert [h.kpi.name for h in current.kpis] == ["Café visits"]
    assert current.kpis[0].latest == 90 and current.objectives[0].krs[0].kr.kpi == "k1"
    assert current.find_kpi(variant).kpi.id == "k1"


@pytest.mark.parametrize("variant", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_importing_a_look_alike_updates_that_kpi_and_keeps_its_name(db, write_csv, variant):
    import_kpis(Store(db), write_csv("kpis.csv", CAFE))
    report = import_kpis(Store(db), write_csv("k2.csv", CAFE.replace("Café visits,Ann",
                                                                     f"{variant},Bo")))
    assert (report.created, report.updated) == (0, 1)
    assert [(h.kpi.name, h.kpi.owner) for h in load(db).kpis] == [("Café visits", "Bo")]


def test_look_alikes_in_one_file_are_one_name_twice(db, write_csv):
    path = write_csv("k.csv", CAFE + "Cafe\u0301  Visits,Bo,,higher,100,80,weekly\n")
    with pytest.raises(CadenceError, match=r"row 3: name: 'Cafe.  Visits' is already on row 2"):
        import_kpis(Store(db), path)


@pytest.mark.parametrize("column, value", [
    ("name", "Evil\x1b[2J"), ("name", "Good\u202eliveE"), ("owner", "Ann\x07"),
    ("unit", "%\x9b31m"), ("area", "Ops\x7f")])
def test_a_kpi_name_holding_a_control_character_is_refused(db, write_csv, column, value):
    fields = dict(name="Churn", owner="Ann", unit="%", area="Ops")
    fields[column] = value
    path = write_csv("k.csv", "name,owner,unit,direction,target,threshold,cadence,area\n"
                     f"{fields['name']},{fields['owner']},{fields['unit']},lower,2,3,weekly,"
                     f"{fields['area']}\n")
    with pytest.raises(CadenceError, match=rf"row 2: {column}: holds the control character "
                                           r"U\+[0-9A-F]{4}; a name is plain text"):
        import_kpis(Store(db), path)
    assert not db.exists()


@pytest.mark.parametrize("column, value", [("objective", "Grow\u2066"), ("key_result", "KR\x1b]"),
                                           ("owner", "Noor\u202e"), ("unit", "%\x00")])
def test_an_okr_name_holding_a_control_character_is_refused(db, write_csv, column, value):
    fields = dict(objective="Grow", key_result="Visits", owner="Noor", unit="%")
    fields[column] = value
    path = write_csv("o.csv", "objective,key_result,start,target,owner,unit\n"
                     f"{fields['objective']},{fields['key_result']},1,2,{fields['owner']},"
                     f"{fields['unit']}\n")
    with pytest.raises(CadenceError, match=rf"row 2: {column}: holds the control character"):
        import_okrs(Store(db), path, TODAY)
    assert not db.exists()
