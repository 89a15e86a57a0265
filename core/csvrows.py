"""Reading a CSV file into rows whose every error names the file, the row and the field."""

import csv
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import msgspec

from core.errors import CadenceError, ValidationError
from core.inputs import parse_number, parse_whole


class Row(msgspec.Struct, frozen=True):
    source: str
    line: int
    values: dict[str, str]
    columns: frozenset[str]

    def error(self, field: str, message: str) -> CadenceError:
        return CadenceError(f"{self.source}: row {self.line}: {field}: {message}")

    def has(self, field: str) -> bool:
        """Is the column in the file at all? (An absent optional column changes nothing.)"""
        return field in self.columns

    def text(self, field: str, required: bool = True) -> str:
        value = self.values.get(field, "").strip()
        if required and not value:
            raise self.error(field, "must not be empty")
        return value

    def number(self, field: str, required: bool = True, unit: str = "") -> float | None:
        """A number, written with `unit` or without (core.inputs.parse_number)."""
        with self.checked():
            return parse_number(self.values.get(field, ""), field, required, unit)

    def integer(self, field: str) -> int | None:
        with self.checked():
            return parse_whole(self.values.get(field, ""), field)

    def choice(self, field: str, choices: tuple[str, ...], required: bool = True) -> str:
        raw = self.text(field, required).lower().replace("-", "_").replace(" ", "_")
        if raw and raw not in choices:
            raise self.error(field, f"{self.values[field].strip()!r} is not one of "
                             f"{', '.join(choices)}")
        return raw

    def flag(self, field: str) -> bool:
        raw = self.text(field, required=False).lower()
        if raw in ("", "0", "false", "no", "n"):
            return False
        if raw in ("1", "true", "yes", "y", "x"):
            return True
        raise self.error(field, f"{raw!r} is not yes/no (true/false, 1/0)")

    @contextmanager
    def checked(self) -> Iterator[None]:
        """Turn a domain ValidationError into one that points at this row."""
        try:
            yield
        except ValidationError as exc:
            where = f" ({exc.entity})" if exc.entity else ""
            raise self.error(exc.field, exc.message + where) from None


class Table(msgspec.Struct, frozen=True):
    """A file's records as cells (at least one per header name), blank ones included, with
    their file lines: an import of 100k rows reads its columns by position instead of
    building a Row per line."""

    source: str
    names: list[str]
    rows: list[list[str]]
    lines: Sequence[int]

    def column(self, name: str) -> int | None:
        """The position of a column (the first, if the header repeats it)."""
        return self.names.index(name) if name in self.names else None

    def error(self, index: int, field: str, message: str) -> CadenceError:
        return CadenceError(f"{self.source}: row {self.lines[index]}: {field}: {message}")

    def records(self) -> list[Row]:
        """The rows that are not blank."""
        columns = frozenset(self.names)
        first = {name: self.names.index(name) for name in columns}
        return [Row(self.source, line, {name: cells[at] for name, at in first.items()}, columns)
                for cells, line in zip(self.rows, self.lines) if not blank(cells)]


def blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


def read(path: str | Path, required: tuple[str, ...]) -> list[Row]:
    """Every non-blank data row; row numbers are file lines (the header is row 1)."""
    return read_table(path, required).records()


def read_table(path: str | Path, required: tuple[str, ...]) -> Table:
    source = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return _table(source, handle.read(), required)
    except FileNotFoundError:
        raise CadenceError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise CadenceError(f"{source}: is a folder, not a CSV file") from None
    except UnicodeDecodeError as exc:
        raise CadenceError(f"{source}: not UTF-8 text (bad byte at offset {exc.start})") from None
    except csv.Error as exc:
        raise CadenceError(f"{source}: not a readable CSV file ({exc})") from None
    except OSError as exc:
        raise CadenceError(f"{source}: cannot be read ({exc.strerror})") from None


def from_text(source: str, text: str, required: tuple[str, ...]) -> Table:
    """A CSV text's table (a program's output), its errors naming `source`."""
    try:
        return _table(source, text, required)
    except csv.Error as exc:
        raise CadenceError(f"{source}: not readable CSV ({exc})") from None


def _table(source: str, text: str, required: tuple[str, ...]) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise CadenceError(f"{source}: empty file; the header row needs {','.join(required)}")
    names = [h.strip().lower() for h in header]
    _refuse_repeated_columns(source, names)
    missing = [c for c in required if c not in names]
    if missing:
        raise CadenceError(f"{source}: row 1: missing column{'s' * (len(missing) > 1)} "
                           f"{', '.join(missing)} (the header needs {','.join(required)})")
    rows = list(reader)                   # in C: a Python step per row costs a third more
    lines: Sequence[int] = range(2, len(rows) + 2)
    if reader.line_num != len(rows) + 1:  # a quoted cell spans lines: count them
        reader = csv.reader(io.StringIO(text, newline=""))
        lines = [reader.line_num for _ in reader][1:]
    if rows and max(map(len, rows)) > len(names):
        _refuse_overlong_rows(source, len(names), rows, lines)
    if rows and min(map(len, rows)) < len(names):
        for cells in rows:
            cells += [""] * (len(names) - len(cells))
    return Table(source, names, rows, lines)


def _refuse_repeated_columns(source: str, names: list[str]) -> None:
    """Two columns of one name: which one holds the values is anyone's guess. (Blank names,
    from a header ending in commas, are columns nobody reads.)"""
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name and name in seen:
            raise CadenceError(f"{source}: row 1: column {name!r} appears twice (columns "
                               f"{seen[name]} and {position}); keep one")
        seen.setdefault(name, position)


def _refuse_overlong_rows(source: str, width: int, rows: list[list[str]],
                          lines: Sequence[int]) -> None:
    """A row with more cells than the header has columns: its values have moved right, most
    often past an unquoted comma inside a number (1,250 or 26,5). Empty cells past the end
    (a trailing comma) are harmless."""
    for cells, line in zip(rows, lines):
        if len(cells) > width and not blank(cells[width:]):
            raise CadenceError(f"{source}: row {line}: {len(cells)} cells, but the header has "
                               f"{width} columns: a comma inside a value must be quoted "
                               '("1,250"), and a decimal takes a point (26.5)')
