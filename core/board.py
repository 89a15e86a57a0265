"""The read model: everything a screen, the status command or the minutes shows, computed once
per version of the store. Screens and commands never compute a band, flag or score themselves.
"""

from collections import Counter, defaultdict
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Protocol, TypeVar

import msgspec

from core import explanations as explaining
from core import health, issues, okr, series
from core.errors import ValidationError
from core.follow_through import FollowThrough, judge, past
from core.forecast import Forecast, forecast, points
from core.model import (Action, CheckIn, Explanation, Issue, KeyResult, Kpi, Meeting,
                        Objective, make_id)
from core.names import name_key
from core.periods import latest_finished, parse_cycle
from core.store import Source


T = TypeVar("T")


class Readable(Source, Protocol):
    """What the read model reads: the store, or the store as of an event (core/as_of.py),
    from which a past meeting's minutes are made."""

    path: Path

    def check(self) -> None: ...


class FollowUp(msgspec.Struct, frozen=True):
    """Open actions from earlier meetings still to settle in this one (`open`), and how many
    of them are overdue (due before today) or due today: two parts that never overlap, so a
    line can say both."""

    open: int
    overdue: int
    due_today: int


class Board(msgspec.Struct, frozen=True, dict=True):   # dict: for the cached index
    today: date
    kpis: tuple[health.Health, ...]
    objectives: tuple[okr.ObjectiveView, ...]
    actions: tuple[Action, ...]
    meetings: tuple[Meeting, ...]
    issues: tuple[Issue, ...] = ()          # the issues list, in the order they were raised
    explanations: tuple[Explanation, ...] = ()     # in the order they were recorded

    @cached_property
    def _standing(self) -> dict[str, explaining.Standing]:
        return explaining.standing(self.explanations, self.kpis)

    def explanation(self, kpi_id: str) -> explaining.Standing | None:
        """The owner's explanation that stands for a KPI's flags now, if one does
        (core/explanations.py)."""
        return self._standing.get(kpi_id)

    @cached_property
    def by_id(self) -> dict[str, object]:
        found: dict[str, object] = {h.kpi.id: h for h in self.kpis}
        for view in self.objectives:
            found[view.objective.id] = view
            found.update((k.kr.id, k) for k in view.krs)
        found.update((a.id, a) for a in self.actions)
        found.update((m.id, m) for m in self.meetings)
        found.update((i.id, i) for i in self.issues)
        return found

    def get(self, ident: str | None, cls: type[T]) -> T | None:
        """What the id names, if it is a `cls` (a Health, an ObjectiveView, a KrView, an
        Action, a Meeting)."""
        item = self.by_id.get(ident) if ident else None
        return item if isinstance(item, cls) else None

    def name_of(self, ident: str | None) -> str:
        """What a link points at, by name: a KPI's name, an objective's or key result's title."""
        item = self.by_id.get(ident) if ident else None
        if isinstance(item, health.Health):
            return item.kpi.name
        if isinstance(item, okr.ObjectiveView):
            return item.objective.title
        if isinstance(item, Issue):
            return item.title
        return item.kr.title if isinstance(item, okr.KrView) else ""

    def find_kpi(self, ref: str) -> health.Health | None:
        """A KPI by name as people read it (core.names.name_key: any case, spacing, Unicode
        form) or by id."""
        key, ident = name_key(ref), ref.strip().lower()
        return next((h for h in self.kpis
                     if h.kpi.id == ident or name_key(h.kpi.name) == key), None)

    @cached_property
    def people(self) -> tuple[str, ...]:
        """Everyone the store names — owners of KPIs, objectives and actions, attendees and
        facilitators, and who raised an issue — once each as people read a name
        (core.names.name_key), spelled as most often written: what owner fields complete
        from, so that "lena" offers "Lena Fischer" rather than starting a second person."""
        named = [h.kpi.owner for h in self.kpis] + [v.objective.owner for v in self.objectives]
        named += [a.owner for a in self.actions] + [i.raised_by for i in self.issues]
        for meeting in self.meetings:
            named += [*meeting.attendees, meeting.facilitator]
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        for name in (n.strip() for n in named):
            if name:
                spellings[name_key(name)][name] += 1
        return tuple(sorted((c.most_common(1)[0][0] for c in spellings.values()),
                            key=str.casefold))

    def link_names(self) -> tuple[str, ...]:
        """What a decision can be about, by name: the KPIs, the active objectives and their
        key results."""
        names = [h.kpi.name for h in self.kpis]
        for view in self.active:
            names += [view.objective.title, *(k.kr.title for k in view.krs)]
        return tuple(dict.fromkeys(names))

    def find_link(self, name: str, field: str = "link") -> str | None:
        """The id of what a decision is about, by name as people read it: a KPI first, then
        an active objective, then a key result of one; None for no name. A name two of them
        share (two objectives' key results both titled "NPS") is refused as ambiguous."""
        if not name.strip():
            return None
        if (kpi := self.find_kpi(name)) is not None:
            return kpi.kpi.id
        wanted = name_key(name)
        found = [v.objective.id for v in self.active if name_key(v.objective.title) == wanted]
        found = found or [k.kr.id for v in self.active for k in v.krs
                          if name_key(k.kr.title) == wanted]
        if len(found) == 1:
            return found[0]
        if found:
            raise ValidationError(field, f"{len(found)} key results are titled "
                                  f"{name.strip()!r}: name their objective instead")
        raise ValidationError(field, f"no KPI, active objective or key result named "
                              f"{name.strip()!r}")

    @property
    def open_issues(self) -> list[Issue]:
        """The issues list: the open issues, top first (core/commands/issues.py)."""
        return issues.ranked(self.issues)

    def issues_settled_in(self, meeting_id: str | None) -> list[Issue]:
        """The issues a meeting solved or dropped, in the order they were raised."""
        return [i for i in self.issues if meeting_id and i.settled_in == meeting_id]

    def open_interventions(self, kpi_id: str) -> list[Action]:
        return [a for a in self.actions
                if a.link == kpi_id and a.kind == "intervention" and a.status == "open"]

    @cached_property
    def follow_through(self) -> dict[str, list[FollowThrough]]:
        """KPI id -> its interventions judged by its values since (core/follow_through.py),
        newest first. Computed when first asked (the flagged detail, status, the minutes),
        not on every store version."""
        found: dict[str, list[FollowThrough]] = defaultdict(list)
        for a in self.actions:
            h = self.get(a.link, health.Health) if a.kind == "intervention" else None
            if h is not None:
                found[h.kpi.id].append(judge(a, h))
        return dict(found)

    def past_interventions(self, kpi_id: str) -> list[FollowThrough]:
        """The KPI's interventions whose day has passed, judged: "did it work?"."""
        return past(self.follow_through.get(kpi_id, []), self.today)

    @cached_property
    def forecasts(self) -> dict[str, Forecast]:
        """Key result id -> where it will land (core/forecast.py), for the active objectives'
        key results that have one. Computed when first asked (the OKR stage, status, the
        minutes). A key result linked to an archived KPI has no values here: no forecast."""
        found = {}
        for view in self.active:
            cycle = parse_cycle(view.objective.cycle)
            for kr in view.krs:
                h = self.get(kr.kr.kpi, health.Health)
                kpi_values = None if kr.kr.kpi is None else \
                    [(m.period, m.value) for m in h.series.recent()] if h else []
                made = forecast(kr, points(kr, kpi_values, cycle), cycle, self.today)
                if made is not None:
                    found[kr.kr.id] = made
        return found

    def verdicts(self, meeting_id: str | None) -> dict[str, str]:
        meeting = self.by_id.get(meeting_id) if meeting_id else None
        return meeting.verdicts if isinstance(meeting, Meeting) else {}

    def carried_over(self, meeting_id: str | None) -> list[Action]:
        """Actions from earlier meetings still open, plus those settled in this meeting (so
        their verdict shows): the wrap-up's list."""
        settled = self.verdicts(meeting_id)
        return [a for a in self.actions if a.kind != "decision" and a.meeting != meeting_id
                and (a.status == "open" or a.id in settled)]

    def is_overdue(self, action: Action) -> bool:
        """An action or intervention still open after its due day (a decision is taken, not
        done: it is never overdue)."""
        return (action.kind != "decision" and action.status == "open"
                and action.due is not None and action.due < self.today)

    def follow_up(self, meeting_id: str | None) -> "FollowUp":
        """What the meeting has to settle from earlier meetings, told from its first screen:
        the open actions not yet given a verdict in it, by when they were due."""
        settled = self.verdicts(meeting_id)
        waiting = [a for a in self.carried_over(meeting_id) if a.id not in settled]
        return FollowUp(open=len(waiting),
                        overdue=sum(1 for a in waiting if self.is_overdue(a)),
                        due_today=sum(1 for a in waiting if a.due == self.today))

    def to_fill(self) -> list[health.Health]:
        """KPIs with no value for their latest finished period: the scorecard still to fill."""
        return [h for h in self.kpis
                if not h.series.has(latest_finished(self.today, h.kpi.cadence))]

    def ended_cycles(self) -> list[str]:
        """Cycles of active objectives that are over: time to close them."""
        return sorted({v.objective.cycle for v in self.active
                       if parse_cycle(v.objective.cycle).end < self.today})

    def counts(self) -> dict[str, int]:
        tally = dict.fromkeys(health.BANDS, 0)
        for item in self.kpis:
            tally[item.band] += 1
        return tally

    @property
    def flagged(self) -> list[health.Health]:
        return [h for h in self.kpis if h.flags]

    @property
    def active(self) -> list[okr.ObjectiveView]:
        return [v for v in self.objectives if v.objective.status == "active"]


def all_series(store: Readable, today: date) -> dict[str, series.Series]:
    """Each KPI's values up to `today`, by KPI id (the store checks each series once per
    version of the file, not once per read model)."""
    store.check()
    pulls = store.docs(series.PULLS)
    return {make_id("kpis", key): series.Series(make_id("kpis", key), doc, today,
                                                pulls.get(key))
            for key, doc in store.docs(series.TABLE).items()}


def kpi_order(kpi: Kpi) -> tuple[bool, str, str]:
    """North star first, then by area, then by name."""
    return (not kpi.north_star, kpi.area.casefold(), kpi.name.casefold())


def load(store: Readable, today: date) -> Board:
    """Everything as it stood on `today`: values of periods that start later are left out, so
    a past meeting's minutes show the health its meeting saw."""
    values = all_series(store, today)
    kpis = sorted((k for k in store.records(Kpi) if not k.archived), key=kpi_order)
    records = store.records(Objective)
    watches = okr.watches(records, today)           # relapse: each KPI's watched baseline
    healths = tuple(health.assess(k, values.get(k.id) or series.Series(k.id, {}), today,
                                  watches.get(k.id))
                    for k in kpis)
    # Archived KPIs still feed the key results linked to them.
    latest = {kpi: s.values(1)[0] for kpi, s in values.items() if len(s)}
    krs: dict[str, list[KeyResult]] = defaultdict(list)
    for kr in store.records(KeyResult):
        krs[kr.objective].append(kr)
    checkins: dict[str, list[CheckIn]] = defaultdict(list)
    for c in sorted(store.records(CheckIn), key=lambda c: (c.day, c.key)):
        checkins[c.kr].append(c)
    objectives = tuple(okr.view(o, krs[o.id], checkins, latest, today)
                       for o in okr.ranked(records))
    actions = tuple(sorted(store.records(Action), key=lambda a: (a.created, a.key), reverse=True))
    meetings = tuple(store.records(Meeting))
    return Board(today, healths, objectives, actions, meetings,
                 issues=tuple(store.records(Issue)),
                 explanations=tuple(store.records(Explanation)))
