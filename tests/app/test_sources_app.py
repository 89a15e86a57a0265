"""Numbers from sources, in the meeting (issue 18): `P` pulls while the meeting goes on, the
KPI detail says where each value came from, a failure names its KPI inert, the KPI form edits
the source and the formula (refusing a bad formula under its field), and a stale KPI's reason
names its source. On the demo, whose three KPIs pull from the SQLite warehouse beside it."""

import sys

import pytest

from core.commands import kpis
from core.events import EventKind
from tests.app.helpers import (dialog_text, kpi_row, make_app, notified, run, screen_text,
                               select_row, type_text, until)
from tests.helpers import load, session_on

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 50), id="160x50")]
ESC = "\x1b"


@pytest.fixture(autouse=True)
def no_user_connections(tmp_path, monkeypatch):
    """The demo's connection is built in: the user's own connections file is not read."""
    monkeypatch.setenv("CADENCE_CONNECTIONS", str(tmp_path / "absent.toml"))


def detail_text(app) -> str:
    """The KPI detail's facts as text, rows off-screen too (the detail scrolls at 80x24)."""
    import io

    from rich.console import Console
    from textual.widgets import Static
    console = Console(width=200, file=io.StringIO(), record=True)
    for static in app.screen.query(Static):
        console.print(static.content)
    return "\n".join(" ".join(line.split()) for line in console.export_text().splitlines())


async def pulled(pilot, app, said: str) -> None:
    await until(pilot, lambda: said in notified(app), timeout=20)


@pytest.mark.parametrize("size", SIZES)
async def test_p_pulls_while_the_meeting_goes_on_and_the_detail_says_where_from(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("P", "3")                     # the meeting moves on meanwhile
        assert app.screen.stage == 3
        await pulled(pilot, app, "Pulled 116 new values (Monthly recurring revenue, Cart "
                                 "abandonment, First response time).")
        await pilot.press("1")
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        await pilot.press("enter")
        shown = detail_text(app)
        assert "numbers from sql from demo: SELECT" in shown
        assert "2026-W46 26% pulled from demo (sql) 2026-" in shown
        await pilot.press("escape")
        await select_row(pilot, kpi_row(app, "Customer churn"))
        await pilot.press("enter")
        assert "2.65% typed or imported" in detail_text(app)
        await pilot.press("escape", "P")
        await pulled(pilot, app, "Pulled: nothing new.")


async def test_a_failing_source_is_named_and_shown_inert_beside_the_others(demo_db, tmp_path):
    script = tmp_path / "fail.py"
    script.write_text(f"import sys\nsys.exit('API said {ESC}[31mno{ESC}]0;PWNED{ESC}\\\\')\n")
    session = session_on(demo_db)
    churn = load(demo_db).find_kpi("Customer churn").kpi
    session.run(EventKind.KPI_UPDATE, kpis.update, churn.id, source="command",
                query=f"{sys.executable} {script}")
    app = make_app(demo_db)
    async with run(app, (80, 24)) as pilot:
        await pilot.press("P")
        await pulled(pilot, app, "Not pulled: Customer churn:")
        told = notified(app)
        assert "1 KPI failed" in told and "Pulled 116 new values" in told
        assert ESC not in told and ESC not in screen_text(app)
        assert "␛[31m" in told


@pytest.mark.parametrize("size", SIZES)
async def test_the_kpi_form_sets_a_formula_and_refuses_a_bad_one_under_its_field(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await select_row(pilot, kpi_row(app, "Uptime"))
        await pilot.press("E")
        await until(pilot, lambda: app.screen.id == "kpi-form")
        app.screen.query_one("#f-formula").focus()
        await type_text(pilot, "`Cart abandonmnt` * 2")
        await pilot.press("enter")
        assert app.screen.id == "kpi-form"
        assert "no KPI is named" in str(app.screen.query_one("#e-formula").render())
        await pilot.press("ctrl+u")
        await type_text(pilot, "min(99.99, `Uptime` * 1)")
        await pilot.press("enter")
        assert app.screen.id == "kpi-form"                 # its own name: a cycle
        await pilot.press("escape")
    assert load(demo_db).find_kpi("Uptime").kpi.formula == ""


async def test_the_kpi_form_keeps_a_source(demo_db):
    app = make_app(demo_db)
    async with run(app, (160, 50)) as pilot:
        await select_row(pilot, kpi_row(app, "Uptime"))
        await pilot.press("E")
        await until(pilot, lambda: app.screen.id == "kpi-form")
        shown = dialog_text(app)
        assert "Numbers from" in shown and "Formula over KPIs of its cadence" in shown
        app.screen.query_one("#f-source").focus()
        await pilot.press("right", "right")                # typed → sql → csv file
        app.screen.query_one("#f-query").focus()
        await type_text(pilot, "uptime.csv")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.id == "meeting")
    kpi = load(demo_db).find_kpi("Uptime").kpi
    assert (kpi.source, kpi.query) == ("csv", "uptime.csv")


def test_a_stale_kpis_reason_names_its_source(demo_db):
    session = session_on(demo_db)
    nrr = load(demo_db).find_kpi("CSAT").kpi
    session.run(EventKind.KPI_UPDATE, kpis.update, nrr.id, source="sql", connection="crm",
                query="SELECT 1")
    flags = {f.name: f.reason for f in load(demo_db).find_kpi("CSAT").flags}
    assert "pulled from 'crm' (sql): cadence pull, or P in the meeting" in flags["stale"]
