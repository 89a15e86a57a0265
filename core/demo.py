"""The demo data set (data/demo.json) written into a store, dated relative to today.

Each KPI's history ends with the latest finished period (minus `stale_by` periods), key-result
check-ins are a week apart ending last week, and the past meeting was `days_ago` days ago (its
`due_in_days` count from today) — so
the demo never goes stale and every flag kind shows.
"""

from datetime import date, timedelta
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import orjson

from core import queries, series
from core.commands import documents, kpis, okrs
from core.errors import CadenceError
from core.events import EventKind
from core.model import Action, CheckIn, KeyResult, Kpi, Meeting
from core.periods import current_quarter, latest_finished, parse_cycle, previous_period
from core.store import Store, Transaction

Spec = dict[str, Any]        # a part of data/demo.json

# data/ in the source tree, installed as the package core.data (pyproject.toml's package-dir),
# so a wheel holds it too.
DEMO_FILE = files("core.data") / "demo.json"


def load_spec(path: Traversable = DEMO_FILE) -> Spec:
    try:
        found: Spec = orjson.loads(path.read_bytes())
        return found
    except (OSError, orjson.JSONDecodeError) as exc:
        raise CadenceError(f"{path}: the demo data cannot be read ({exc})") from None


def holds_other_data(store: Store) -> bool:
    return not store.is_empty() and not store.meta().get("demo", False)


def write(store: Store, today: date, force: bool = False) -> None:
    """Fill the store with the demo; refuses a store holding other data unless forced.

    Whatever the store held before is kept in the demo's event, so even --force loses nothing.
    The past is written as it was (a past meeting, its actions, weeks of check-ins); KPIs,
    their values and objectives through the commands, as a team would make them.
    """
    spec = load_spec()
    with store.transaction(EventKind.DEMO) as tx:
        if holds_other_data(store) and not force:
            raise CadenceError(f"{store.path}: holds other data; use --force to replace it "
                               "with the demo (the old data stays in the event log)")
        _clear(tx)
        by_name = {k["name"]: _write_kpi(tx, k, today) for k in spec["kpis"]}
        for objective in spec["objectives"]:
            _write_objective(tx, objective, by_name, today)
        _write_meeting(tx, spec["meeting"], by_name, today)
        store.meta()["demo"] = True
        tx.summary = "loaded the demo data"       # last: each command named its own change


def _clear(tx: Transaction) -> None:
    for table in ("kpis", series.TABLE, "objectives", "key_results", "checkins", "meetings",
                  "actions"):
        for key in list(tx.docs(table)):
            tx.put(table, key, None)


def _write_kpi(tx: Transaction, spec: Spec, today: date) -> Kpi:
    kpi = kpis.add(tx, **{k: v for k, v in spec.items() if k not in ("history", "stale_by")})
    period = latest_finished(today, kpi.cadence)
    for _ in range(spec.get("stale_by", 0)):
        period = previous_period(period, kpi.cadence)
    history: dict[str, series.Entry] = {}
    for value in reversed(spec["history"]):
        history[period.isoformat()] = float(value)
        period = previous_period(period, kpi.cadence)
    kpis.record_values(tx, kpi, history, today)
    return kpi


def _write_objective(tx: Transaction, spec: Spec, by_name: dict[str, Kpi], today: date) -> None:
    krs = [dict(title=k["title"], unit=k["unit"], start=k["start"], target=k["target"],
                kpi=by_name[k["kpi"]].id if "kpi" in k else None, confidence=k["confidence"],
                current=k["checkins"][-1] if k.get("checkins") else None)
           for k in spec["key_results"]]
    linked = tuple(by_name[name].id for name in spec.get("kpis", ()))
    # Written when its cycle began: its check-ins go back weeks, and its pace is the cycle's.
    cycle = current_quarter(today)
    objective = okrs.create(tx, spec["title"], spec["owner"], cycle, krs, linked,
                            today=parse_cycle(cycle).start)
    for kr, kr_spec in zip(queries.key_results_of(tx, objective.id), spec["key_results"]):
        _write_checkins(tx, kr, kr_spec.get("checkins", []), today)


def _write_checkins(tx: Transaction, kr: KeyResult, values: list[float], today: date) -> None:
    previous = None
    for weeks_ago, value in zip(range(len(values), 0, -1), values):
        documents.insert(tx, CheckIn(id="", kr=kr.id, day=today - timedelta(weeks=weeks_ago),
                                     confidence=kr.confidence, value=value, previous=previous))
        previous = value


def _write_meeting(tx: Transaction, spec: Spec, by_name: dict[str, Kpi], today: date) -> None:
    day = today - timedelta(days=spec["days_ago"])
    meeting = Meeting(id="", title=f"{spec['title']} {day}", day=day,
                      started_at=f"{day}T09:00:00+00:00", ended_at=f"{day}T10:00:00+00:00",
                      facilitator=spec["facilitator"], attendees=tuple(spec["attendees"]),
                      ratings=spec["ratings"])
    meeting_id = documents.insert(tx, meeting).id
    for a in spec["actions"]:
        due = today + timedelta(days=a["due_in_days"]) if "due_in_days" in a else None
        documents.insert(tx, Action(id="", kind=a["kind"], text=a["text"], owner=a["owner"],
                                    meeting=meeting_id, created=day, due=due, status=a["status"],
                                    link=by_name[a["link"]].id if a.get("link") else None))
