"""Changing one document as its value: what every command that edits does."""

from typing import Any, TypeVar

from core import queries
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
