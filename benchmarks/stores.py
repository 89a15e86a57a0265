"""Synthetic stores at three sizes, written straight in the store's format (an import of half
a million rows is itself a figure, not a fixture):

S: the demo. M: 500 KPIs x 156 weekly values (78k), 60 objectives, 2,000 decisions.
L: 1,000 KPIs x 520 weekly values (520k), 120 objectives, 4,000 decisions.
"""

import random
from datetime import date
from pathlib import Path

from core import demo, schema, series
from core.model import Action, KeyResult, Kpi, Meeting, Objective, make_id
from core.periods import current_quarter, latest_finished, previous_period
from core.storage import atomic_write, encode
from core.store import Store

SIZES = {"M": (500, 156, 60, 2000), "L": (1000, 520, 120, 4000)}


def build(size: str, folder: Path, today: date) -> Path:
    path = folder / f"store-{size}.json"
    if size == "S":
        demo.write(Store(path), today)
        return path
    kpis, weeks, objectives, actions = SIZES[size]
    rng = random.Random(size)
    tables: dict[str, dict[str, dict]] = {name: {} for name in (
        "kpis", series.TABLE, "objectives", "key_results", "meetings", "actions")}

    def add(table: str, value) -> str:
        key = len(tables[table]) + 1
        tables[table][str(key)] = value.to_doc()
        return make_id(table, key)

    for k in range(kpis):
        kpi_id = add("kpis", Kpi(id="", name=f"Metric {k}", owner=f"Owner {k % 25}", unit="%",
                                 direction="higher", target=90.0, threshold=80.0,
                                 cadence="weekly", area=f"Area {k % 12}"))
        period, level, values = latest_finished(today, "weekly"), rng.uniform(75, 95), {}
        for _ in range(weeks):
            values[period.isoformat()] = round(level + rng.gauss(0, 2), 2)
            period = previous_period(period, "weekly")
        tables[series.TABLE][kpi_id[1:]] = dict(sorted(values.items()))
    for o in range(objectives):
        objective = add("objectives", Objective(id="", title=f"Objective {o}", owner="Noor",
                                                cycle=current_quarter(today), priority=o + 1))
        for r in range(3):
            add("key_results", KeyResult(id="", objective=objective, title=f"KR {o}.{r}",
                                         start=0.0, target=10.0, position=r))
    meeting = add("meetings", Meeting(id="", title="Operating review", day=today,
                                      started_at=f"{today}T09:00:00+00:00",
                                      ended_at=f"{today}T10:00:00+00:00"))
    for a in range(actions):
        add("actions", Action(id="", kind=("decision", "action")[a % 2], text=f"Action {a}",
                              owner=f"Owner {a % 25}", meeting=meeting, created=today))
    data = {**tables, schema.META: {"1": {"schema_version": schema.CURRENT, "next_ids": {
        name: len(docs) + 1 for name, docs in tables.items() if name != series.TABLE},
        "demo": False}}}
    atomic_write(path, encode(data))
    return path
