"""Each built-in agenda end to end in a real terminal (tmux, 80x24): opened with `--agenda`,
every stage walked with `n` (the header `N/M Name` at each), a decision recorded, the meeting
ended with `q`, then `cadence minutes` names the agenda. And the picker, asked when the team
keeps an agenda of its own."""


import pytest

from core import agendas
from core.events import EventKind
from core.store import Store
from tests.helpers import load, run_cli, write_demo
from tests.terminal.tmux import Terminal


def titles(name: str) -> list[str]:
    template = next(t for t in agendas.BUILTIN if t.name == name)
    return [s.name for s in template.planned()]




def decide(term: Terminal, what: str) -> None:
    term.keys("d")
    term.wait_for("Record a decision or action")
    term.type(what)
    term.keys("Tab")
    term.type("Noor")
    term.keys("Enter")


@pytest.mark.parametrize("name", [t.name for t in agendas.BUILTIN])
def test_each_builtin_agenda_runs_end_to_end(db, name):
    write_demo(db)
    stages = titles(name)
    term = Terminal.cadence(db, "--agenda", name, size=(80, 24))
    try:
        term.wait_for(f"1/{len(stages)} {stages[0]}")
        for number, title in enumerate(stages[1:], start=2):
            term.keys("n")
            term.wait_for(f"{number}/{len(stages)} {title}")
        decide(term, f"Keep the {name} rhythm")
        term.wait_for("Recorded; see Decisions")
        term.quit()
    finally:
        term.close()
    decision = load(db).actions[0]
    assert (decision.text, decision.owner) == (f"Keep the {name} rhythm", "Noor")
    shown = run_cli("minutes", db=db)
    title = next(t.title for t in agendas.BUILTIN if t.name == name)
    assert shown.returncode == 0
    assert f"- **Agenda:** {name} ({title})\n" in shown.stdout
    assert f"Keep the {name} rhythm" in shown.stdout
    assert all(f"| {stage} |" in shown.stdout for stage in stages)     # time per stage


def test_the_picker_is_asked_and_enter_runs_the_weekly(db):
    write_demo(db)
    with Store(db).transaction(EventKind.AGENDA_SAVE) as tx:
        agendas.add(tx, "Board prep", ["health", "okrs", "decisions"])
    term = Terminal.cadence(db, size=(80, 24))
    try:
        term.wait_for("Which agenda?")
        term.wait_for("Board prep")
        term.keys("Enter")
        term.wait_for("1/5 KPI health")
        term.keys("q")
        term.wait_for("End the meeting and quit?")
        term.keys("y")
    finally:
        term.close()


def test_the_quarterly_turn_in_a_real_terminal(db):
    write_demo(db)
    term = Terminal.cadence(db, "--agenda", "quarterly", size=(80, 24))
    try:
        term.wait_for("1/6 KPI health")
        term.keys("3")
        term.wait_for("Close 2026-Q4: 4 carry forward to 2027-Q1, 0 retire")
        term.keys("Space")
        term.wait_for("3 carry forward to 2027-Q1, 1 retire")
        term.keys("n")
        term.wait_for("4/6 Next cycle")
        term.keys("C")
        term.wait_for("Close the cycle 2026-Q4")
        term.keys("Enter")
        term.wait_for("2026-Q4 is closed.")
        term.quit()
    finally:
        term.close()
    assert sorted(v.objective.carried_from for v in load(db).active) == ["o2", "o3", "o4"]
    shown = run_cli("minutes", db=db).stdout
    assert "(carried forward from 2026-Q4 to 2027-Q1)" in shown
