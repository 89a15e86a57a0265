"""A TinyDB storage that is durable, atomic and reads the file once.

TinyDB's JSONStorage re-parses the file on every query and rewrites it in place, so a crash
mid-write leaves a broken file (tinydb#113). This storage keeps the parsed document in memory,
re-reads it only when the file changed on disk, and writes by temp file + fsync + rename. While
`deferred` is set (inside a store transaction) writes stay in memory until `flush()`, so one
command is one write however many rows it changes.
"""

import os
import re
from contextlib import suppress
from pathlib import Path
from collections.abc import Callable
from typing import Any, BinaryIO

import orjson

from core import schema
from core.errors import StoreError
from core.processes import running, this_host

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


def _documents(table: dict[str, Any]) -> bool:
    """Is every key a document number and every value an object? Checked on every open over
    every document, so in C: all keys as one string, their lengths, the values' types."""
    keys = "".join(table)
    return (keys.isascii() and keys.isdigit() and min(map(len, table)) > 0
            and max(map(len, table)) <= _KEY_DIGITS and set(map(type, table.values())) == {dict})


def _first_problem(table: dict[str, Any]) -> str:
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


def resolved(path: Path) -> Path:
    """The file a path names, through any symlinks. Writes replace that file, so a store kept
    as a link (in a dotfiles repository, a shared folder) stays a link to the one store."""
    return Path(os.path.realpath(path))


# The files that belong to a store, named after it and kept beside the file it resolves to, so
# two links to one store share one lock: the lock every writer takes and the live meeting's
# presence (core/presence.py).
SIDECARS = (".lock", ".live")


def beside(store: Path, suffix: str) -> Path:
    target = resolved(store)
    return target.with_name(target.name + suffix)


def is_store_file(candidate: Path, store: Path) -> bool:
    """Whether writing `candidate` would replace the store or one of its own files (a sidecar,
    a writer's temp file), named through a symlink or a hard link, existing yet or not."""
    found = resolved(candidate)
    for base in (resolved(store), resolved(store.parent) / store.name):
        if found.parent != base.parent:
            continue
        name = found.name
        if name == base.name or name in {base.name + suffix for suffix in SIDECARS}:
            return True
        if name.startswith(f".{base.name}.") and name.endswith(".tmp"):
            return True
    for own in (store, *(beside(store, suffix) for suffix in SIDECARS)):
        try:
            if os.path.samefile(found, own):
                return True
        except OSError:                    # one of them does not exist
            pass
    return False


Permissions = tuple[int, int | None]       # permission bits, and the group (None: the default)


def permissions(path: Path) -> Permissions:
    """What a new version of `path` (or a sidecar of it) takes: its permission bits and group,
    or 0600 for a file that does not exist yet."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return 0o600, None
    return st.st_mode & 0o777, st.st_gid


def take_permissions(fd: int, wanted: Permissions) -> None:
    """Give an open file these bits and group, where we may. The group first: a new file takes
    the writer's group, which would lock a team sharing the store through its group out after
    every write. Someone else's file, or a group we are not in, stays as it is (EPERM)."""
    mode, gid = wanted
    st = os.fstat(fd)
    try:
        if gid is not None and st.st_gid != gid:
            os.fchown(fd, -1, gid)
    except PermissionError:
        pass
    try:
        if st.st_mode & 0o777 != mode:
            os.fchmod(fd, mode)
    except PermissionError:
        pass


def _host_tag() -> str:
    """This host's name as it appears in temp file names: no dot, so the name parses back."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", this_host()) or "_"


HOST_TAG = _host_tag()
# `.<name>.<host>.<pid>.tmp`, and `.<name>.<pid>.tmp` as earlier versions named them (this
# host's: they had no other).
TEMP_TAIL = re.compile(r"(?:([A-Za-z0-9_-]+)\.)?(\d+)\.tmp")


def temp_path(target: Path) -> Path:
    """Where a new version of `target` is written before it is renamed into place: the host
    and the process in the name let a later writer prove that a leftover one is dead."""
    return target.with_name(f".{target.name}.{HOST_TAG}.{os.getpid()}.tmp")


def remove_stale_temps(path: Path) -> int:
    """Remove the temp files of `path` and its sidecars that writers on this host left when
    they were killed mid-write (each can hold a whole store): those whose process has ended.
    Another host's (a shared folder) and a running process's are never touched. Returns how
    many went."""
    target = resolved(path)
    prefixes = [f".{target.name}{suffix}." for suffix in ("", *SIDECARS)]
    removed = 0
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return 0
    for entry in entries:
        found = next((m for p in prefixes if entry.name.startswith(p)
                      and (m := TEMP_TAIL.fullmatch(entry.name[len(p):]))), None)
        if not found or found[1] not in (None, HOST_TAG) or running(int(found[2])):
            continue
        try:
            os.unlink(entry.path)
            removed += 1
        except OSError:                    # gone already, or not ours to remove
            pass
    return removed


def atomic_write(path: Path, payload: bytes, durable: bool = True,
                 like: Path | None = None) -> None:
    """Temp file beside the target, fsync, rename over, fsync the folder. The target is the
    file `path` names through any symlink (the link stays). The new version keeps the old
    one's permission bits and group, or takes those of `like` (a sidecar takes its store's),
    else 0600. `durable=False` skips the fsyncs, for files that are only a view of the moment."""
    target = resolved(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    wanted = permissions(like or target)
    tmp = temp_path(target)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            take_permissions(fd, wanted)
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()                   # a full disk: the half-written copy goes at once
        raise
    if not durable:
        return
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class DurableJSONStorage:
    """A TinyDB storage (read, write, close: TinyDB needs no base class), plus what our store
    needs: load on demand, changed_on_disk, deferred writes and discard."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.deferred = False
        self.dirty = False
        self.disk_reads = 0
        self.disk_writes = 0
        # Called with every version read, before it replaces the one held: raising keeps the
        # one held (Store uses it to notice the file was replaced under it).
        self.check: Callable[[dict[str, Any], Stamp], None] | None = None
        self._data: dict[str, Any] | None = None
        self._stamp: Stamp = None
        # The version we hold stays open, so its inode number cannot be reused by a later
        # version while we compare stamps against it.
        self._handle: BinaryIO | None = None

    def read(self) -> dict[str, Any]:
        if self._data is None:
            self.load()
        assert self._data is not None           # load() read it, or raised
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
            if self.check is not None:
                self.check(data, found)
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
        try:
            handle = open(self.path, "rb")   # we hold the lock: this is the file we wrote
            self._hold(handle, stamp(os.fstat(handle.fileno())))
        except OSError:                      # then the next read loads it again
            self._hold(None, None)
        self.dirty = False

    def discard(self) -> None:
        """Forget unsaved changes; the next read loads the file again."""
        self._data = None
        self.dirty = False

    def close(self) -> None:
        self._hold(None, None)
