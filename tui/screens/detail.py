"""`enter`: everything about the selected row — a KPI, a key result or an action."""

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from core import compare, fmt, follow_through, okr, words
from core.board import Board
from core.health import Health
from core.model import Action, Issue
from core.periods import period_label
from tui import text
from tui.widgets.kpi_chart import KpiChart
from tui.widgets.scorecard_grid import ScorecardGrid


def facts(rows: list[tuple[str, Text | str]]) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for label, value in rows:
        table.add_row(text.plain(label), value if isinstance(value, Text) else text.plain(value))
    return table


def kpi_facts(h: Health, board: Board | None = None) -> Group:
    k = h.kpi
    rows = [("band", text.band(h.band)), ("latest", fmt.value(h.latest, k.unit)),
            ("target", f"{fmt.value(k.target, k.unit)} ({k.direction} is better)"),
            ("threshold", fmt.value(k.threshold, k.unit)), ("cadence", k.cadence),
            ("owner", k.owner), ("area", k.area or "—"), ("about", k.description or "—")]
    if h.limits:
        rows.append(("process limits", f"{fmt.value(h.limits.lower, k.unit)} – "
                                       f"{fmt.value(h.limits.upper, k.unit)}"
                                       + process_note(h)))
    elif h.phase:
        rows.append(("process limits", "none yet" + process_note(h)))
    rows += [(f"⚑ {f.name}", f.reason) for f in h.flags]
    if board is not None and (standing := board.explanation(k.id)) is not None:
        rows.append(("✎ owner's word", standing.line))
    rows += follow_through_rows(h, board)
    rows += comparison_rows(h)
    if k.formula.strip() or k.source:
        rows.append(("numbers from", source_line(k)))
    recent = h.series.recent(6)
    rows += [(period_label(m.period, k.cadence), value_line(h, m, board)) for m in
             reversed(recent)] or [("last values", "—")]
    return Group(facts(rows))


def follow_through_rows(h: Health, board: Board | None) -> list[tuple[str, Text | str]]:
    """Did its past interventions work: the count, then each with its verdict and reason."""
    found = board.past_interventions(h.kpi.id) if board else []
    if not found:
        return []
    rows: list[tuple[str, Text | str]] = [
        ("follow-through", words.follow_through(len(found), follow_through.recovered(found)))]
    return rows + [(words.FOLLOW_THROUGH_LABEL[f.verdict],
                    text.join(text.plain(f.action.text, "bold"), text.plain(f.reason)))
                   for f in found]


def process_note(h: Health) -> str:
    """After a marked process change: where the limits restart, and whether they are locked."""
    if h.phase is None:
        return ""
    since = period_label(h.phase, h.kpi.cadence)
    return f" ({'locked' if h.locked else 'from the values'} since the process change in {since})"


def comparison_rows(h: Health) -> list[tuple[str, str]]:
    """The weekly business review's comparisons (core/compare.py), computed for this KPI only
    as its detail opens."""
    k = h.kpi
    found = compare.compare(k, h.series)
    if found.previous is None or found.year_ago is None:
        return []
    return [("vs previous", compare.delta_phrase(k, found.previous)),
            ("vs a year earlier", compare.delta_phrase(k, found.year_ago)),
            ("trailing means", ", ".join(compare.trailing_phrase(k, t)
                                         for t in found.trailing))]


def source_line(k) -> str:
    if k.formula.strip():
        return f"formula: {k.formula}"
    return f"{k.source} from {k.connection}: {k.query}" if k.connection else \
        f"{k.source}: {k.query}"


def value_line(h: Health, m, board: Board | None) -> str:
    """A value and where it came from (pulled, typed in a meeting, typed or imported)."""
    found = h.series.provenance(m.period)
    meeting = board.by_id.get(found.meeting or "") if board and found else None
    said = words.origin(found.kind, found.connection, found.pulled_at,
                        getattr(meeting, "title", "")) if found else ""
    return f"{fmt.value(m.value, h.kpi.unit)}  {said}" + (f" · {m.note}" if m.note else "")


def kr_facts(view: okr.KrView, board: Board) -> Group:
    kr = view.kr
    objective = board.by_id[kr.objective].objective
    rows = [("objective", objective.title), ("progress", text.bar(view.progress)),
            ("start → now → target", " → ".join(fmt.value(v, kr.unit)
                                                for v in (kr.start, view.current, kr.target))),
            ("confidence", text.confidence(kr.confidence)),
            ("pace", words.pace(view.behind)),
            ("KPI", board.name_of(kr.kpi) or "—")]
    if (found := board.forecasts.get(kr.id)) is not None:
        rows.append(("forecast", text.forecast(found, kr.unit)))
    for c in reversed(view.checkins[-8:]):
        moved = f"{fmt.value(c.previous, kr.unit)} → {fmt.value(c.value, kr.unit)}"
        rows.append((f"check-in {c.day}", f"{moved}, {c.confidence.replace('_', ' ')}"
                     + (f": {c.note}" if c.note else "")))
    return Group(facts(rows))


def action_facts(a: Action, board: Board) -> Group:
    meeting = board.by_id.get(a.meeting)
    return Group(facts([("kind", a.kind), ("text", a.text), ("owner", a.owner),
                        ("due", words.due(a.due.isoformat() if a.due else None,
                                          board.is_overdue(a))), ("status", a.status),
                        ("about", board.name_of(a.link) or "—"),
                        ("recorded", getattr(meeting, "title", "") or str(a.created))]))


def issue_facts(i: Issue, board: Board) -> Group:
    raised = board.by_id.get(i.meeting or "")
    solved_into = [board.get(ident, Action) for ident in i.actions]
    return Group(facts([("title", i.title), ("raised by", i.raised_by),
                        ("raised in", getattr(raised, "title", "") or str(i.created)),
                        ("about", board.name_of(i.link) or "—"), ("status", i.status),
                        ("rank", f"#{i.rank}" if i.rank else "—"),
                        *(("solved into", f"{a.kind}: {a.text} — {a.owner}")
                           for a in solved_into if a)]))


class DetailScreen(ModalScreen[None]):
    """No fixed id: one detail can still be closing (its removal runs after the pop) while the
    next opens, as when a follower mirrors a facilitator flicking from row to row, and two
    screens with one id crash the app (DuplicateIds)."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, board: Board, ident: str):
        super().__init__()
        self.board = board
        self.item = board.by_id[ident]

    @classmethod
    def show(cls, app, board: Board, ident: str | None, closed) -> str | None:
        """Show the detail of `ident` (None: no detail) instead of one on top of the stack;
        returns the row whose detail is now shown. A detail under another screen (the help)
        stays, and no other opens over it until it closes."""
        if isinstance(app.screen, cls):
            app.pop_screen()
        if ident not in board.by_id or any(isinstance(s, cls) for s in app.screen_stack):
            return None
        app.push_screen(cls(board, ident), closed)
        return ident

    def compose(self) -> ComposeResult:
        item = self.item
        with VerticalScroll(classes="dialog"):
            if isinstance(item, Health):
                yield Label(text.plain(item.kpi.name), classes="form-title")
                yield Static(kpi_facts(item, self.board))
                yield Static(ScorecardGrid(compare.grid(item.kpi, item.series), item.kpi.unit),
                             id="detail-grid")
                chart = KpiChart(id="detail-chart")
                chart.health = item          # drawn once mounted; nothing to look up later
                yield chart
            elif isinstance(item, okr.KrView):
                yield Label(text.plain(item.kr.title), classes="form-title")
                yield Static(kr_facts(item, self.board))
            elif isinstance(item, Issue):
                yield Label(text.plain(f"Issue #{item.rank}" if item.rank else "Issue"),
                            classes="form-title")
                yield Static(issue_facts(item, self.board))
            else:
                yield Label(text.plain(item.kind.capitalize()), classes="form-title")
                yield Static(action_facts(item, self.board))
            yield Static(Text("escape closes", style="dim"), classes="form-hint")

    def on_mount(self) -> None:
        # A query, not query_one: a follower's detail can be popped before it has mounted.
        self.query(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
