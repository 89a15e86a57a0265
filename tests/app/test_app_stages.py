"""The meeting app, driven with keys: every stage, every key, each change in the store and on
screen, and undo after each kind of change."""

from datetime import timedelta

import pytest

from core import stages
from core.store import Store
from tests.app.helpers import (FrozenTime, every_page, key_bar_text, kpi_id, kpi_row, make_app,
                               notified, run, screen_text, select_row, table_text, type_text,
                               widget_text)
from tests.helpers import TODAY, load
from tui.keys import DECK, KEYS, SHELL, WIDGET_KEYS
from tui.screens.detail import DetailScreen

# The contract's stages, in order.
WEEKLY_REVIEW = ("KPI health", "Flagged", "OKR check-ins", "Decisions", "Wrap-up")


def this_meeting(db):
    return max(load(db).meetings, key=lambda m: m.key)


async def test_opens_on_kpi_health_and_starts_a_meeting(demo_db):
    """The meeting starts as the app opens; it is written with its first change
    (tests/app/test_meeting_flow.py: opening and closing adds no meeting)."""
    app = make_app(demo_db, attendees=("Noor", "Dana"))
    async with run(app, (120, 36)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "1/5 KPI health" in text and "Operating review 2026-11-22" in text
        assert "● ok 2" in text and "✖ off 5" in text and "· no data 1" in text
        assert app.screen.view.table.row_count == 10
        assert "★ Monthly recurring revenue" in str(app.screen.view.table.get_row_at(0)[1])
        await pilot.press("d", *"Go", "tab", *"Noor", "enter")
        meeting = this_meeting(demo_db)
        assert meeting.title == "Operating review 2026-11-22" and meeting.ended_at is None
        assert meeting.attendees == ("Noor", "Dana")
        await pilot.press("q", "y")
    assert this_meeting(demo_db).ended_at is not None


async def test_number_keys_next_and_previous_move_between_stages(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        for number, name in enumerate(WEEKLY_REVIEW, start=1):
            await pilot.press(str(number))
            assert f"{number}/5 {name}" in screen_text(app)
        await pilot.press("p")
        assert "4/5 Decisions" in screen_text(app)
        await pilot.press("n")
        await pilot.press("n")                      # the last stage stays the last
        assert "5/5 Wrap-up" in screen_text(app)
        await pilot.press("1", "p")
        assert "1/5 KPI health" in screen_text(app)


async def test_an_empty_store_opens_with_guidance_and_records_nothing(db):
    app = make_app(db)
    async with run(app, (80, 24)) as pilot:
        text = " ".join(screen_text(app).split())
        assert "cadence --db" in text and "import kpis kpis.csv" in text
        await pilot.press("q")
    assert not db.exists()


async def test_flagged_shows_only_flagged_kpis_with_reasons(demo_db):
    app = make_app(demo_db)
    async with run(app, (160, 50)) as pilot:
        await pilot.press("2")
        assert app.screen.view.table.row_count == 8
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        text = screen_text(app)
        assert "breach  26% > threshold 25% in 2026-W46" in text
        assert "A/B test a one-page checkout" in text           # its open intervention
        assert "process limits" in text                          # the chart's legend


async def test_intervention_is_recorded_shown_and_undone(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("2")
        await select_row(pilot, kpi_row(app, "On-time sprint delivery"))
        await pilot.press("i")
        assert app.screen.id == "intervention-form"
        assert app.focused.id == "f-text"
        await type_text(pilot, "Cut sprint scope by 20%")
        await pilot.press("tab")
        await type_text(pilot, "Sam Chen")
        await pilot.press("tab")
        await type_text(pilot, "+3d")
        await pilot.press("enter")
        action = load(demo_db).actions[0]
        assert (action.kind, action.text, action.owner) == ("intervention",
                                                             "Cut sprint scope by 20%", "Sam Chen")
        assert action.due == TODAY + timedelta(days=3)
        assert action.link == kpi_id(demo_db, "On-time sprint delivery")
        assert action.meeting == this_meeting(demo_db).id
        assert "▸ Cut sprint scope by 20%" in widget_text(app, "#interventions")
        assert "Intervention recorded on On-time sprint delivery." in notified(app)
        await pilot.press("u")
        assert "Cut sprint scope" not in [a.text for a in load(demo_db).actions]
        assert "Cut sprint scope" not in widget_text(app, "#interventions")
        assert "Undone: intervention: Cut sprint scope by 20% (Sam Chen)" in notified(app)


async def test_intervention_needs_a_flagged_kpi(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await select_row(pilot, kpi_row(app, "Uptime"))
        await pilot.press("i")
        assert app.screen.id == "meeting"
        assert "Uptime is not flagged" in notified(app)


async def test_measurement_replaces_the_latest_period_and_undo_restores(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        await pilot.press("m")
        assert app.focused.id == "f-value"
        assert app.screen.query_one("#f-period").value == "2026-W46"
        await type_text(pilot, "19.5")
        await pilot.press("enter")
        cart = next(h for h in load(demo_db).kpis if h.kpi.name == "Cart abandonment")
        assert cart.latest == 19.5 and "breach" not in cart.flag_names
        assert "19.5%" in screen_text(app)
        await pilot.press("u")
        cart = next(h for h in load(demo_db).kpis if h.kpi.name == "Cart abandonment")
        assert cart.latest == 26.0


async def test_check_in_moves_a_key_result_and_undo_moves_it_back(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("3")
        assert app.screen.view.selected == "kr1"              # the cursor skips the header
        await pilot.press("down", "j")
        assert app.screen.view.selected == "kr3"
        await pilot.press("c")
        assert app.focused.id == "f-value"
        await type_text(pilot, "80")
        await pilot.press("tab", "right", "tab")
        await type_text(pilot, "new macros")
        await pilot.press("enter")
        kr = load(demo_db).by_id["kr3"]
        assert kr.current == 80 and kr.kr.confidence == "at_risk"
        assert kr.checkins[-1].note == "new macros"
        assert "70% → 80% → 90%" in screen_text(app)
        await pilot.press("u")
        assert load(demo_db).by_id["kr3"].current == 77


async def test_check_in_of_a_kpi_linked_key_result_asks_no_value(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("3", "c")
        assert not app.screen.query("#f-value")
        assert app.focused.id == "f-note"                     # what is typed: the note
        assert app.screen.query_one("#f-confidence").value == "at_risk"   # its last one
        await pilot.press("shift+tab", "right", "enter")
        assert load(demo_db).by_id["kr1"].kr.confidence == "off_track"


async def test_raise_and_lower_priority_then_undo(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("3")
        await select_row(pilot, 5)                             # a key result of objective #2
        assert app.screen.view.selected == "kr4"
        await pilot.press("plus")
        assert [v.objective.id for v in load(demo_db).active][:2] == ["o2", "o1"]
        assert app.screen.view.selected == "kr4"               # the cursor follows it
        assert "#1" in str(app.screen.view.table.get_row_at(0)[0])
        assert "Turn more trial" in str(app.screen.view.table.get_row_at(0)[1])
        await pilot.press("minus", "minus")
        assert [v.objective.id for v in load(demo_db).active] == ["o1", "o3", "o2", "o4"]
        await pilot.press("u", "u", "u")
        assert [v.objective.id for v in load(demo_db).active] == ["o1", "o2", "o3", "o4"]


async def test_top_priority_cannot_go_higher(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.pause()                   # the meeting's start is written after frame one
        before = demo_db.read_bytes()
        await pilot.press("3", "plus")
        assert "already the top priority" in notified(app)
        assert demo_db.read_bytes() == before


async def test_retire_shows_the_final_score_and_undo_brings_it_back(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("3")
        await select_row(pilot, 9)                             # P1 bugs, objective #3
        await pilot.press("r")
        assert "Final score: 0.56" in screen_text(app)
        await type_text(pilot, "Quality is a habit now")
        await pilot.press("enter")
        retired = load(demo_db).by_id["o3"].objective
        assert retired.status == "retired" and retired.final_score == pytest.approx(0.5583, 1e-3)
        assert "Ship releases" not in table_text(app)
        assert [v.objective.priority for v in load(demo_db).active] == [1, 2, 3]
        await pilot.press("1")
        assert "Defect rate per release" in screen_text(app)   # its KPI stays
        await pilot.press("u")
        assert load(demo_db).by_id["o3"].objective.status == "active"


async def test_decision_from_any_stage_links_the_selection(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await select_row(pilot, kpi_row(app, "Customer churn"))
        await pilot.press("d")
        assert app.focused.id == "f-text"
        await type_text(pilot, "Add churn to the board pack")
        await pilot.press("tab")
        await type_text(pilot, "Ana")
        await pilot.press("enter")
        decision = load(demo_db).actions[0]
        assert (decision.kind, decision.owner) == ("decision", "Ana")
        assert decision.link == kpi_id(demo_db, "Customer churn")
        await pilot.press("4")
        text = screen_text(app)
        assert "Add churn to the board pack" in text and "Customer churn" in text
        await pilot.press("d")
        await type_text(pilot, "Hire a support lead")
        await pilot.press("tab")
        await type_text(pilot, "Lena")
        await pilot.press("tab", "tab", "right", "enter")      # kind: action
        assert load(demo_db).actions[0].kind == "action"
        await pilot.press("u", "u")
        assert [a.meeting for a in load(demo_db).actions].count(this_meeting(demo_db).id) == 0


async def test_objective_from_a_flagged_kpi_saves_after_the_owner(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("2")
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        await pilot.press("o")
        assert app.focused.id == "f-title"
        await type_text(pilot, "Fix checkout")
        await pilot.press("tab")
        await type_text(pilot, "Priya")
        await pilot.press("enter")
        view = next(v for v in load(demo_db).active if v.objective.title == "Fix checkout")
        kr = view.krs[0].kr
        cart = kpi_id(demo_db, "Cart abandonment")
        assert (kr.kpi, kr.start, kr.target, view.objective.priority) == (cart, 26, 20, 5)
        assert view.objective.cycle == "2026-Q4" and view.objective.kpis == (cart,)
        await pilot.press("3")
        assert "Fix checkout" in screen_text(app)
        await pilot.press("u")
        assert all(v.objective.title != "Fix checkout" for v in load(demo_db).objectives)


async def test_wrap_up_settles_carried_over_actions_and_edits_attendees(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("5")
        text = screen_text(app)
        assert "2 to settle" in text and "Draft a staffing plan" in text
        assert "KPI health" in text and "10 min" in text       # time per stage
        await pilot.press("v", "right", "enter")               # still open
        meeting = this_meeting(demo_db)
        assert list(meeting.verdicts.values()) == ["open"]
        assert "still open" in screen_text(app)
        await pilot.press("a")
        await type_text(pilot, "Noor, Dana, Sam")
        await pilot.press("enter")
        assert this_meeting(demo_db).attendees == ("Noor", "Dana", "Sam")
        assert "Noor, Dana, Sam" in screen_text(app)
        await pilot.press("u")
        assert this_meeting(demo_db).verdicts == {}


async def test_pause_skip_and_time_per_stage(demo_db):
    now = FrozenTime()
    app = make_app(demo_db, now=now)
    async with run(app, (120, 36)) as pilot:
        now.t += 11 * 60                                        # over the 10-minute timebox
        await pilot.press("t")
        assert "paused" in screen_text(app) and "11:00/10:00 over" in screen_text(app)
        now.t += 60
        await pilot.press("t", "s")                             # resume, skip KPI health
        assert "2/5 Flagged" in screen_text(app)
        now.t += 30
        await pilot.press("d", *"Go", "tab", *"Noor", "enter")   # so the meeting is kept
        await pilot.press("q", "y")
    stages = this_meeting(demo_db).stages
    assert (stages[0].spent_s, stages[0].skipped) == (660, True)
    assert stages[1].spent_s == 30


async def test_filter_narrows_the_list_and_escape_clears(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("slash")
        assert key_bar_text(app) == "⏎ Keep filter  esc Clear filter"
        await type_text(pilot, "support")
        assert app.screen.view.table.row_count == 2            # CSAT, first response (Support)
        await pilot.press("enter")
        assert app.screen.view.table.row_count == 2
        assert "? Help" in key_bar_text(app)                    # the meeting's keys are back
        await pilot.press("slash", "escape")
        assert app.screen.view.table.row_count == 10
        assert "Clear filter" not in key_bar_text(app)


async def test_enter_opens_the_detail_of_the_selected_row(demo_db):
    app = make_app(demo_db)
    async with run(app, (160, 50)) as pilot:
        await select_row(pilot, kpi_row(app, "On-time sprint delivery"))
        await pilot.press("enter")
        text = screen_text(app)
        assert isinstance(app.screen, DetailScreen)
        assert "⚑ drift" in text and "88% → 84% → 79% → 75%" in text
        await pilot.press("escape", "3", "enter")
        assert "check-in" in screen_text(app) and "objective" in screen_text(app)


async def test_help_lists_every_key(demo_db):
    app = make_app(demo_db)
    # Read page by page: the list is longer than any screen.
    async with run(app, (160, 80)) as pilot:
        await pilot.press("question_mark")
        text = await every_page(app, pilot, "#help")
        weekly = set(stages.WEEKLY)
        for key in KEYS:
            ours = key.stages in (SHELL, DECK) or key.stages & weekly   # this agenda's keys
            if ours and (key.name != "goto" or int(key.key) <= len(WEEKLY_REVIEW)):
                assert key.help[:30] in text, key
            elif not ours:                       # another agenda's stage's: not listed here
                assert key.help[:30] not in text, key
        for _, does in WIDGET_KEYS:
            assert does[:25] in text
        await pilot.press("escape")
        assert app.screen.id == "meeting"


async def test_command_palette_finds_stages_and_actions(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "Flagged")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "2/5 Flagged" in screen_text(app)


async def test_a_stages_key_pressed_elsewhere_says_where_it_works(demo_db):
    """Found by a facilitator's trial: B and x on the OKR stage did nothing and said nothing."""
    app = make_app(demo_db)
    async with run(app, (80, 24)) as pilot:
        await pilot.press("3", "B", "x", "v")
        told = notified(app)
        assert "B works on stages 1 KPI health, 2 Flagged (? lists every key)" in told
        assert "x works on stages 1 KPI health, 2 Flagged (? lists every key)" in told
        assert "v works on stage 5 Wrap-up (? lists every key)" in told
        assert app.screen.id == "meeting"
        await pilot.press("1", "B")                       # where it works, it works
        assert app.screen.id == "process-change-form"
        await pilot.press("escape", "4", "plus")          # a key two stages bind: the issues'
        assert "+ works on" not in notified(app)


async def test_quit_asks_first(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("q")
        assert "End the meeting and quit?" in screen_text(app)
        await pilot.press("n")
        assert app.screen.id == "meeting" and app.is_running
        await pilot.press("q", "enter")
    assert this_meeting(demo_db).ended_at is not None


async def test_footer_shows_the_keys_of_the_stage(demo_db):
    app = make_app(demo_db)
    async with run(app, (160, 50)) as pilot:
        await pilot.pause()                   # the footer fills in the frame after the first
        assert "Intervene" in screen_text(app) and "Check in" not in screen_text(app)
        await pilot.press("3")
        assert "Check in" in screen_text(app) and "Intervene" not in screen_text(app)
        await pilot.press("c")
        assert app.screen.id == "checkin-form"
        await pilot.press("escape", "2", "c")                  # c does nothing outside stage 3
        assert app.screen.id == "meeting"


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_layouts_keep_the_essentials(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        text = screen_text(app)
        assert "1/5 KPI health" in text and "stage 00:00/10:00" in text and "? Help" in text
        assert "Cart abandonment: 26% vs target 20%" in text and "breach" in text
        await pilot.press("2")
        assert app.screen.has_class("narrow") == (size[0] < 110)
        await pilot.press("3")
        row = next(line for line in screen_text(app).splitlines() if "Trial-to-activation" in line)
        assert "13%" in row and "off track" in row and "behind" in row


async def test_no_color_still_reads_bands_as_words(demo_db, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo_db)
    async with run(app, (120, 36)):
        text = screen_text(app)
        assert "✖ off" in text and "▲ watch" in text and "● ok" in text


async def test_a_form_refuses_bad_input_and_writes_nothing(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        before = Store(demo_db).path.read_bytes()
        await pilot.press("m")
        await type_text(pilot, "lots")
        await pilot.press("enter")
        assert "Value: 'lots' is not a number" in screen_text(app)
        assert app.screen.id == "measurement-form"
        await pilot.press("escape", "2", "i")
        await type_text(pilot, "Fix it")
        await pilot.press("enter")                              # no owner
        assert "Owner: must not be empty" in screen_text(app)
        assert app.focused.id == "f-owner"                     # the refusal is at its field
        await type_text(pilot, "Sam")
        await pilot.press("tab")
        await type_text(pilot, "next week")
        await pilot.press("enter")
        assert "Due: 'next week' is not a date" in screen_text(app)
        await pilot.press("escape")
        after = demo_db.read_bytes()
        assert len(after) > 0 and [a for a in load(demo_db).actions if a.text == "Fix it"] == []
        assert after.count(b'"kind": "intervention"') == before.count(b'"kind": "intervention"')


async def test_export_writes_the_minutes_and_shows_the_path(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.press("d")
        await type_text(pilot, "Ship the fix")
        await pilot.press("tab")
        await type_text(pilot, "Sam")
        await pilot.press("enter", "e")
        path = demo_db.parent / "minutes" / f"2026-11-22-{this_meeting(demo_db).id}.md"
        assert path.exists() and "Ship the fix" in path.read_text()
        assert f"Minutes written to {path}" in notified(app)


async def test_wrap_up_previews_and_rates(demo_db):
    app = make_app(demo_db, attendees=("Noor", "Dana"))
    async with run(app) as pilot:
        await pilot.press("5", "g")
        assert app.focused.id == "f-r0"
        await type_text(pilot, "11")
        await pilot.press("enter")
        assert "not a whole number from 1 to 10" in screen_text(app)
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "8")
        await pilot.press("tab")
        await type_text(pilot, "7")
        await pilot.press("enter")
        assert this_meeting(demo_db).ratings == {"Noor": 8, "Dana": 7}
        assert "rating 7.5 / 10" in screen_text(app)
        await pilot.press("w")
        assert app.screen.id == "minutes-preview"
        assert "Rating: 7.5 / 10" in screen_text(app)              # rendered Markdown
        await pilot.press("e")
        assert (demo_db.parent / "minutes").is_dir()


async def test_quit_offers_to_export_unexported_changes(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.press("d")
        await type_text(pilot, "Hire a support lead")
        await pilot.press("tab")
        await type_text(pilot, "Lena")
        await pilot.press("enter", "q")
        assert "not been exported since the last change" in screen_text(app)
        await pilot.press("e")
    meeting = this_meeting(demo_db)
    exported = (demo_db.parent / "minutes" / f"2026-11-22-{meeting.id}.md").read_text()
    assert "Hire a support lead" in exported and "in progress" not in exported
    assert meeting.ended_at is not None


async def test_quit_right_after_export_does_not_nag(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.press("e", "q")
        assert "not been exported" not in screen_text(app)
        await pilot.press("e")                                 # not offered: nothing happens
        assert app.screen.id == "confirm"
        await pilot.press("y")


async def test_markup_looking_text_renders_literally_everywhere(db, monkeypatch, write_csv):
    from core.imports import import_kpis, import_measurements, import_okrs
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    store = Store(db)
    import_kpis(store, write_csv("k.csv", "name,owner,unit,direction,target,threshold,cadence\n"
                                 "[bold]x[/,[red]Ann,[/],lower,20,25,weekly\n"
                                 "[/],Bo,%,higher,90,80,weekly\n"))
    import_measurements(store, write_csv("m.csv", "kpi,date,value\n[bold]x[/,2026-11-10,30\n"
                                         "[/],2026-11-10,70\n"), TODAY)
    import_okrs(store, write_csv("o.csv", "objective,key_result,start,target,kpi\n"
                                 "[b]Grow[/b],[@click=app.quit]q[/],1,2,\n"
                                 "[b]Grow[/b],Linked,30,20,[bold]x[/\n"), TODAY)
    app = make_app(db)
    async with run(app, (160, 50)) as pilot:
        text = screen_text(app)
        assert "[bold]x[/" in text and "[/]" in text and "30 [/]" in text
        await pilot.press("2")
        await select_row(pilot, kpi_row(app, "[bold]x[/"))
        assert "[bold]x[/" in screen_text(app) and "[red]Ann" in screen_text(app)
        await pilot.press("i")
        assert "On [bold]x[/" in screen_text(app)
        await type_text(pilot, "[@click=app.quit]boom[/]")
        await pilot.press("tab")
        await type_text(pilot, "[i]Eve")
        await pilot.press("enter")
        assert app.is_running
        assert "▸ [@click=app.quit]boom[/]" in widget_text(app, "#interventions")
        await pilot.press("3")
        assert "[b]Grow[/b]" in screen_text(app) and "[@click=app.quit]q[/]" in screen_text(app)
        await pilot.press("enter")
        assert "[b]Grow[/b]" in screen_text(app)
        await pilot.press("escape", "4")
        assert "[@click=app.quit]boom[/]" in screen_text(app) and "[i]Eve" in screen_text(app)
        await pilot.press("w")
        assert "[@click=app.quit]boom[/]" in screen_text(app).replace("\\", "")
        await pilot.press("escape")
        assert app.is_running


def _row_colours(app) -> set:
    table = app.screen.query_one("#stage-1").table
    return {segment.style.bgcolor for segment in table.render_line(2) if segment.style}


async def test_switching_stages_keeps_the_rows_and_a_new_theme_repaints_them(demo_db):
    """Stage tables keep their rendered cells across switches (a switch at 500 KPIs would
    otherwise re-render a screenful: tests/app/test_datatable_adapter.py), yet a change of theme
    still reaches every cell."""
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.press("2", "1", "2", "1")
        assert "Cart abandonment" in screen_text(app)
        before = _row_colours(app)
        app.theme = "textual-light"
        await pilot.pause()
        assert _row_colours(app) != before
        assert "Cart abandonment" in screen_text(app)


async def test_a_long_list_fills_past_the_first_screenful_and_keeps_the_cursor(db, write_csv):
    """Rows past the first screenful are added just after the frame (a stage of 1,000 KPIs
    shows at once); the cursor stays on its KPI across refills, and a newer fill drops the
    unadded rest of an older one."""
    from core.imports import import_kpis
    import_kpis(Store(db), write_csv("k.csv", "name,owner,unit,direction,target,threshold,"
                                     "cadence\n" + "".join(f"Metric {n:02d},Ann,%,higher,90,"
                                                           "80,weekly\n" for n in range(60))))
    app = make_app(db)
    async with run(app, (100, 24)) as pilot:
        await pilot.pause()
        table = app.screen.view.table
        assert table.row_count == 60
        table.move_cursor(row=59)
        last = table.selected
        assert app.controller.board().name_of(last) == "Metric 59"
        app.screen.refill(force=True)
        await pilot.pause()
        assert table.row_count == 60 and table.selected == last
        table.move_cursor(row=0)
        rows = [(h.kpi.id, ["x"] * 8) for h in app.controller.board().kpis]
        table.fill(rows)
        table.fill(rows[:5])                       # before the first fill's rest was added
        await pilot.pause()
        assert table.row_count == 5
