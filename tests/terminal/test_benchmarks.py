"""The benchmark suite runs (on the small store, once each), so it never rots. Speed itself is
never asserted here: `python -m benchmarks` measures it against floors. (With the terminal's
tests: its figures run the app and its floor apps in pseudo-terminals, benchmarks/terminal.py.)"""

from textual.widgets import ContentSwitcher

from benchmarks import figures, floor_app, stores
from benchmarks.terminal import SCREEN
from tests.helpers import TODAY


def test_every_figure_runs_on_the_small_store(tmp_path):
    store = stores.build("S", tmp_path, TODAY)
    results = [*figures.launch(store, TODAY, "S", repeat=1, goal=1.3),
               figures.open_store(store, "S", repeat=1),
               figures.read_model(store, "S", TODAY, repeat=1),
               figures.durable_action(store, "S", repeat=1),
               figures.status_json(store, "S", TODAY, repeat=1),
               figures.import_rows(store, "S", TODAY, rows=2000, repeat=2),
               figures.minutes_of_a_big_meeting(store, "S", actions=20),
               figures.open_rollup(store, "S", teams=3, today=TODAY, repeat=1)]
    assert [r.figure for r in results][:6] == [
        "launch to first screen", "key to frame: stage switch p50",
        "key to frame: stage switch p95", "key to frame: cursor p50", "key to frame: cursor p95",
        "peak memory of the app"]
    assert results[-1].figure == "opening a roll-up of 3 stores (read + boards)"
    assert all(r.value > 0 for r in results)
    assert all(r.floor is None or r.floor > 0 for r in results)
    # Every key figure is a ratio to its own floor app, timed in the same run.
    keys = [r for r in results if r.figure.startswith("key to frame")]
    assert [r.goal for r in keys] == ["<= 1.5x", "<= 3x"] * 2
    assert all(r.floor and r.met == (r.ratio <= float(r.goal[3:-1])) for r in keys)


async def test_the_stage_switch_floor_shows_the_other_view_and_gives_it_the_keys():
    app = floor_app.SwitchFloor(rows=12)
    async with app.run_test(size=SCREEN) as pilot:
        switcher = app.query_one(ContentSwitcher)
        for key, view in (("2", "view-2"), ("1", "view-1"), ("2", "view-2")):
            await pilot.press(key)
            assert switcher.current == view and app.focused.id == view
        lines = str(app.query_one("#view-2", floor_app.View).content).splitlines()
        assert len(lines) == 13 and "Metric 11 of view 2" in lines[-1]      # header + 12 rows


async def test_the_cursor_floor_moves_a_table_cursor_with_j_and_k():
    app = floor_app.CursorFloor(rows=12)
    async with app.run_test(size=SCREEN) as pilot:
        table = app.query_one(floor_app.Table)
        assert table.row_count == 12 and len(table.columns) == len(floor_app.COLUMNS)
        for key, row in (("j", 1), ("j", 2), ("k", 1)):
            await pilot.press(key)
            assert table.cursor_row == row


def test_a_synthetic_store_has_the_size_it_says(tmp_path, monkeypatch):
    monkeypatch.setitem(stores.SIZES, "M", (5, 10, 2, 7))
    from core.store import Store
    store = Store(stores.build("M", tmp_path, TODAY))
    assert len(store.docs("kpis")) == 5
    assert [len(values) for values in store.docs("series").values()] == [10] * 5
    assert len(store.docs("objectives")) == 2 and len(store.docs("actions")) == 7
