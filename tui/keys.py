"""Every key of the meeting app, once: the bindings of the shell and of each stage view, the key
bar, the help screen, the command palette and what a follower may press all read this table,
so they can never disagree.

A key belongs to the shell (it works on every stage: `stages` empty), to the stage switcher
(`DECK`: moving between stages), or to the stage views named by id in `stages` (core's stage
registry), which bind it and carry its action.
"""

import msgspec
from textual.binding import Binding

from core.stages import REGISTRY

SHELL: frozenset[str] = frozenset()
DECK = frozenset({"deck"})        # moving between stages: the stage switcher's keys
EVERY_STAGE = frozenset(kind.id for kind in REGISTRY)   # on every stage's view
KPI_STAGES = frozenset({"health", "flagged"})
OKRS = frozenset({"okrs"})
WRAPUP = frozenset({"wrapup"})
DECISIONS = frozenset({"decisions"})    # the weekly review's issues list lives there
# The quarterly review's stages: key results scored, the cycle closed, the next one drafted.
SCORING = frozenset({"scoring"})
TURN = frozenset({"close", "drafting"})
MOST_STAGES = 9                   # `1`..`9` jump to a stage; an agenda has at most nine


class Key(msgspec.Struct, frozen=True):
    key: str                      # Textual's key name(s), comma-separated
    action: str                   # an action of the shell or of the stage views in `stages`
    label: str                    # the short name in the key bar and the palette
    help: str                     # what the help screen says
    stages: frozenset[str] = SHELL
    display: str | None = None    # how the key is written for people
    footer: bool = True
    changes: bool = False         # changes the store or the meeting: never for a follower
    moves: bool = False           # moves around: for a follower only in free look
    watching: str | None = None   # what the help screen says of it to a follower, if not `help`

    @property
    def shown(self) -> str:
        return self.display or self.key

    @property
    def name(self) -> str:
        """The action's name without its parameters: `priority(True)` -> `priority`."""
        return self.action.split("(")[0]


KEYS: tuple[Key, ...] = (
    # The key bar shows them in this order and has room for few (80 columns must hold every
    # stage's row): help first, then what the stage is for, then moving on. The help screen and
    # the palette have them all.
    Key("question_mark", "help", "Help", "every key with what it does", display="?"),
    Key("i", "intervention", "Intervene", "record an intervention on the selected flagged KPI",
        KPI_STAGES, changes=True),
    Key("o", "objective", "New OKR", "start an objective to lift the selected flagged KPI",
        KPI_STAGES, changes=True),
    Key("x", "explain", "Explain", "explain the selected KPI's flags, or say they are being "
        "investigated", KPI_STAGES, footer=False, changes=True),
    Key("m", "measure", "Measure", "record a value for the selected KPI (default: the latest "
        "finished period)", KPI_STAGES, changes=True),
    Key("c", "check_in", "Check in", "check in the selected key result (value, confidence, "
        "note)", OKRS | SCORING, changes=True),
    Key("plus", "priority(True)", "Raise", "raise the selected objective's priority", OKRS,
        display="+", changes=True),
    Key("minus", "priority(False)", "Lower", "lower the selected objective's priority", OKRS,
        display="-", changes=True),
    Key("r", "retire", "Retire", "retire the selected objective (final score, closing note)",
        OKRS | frozenset({"close"}), changes=True),
    Key("space", "toggle_carry", "Carry/retire", "carry the selected objective forward into "
        "the next cycle (its key results not at target, from today's values), or let it retire",
        TURN, display="space", changes=True),
    Key("C", "turn", "Close cycle", "close the cycle as planned: every objective retires with "
        "its final score, those marked carry forward into the next cycle (asks closing notes)",
        TURN, changes=True),
    Key("v", "verdict", "Verdict", "settle the selected carried-over action: done, still open "
        "or dropped", WRAPUP, changes=True),
    Key("a", "attendees", "Attendees", "edit the attendees and the facilitator", WRAPUP,
        changes=True),
    Key("g", "rate", "Rate", "record each attendee's 1-10 rating of the meeting", WRAPUP,
        changes=True),
    Key("w", "preview", "Minutes", "preview the minutes as they stand", WRAPUP, moves=True),
    Key("S", "solve_issue", "Solve", "solve the selected issue into a decision or action "
        "(each names the other); the issue leaves the list", DECISIONS, changes=True),
    Key("d", "decision", "Decide", "record a decision or action (text, owner, due)",
        EVERY_STAGE, changes=True),
    Key("u", "undo", "Undo", "undo the latest change of this meeting, step by step",
        EVERY_STAGE, changes=True),
    Key("n", "next_stage", "Next", "next stage", DECK, moves=True),
    Key("q", "quit_meeting", "Quit", "end the meeting and quit (asks first)",
        watching="stop watching; the meeting goes on (in a browser: asks first)"),
    Key("p", "previous_stage", "Prev", "previous stage", DECK, footer=False, moves=True),
    Key("l", "since_list", "Since", "list what changed since the last meeting ended",
        footer=False),
    Key("e", "export", "Export", "export the minutes beside the store as .md and .html",
        footer=False, changes=True),
    Key("P", "pull", "Pull", "pull the KPIs that have a source or a formula now (the meeting "
        "goes on; new values appear when it ends, failures are named)", footer=False,
        changes=True),
    Key("t", "pause", "Pause", "pause or resume the meeting clock", footer=False, changes=True),
    Key("s", "skip", "Skip", "skip this stage and go to the next", DECK, footer=False,
        changes=True),
    Key("slash", "filter", "Filter", "filter the current list by text (escape clears)",
        display="/", footer=False, moves=True),
    *(Key(str(n), f"goto({n})", f"Stage {n}", f"jump to stage {n}", DECK, footer=False,
          moves=True) for n in range(1, MOST_STAGES + 1)),
    # Keeping the system (shift + letter): the same letter means the same on every stage.
    Key("N", "new_kpi", "New KPI", "add a KPI", frozenset({"health"}), footer=False,
        changes=True),
    Key("E", "edit_kpi", "Edit KPI", "edit the selected KPI", KPI_STAGES, footer=False,
        changes=True),
    Key("X", "archive_kpi", "Archive KPI", "archive the selected KPI (asks first): it leaves "
        "the meeting, its history stays", frozenset({"health"}), footer=False, changes=True),
    Key("M", "scorecard", "Fill scorecard", "fill the scorecard: a value for every KPI whose "
        "latest finished period has none, one form after another", KPI_STAGES, footer=False,
        changes=True),
    Key("B", "process_change", "Process change", "mark a process change: the KPI's limits "
        "restart there", KPI_STAGES, footer=False, changes=True),
    Key("N", "new_objective", "New objective", "write a new objective with its first key "
        "result", OKRS, footer=False, changes=True),
    Key("A", "add_key_result", "Add key result", "add a key result to the selected objective",
        OKRS, footer=False, changes=True),
    Key("E", "edit_objective", "Edit objective", "edit the selected key result and its "
        "objective", OKRS, footer=False, changes=True),
    Key("X", "delete_draft", "Delete draft", "delete the selected objective while nobody has "
        "checked it in (asks first; retire it after)", OKRS, footer=False, changes=True),
    Key("C", "close_cycle", "Close cycle", "close the selected objective's cycle: final "
        "scores, retire one by one or all at once", OKRS, footer=False, changes=True),
    Key("H", "show_retired", "Retired", "show or hide retired objectives", OKRS,
        footer=False, moves=True),
    # The issues list (EOS "IDS"): raised from any stage, ranked, three picked, each solved,
    # kept or dropped on the Decisions stage.
    Key("I", "raise_issue", "Raise issue", "raise an issue: from the selected flagged KPI or "
        "objective (linked, its title from what is wrong), else free text", EVERY_STAGE,
        footer=False, changes=True),
    Key("plus", "issue_rank(True)", "Raise", "raise the selected issue in the issues list",
        DECISIONS, display="+", footer=False, changes=True),
    Key("minus", "issue_rank(False)", "Lower", "lower the selected issue in the issues list",
        DECISIONS, display="-", footer=False, changes=True),
    Key("T", "pick_issue", "Pick", "pick the selected issue for discussion (the top three), "
        "or put it back", DECISIONS, footer=False, changes=True),
    Key("K", "keep_issue", "Keep", "keep the selected issue open: discussed, it carries to "
        "the next meeting", DECISIONS, footer=False, changes=True),
    Key("X", "drop_issue", "Drop", "drop the selected issue (u undoes)", DECISIONS,
        footer=False, changes=True),
    Key("W", "person", "Person", "the person view of the selected row's owner: KPIs, key "
        "results, open actions and follow-through (m there merges a name into another)",
        EVERY_STAGE, footer=False, moves=True),
    Key("f", "free_look", "Free look", "in `cadence follow`: browse on your own, then follow "
        "the facilitator again"),
)

# The actions that change a team's own data (its KPIs, their values, its objectives, its
# sources). In a roll-up, whose team stores are only read, each of their keys says so in one
# line instead of acting (tui/rollup.py); `i` and `d` act there, in the roll-up's own store.
TEAM_ACTIONS = frozenset({
    "objective", "explain", "measure", "check_in", "priority", "retire", "pull", "new_kpi",
    "edit_kpi", "archive_kpi", "scorecard", "process_change", "new_objective",
    "add_key_result", "edit_objective", "delete_draft", "close_cycle"})

# Keys that belong to widgets, listed so the help screen is complete.
WIDGET_KEYS: tuple[tuple[str, str], ...] = (
    ("up / down, k / j", "move in a list"),
    ("enter", "open the detail of the selected row"),
    ("escape", "close a form or detail, clear the filter"),
    ("tab / shift+tab", "next / previous field in a form"),
    ("ctrl+p", "command palette: every stage and action by name"),
)

_ORDER = {key.name: index for index, key in enumerate(KEYS)}


def lookup(action: str) -> Key | None:
    return next((k for k in KEYS if k.name == action), None)


def order(action: str) -> int:
    """Where an action's key stands in the table: the key bar shows keys in this order."""
    return _ORDER.get(action.split("(")[0], len(KEYS))


def bindings(stage: str | None = None) -> list[Binding]:
    """The shell's bindings (`stage` None), the stage switcher's ("deck"), or those of the
    view of one stage."""
    return [Binding(k.key, k.action, k.label, show=k.footer, key_display=k.display)
            for k in KEYS if (k.stages == SHELL if stage is None else stage in k.stages)]


def elsewhere_bindings() -> list[Binding]:
    """For each key of some stage views, a binding of the shell that says where the key works
    (`action_elsewhere`): pressed on a stage whose view does not bind it, it would otherwise
    do nothing and say nothing. The view's own binding wins where it has one (Textual asks the
    focused view before its screen)."""
    names = dict.fromkeys(k.key for k in KEYS if k.stages not in (SHELL, DECK))
    return [Binding(name, f"elsewhere({name!r})", "", show=False) for name in names]


def stages_with(name: str) -> frozenset[str]:
    """The stage kinds whose views bind the key `name` (to whichever action)."""
    return frozenset().union(*(k.stages for k in KEYS
                               if k.key == name and k.stages not in (SHELL, DECK)))


def allowed(action: str, writable: bool, moving: bool) -> bool:
    """Whether a key is on: a read-only view (a follower) has no changing keys, and moving
    keys only while it moves on its own (free look). An action of no key of the table (a
    widget's, like clearing the filter) is on."""
    key = lookup(action)
    if key is None:
        return True
    if key.changes and not writable:
        return False
    return moving or not key.moves
