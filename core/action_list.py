"""`cadence actions`: the decisions, actions and interventions, picked by owner and status,
as text, JSON (the contract's action objects) or a calendar file (core/calendar.py)."""

from typing import Any

from core import display
from core.board import Board
from core.model import Action
from core.names import name_key
from core.status import action_json
from core.words import due_phrase


def select(board: Board, owner: str | None = None, status: str | None = None) -> list[Action]:
    """Newest first, as `status --format json` lists them; `owner` is matched as names are
    (README: Names), so `priya` finds Priya's."""
    wanted = name_key(owner) if owner is not None else None
    return [a for a in board.actions
            if (status is None or a.status == status)
            and (wanted is None or name_key(a.owner) == wanted)]


def as_json(board: Board, actions: list[Action]) -> list[dict[str, Any]]:
    return [{**action_json(a), "overdue": board.is_overdue(a)} for a in actions]


def as_text(board: Board, actions: list[Action]) -> str:
    """One line each: id, status, kind, text, owner and due day (each line one line,
    whatever a text holds)."""
    if not actions:
        return "No decision or action matches."
    lines = [f"{a.id:>5}  {a.status:<7}  {a.kind:<12}  {a.text} — {a.owner}, "
             + due_phrase(a.due.isoformat() if a.due else None, board.is_overdue(a))
             for a in actions]
    return "\n".join(map(display.line, lines))
