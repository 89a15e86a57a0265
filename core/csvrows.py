"""Reading a CSV file into rows whose every error names the file, the row and the field."""

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.errors import CadenceError, ValidationError
from core.inputs import parse_number, parse_whole


@dataclass(frozen=True)
class Row:
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

    def number(self, field: str, required: bool = True) -> float | None:
        with self.checked():
            return parse_number(self.values.get(field, ""), field, required)

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


def read(path: str | Path, required: tuple[str, ...]) -> list[Row]:
    """Every non-blank data row; row numbers are file lines (the header is row 1)."""
    source = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return _rows(source, csv.reader(handle), required)
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


def _rows(source: str, reader, required: tuple[str, ...]) -> list[Row]:
    header = next(reader, None)
    if not header:
        raise CadenceError(f"{source}: empty file; the header row needs {','.join(required)}")
    names = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in names]
    if missing:
        raise CadenceError(f"{source}: row 1: missing column{'s' * (len(missing) > 1)} "
                           f"{', '.join(missing)} (the header needs {','.join(required)})")
    columns = frozenset(names)
    rows = []
    for cells in reader:
        if any(c.strip() for c in cells):
            values = {}
            for name, cell in zip(names, cells):
                values.setdefault(name, cell)
            rows.append(Row(source, reader.line_num, values, columns))
    return rows
