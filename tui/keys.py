"""Every key of the meeting app, once: the footer, the help screen and the command palette all
read this table, so they can never disagree."""

import msgspec
from textual.binding import Binding

ALL = frozenset(range(1, 6))
KPI_STAGES = frozenset({1, 2})


class Key(msgspec.Struct, frozen=True):
    key: str                      # Textual's key name(s), comma-separated
    action: str                   # an action of the meeting screen
    label: str                    # the short name in the footer and the palette
    help: str                     # what the help screen says
    stages: frozenset[int] = ALL  # the stages where it works
    display: str | None = None    # how the key is written for people
    footer: bool = True
    changes: bool = False         # changes the store or the meeting: never in `cadence follow`
    moves: bool = False           # moves around: in `cadence follow` only in free look

    @property
    def shown(self) -> str:
        return self.display or self.key

    @property
    def name(self) -> str:
        """The action's name without its parameters: `priority(True)` -> `priority`."""
        return self.action.split("(")[0]


STAGE_NAMES = ("KPI health", "Flagged", "OKR check-ins", "Decisions", "Wrap-up")

KEYS: tuple[Key, ...] = (
    # The footer shows them in this order and has room for few (80 columns must hold every
    # stage's row): help first, then what the stage is for, then moving on. The help screen and
    # the palette have them all.
    Key("question_mark", "help", "Help", "every key with what it does", display="?"),
    Key("i", "intervention", "Intervene", "record an intervention on the selected flagged KPI",
        KPI_STAGES, changes=True),
    Key("o", "objective", "New OKR", "start an objective to lift the selected flagged KPI",
        KPI_STAGES, changes=True),
    Key("m", "measure", "Measure", "record a value for the selected KPI (default: the latest "
        "finished period)", KPI_STAGES, changes=True),
    Key("c", "check_in", "Check in", "check in the selected key result (value, confidence, "
        "note)", frozenset({3}), changes=True),
    Key("plus", "priority(True)", "Raise", "raise the selected objective's priority",
        frozenset({3}), display="+", changes=True),
    Key("minus", "priority(False)", "Lower", "lower the selected objective's priority",
        frozenset({3}), display="-", changes=True),
    Key("r", "retire", "Retire", "retire the selected objective (final score, closing note)",
        frozenset({3}), changes=True),
    Key("v", "verdict", "Verdict", "settle the selected carried-over action: done, still open "
        "or dropped", frozenset({5}), changes=True),
    Key("a", "attendees", "Attendees", "edit the attendees", frozenset({5}), changes=True),
    Key("g", "rate", "Rate", "record each attendee's 1-10 rating of the meeting",
        frozenset({5}), changes=True),
    Key("w", "preview", "Minutes", "preview the minutes as they stand", frozenset({5}), moves=True),
    Key("d", "decision", "Decide", "record a decision or action (text, owner, due)", changes=True),
    Key("u", "undo", "Undo", "undo the latest change of this meeting, step by step", changes=True),
    Key("n", "next_stage", "Next", "next stage", moves=True),
    Key("q", "quit_meeting", "Quit", "end the meeting and quit (asks first)"),
    Key("p", "previous_stage", "Prev", "previous stage", footer=False, moves=True),
    Key("e", "export", "Export", "export the minutes beside the store and show the path",
        footer=False, changes=True),
    Key("t", "pause", "Pause", "pause or resume the meeting clock", footer=False, changes=True),
    Key("s", "skip", "Skip", "skip this stage and go to the next", footer=False, changes=True),
    Key("slash", "filter", "Filter", "filter the current list by text (escape clears)",
        display="/", footer=False, moves=True),
    *(Key(str(n), f"goto({n})", name, f"jump to stage {n}: {name}", footer=False, moves=True)
      for n, name in enumerate(STAGE_NAMES, start=1)),
    # Keeping the system (shift + letter): the same letter means the same on every stage.
    Key("N", "new_kpi", "New KPI", "add a KPI", frozenset({1}), footer=False, changes=True),
    Key("E", "edit_kpi", "Edit KPI", "edit the selected KPI", KPI_STAGES, footer=False,
        changes=True),
    Key("X", "archive_kpi", "Archive KPI", "archive the selected KPI: it leaves the meeting, "
        "its history stays", frozenset({1}), footer=False, changes=True),
    Key("M", "scorecard", "Fill scorecard", "fill the scorecard: a value for every KPI whose "
        "latest finished period has none, one form after another", KPI_STAGES, footer=False,
        changes=True),
    Key("N", "new_objective", "New objective", "write a new objective with its first key "
        "result", frozenset({3}), footer=False, changes=True),
    Key("A", "add_key_result", "Add key result", "add a key result to the selected objective",
        frozenset({3}), footer=False, changes=True),
    Key("E", "edit_objective", "Edit objective", "edit the selected key result and its "
        "objective", frozenset({3}), footer=False, changes=True),
    Key("X", "delete_draft", "Delete draft", "delete the selected objective while nobody has "
        "checked it in (retire it after)", frozenset({3}), footer=False, changes=True),
    Key("C", "close_cycle", "Close cycle", "close the selected objective's cycle: final "
        "scores, retire one by one or all at once", frozenset({3}), footer=False, changes=True),
    Key("H", "show_retired", "Retired", "show or hide retired objectives", frozenset({3}),
        footer=False, moves=True),
    Key("f", "free_look", "Free look", "in `cadence follow`: browse on your own, then follow "
        "the facilitator again"),
)

# Keys that belong to widgets, listed so the help screen is complete.
WIDGET_KEYS: tuple[tuple[str, str], ...] = (
    ("up / down, k / j", "move in a list"),
    ("enter", "open the detail of the selected row"),
    ("escape", "close a form or detail, clear the filter"),
    ("tab / shift+tab", "next / previous field in a form"),
    ("ctrl+p", "command palette: every stage and action by name"),
)


def lookup(action: str) -> Key | None:
    return next((k for k in KEYS if k.name == action), None)


def bindings() -> list[Binding]:
    return [Binding(k.key, k.action, k.label, show=k.footer, key_display=k.display)
            for k in KEYS]

