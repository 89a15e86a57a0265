"""The store's schema version and the migrations that bring older stores up to date.

Migrations run in memory on open; the upgraded document reaches disk with the next write, so
reading an old store never changes it.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.errors import StoreError

CURRENT = 1
META = "_meta"


def meta(data: dict[str, Any]) -> dict[str, Any]:
    return data.setdefault(META, {}).setdefault("1", {})


def version(data: dict[str, Any], path: Path) -> int:
    if META not in data:
        return 0
    found = data[META].get("1", {}).get("schema_version")
    if isinstance(found, bool) or not isinstance(found, int) or found < 1:
        raise StoreError(f"{path}: schema_version {found!r} is not a version Cadence wrote")
    return found


def _v0_to_v1(data: dict[str, Any]) -> None:
    """A bare TinyDB document (or an empty file) becomes a Cadence store."""
    meta(data).update(schema_version=1, next_ids={}, demo=False)


MIGRATIONS: dict[int, Callable[[dict[str, Any]], None]] = {0: _v0_to_v1}


def upgrade(data: dict[str, Any], path: Path) -> dict[str, Any]:
    found = version(data, path)
    if found > CURRENT:
        raise StoreError(f"{path}: written by a newer Cadence (schema {found}; this one reads "
                         f"up to {CURRENT}); the file was left as it is")
    for step in range(found, CURRENT):
        MIGRATIONS[step](data)
        meta(data)["schema_version"] = step + 1
    return data
