"""The read model says what a refresh found: the store changed (here or by another process),
the day moved on, a problem appeared or cleared; the last good board stays meanwhile."""

import json
from datetime import date, timedelta

import pytest

from core.commands import actions
from core.errors import StoreError
from core.read_model import Changed, ReadModel
from core.store import Store
from tests.helpers import TODAY


class Today:
    """The read model's today, moved by the test."""

    def __init__(self, day: date):
        self.day = day

    def __call__(self) -> date:
        return self.day


def model_of(db, today: Today | None = None) -> ReadModel:
    return ReadModel(Store(db), today=today or Today(TODAY))


def decide_elsewhere(db, text: str) -> None:
    """Another process records a decision in the store."""
    with Store(db).transaction("decision") as tx:
        actions.record(tx, "decision", text, "Ann", None, None, TODAY)


def test_the_first_refresh_loads_and_the_next_finds_nothing_new(demo_db):
    model = model_of(demo_db)
    assert model.refresh() == Changed(store=True)
    assert model.board.today == TODAY and model.problem is None
    assert model.refresh() == Changed() and not model.refresh().any


def test_a_write_by_another_process_is_a_changed_store(demo_db):
    model = model_of(demo_db)
    model.refresh()
    shown = model.board
    decide_elsewhere(demo_db, "Freeze the checkout")
    assert model.refresh() == Changed(store=True)
    assert model.board is not shown and model.board.actions[0].text == "Freeze the checkout"


def test_a_new_day_rebuilds_the_board_as_of_that_day(demo_db):
    today = Today(TODAY)
    model = model_of(demo_db, today)
    model.refresh()
    today.day = TODAY + timedelta(days=1)
    assert model.refresh() == Changed(day=True)
    assert model.board.today == today.day


def test_a_broken_document_keeps_the_last_good_board_until_it_is_fixed(demo_db):
    model = model_of(demo_db)
    model.refresh()
    good_board, good = model.board, demo_db.read_text()
    data = json.loads(good)
    data["kpis"]["1"]["target"] = "lots"                  # a hand edit breaks one document
    demo_db.write_text(json.dumps(data))
    assert model.refresh() == Changed(problem=True)
    assert "kpis document 1 is malformed" in model.problem and model.board is good_board
    assert model.refresh() == Changed()                   # still broken: nothing new to say
    demo_db.write_text(good)
    assert model.refresh() == Changed(store=True, problem=True)
    assert model.problem is None


def test_with_no_good_board_yet_the_problem_is_raised(demo_db):
    data = json.loads(demo_db.read_text())
    data["kpis"]["1"]["target"] = "lots"
    demo_db.write_text(json.dumps(data))
    with pytest.raises(StoreError, match="kpis document 1 is malformed"):
        model_of(demo_db).refresh()


def test_a_board_given_by_the_caller_is_used_until_something_changes(demo_db):
    from core import board
    store = Store(demo_db)
    loaded = board.load(store, TODAY)
    model = ReadModel(store, loaded, today=Today(TODAY))
    assert model.refresh() == Changed() and model.board is loaded
