"""The store's schema version and the migrations that bring older stores up to date.

Migrations run in memory on open; the upgraded document reaches disk with the next write, so
reading an old store never changes it.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from core import series
from core.errors import MALFORMED, StoreError
from core.model import split_id

CURRENT = 2
META = "_meta"


def meta(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = data.setdefault(META, {}).setdefault("1", {})
    return found


def version(data: dict[str, Any], path: Path) -> int:
    if META not in data:
        return 0
    found = data[META].get("1", {}).get("schema_version")
    if isinstance(found, bool) or not isinstance(found, int) or found < 1:
        raise StoreError(f"{path}: schema_version {_short(found)} is not a version Cadence "
                         "wrote")
    return found


def _v0_to_v1(data: dict[str, Any]) -> None:
    """A bare TinyDB document (or an empty file) becomes a Cadence store."""
    meta(data).update(schema_version=1, next_ids={}, demo=False)


def _v1_to_v2(data: dict[str, Any]) -> None:
    """One document per measurement becomes one series document per KPI (core/series.py),
    keyed like the KPI. Old events keep their measurement changes as history."""
    values = sorted(data.pop("measurements", {}).values(), key=lambda d: d["period"])
    found = data.setdefault(series.TABLE, {})
    for doc in values:
        table, key = split_id(doc["kpi"]) or ("", 0)
        if table != "kpis":
            raise ValueError(f"measurement of {doc['kpi']!r}, which is not a KPI id")
        found.setdefault(str(key), {})[doc["period"]] = series.entry(
            doc["value"], doc.get("note") or "", doc.get("meeting"))
    meta(data).get("next_ids", {}).pop("measurements", None)


MIGRATIONS: dict[int, Callable[[dict[str, Any]], None]] = {0: _v0_to_v1, 1: _v1_to_v2}


def upgrade(data: dict[str, Any], path: Path) -> dict[str, Any]:
    found = version(data, path)
    if found > CURRENT:
        raise StoreError(f"{path}: written by a newer Cadence (schema {found}; this one reads "
                         f"up to {CURRENT}); the file was left as it is")
    for step in range(found, CURRENT):
        try:
            MIGRATIONS[step](data)
        except MALFORMED as exc:
            raise StoreError(f"{path}: cannot be upgraded from schema {step} ({exc!r}); the "
                             "file was left as it is") from None
        meta(data)["schema_version"] = step + 1
    check_meta(meta(data), path)
    return data


def check_meta(found: dict[str, Any], path: Path) -> None:
    """What a store's bookkeeping must hold, so that no later write trips on it: the next
    id of each table (a counter an insert adds to) and the demo mark (which lets `cadence
    demo` replace the store without --force)."""
    counters = found.get("next_ids", {})
    if not isinstance(counters, dict) or not all(
            type(n) is int and 0 < n < 2**62 for n in counters.values()):
        raise StoreError(f"{path}: _meta next_ids {_short(counters)} is not an object of "
                         "tables and their next ids (whole numbers from 1)")
    if type(found.get("demo", False)) is not bool:
        raise StoreError(f"{path}: _meta demo {_short(found['demo'])} is not true or false")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
