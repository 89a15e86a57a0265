"""One rule, wherever a value comes in (issue 17): what a form's save runs (a command in a
meeting's session) and what a CSV import runs refuse the same things, and read values typed
with their unit the same way."""

import pytest

from core import imports
from core.commands import kpis, okrs
from core.errors import CadenceError, ValidationError
from core.events import EventKind
from core.inputs import parse_number
from core.store import Store
from tests.helpers import TODAY, load, session_on, write_demo


# --- values typed with their unit ---------------------------------------------------------------

@pytest.mark.parametrize("typed, unit, value", [
    ("89.1%", "%", 89.1), ("89.1 %", "%", 89.1), ("$92,500", "$", 92500), ("92,500 $", "$", 92500),
    ("-$5", "$", -5), ("$-5", "$", -5), ("52 min", "min", 52), ("52min", "min", 52),
    ("52 MIN", "min", 52), ("2x", "x", 2), ("1,250,000", "", 1250000), ("26.5", "%", 26.5)])
def test_a_value_with_its_unit_is_its_number(typed, unit, value):
    assert parse_number(typed, "value", unit=unit) == value


@pytest.mark.parametrize("typed, unit, message", [
    ("52%", "min", "'52%' is not in min; write 52 or 52 min"),
    ("$92,500", "%", "'$92,500' is not in %; write 92,500 or 92,500%"),
    ("52%", "", "'52%': this value has no unit; write 52"),
    ("€1.2k", "€", "'€1.2k' is not a number in €"),       # no multipliers: k may be a unit
    ("26,5", "%", "'26,5' is not a number"), ("%", "%", "'%' is not a number"),
    ("lots", "min", "'lots' is not a number"), ("1e400%", "%", "is not a finite number")])
def test_a_value_in_another_unit_or_none_is_refused_clearly(typed, unit, message):
    with pytest.raises(ValidationError, match="^value: ") as refused:
        parse_number(typed, "value", unit=unit)
    assert message in str(refused.value)


def test_an_import_reads_values_with_their_unit(db, write_csv):
    store = Store(write_demo(db))
    imports.import_measurements(store, write_csv("m.csv", "kpi,date,value\n"
                                                 "CSAT,2026-10-05,89.1%\n"
                                                 "Monthly recurring revenue,2026-10-05,"
                                                 '"$492,500"\n'
                                                 "First response time,2026-11-10,41 min\n"),
                                TODAY)
    imports.import_kpis(store, write_csv("k.csv", "name,owner,unit,direction,target,threshold,"
                                         "cadence,baseline\n"
                                         "Gross margin,Dana,%,higher,62%,55 %,monthly,58%\n"),
                        TODAY)
    imports.import_okrs(store, write_csv("o.csv", "objective,key_result,start,target,unit,"
                                         "current\nGrow,ARR,$1.2,$2,$,$1.5\n"), TODAY)
    board = load(db)
    assert [board.find_kpi(n).latest for n in ("Monthly recurring revenue",
                                               "First response time")] == [492500, 41]
    margin = board.find_kpi("Gross margin").kpi
    assert (margin.target, margin.threshold, margin.baseline) == (62, 55, 58)
    arr = next(v for v in board.active if v.objective.title == "Grow").krs[0]
    assert (arr.kr.start, arr.kr.target, arr.current) == (1.2, 2, 1.5)


def test_an_import_refuses_a_value_in_another_unit_naming_row_and_field(db, write_csv):
    store = Store(write_demo(db))
    before = db.read_bytes()
    with pytest.raises(CadenceError, match=r"m\.csv: row 3: value: '52%' is not in min; "
                                           "write 52 or 52 min$"):
        imports.import_measurements(store, write_csv("m.csv", "kpi,date,value\n"
                                                     "CSAT,2026-10-05,89.1\n"
                                                     "First response time,2026-11-10,52%\n"),
                                    TODAY)
    assert db.read_bytes() == before


# --- key results: at most five, titles unique in their objective --------------------------------

def kr(title: str, start: float = 0, target: float = 1) -> dict:
    return dict(title=title, start=start, target=target)


def rows(objective: str, titles: list[str]) -> str:
    return "objective,key_result,start,target\n" + "".join(
        f"{objective},{t},0,1\n" for t in titles)


def test_a_sixth_key_result_is_refused_by_the_commands_and_the_import(db, write_csv):
    session = session_on(write_demo(db))
    with pytest.raises(ValidationError, match="at most 5 key results"):
        session.run(EventKind.OBJECTIVE_CREATE, okrs.create, "Grow", "Ana", "2026-Q4",
                    [kr(f"K{n}") for n in range(6)], today=TODAY)
    with pytest.raises(CadenceError, match=r"o\.csv: row 7: key_result: an objective has at "
                                           "most 5 key results"):
        imports.import_okrs(Store(db), write_csv("o.csv", rows("Grow", [f"K{n}" for n in
                                                                        range(6)])), TODAY)
    # an objective that has three (o1) takes two more, from a file as from the app: the row
    # of the third new one (C, on row 5) is named
    with pytest.raises(CadenceError, match=r"row 5: key_result: an objective has at most 5"):
        imports.import_okrs(Store(db), write_csv("o.csv", rows(
            "Make support feel effortless", ["CSAT", "A", "B", "C"])), TODAY)
    imports.import_okrs(Store(db), write_csv("o.csv", rows("Make support feel effortless",
                                                           ["A", "B"])), TODAY)
    assert len(load(db).by_id["o1"].krs) == 5


def test_fewer_than_two_key_results_is_a_warning_on_both_paths(db, write_csv):
    report = imports.import_okrs(Store(db), write_csv("o.csv", rows("Grow", ["K"])), TODAY)
    assert report.warnings[0] == "objective 'Grow' has 1 key result; 2 to 5 keep it focused"
    assert [w.code for w in next(v for v in load(db).active
                                 if v.objective.title == "Grow").warnings] == ["kr_count",
                                                                                "no_kpi"]


def test_a_key_results_title_is_unique_in_its_objective_everywhere(db, write_csv):
    session = session_on(write_demo(db))
    for make in (lambda: session.run(EventKind.KR_CREATE, okrs.add_key_result, "o1",
                                     **kr("first-contact  RESOLUTION")),
                 lambda: session.run(EventKind.KR_UPDATE, okrs.update_key_result, "kr3",
                                     title="CSAT"),
                 lambda: session.run(EventKind.OBJECTIVE_CREATE, okrs.create, "Grow", "Ana",
                                     "2026-Q4", [kr("Logos"), kr("logos")], today=TODAY)):
        with pytest.raises(ValidationError, match="is already a key result of this objective"):
            make()
    with pytest.raises(CadenceError, match=r"row 3: key_result: 'logos' is already on row 2"):
        imports.import_okrs(Store(db), write_csv("o.csv", rows("Grow", ["Logos", "logos"])),
                            TODAY)


def test_an_active_objectives_title_names_one_objective(db, write_csv):
    """The import updates the active objective its rows name; the app refuses a second one
    of that title (which the next import could not tell apart)."""
    session = session_on(write_demo(db))
    with pytest.raises(ValidationError, match="'Make support feel effortless' is already an "
                                              "active objective"):
        session.run(EventKind.OBJECTIVE_CREATE, okrs.create, "make support  feel effortless",
                    "Ana", "2026-Q4", [kr("K")], today=TODAY)
    with pytest.raises(ValidationError, match="already an active objective"):
        session.run(EventKind.OBJECTIVE_UPDATE, okrs.update, "o2",
                    title="Make support feel effortless")
    imports.import_okrs(Store(db), write_csv("o.csv", rows("make support  feel effortless",
                                                           ["New one"])), TODAY)
    assert [v.objective.id for v in load(db).active].count("o1") == 1
    assert [k.kr.title for k in load(db).by_id["o1"].krs][-1] == "New one"


def test_a_kpi_needs_an_owner_from_the_app_and_from_a_file(db, write_csv):
    session = session_on(write_demo(db))
    fields = dict(name="Gross margin", owner="  ", unit="%", direction="higher", target=62.0,
                  threshold=55.0, cadence="monthly")
    with pytest.raises(ValidationError, match="^KPI: owner: must not be empty$"):
        session.run(EventKind.KPI_CREATE, kpis.add, **fields)
    with pytest.raises(ValidationError, match="owner: must not be empty"):
        session.run(EventKind.KPI_UPDATE, kpis.update, "k1", owner="")
    with pytest.raises(CadenceError, match=r"row 2: owner: must not be empty"):
        imports.import_kpis(Store(db), write_csv(
            "k.csv", "name,owner,unit,direction,target,threshold,cadence\n"
                     "Gross margin,,%,higher,62,55,monthly\n"))


def test_a_cycle_is_kept_as_its_label_on_both_paths(db, write_csv):
    session = session_on(write_demo(db))
    made = session.run(EventKind.OBJECTIVE_CREATE, okrs.create, "Grow", "Ana", " 2027-h1 ",
                       [kr("K")], today=TODAY)
    imports.import_okrs(Store(db), write_csv("o.csv", "objective,key_result,start,target,"
                                             "cycle\nShip,K,0,1, 2027-h1 \n"), TODAY)
    assert {v.objective.cycle for v in load(db).active
            if v.objective.id == made.id or v.objective.title == "Ship"} == {"2027-H1"}
