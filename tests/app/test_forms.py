"""Forms keep what was typed (issue 17), at 80x24 and at 160x50: the field a form opens on,
keys typed while it opens and in bursts, one rule for a refused value, values with their
unit, completion from the store, due dates, the facilitator, asking before archiving or
deleting, the cursor after undo, and what a decision is about."""

import pytest
from textual import events

from core.model import Meeting
from core.store import Store
from tests.app.helpers import (dialog_text, kpi_id, kpi_row, make_app, notified, run,
                               screen_text, select_row, type_text, until)
from tests.helpers import load

SIZES = [(80, 24), (160, 50)]


async def burst(pilot, *keys: str) -> None:
    """Keys queued in one go, as one read of a terminal delivers them: none is handled before
    the next arrives (Pilot.press waits for the app after each)."""
    for key in keys:
        character = {"enter": "\r", "tab": "\t", "space": " ", "backspace": "\x7f"}.get(
            key, key if len(key) == 1 else None)
        pilot.app.post_message(events.Key(key, character))
    await pilot.pause(0.3)


def field(app, name: str) -> str:
    return app.screen.query_one(f"#f-{name}").value


def error_at(app, name: str) -> str:
    return str(app.screen.query_one(f"#e-{name}").render())


def this_meeting(db) -> Meeting:
    return max(Store(db).records(Meeting), key=lambda m: m.key)


# --- the field a form opens on, and choices -------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_a_kpi_linked_check_in_opens_on_its_note_and_words_never_change_a_choice(
        demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("3", "c")                           # kr1: linked to CSAT
        assert app.focused.id == "f-note"
        await type_text(pilot, "Beta shipped")
        await pilot.press("shift+tab")                        # to the confidence, and words
        await type_text(pilot, "off track 2")                 # typed there change nothing
        assert field(app, "confidence") == "at_risk"
        await pilot.press("enter")
    checkin = load(demo_db).by_id["kr1"].checkins[-1]
    assert (checkin.note, checkin.confidence) == ("Beta shipped", "at_risk")


# --- keys in the order typed ----------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_keys_typed_while_a_form_opens_land_in_it_in_order(demo_db, size):
    """`E`, five tabs, ctrl+u, a number and enter in one burst: the KPI form opens on its
    name, the tabs take it to the threshold, ctrl+u clears it, the number is saved."""
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await burst(pilot, "E", *["tab"] * 5, "ctrl+u", *"400000", "enter")
        await until(pilot, lambda: app.screen.id == "meeting", timeout=5)  # a loaded machine
    mrr = load(demo_db).find_kpi("Monthly recurring revenue").kpi
    assert (mrr.threshold, mrr.owner, mrr.target) == (400000, "Dana Okafor", 500000)


@pytest.mark.parametrize("size", SIZES)
async def test_editing_keys_act_in_order_with_the_characters_around_them(demo_db, size):
    """"Shix<backspace>p" in one burst is "Ship": the backspace acts before the p arrives."""
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await burst(pilot, "d", *"Shix", "backspace", "p", "tab", *"Sam", "enter", "4")
        # the key after enter goes to the meeting
        await until(pilot, lambda: getattr(app.screen, "stage", None) == 4, timeout=5)
    decision = load(demo_db).actions[0]
    assert (decision.text, decision.owner) == ("Ship", "Sam")


@pytest.mark.parametrize("size", SIZES)
async def test_keys_typed_after_a_scorecard_enter_go_to_the_next_form(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await burst(pilot, "M", *"95", "enter", *"80", "enter")
        await pilot.pause(0.3)
        assert app.screen.id == "meeting"
        assert "Scorecard: 2 values recorded, 0 still missing." in notified(app)
    board = load(demo_db)
    assert (board.find_kpi("Net revenue retention").latest, board.find_kpi("CSAT").latest) == (
        95, 80)


# --- one rule for a refused value -------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_a_refused_value_is_selected_so_typing_replaces_it_in_every_form(demo_db, size):
    """'11' refused, then 6 typed: 6, not 116 — in the rating form (whose fields are named
    after people) as in the KPI-linked objective form (whose key-result fields are kr_*)."""
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("5", "a")
        await type_text(pilot, "Noor, Dana")
        await pilot.press("enter", "g")
        await type_text(pilot, "11")
        await pilot.press("enter")
        assert "Noor: '11' is not a whole number from 1 to 10" in error_at(app, "r0")
        assert app.focused.id == "f-r0"
        await type_text(pilot, "6")
        assert field(app, "r0") == "6"
        await pilot.press("enter")
        assert this_meeting(demo_db).ratings == {"Noor": 6}
        await pilot.press("2")
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        await pilot.press("o")
        await type_text(pilot, "Fix checkout")
        for _ in range(5):
            await pilot.press("tab")                          # the key result's target
        await type_text(pilot, "26")                          # = its start: refused
        await pilot.press("enter")
        assert "Target: equals start (26)" in error_at(app, "kr_target")
        assert app.focused.id == "f-kr_target"
        await type_text(pilot, "18")
        assert field(app, "kr_target") == "18"


@pytest.mark.parametrize("size", SIZES)
async def test_errors_name_the_forms_labels_never_internal_names(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("3", "N")
        for _ in range(4):
            await pilot.press("tab")
        await type_text(pilot, "Logos")
        await pilot.press("tab")
        await type_text(pilot, "1")
        await pilot.press("tab")
        await type_text(pilot, "5")
        await pilot.press("enter")                            # no title
        assert "✖ Objective: must not be empty" in error_at(app, "title")
        assert "objective ''" not in screen_text(app)
        assert app.focused.id == "f-title"
        await type_text(pilot, "Grow")
        for _ in range(8):
            await pilot.press("tab")
        await type_text(pilot, "Nope")
        await pilot.press("enter")
        assert "✖ Linked KPI: no KPI named 'Nope'" in error_at(app, "kr_kpi")
        assert "kr_kpi" not in screen_text(app)


# --- values with their unit -------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kpi, typed, value", [
    ("Cart abandonment", "19.5%", 19.5), ("Cart abandonment", "19.5 %", 19.5),
    ("Monthly recurring revenue", "$492,500", 492500),
    ("First response time", "52 min", 52), ("First response time", "41min", 41)])
async def test_a_value_typed_with_its_kpis_unit_is_understood(demo_db, size, kpi, typed, value):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await select_row(pilot, kpi_row(app, kpi))
        await pilot.press("m")
        await type_text(pilot, typed)
        await pilot.press("enter")
        assert app.screen.id == "meeting"
    assert load(demo_db).find_kpi(kpi).latest == value


@pytest.mark.parametrize("size", SIZES)
async def test_a_value_in_another_unit_is_refused_naming_the_expected_one(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await select_row(pilot, kpi_row(app, "First response time"))
        await pilot.press("m")
        await type_text(pilot, "52%")
        await pilot.press("enter")
        assert "Value: '52%' is not in min; write 52 or 52 min" in error_at(app, "value")
        await pilot.press("escape", "3", "j", "j", "c")      # kr3: First-contact resolution, %
        await type_text(pilot, "80 %")
        await pilot.press("enter")
    assert load(demo_db).by_id["kr3"].current == 80


# --- completion from the store ----------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_owner_and_kpi_fields_complete_from_the_store(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("d")
        await type_text(pilot, "Hire")
        await pilot.press("tab")
        await type_text(pilot, "lena")
        await pilot.pause()
        assert "lena Fischer" in screen_text(app)             # the rest, shown dimmed
        await pilot.press("right")                            # taken, as the store spells it
        assert field(app, "owner") == "Lena Fischer"
        await pilot.press("enter")
        assert load(demo_db).actions[0].owner == "Lena Fischer"
        await pilot.press("3", "A")
        for _ in range(4):
            await pilot.press("tab")
        await type_text(pilot, "csa")
        await pilot.pause()
        await pilot.press("right")
        assert field(app, "kr_kpi") == "CSAT"
        await pilot.press("escape", "N")
        for _ in range(3):
            await pilot.press("tab")
        await type_text(pilot, "Uptime, cust")
        await pilot.pause()
        await pilot.press("right")
        assert field(app, "kpis") == "Uptime, Customer churn"


# --- due dates and the facilitator ------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_a_due_date_shows_its_day_and_a_past_one_needs_a_second_enter(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("d")
        await type_text(pilot, "Ship it")
        await pilot.press("tab")
        await type_text(pilot, "Sam")
        await pilot.press("tab")
        for typed, shown in (("+3d", "→ Wed 2026-11-25"), ("fri", "→ Fri 2026-11-27"),
                             ("soon", "'soon' is not a date")):
            await pilot.press("ctrl+u")
            await type_text(pilot, typed)
            assert shown in str(app.screen.query_one("#p-due").render())
            assert shown in screen_text(app)
        await pilot.press("ctrl+u")
        await type_text(pilot, "2026-11-02")
        assert "in the past: enter again to keep it" in screen_text(app)
        await pilot.press("enter")
        assert app.screen.id == "decision-form" and load(demo_db).actions[0].text != "Ship it"
        await pilot.press("enter")
        assert app.screen.id == "meeting"
    decision = load(demo_db).actions[0]
    assert (decision.text, decision.due.isoformat()) == ("Ship it", "2026-11-02")


@pytest.mark.parametrize("size", SIZES)
async def test_the_facilitator_is_set_in_the_app(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("5", "a", "tab")
        assert app.focused.id == "f-facilitator"
        await type_text(pilot, "noor")
        await pilot.pause()
        await pilot.press("right", "enter")
    assert this_meeting(demo_db).facilitator == "Noor Haddad"


# --- asking first, and the cursor after undo ----------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_archiving_a_kpi_asks_first_and_undo_returns_to_its_row(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await select_row(pilot, kpi_row(app, "Uptime"))
        await pilot.press("X")
        assert "Archive Uptime?" in dialog_text(app)
        await pilot.press("n")
        assert load(demo_db).find_kpi("Uptime") is not None
        await pilot.press("X", "y")
        assert load(demo_db).find_kpi("Uptime") is None
        await select_row(pilot, 0)
        await pilot.press("u")
        assert app.screen.view.selected == kpi_id(demo_db, "Uptime")


@pytest.mark.parametrize("size", SIZES)
async def test_deleting_a_draft_asks_first_and_undo_returns_to_its_row(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("3", "N")
        await type_text(pilot, "Draft idea")
        for _ in range(4):
            await pilot.press("tab")
        await type_text(pilot, "Something")
        await pilot.press("tab")
        await type_text(pilot, "1")
        await pilot.press("tab")
        await type_text(pilot, "2")
        await pilot.press("enter")
        draft = next(v for v in load(demo_db).active if v.objective.title == "Draft idea")
        app.screen.view.table.select(draft.krs[0].kr.id)
        await pilot.press("X")
        assert "Delete the draft Draft idea?" in dialog_text(app)
        await pilot.press("escape")
        assert load(demo_db).by_id.get(draft.objective.id) is not None
        await pilot.press("X", "enter")
        assert load(demo_db).by_id.get(draft.objective.id) is None
        await select_row(pilot, 1)
        await pilot.press("u")
        assert app.screen.view.selected == draft.krs[0].kr.id


@pytest.mark.parametrize("size", SIZES)
async def test_undo_of_a_value_returns_to_its_kpi(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        await pilot.press("m")
        await type_text(pilot, "19")
        await pilot.press("enter")
        await select_row(pilot, 0)
        await pilot.press("u")
        assert app.screen.view.selected == kpi_id(demo_db, "Cart abandonment")


# --- what a decision is about -------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_a_decisions_about_is_shown_and_can_be_changed_before_saving(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await select_row(pilot, kpi_row(app, "Customer churn"))
        await pilot.press("d")
        assert field(app, "about") == "Customer churn"
        assert "Customer churn" in screen_text(app) and "About" in screen_text(app)
        await type_text(pilot, "Talk to churned accounts")
        await pilot.press("tab")
        await type_text(pilot, "Ana")
        await pilot.press("tab", "tab", "tab")               # due, kind, about
        assert app.focused.id == "f-about"
        await type_text(pilot, "Nope")
        await pilot.press("enter")
        assert "About: no KPI, active objective or key result named 'Nope'" in error_at(
            app, "about")
        await type_text(pilot, "csat")
        await pilot.press("enter")
        assert load(demo_db).actions[0].link == kpi_id(demo_db, "CSAT")
        await pilot.press("d")
        await type_text(pilot, "No link")
        await pilot.press("tab")
        await type_text(pilot, "Ana")
        await pilot.press("tab", "tab", "tab", "ctrl+u", "enter")
        assert load(demo_db).actions[0].link is None
        await pilot.press("3", "j", "d")           # kr2, titled like its KPI: it stays kr2
        assert field(app, "about") == "First response time"
        await type_text(pilot, "Keep it")
        await pilot.press("tab")
        await type_text(pilot, "Ana")
        await pilot.press("enter")
        assert load(demo_db).actions[0].link == "kr2"


async def test_a_key_arriving_as_the_app_closes_is_let_through(demo_db):
    """A signal closes the app while a burst of keys is still arriving: Textual has removed
    its screens, and the forms' gate, which every key passes, must not fail on that (it did:
    an app killed by SIGTERM mid-burst exited 2 instead of 143, once in a loaded CI run)."""
    app = make_app(demo_db)
    async with run(app, (80, 24)):
        stacks = app._screen_stacks                      # as Textual leaves them at shutdown
        app._screen_stacks = {app._current_mode: []}
        try:
            assert await app.key_gate.route(events.Key("2", "2")) is False
        finally:
            app._screen_stacks = stacks


async def test_a_stage_key_arriving_as_the_app_closes_changes_nothing(demo_db):
    """The same race for a stage switch: Textual has taken the meeting's widgets down when a
    `2` of the burst is handled, and mounting stage 2 then raised MountError (exit 2 instead of
    143, in a loaded CI run; the test's terminal scrollback showed it)."""
    from tui.widgets.stage_deck import StageDeck
    app = make_app(demo_db)
    async with run(app, (80, 24)):
        deck = app.screen.query_one(StageDeck)
    await deck.show(2)                           # the app has closed: nothing is mounted
    assert deck.number == 1
