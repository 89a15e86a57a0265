"""The flows of a facilitator's meeting that span dialogs, each written as the person goes
through it, awaiting each dialog (they run as workers): the scorecard's walk, and the minutes'
preview, export and delivery."""

from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import CadenceError
from core.storage import Stamp, current_stamp

if TYPE_CHECKING:
    from core.delivery import Outcome
    from core.delivery.settings import Settings
    from core.sources.pull import PullReport
    from tui.controller import Controller, Facilitating


async def fill_scorecard(meeting: "Facilitating") -> None:
    """One measurement form after another, for every KPI still missing its latest value;
    escape stops the walk. Keys typed after one form's enter go to the next, in order, as
    those typed after `M` go to the first (tui/forms/typeahead.py: the walk's key holds
    them); what is left when the walk ends goes to the meeting."""
    from tui.forms import typeahead
    try:
        await _walk_scorecard(meeting)
    finally:
        typeahead.release(meeting.ui.app)


async def _walk_scorecard(meeting: "Facilitating") -> None:
    from tui.forms.meeting_forms import measurement_form
    todo = meeting.board().to_fill()
    if not todo:
        meeting.ui.notify("The scorecard is full: every KPI has its latest value.")
        return
    filled = 0
    for index, health in enumerate(todo):
        form = measurement_form(meeting.session, health, f"scorecard-{index}",
                                chained=index < len(todo) - 1, walk=(index + 1, len(todo)))
        if await meeting.ask(form) is None:
            break
        filled += 1
    meeting.ui.refill()
    meeting.ui.notify(f"Scorecard: {filled} value{'s' * (filled != 1)} recorded, "
                      f"{len(meeting.board().to_fill())} still missing.")


async def show_minutes(meeting: "Controller") -> bool:
    """The meeting's minutes as they stand, in a preview; True when `e` was pressed there."""
    from core import minutes
    from core.minutes_md import render
    from tui.screens.minutes_preview import MinutesPreview
    try:
        found = minutes.build(meeting.store, meeting.meeting_id, meeting.scope)
    except CadenceError as exc:
        meeting.ui.notify(str(exc), severity="warning")
        return False
    return bool(await meeting.ask(MinutesPreview(render(found))))


class Minutes:
    """The minutes as the meeting exports them: beside the store, replacing a file this
    meeting did not write only when the facilitator says so."""

    def __init__(self, meeting: "Facilitating"):
        self.meeting = meeting
        self._exported_at: int | None = None    # the event count when last exported
        self._exported: Stamp = None            # the minutes file as last written

    def changed_since_export(self) -> bool:
        return self._exported_at != len(self.meeting.store.events())

    async def preview(self) -> None:
        """The minutes as they stand, with their stage times so far; `e` there exports."""
        try:
            self.meeting.save_clock()
        except CadenceError as exc:
            self.meeting.refused(exc)
            return
        if await show_minutes(self.meeting):
            await self.export_asking()

    def export(self) -> None:
        """`e`: the minutes beside the store, written at once (so `q` right after knows), or
        once the facilitator says so when a file this meeting did not write is there; then
        the offer to send them, when the user config says where."""
        path = self._minutes_path()
        if path is not None and self._foreign(path):
            self.meeting.ui.run_worker(self.export_asking())
        elif path is not None and self._write_minutes() is not None:
            self.meeting.ui.run_worker(self.offer_delivery())

    async def export_asking(self, quitting: bool = False) -> bool:
        """The minutes written, asking first before a file this meeting did not write is
        replaced; `quitting`: the meeting ended first. True when they were written."""
        path = self._minutes_path()
        if path is None:
            return False
        if self._foreign(path):
            from tui.screens.confirm import ConfirmScreen
            if not await self.meeting.ask(ConfirmScreen(
                    "Replace the minutes file?", f"{path} is already there; this meeting did "
                    "not write it.", yes="replace it", no="keep it")):
                self.meeting.ui.notify(f"Minutes not written: {path} was kept as it is.")
                return False
        if quitting and not self.meeting.end_before_quitting():
            return False
        written = self._write_minutes()
        if written is not None and quitting:      # the toast goes with the app: said after it
            self.meeting.ui.app.after_exit.append(written_words(written))
        if written is not None:
            await self.offer_delivery(quitting)
        return written is not None

    async def offer_delivery(self, quitting: bool = False) -> None:
        """Once the minutes are written: when the user config's [delivery] names recipients
        or webhooks, ask whether to send them, and send them in a thread while the meeting
        goes on; say how it went (after the app, when quitting)."""
        import asyncio

        from core.delivery import settings
        from tui.screens.confirm import ConfirmScreen
        try:
            config = settings.load(required=False)
        except CadenceError as exc:
            self.meeting.ui.notify(f"Minutes not sent: {exc}", severity="warning", timeout=10)
            return
        if not config.offers:
            return
        targets = ", ".join([*config.mail_to, *(f"chat {name}" for name in config.post_to)])
        if not await self.meeting.ask(ConfirmScreen(
                "Send the minutes?", f"To {targets} (the user config: {config.path}).",
                yes="send them", no="not now")):
            return
        self.meeting.ui.notify("Sending the minutes…")
        scope = self.meeting.scope                  # a roll-up's: its file, read again
        outcome = await asyncio.to_thread(_deliver, self.meeting.store.path,
                                          self.meeting.session.meeting, config,
                                          scope.review.rollup.path if scope else None)
        said = [(f"Minutes {done}", "information") for done in outcome.done]
        said += [(f"Minutes not sent: {failed}", "error") for failed in outcome.failed]
        for line, severity in said:
            if quitting:
                self.meeting.ui.app.after_exit.append(line)
            else:
                self.meeting.ui.notify(line, severity=severity, timeout=10)

    def _minutes_path(self) -> Path | None:
        """Where the minutes go, once the stage times so far are saved (which writes a
        planned meeting's start); None when that was refused (and said why)."""
        from core import minutes
        try:
            self.meeting.save_clock()
            return minutes.export_file(self.meeting.store, self.meeting.session.meeting)
        except CadenceError as exc:
            self.meeting.refused(exc)
            return None

    def _foreign(self, path: Path) -> bool:
        return path.exists() and current_stamp(path) != self._exported

    def _write_minutes(self) -> Path | None:
        """The minutes written, Markdown and HTML side by side; the Markdown file's path, or
        None (and why said)."""
        from core import minutes_html
        try:
            written = minutes_html.export(self.meeting.store, self.meeting.session.meeting,
                                          self.meeting.scope)
        except (CadenceError, OSError) as exc:
            self.meeting.refused(exc)
            return None
        self._exported_at = len(self.meeting.store.events())
        self._exported = current_stamp(written)
        self.meeting.ui.refill()
        self.meeting.ui.notify(written_words(written))
        return written


def _deliver(path: Path, meeting: str | None, config: "Settings",
             rollup_file: Path | None = None) -> "Outcome":
    """The minutes sent where the user config's [delivery] says, from a Store of this
    thread's own (as `_pull`); a roll-up's (`rollup_file`) with its teams' stores."""
    from core import minutes
    from core.delivery import deliver
    from core.store import Store
    scope = None
    if rollup_file is not None:
        from core import rollup
        review = rollup.Review(rollup_file)
        store, scope = review.own, rollup.MinutesScope(review)
    else:
        store = Store(path)
    return deliver(store, minutes.build(store, meeting, scope), list(config.mail_to),
                   list(config.post_to), scope)


async def pull_now(meeting: "Facilitating") -> None:
    """`P`: the KPIs with a source or a formula pulled now, in a thread of its own while the
    meeting goes on (keys, clock, followers). The pull writes through a Store of its own, as
    `cadence pull` from another terminal would (the store's lock orders it with the meeting's
    writes); the app picks the new values up as it does any other process's, then says what
    came in and, one line per KPI, what failed."""
    import asyncio

    from core.sources import pull        # the sources load on the first pull, not at launch
    if meeting.pulling:
        meeting.ui.notify("A pull is already running; its values appear when it ends.")
        return
    meeting.pulling = True
    meeting.ui.notify("Pulling the KPIs that have a source or a formula…")
    try:
        report = await asyncio.to_thread(_pull, meeting.store.path)
    except (CadenceError, OSError) as exc:
        meeting.refused(exc)
        return
    finally:
        meeting.pulling = False
    await meeting.tick()
    meeting.ui.refill(force=True)
    meeting.ui.notify(pull.said(report))
    for outcome in report.failed:
        meeting.ui.notify(f"Not pulled: {outcome.kpi}: {outcome.error}", severity="error",
                          timeout=10)


def _pull(path: Path) -> "PullReport":
    from core import clock
    from core.sources import pull
    from core.store import Store
    return pull.run(Store(path), (), clock.today())


def written_words(written: object) -> str:
    """Where the export went: the Markdown file, and the HTML page beside it (same name)."""
    return f"Minutes written to {written} (and its .html)"
