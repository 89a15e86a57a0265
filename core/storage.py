"""A TinyDB storage that is durable, atomic and reads the file once.

TinyDB's JSONStorage re-parses the file on every query and rewrites it in place, so a crash
mid-write leaves a broken file (tinydb#113). This storage keeps the parsed document in memory,
re-reads it only when the file changed on disk, and writes by temp file + fsync + rename. While
`deferred` is set (inside a store transaction) writes stay in memory until `flush()`, so one
command is one write however many rows it changes.
"""

import os
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from core import schema
from core.errors import StoreError

Stamp = tuple[int, int, int] | None


def encode(data: Any) -> bytes:
    """JSON as Cadence writes it (the store, minutes, command output): two-space indent and a
    final newline, so a team can diff a store in git. Keys keep their order (tables by id,
    fields as the model declares them, a series by period), which is stable from write to
    write; sorting them cost a third of every write. orjson appends the newline itself:
    adding it after would copy the whole store once more on every write."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def decode(raw: bytes, path: Path) -> dict[str, Any]:
    """Parse and check the shape of a store; an empty file is an empty store."""
    if not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"{path}: not valid JSON ({exc}); the file was left as it is") from None
    if not isinstance(data, dict):
        raise StoreError(f"{path}: not a Cadence store (expected a JSON object of tables)")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise StoreError(f"{path}: table {name!r} is not a TinyDB table of documents")
        if table and not _documents(table):
            raise StoreError(f"{path}: table {name!r} is not a TinyDB table of documents "
                             f"({_first_problem(table)})")
    return data


# A document's key is its number: ASCII digits (`isdigit` alone takes `²` and `٣`, which
# int() refuses or reads as another number), few enough for an int64.
_KEY_DIGITS = 18


def _documents(table: dict) -> bool:
    """Is every key a document number and every value an object? Checked on every open over
    every document, so in C: all keys as one string, their lengths, the values' types."""
    keys = "".join(table)
    return (keys.isascii() and keys.isdigit() and min(map(len, table)) > 0
            and max(map(len, table)) <= _KEY_DIGITS and set(map(type, table.values())) == {dict})


def _first_problem(table: dict) -> str:
    for key, doc in table.items():
        if not (key.isascii() and key.isdigit() and 0 < len(key) <= _KEY_DIGITS):
            return f"key {key[:40]!r} is not a document number"
        if type(doc) is not dict:
            return f"document {key} is not an object"
    return "a key too long"


def stamp(st: os.stat_result) -> Stamp:
    """What identifies one version of the file: every write renames a new inode into place."""
    return st.st_ino, st.st_mtime_ns, st.st_size


def current_stamp(path: Path) -> Stamp:
    try:
        return stamp(os.stat(path))
    except FileNotFoundError:
        return None


def atomic_write(path: Path, payload: bytes, durable: bool = True) -> None:
    """Temp file in the same folder, fsync, rename over, fsync the folder. `durable=False`
    skips the fsyncs, for files that are only a view of the moment."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        mode = 0o600
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if not durable:
        return
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class DurableJSONStorage:
    """A TinyDB storage (read, write, close: TinyDB needs no base class), plus what our store
    needs: load on demand, changed_on_disk, deferred writes and discard."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.deferred = False
        self.dirty = False
        self.disk_reads = 0
        self.disk_writes = 0
        self._data: dict[str, Any] | None = None
        self._stamp: Stamp = None
        # The version we hold stays open, so its inode number cannot be reused by a later
        # version while we compare stamps against it.
        self._handle: BinaryIO | None = None

    def read(self) -> dict[str, Any]:
        if self._data is None:
            self.load()
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        self._data = data
        self.dirty = True
        if not self.deferred:
            self.flush()

    def load(self) -> None:
        """Read the file; the stamp comes from the same open file, never a later version."""
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            handle, raw, found = None, b"", None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot be read ({exc.strerror})") from None
        if handle is not None:
            try:
                found, raw = stamp(os.fstat(handle.fileno())), handle.read()
            except OSError as exc:
                handle.close()
                raise StoreError(f"{self.path}: cannot be read ({exc.strerror})") from None
        self.disk_reads += 1
        try:
            data = schema.upgrade(decode(raw, self.path), self.path)
        except StoreError:
            if handle is not None:
                handle.close()
            raise
        self._hold(handle, found)
        self._data = data
        self.dirty = False

    def _hold(self, handle: BinaryIO | None, found: Stamp) -> None:
        if self._handle is not None:
            self._handle.close()
        self._handle, self._stamp = handle, found

    def changed_on_disk(self) -> bool:
        return self._data is None or current_stamp(self.path) != self._stamp

    def flush(self) -> None:
        if self._data is None or not self.dirty:
            return
        try:
            atomic_write(self.path, encode(self._data))
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot be written ({exc.strerror})") from None
        self.disk_writes += 1
        handle = open(self.path, "rb")       # we hold the lock: this is the file we wrote
        self._hold(handle, stamp(os.fstat(handle.fileno())))
        self.dirty = False

    def discard(self) -> None:
        """Forget unsaved changes; the next read loads the file again."""
        self._data = None
        self.dirty = False

    def close(self) -> None:
        self._hold(None, None)
