"""Typed queries: a value by id, a KPI by the name people read, an objective's key results,
the active ranking — over a transaction (its pending changes seen) or a checked store."""

import pytest

from core import board, queries
from core.commands import okrs
from core.errors import CadenceError, ValidationError
from core.model import Kpi
from core.store import Store
from tests.helpers import TODAY


@pytest.fixture
def store(demo_db) -> Store:
    found = Store(demo_db)
    found.check()
    return found


def kpi_named(store: Store, name: str) -> Kpi:
    return next(k for k in store.records(Kpi) if k.name == name)


def test_a_value_by_its_id_or_the_one_line_error(store):
    cart = kpi_named(store, "Cart abandonment")
    assert queries.kpi(store, cart.id) == cart
    assert queries.kpi(store, f" {cart.id.upper()} ") == cart          # as people type it
    for ask, ident, message in [(queries.kpi, "o1", "no kpi with id 'o1'"),
                                (queries.kpi, "k999", "no kpi with id 'k999'"),
                                (queries.objective, "", "no objective with id ''"),
                                (queries.key_result, "kr999", "no key result with id 'kr999'"),
                                (queries.action, "a999", "no action with id 'a999'"),
                                (queries.meeting, None, "no meeting with id None")]:
        with pytest.raises(CadenceError, match=f"^{message}$"):
            ask(store, ident)


@pytest.mark.parametrize("ref", ["Cart abandonment", "cart  ABANDONMENT", "Ｃａｒｔ abandonment",
                                 "Cart aband\u200bonment", " k2 "])
def test_a_kpi_by_the_name_people_read_or_its_id(store, ref):
    assert queries.kpi_by_name(store, ref).name == "Cart abandonment"


def test_a_kpi_name_nobody_has_is_a_field_error(store):
    with pytest.raises(ValidationError, match="kpi: no KPI named 'Revenue' \\(nor with"):
        queries.kpi_by_name(store, "Revenue")
    with pytest.raises(ValidationError, match="kpi: must not be empty"):
        queries.kpi_by_name(store, "  ")


def test_key_results_of_an_objective_in_their_order_pending_changes_included(store):
    support = queries.active_ranking(store)[0]
    assert [kr.title for kr in queries.key_results_of(store, support.id)] == \
        ["CSAT", "First response time", "First-contact resolution"]
    with store.transaction("test") as tx:
        first = queries.key_results_of(tx, support.id)[0]
        tx.put("key_results", first.key, first.evolve(position=9).to_doc())
        added = okrs.add_key_result(tx, support.id, title="Reopened tickets", start=10.0,
                                    target=5.0)
        assert [kr.title for kr in queries.key_results_of(tx, support.id)] == \
            ["First response time", "First-contact resolution", "Reopened tickets", "CSAT"]
        assert added.position == 3


def test_the_active_ranking_is_by_priority_and_leaves_retired_ones_out(store):
    ranking = queries.active_ranking(store)
    assert [o.priority for o in ranking] == [1, 2, 3, 4]
    with store.transaction("test") as tx:
        okrs.retire(tx, {ranking[1].id: "done"}, TODAY)
        okrs.move(tx, ranking[3].id, up=True)
        assert [o.id for o in queries.active_ranking(tx)] == \
            [ranking[0].id, ranking[3].id, ranking[2].id]
        assert queries.active_titled(tx, ranking[1].title.upper()) is None   # retired
        assert queries.active_titled(tx, ranking[2].title.lower()).id == ranking[2].id


def test_an_objectives_view_and_a_kpis_latest_value_are_the_read_models(store):
    shown = board.load(store, TODAY)
    for view in shown.active:
        found = queries.objective_view(store, view.objective, TODAY)
        assert (found.score, [k.current for k in found.krs]) == \
            (view.score, [k.current for k in view.krs])
    for health in shown.kpis:
        assert queries.kpi_latest(store, health.kpi.id, TODAY) == health.latest


def test_a_link_names_a_kpi_an_objective_or_a_key_result(store):
    for ident in ("k1", "o1", "kr1"):
        assert queries.link_target(store, ident) == ident
    for ident in ("a1", "m1", "k999", "nonsense"):
        with pytest.raises(CadenceError, match="link: no KPI, objective or key result"):
            queries.link_target(store, ident)
