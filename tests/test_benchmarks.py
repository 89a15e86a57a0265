"""The benchmark suite runs (on the small store, once each), so it never rots. Speed itself is
never asserted here: `python -m benchmarks` measures it against floors."""

from benchmarks import figures, stores
from tests.app_helpers import TODAY


def test_every_figure_runs_on_the_small_store(tmp_path):
    store = stores.build("S", tmp_path, TODAY)
    results = [*figures.launch(store, TODAY, "S", repeat=1, goal=1.3),
               figures.open_store(store, "S", repeat=1),
               figures.read_model(store, "S", TODAY, repeat=1),
               figures.durable_action(store, "S", repeat=1),
               figures.status_json(store, "S", TODAY, repeat=1),
               figures.import_rows(store, "S", TODAY, rows=2000, repeat=2),
               figures.minutes_of_a_big_meeting(store, "S", actions=20)]
    assert [r.figure for r in results][:2] == ["launch to first screen",
                                               "key to frame: stage switch p50"]
    assert all(r.value > 0 for r in results)
    assert all(r.floor is None or r.floor > 0 for r in results)


def test_a_synthetic_store_has_the_size_it_says(tmp_path, monkeypatch):
    monkeypatch.setitem(stores.SIZES, "M", (5, 10, 2, 7))
    from core.store import Store
    store = Store(stores.build("M", tmp_path, TODAY))
    assert len(store.docs("kpis")) == 5
    assert [len(values) for values in store.docs("series").values()] == [10] * 5
    assert len(store.docs("objectives")) == 2 and len(store.docs("actions")) == 7
