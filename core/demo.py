"""The demo data set (data/demo.json) written into a store, dated relative to today.

Each KPI's history ends with the latest finished period (minus `stale_by` periods), key-result
check-ins are a week apart ending last week, and the past meeting was `days_ago` days ago (its
`due_in_days` count from today) — so
the demo never goes stale and every flag kind shows.

Three KPIs pull from a small SQLite "warehouse" written beside the store (orders, carts and
support tickets, day by day, whose weekly and monthly aggregates are the KPIs' histories, plus
the days of the period still running), through the built-in connection `demo`
(core/sources/connections.py): `cadence demo` then `cadence pull` works on a fresh install.
"""

import os
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from importlib.resources import files
from importlib.resources.abc import Traversable
from contextlib import suppress
from typing import Any

import orjson

from core import queries, series
from core.commands import documents, explanations, kpis, okrs
from core.errors import CadenceError
from core.events import EventKind
from core.model import Action, CheckIn, Issue, KeyResult, Kpi, Meeting
from core.periods import (current_quarter, latest_finished, next_period, parse_cycle,
                          previous_period)
from core.sources.connections import DEMO_WAREHOUSE
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
    their values and objectives through the commands, as a team would make them. Two events
    in one write: everything up to the past meeting's end, then what came after it (the values
    of periods that ended after it, the actions done since), so the app's "since last
    meeting" and the past meeting's minutes (as of its end, core/as_of.py) each see their own.
    """
    spec = load_spec()
    met = today - timedelta(days=spec["meeting"]["days_ago"])
    with store.transaction(EventKind.DEMO) as tx:
        if holds_other_data(store) and not force:
            raise CadenceError(f"{store.path}: holds other data; use --force to replace it "
                               "with the demo (the old data stays in the event log)")
        _clear(tx)
        histories: dict[str, History] = {}
        by_name = {k["name"]: _write_kpi(tx, k, today, histories) for k in spec["kpis"]}
        later = {name: _after(history, met) for name, history in histories.items()}
        for name, (_, values) in later.items():
            kpis.record_values(tx, by_name[name], _before(histories[name][1], values), met)
        for objective in spec["objectives"]:
            _write_objective(tx, objective, by_name, today)
        done_since = _write_meeting(tx, spec["meeting"], by_name, today)
        for retired in spec.get("retired_objectives", ()):
            _write_retired(tx, retired, by_name, today)
        for action in spec.get("earlier_interventions", ()):
            _write_earlier_intervention(tx, action, by_name, today)
        store.meta()["demo"] = True
        tx.summary = "loaded the demo data"       # last: each command named its own change
        tx.next_event(EventKind.DEMO, "the demo's values and actions since its past meeting")
        for name, (_, values) in later.items():
            kpis.record_values(tx, by_name[name], values, today)
        for action in done_since:           # each on its due day: on time (core/people.py)
            documents.save(tx, action.evolve(status="done", done_on=action.due))
        # An owner's explanation of a flag as it stands now (before this meeting): one stands
        # only until a new value arrives, so it follows the values recorded since.
        _write_explanations(tx, [e for e in spec["meeting"].get("explanations", [])
                                 if e["kind"] == "explained"], by_name, today, None)
    write_warehouse(store.path.resolve().parent / DEMO_WAREHOUSE, histories, today)


def _after(history: "History", met: date) -> "History":
    """The values of periods that ended after the meeting's day: recorded since."""
    cadence, values = history
    return cadence, {p: v for p, v in values.items()
                     if next_period(date.fromisoformat(p), cadence) > met}


def _before(values: dict[str, series.Entry], later: dict[str, series.Entry]
            ) -> dict[str, series.Entry]:
    return {p: v for p, v in values.items() if p not in later}


def _clear(tx: Transaction) -> None:
    for table in ("kpis", series.TABLE, series.PULLS, "objectives", "key_results", "checkins",
                  "meetings", "actions", "explanations", "issues"):
        for key in list(tx.docs(table)):
            tx.put(table, key, None)


def _write_kpi(tx: Transaction, spec: Spec, today: date,
               histories: dict[str, "History"]) -> Kpi:
    kpi = kpis.add(tx, **{k: v for k, v in spec.items()
                          if k not in ("history", "stale_by", "process_change_ago")})
    period = latest_finished(today, kpi.cadence)
    for _ in range(spec.get("stale_by", 0)):
        period = previous_period(period, kpi.cadence)
    history: dict[str, series.Entry] = {}
    for value in reversed(spec["history"]):
        history[period.isoformat()] = float(value)
        period = previous_period(period, kpi.cadence)
    histories[kpi.name] = (kpi.cadence, history)       # recorded by write(), in two parts
    if "process_change_ago" in spec:        # N periods before the latest: limits restart there
        changed = latest_finished(today, kpi.cadence)
        for _ in range(spec["process_change_ago"]):
            changed = previous_period(changed, kpi.cadence)
        kpi = kpis.mark_change(tx, kpi.id, changed, today)
    return kpi


# --- the warehouse -------------------------------------------------------------------------

# A table's rows for one period: (the period's first day, its next period's, its value).
Rows = list[tuple[object, ...]]
Period = tuple[date, date, float]
History = tuple[str, dict[str, series.Entry]]           # a KPI's cadence and values


def _orders(start: date, end: date, value: float) -> Rows:
    """A month's revenue as daily order totals, summing to the month's value exactly."""
    days = (end - start).days
    share = int(value) // days
    return [((start + timedelta(days=n)).isoformat(),
             share + (int(value) - share * days if n == 0 else 0)) for n in range(days)]


def _carts(start: date, end: date, value: float) -> Rows:
    """A week's carts (1,000 started), the abandoned ones `value` percent of them."""
    abandoned = round(value * 10)
    return [((start + timedelta(days=n)).isoformat(), 143 if n < 6 else 142,
             abandoned // 7 + (abandoned % 7 if n == 0 else 0)) for n in range(7)]


def _tickets(start: date, end: date, value: float) -> Rows:
    """A week's support tickets, one a day, their first responses averaging `value` minutes."""
    return [((start + timedelta(days=n)).isoformat(), value + offset)
            for n, offset in enumerate((-3, 3, -1, 1, 0, -2, 2))]


# KPI name -> its table, the table's columns, and how a period's value becomes its rows.
TABLES: dict[str, tuple[str, str, Callable[[date, date, float], Rows]]] = {
    "Monthly recurring revenue": ("orders", "day TEXT, amount INTEGER", _orders),
    "Cart abandonment": ("carts", "day TEXT, started INTEGER, abandoned INTEGER", _carts),
    "First response time": ("support_tickets", "opened_on TEXT, first_response_min REAL",
                            _tickets),
}


def write_warehouse(path: "os.PathLike[str]", histories: dict[str, History],
                    today: date) -> None:
    """The demo's warehouse, replaced whole (a temp file, then a rename): each table's rows
    for every period of its KPI's history, and the days of the running period so far (which
    a pull leaves for later: only finished periods are recorded)."""
    folder = os.fspath(os.path.dirname(os.path.abspath(path)))
    fd, temp = tempfile.mkstemp(prefix=".demo-warehouse-", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        with sqlite3.connect(temp) as db:
            for name, (table, columns, rows_of) in TABLES.items():
                db.execute(f"CREATE TABLE {table} ({columns})")
                for start, end, value in _periods(*histories[name]):
                    rows = rows_of(start, end, value)
                    marks = ", ".join("?" * len(rows[0]))
                    db.executemany(f"INSERT INTO {table} VALUES ({marks})",
                                   [r for r in rows if str(r[0]) <= today.isoformat()])
        db.close()
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise


def _periods(cadence: str, history: dict[str, series.Entry]) -> list[Period]:
    """The history's periods with their values, and the running period after them (its
    value: the latest one's; write_warehouse cuts it at today)."""
    found: list[Period] = []
    for key, entry in sorted(history.items()):
        start = date.fromisoformat(key)
        found.append((start, next_period(start, cadence), series.value_of(entry)))
    if found:
        running = next_period(found[-1][0], cadence)
        found.append((running, next_period(running, cadence), found[-1][2]))
    return found


def _write_objective(tx: Transaction, spec: Spec, by_name: dict[str, Kpi], today: date) -> None:
    krs = _key_results(spec, by_name)
    linked = tuple(by_name[name].id for name in spec.get("kpis", ()))
    # Written when its cycle began: its check-ins go back weeks, and its pace is the cycle's.
    cycle = current_quarter(today)
    objective = okrs.create(tx, spec["title"], spec["owner"], cycle, krs, linked,
                            today=parse_cycle(cycle).start)
    for kr, kr_spec in zip(queries.key_results_of(tx, objective.id), spec["key_results"]):
        _write_checkins(tx, kr, kr_spec.get("checkins", []), today)


def _key_results(spec: Spec, by_name: dict[str, Kpi]) -> list[Spec]:
    return [dict(title=k["title"], unit=k["unit"], start=k["start"], target=k["target"],
                 kpi=by_name[k["kpi"]].id if "kpi" in k else None, confidence=k["confidence"],
                 current=k["checkins"][-1] if k.get("checkins") else None)
            for k in spec["key_results"]]


def _write_checkins(tx: Transaction, kr: KeyResult, values: list[float], today: date) -> None:
    previous = None
    for weeks_ago, value in zip(range(len(values), 0, -1), values):
        documents.insert(tx, CheckIn(id="", kr=kr.id, day=today - timedelta(weeks=weeks_ago),
                                     confidence=kr.confidence, value=value, previous=previous))
        previous = value


def _write_meeting(tx: Transaction, spec: Spec, by_name: dict[str, Kpi], today: date
                   ) -> list[Action]:
    """The past meeting, ended, with the actions it took; returns those done since (done,
    and due after the meeting's day), written open here: the meeting saw them open."""
    day = today - timedelta(days=spec["days_ago"])
    meeting = Meeting(id="", title=f"{spec['title']} {day}", day=day,
                      started_at=f"{day}T09:00:00+00:00", ended_at=f"{day}T10:00:00+00:00",
                      facilitator=spec["facilitator"], attendees=tuple(spec["attendees"]),
                      ratings=spec["ratings"])
    meeting_id = documents.insert(tx, meeting).id
    done_since, taken = [], []
    for a in spec["actions"]:
        due = today + timedelta(days=a["due_in_days"]) if "due_in_days" in a else None
        since = a["status"] == "done" and due is not None and due > day
        status = "open" if since else a["status"]
        action = documents.insert(tx, Action(
            id="", kind=a["kind"], text=a["text"], owner=a["owner"], meeting=meeting_id,
            created=day, due=due, status=status, done_on=day if status == "done" else None,
            link=by_name[a["link"]].id if a.get("link") else None))
        taken.append(action)
        if since:
            done_since.append(action)
    _write_explanations(tx, [e for e in spec.get("explanations", [])
                             if e["kind"] == "investigating"], by_name, day, meeting_id)
    for issue in spec.get("issues", ()):
        _write_issue(tx, issue, meeting_id, day, by_name, taken)
    return done_since


def _write_explanations(tx: Transaction, specs: list[Spec], by_name: dict[str, Kpi], day: date,
                        meeting_id: str | None) -> None:
    """The owners' words: in the past meeting, a flag under investigation (it carries to this
    meeting); today, before this meeting, a flag explained (it stands, dimmed)."""
    for e in specs:
        documents.insert(tx, explanations.of_flags(tx, by_name[e["kpi"]].id, e["kind"],
                                                   e["text"], e["owner"], day, meeting_id))


def _write_issue(tx: Transaction, spec: Spec, meeting_id: str, day: date,
                 by_name: dict[str, Kpi], taken: list[Action]) -> None:
    """An issue the past meeting raised: solved there into one of its actions (`solved_by`,
    which then names it back), kept open, or left open; the open ones carry over, ranked in
    the order they were raised."""
    link = by_name[spec["link"]].id if spec.get("link") else None
    solved = taken[spec["solved_by"]] if "solved_by" in spec else None
    rank = None if solved else 1 + sum(1 for i in tx.records(Issue) if i.status == "open")
    issue = documents.insert(tx, Issue(
        id="", title=spec["title"], raised_by=spec["raised_by"], meeting=meeting_id,
        created=day, link=link, status="solved" if solved else "open", rank=rank,
        kept_in=(meeting_id,) if spec.get("kept") else (),
        settled_in=meeting_id if solved else None, settled_on=day if solved else None,
        actions=(solved.id,) if solved else ()))
    if solved is not None:
        documents.save(tx, solved.evolve(issue=issue.id))


# --- follow-through and relapse (issue 19): a retired objective, interventions long due ----

def _write_retired(tx: Transaction, spec: Spec, by_name: dict[str, Kpi], today: date) -> None:
    """An objective of an earlier quarter, retired on the last day of its first KPI's period
    `retired_periods_ago` before the latest finished one: that period's value is the
    baseline its KPI is watched against (the demo's `relapse`)."""
    kpi = by_name[spec["kpis"][0]]
    period = latest_finished(today, kpi.cadence)
    for _ in range(spec["retired_periods_ago"]):
        period = previous_period(period, kpi.cadence)
    day = next_period(period, kpi.cadence) - timedelta(days=1)
    cycle = current_quarter(day)
    objective = okrs.create(tx, spec["title"], spec["owner"], cycle, _key_results(spec, by_name),
                            tuple(by_name[name].id for name in spec["kpis"]),
                            today=parse_cycle(cycle).start)
    for kr, kr_spec in zip(queries.key_results_of(tx, objective.id), spec["key_results"]):
        _write_checkins(tx, kr, kr_spec.get("checkins", []), day)
    okrs.retire(tx, {objective.id: spec["note"]}, day)


def _write_earlier_intervention(tx: Transaction, spec: Spec, by_name: dict[str, Kpi],
                                today: date) -> None:
    """An intervention recorded weeks before the demo's meeting (outside any meeting) and
    done, due long enough ago for its KPI's values since to say whether it worked."""
    # Done on its due day unless the spec says later (Lena's rota: a week late, not on time).
    done = spec["done_weeks_ago"] if "done_weeks_ago" in spec else spec["due_weeks_ago"]
    documents.insert(tx, Action(
        id="", kind="intervention", text=spec["text"], owner=spec["owner"], meeting=None,
        created=today - timedelta(weeks=spec["created_weeks_ago"]),
        due=today - timedelta(weeks=spec["due_weeks_ago"]), status=spec["status"],
        done_on=today - timedelta(weeks=done) if spec["status"] == "done" else None,
        link=by_name[spec["link"]].id))
