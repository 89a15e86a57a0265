"""Errors a person can act on. The CLI prints them as one line and exits 1."""


class CadenceError(Exception):
    """A user error: bad input, a missing file, an unreadable store."""


class ValidationError(CadenceError):
    """A value refused by a domain rule; names the entity and the field."""

    def __init__(self, field: str, message: str, entity: str = ""):
        self.field = field
        self.entity = entity
        self.message = message
        where = f"{entity}: " if entity else ""
        super().__init__(f"{where}{field}: {message}")


class StoreError(CadenceError):
    """The store file cannot be read or written; it is left untouched."""


# What converting a hand-edited document can raise: msgspec's type errors (ValueErrors), a
# missing key, a wrong type, a number past int64, and a domain rule the document breaks (a
# threshold above its target). Caught where a file is read, and reported as a StoreError
# naming the file, the table and the key (never a traceback, nor a rule's message alone).
MALFORMED = (KeyError, TypeError, ValueError, AttributeError, OverflowError, ValidationError)
