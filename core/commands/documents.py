"""Changing one document as its value: what every command that edits does."""

from typing import Any, TypeVar

from core import queries
from core.errors import CadenceError
from core.model import Record, make_id
from core.store import Transaction

R = TypeVar("R", bound=Record)


def evolve(tx: Transaction, cls: type[R], ident: str | None, **fields: Any) -> R:
    """Load the value with this id, change some fields (the value validates them), and put it
    back; the error names what is missing."""
    value = queries.require(tx, cls, ident).evolve(**fields)
    tx.put(cls.TABLE, value.key, value.to_doc())
    return value


def insert(tx: Transaction, value: R) -> R:
    """A new value written, returned with its id."""
    key = tx.insert(value.TABLE, value.to_doc())
    return value.evolve(id=make_id(value.TABLE, key))


def save(tx: Transaction, value: R) -> R:
    """A value written whole: inserted when new (no id), else replacing its document."""
    if not value.id:
        return insert(tx, value)
    tx.put(value.TABLE, value.key, value.to_doc())
    return value


def swap_with_neighbour(ranking: list[Any], index: int, up: bool, noun: str) -> int:
    """Swap the item at `index` of a ranked list (objectives, issues: each with a `title`)
    with its neighbour above (or below), in place; returns the index it went to. At the end
    of the list it is refused ("'X' is already the top priority")."""
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ranking):
        raise CadenceError(f"{ranking[index].title!r} is already the "
                           f"{'top' if up else 'lowest'} {noun}")
    ranking[index], ranking[other] = ranking[other], ranking[index]
    return other
