"""A roll-up: a leadership review over many team stores, named in a small TOML file.

    title = "Leadership review"

    [[team]]
    name = "growth"                      # short: it prefixes the team's KPIs, growth:Revenue
    store = "../growth/cadence.json"     # relative to this file

Each team keeps its store in its own file (often its own git repository), so the roll-up only
reads them: a team store is opened as any reader opens it — one read of the file, which every
writer replaces whole by a rename (core/storage.py), so the read is a consistent version
without taking the team's lock — and nothing is ever written, created or locked beside it. A
team store that cannot be read (missing, broken, from a newer Cadence) is one line naming the
team and the file, and the review goes on with the others.

What the leadership meeting itself records (its meetings, decisions and actions) lives in the
roll-up's own store beside the roll-up file (`own_store`), linked to `team:KPI` ids.
"""

import os
import re
import stat
import tomllib
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

import msgspec

from core import board as boards
from core import bulk, clock, health, okr, series
from core import since as changes
from core.as_of import StoreAsOf, written_by
from core.errors import CadenceError, StoreError
from core.model import Action, Explanation, Meeting
from core.read_model import Changed, ReadModel
from core.store import Store

# A team's name prefixes its KPIs and objectives (`growth:Revenue`) and is written bare in an
# org KPI's formula: short, lowercase, a word a formula reads as one name.
TEAM_NAME = re.compile(r"[a-z][a-z0-9_]{0,23}")
TEAM_NAME_RULE = "lowercase letters, digits and _, starting with a letter, at most 24"
SEPARATOR = ":"
# The roll-up's own store, beside the roll-up file: `rollup.toml` -> `rollup.cadence.json`.
OWN_STORE_SUFFIX = ".cadence.json"

S = TypeVar("S", bound=msgspec.Struct)


class Team(msgspec.Struct, frozen=True):
    name: str
    store: Path          # as the roll-up file names it, relative paths made from its folder


class Rollup(msgspec.Struct, frozen=True):
    path: Path
    title: str
    teams: tuple[Team, ...]

    @property
    def own_store(self) -> Path:
        """Where the leadership meeting's own records live (never a team's folder unless the
        roll-up file was put there)."""
        return own_store(self.path)


def own_store(path: Path) -> Path:
    return path.with_name(path.stem + OWN_STORE_SUFFIX)


# --- the roll-up file ------------------------------------------------------------------------

def read(path: str | os.PathLike[str]) -> Rollup:
    """The roll-up file, checked whole: every problem is one CadenceError naming the file and
    the team or field."""
    where = Path(path).expanduser()
    data = _toml(where)
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        found = "missing" if title is None else f"{_short(title)} is not a title"
        raise CadenceError(f"{where}: title: {found} (a roll-up has one, e.g. title = "
                           "\"Leadership review\")")
    tables = data.get("team")
    if tables is None or tables == []:
        raise CadenceError(f"{where}: no [[team]] table: name each team with its name and "
                           "store")
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise CadenceError(f"{where}: team: is not a list of [[team]] tables")
    teams: list[Team] = []
    files: dict[object, str] = {_identity(own_store(where)): ""}    # file -> the team naming it
    for number, table in enumerate(tables, start=1):
        team = _team(where, number, table, teams)
        for same in _identities(team.store):
            if same in files:
                whose = (f"team {files[same]!r}'s store too" if files[same] else
                         "the roll-up's own store")
                raise CadenceError(f"{where}: team {team.name!r}: store: {team.store} is "
                                   f"{whose}")
        files.update(dict.fromkeys(_identities(team.store), team.name))
        teams.append(team)
    return Rollup(where, title.strip(), tuple(teams))


def _toml(where: Path) -> dict[str, Any]:
    try:
        # Without blocking: a FIFO opened for reading would wait for a writer for ever.
        fd = os.open(where, os.O_RDONLY | os.O_NONBLOCK)
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise CadenceError(f"{where}: is not a file")
            return tomllib.load(handle)
    except OSError as exc:
        raise CadenceError(f"{where}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CadenceError(f"{where}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise CadenceError(f"{where}: not valid TOML (not UTF-8 text)") from None


def _team(where: Path, number: int, table: dict[str, Any], earlier: list[Team]) -> Team:
    name = table.get("name")
    if name is None:
        raise CadenceError(f"{where}: team {number}: name: missing (a short name such as "
                           "\"growth\")")
    if not isinstance(name, str) or not TEAM_NAME.fullmatch(name):
        raise CadenceError(f"{where}: team {number}: name: {_short(name)} is not a short team "
                           f"name ({TEAM_NAME_RULE}: it prefixes the team's KPIs, "
                           "growth:Revenue)")
    if any(t.name == name for t in earlier):
        raise CadenceError(f"{where}: team {number}: name: {name!r} names another team too")
    store = table.get("store")
    if not isinstance(store, str) or not store.strip():
        found = "missing" if store is None else f"{_short(store)} is not a path"
        raise CadenceError(f"{where}: team {name!r}: store: {found} (the team's store file, "
                           "relative to the roll-up file)")
    if "\0" in store:
        raise CadenceError(f"{where}: team {name!r}: store: {_short(store)} is not a path")
    return Team(name, where.parent / Path(store).expanduser())


def _identity(path: Path) -> str:
    return os.path.realpath(path)


def _identities(path: Path) -> list[object]:
    """What makes two paths one file: the path through its links, and, for a file that is
    there, its device and inode (a hard link). Each looked up once per team: a roll-up of
    fifty teams compares them all."""
    found: list[object] = [_identity(path)]
    try:
        st = os.stat(path)
        found.append((st.st_dev, st.st_ino))
    except OSError:                      # not there (yet): said when it is read
        pass
    return found


def _same_file(a: Path, b: Path) -> bool:
    return bool(set(_identities(a)) & set(_identities(b)))


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- the team stores, read only ---------------------------------------------------------------

class TeamRead(msgspec.Struct, frozen=True):
    """What one team store gave: its board and the store (or the store as of an event) it was
    read from, or why it could not be read."""

    team: Team
    board: boards.Board | None
    problem: str | None = None          # "/path: cannot be read (...)"
    source: Any = None                  # a boards.Readable: since-last-meeting reads it again
    # The board's KPIs and objectives as the roll-up shows them (`growth:Revenue`), made once.
    kpis: tuple[health.Health, ...] = ()
    objectives: tuple[okr.ObjectiveView, ...] = ()
    explanations: tuple[Explanation, ...] = ()      # the owners', which the roll-up shows


def open_team(team: Team) -> Store:
    """The team's store, read once (no lock: a writer replaces the file whole, so a read is
    one whole version of it). Only a regular file is opened: a FIFO would hold the read for
    ever, a device never end. Raises StoreError naming the file."""
    try:
        found = os.stat(team.store)
    except OSError as exc:
        reason = "no such file" if isinstance(exc, FileNotFoundError) else exc.strerror
        raise StoreError(f"{team.store}: cannot be read ({reason})") from None
    if not stat.S_ISREG(found.st_mode):
        raise StoreError(f"{team.store}: cannot be read (not a regular file)")
    return Store(team.store)


def as_of(store: Store, when: str | None) -> boards.Readable:
    """The team store as it stood at `when` (an ISO time: an ended roll-up meeting's end), its
    events written after it taken back (core/as_of.py); the store itself for None."""
    if when is None:
        return store
    events = store.events()
    kept = written_by(events, when, store.path)
    return store if kept == len(events) else StoreAsOf(store, events, kept)


def read_team(team: Team, today: date, store: Store | None = None,
              when: str | None = None) -> TeamRead:
    """The team's board as of `today` (and, with `when`, the store as it stood then), or the
    one line that says why there is none."""
    try:
        source = as_of(store if store is not None else open_team(team), when)
        board = boards.load(source, today)
    except CadenceError as exc:
        return TeamRead(team, None, str(exc))
    prefix = team.name + SEPARATOR
    explained = tuple(_with(e, id=prefix + e.id, kpi=prefix + e.kpi,
                            meeting=e.meeting and prefix + e.meeting)
                      for e in board.explanations)
    return TeamRead(team, board, None, source, tuple(qualified_kpis(team.name, board.kpis)),
                    tuple(qualified_objectives(team.name, board.objectives)), explained)


class Review:
    """A roll-up opened: its file, its own store, and the team stores, each kept once read so
    that looking again re-reads only a file that changed (a `stat` per team)."""

    def __init__(self, path: str | os.PathLike[str]):
        self.rollup = read(path)
        self.own = Store(self.rollup.own_store)
        self.own.outside = self.knows
        self.own.outside_kpis = self.catalogue
        self._stores: dict[str, Store] = {}
        # Each team's read as of a day and a version of its store: a roll-up of fifty teams
        # whose one team changed reads that one again.
        self._reads: dict[str, tuple[tuple[int, int, date], TeamRead]] = {}
        self.latest: RollupBoard | None = None      # the board last made (`board`)

    def catalogue(self) -> dict[str, tuple[str, str | None]]:
        """What an org KPI's formula may name in the teams (Store.outside_kpis): each team's
        KPIs as the roll-up last read them, with their cadence."""
        board = self.latest
        return {h.kpi.name: (h.kpi.cadence, None) for h in board.kpis
                if team_of(h.kpi.id)} if board is not None else {}

    def knows(self, link: str) -> bool:
        """Whether a decision may link to `link` from the roll-up's store: a team's KPI,
        objective or key result, as the roll-up last read it."""
        board = self.latest
        item = board.by_id.get(link) if board is not None and team_of(link) else None
        return isinstance(item, health.Health | okr.ObjectiveView | okr.KrView)

    def store(self, team: Team) -> Store:
        """The team's store, read again if its file changed. One that turned unreadable, or
        was replaced (a checkout in the team's repository), is opened afresh: a reader has
        nothing of its own to keep."""
        held = self._stores.get(team.name)
        if held is not None:
            try:
                held.refresh()
                return held
            except CadenceError:
                del self._stores[team.name]
        found = self._stores[team.name] = open_team(team)
        return found

    def teams(self, today: date, when: str | None = None) -> list[TeamRead]:
        """Each team as of `today`: its store as it is now (read again where its file
        changed), or with `when`, as it stood then."""
        with bulk.collector_paused():     # fifty parsed stores, kept: no cycle among them
            return self._teams(today, when)

    def _teams(self, today: date, when: str | None) -> list[TeamRead]:
        reads = []
        for team in self.rollup.teams:
            try:
                store = self.store(team)
            except CadenceError as exc:
                reads.append(TeamRead(team, None, str(exc)))
                continue
            if when is not None:
                reads.append(read_team(team, today, store, when))
                continue
            key = (id(store), store.version, today)
            kept = self._reads.get(team.name)
            if kept is None or kept[0] != key:
                kept = self._reads[team.name] = (key, read_team(team, today, store))
            reads.append(kept[1])
        return reads

    def look(self) -> tuple[object, ...]:
        """Each team store looked at again (a `stat`; read again if its file changed): what
        version of it is held, or why none is. A read model rebuilds when this moved."""
        found: list[object] = []
        for team in self.rollup.teams:
            try:
                store = self.store(team)
                found.append((id(store), store.version))
            except CadenceError as exc:
                found.append(str(exc))
        return tuple(found)

    def board(self, today: date, own: boards.Board | None = None) -> "RollupBoard":
        """The roll-up as of `today`: its own store (`own`: its board, if the caller has it)
        and every team store as they are."""
        own = own if own is not None else boards.load(self.own, today)
        self.latest = combine(self.rollup, own, self.teams(today))
        return self.latest


# --- one board over every team ------------------------------------------------------------

# Flagged KPIs across teams, most severe first: red, then amber, then no value (a number
# nobody reported), then green (a drift or a signal inside the target); within a band, the
# more flags the more severe. Ties keep the roll-up's order: teams as the file lists them,
# each team's KPIs in its own order.
BAND_SEVERITY = {"red": 0, "amber": 1, "none": 2, "green": 3}


def severity(h: health.Health) -> tuple[int, int]:
    """A flagged KPI's rank across teams (smaller is more severe)."""
    return BAND_SEVERITY[h.band], -len(h.flags)


class OrgKpi(msgspec.Struct, frozen=True):
    """Where an org KPI's values come from: its formula over the teams' KPIs, each input with
    its team and the team's store (None: the roll-up's own KPI), and why a period has none."""

    formula: str
    inputs: tuple[tuple[str, str | None, str | None], ...]     # (name, team, store)
    missing: dict[str, str]                                     # period start -> why
    error: str | None = None                                    # a formula that cannot run


class RollupBoard(boards.Board, frozen=True, dict=True):
    """Every team's board in one, each KPI and objective known by its team (`team:k3`, shown
    `team:Revenue`), with the roll-up's own meetings, decisions and org KPIs. Screens,
    `status` and the minutes read it as they read one store's board."""

    title: str = ""
    teams: tuple[TeamRead, ...] = ()
    org: dict[str, OrgKpi] = msgspec.field(default_factory=dict)   # org KPI id -> provenance

    @property
    def flagged(self) -> list[health.Health]:
        return sorted(super().flagged, key=severity)

    def name_of(self, ident: str | None) -> str:
        """As a store's board names it, a team's key result with its team too (its KPIs and
        objectives carry it in their names): a decision about `growth:CSAT`."""
        found = super().name_of(ident)
        team = team_of(ident)
        if team and isinstance(self.by_id.get(ident or ""), okr.KrView):
            return f"{team}{SEPARATOR}{found}"
        return found

    def to_fill(self) -> list[health.Health]:
        """The roll-up's own KPIs missing their latest value: each team fills its own
        scorecard, in its own meeting."""
        return [h for h in super().to_fill() if team_of(h.kpi.id) is None]

    @property
    def problems(self) -> list[str]:
        """One line per team store that could not be read: "growth: /path: cannot be read
        (no such file)"."""
        return [f"{t.team.name}: {t.problem}" for t in self.teams if t.problem]


def team_of(ident: str | None) -> str | None:
    """The team an id of the roll-up names (`growth:k3` -> growth); None for the roll-up's
    own."""
    if not ident or SEPARATOR not in ident:
        return None
    return ident.partition(SEPARATOR)[0]


def own_name(name: str) -> str:
    """A KPI's name or an objective's title as its team wrote it (`growth:Revenue` ->
    Revenue)."""
    return name.partition(SEPARATOR)[2] if SEPARATOR in name else name


def combine(rollup: Rollup, own: boards.Board, reads: Sequence[TeamRead]) -> RollupBoard:
    """The roll-up's board: its own store's (meetings, decisions, anything of its own) and
    every readable team's KPIs and objectives, qualified by the team."""
    kpis, org = org_kpis(rollup, own, reads)
    objectives, explained = list(own.objectives), list(own.explanations)
    for found in reads:
        kpis += found.kpis
        objectives += found.objectives
        explained += found.explanations
    return RollupBoard(own.today, tuple(kpis), tuple(objectives), own.actions, own.meetings,
                       issues=own.issues, explanations=tuple(explained), title=rollup.title,
                       teams=tuple(reads), org=org)


# --- org KPIs: formulas over the teams' KPIs --------------------------------------------------

def org_kpis(rollup: Rollup, own: boards.Board, reads: Sequence[TeamRead]
             ) -> tuple[list[health.Health], dict[str, OrgKpi]]:
    """The roll-up's own KPIs, those with a formula computed period by period from the teams'
    KPIs as read now (`growth:Revenue + sales:Revenue`, core/formula.py: the same rules and
    evaluator as a store's formulas), and judged as any KPI; with where each value came from.
    Nothing is stored: the values follow the team stores."""
    formulas = {h.kpi.name: h.kpi.formula for h in own.kpis if h.kpi.formula.strip()}
    if not formulas:
        return list(own.kpis), {}
    from core import formula                   # only a roll-up with org KPIs needs it
    values = {h.kpi.name: _values(h) for found in reads for h in found.kpis}
    values.update((h.kpi.name, _values(h)) for h in own.kpis if h.kpi.name not in formulas)
    cadences = {h.kpi.name: h.kpi.cadence for found in reads for h in found.kpis}
    cadences.update((h.kpi.name, h.kpi.cadence) for h in own.kpis)
    errors: dict[str, str] = {}
    for name, text in list(formulas.items()):
        try:
            formula.parse(text)
        except CadenceError as exc:
            errors[name] = str(exc)
            del formulas[name]
    results = formula.evaluate_all(formulas, values, cadences)
    stores = {t.name: str(t.store) for t in rollup.teams}
    kpis, org = [], {}
    for h in own.kpis:
        name = h.kpi.name
        if name not in results and name not in errors:
            kpis.append(h)
            continue
        found = results.get(name, {})
        doc: dict[str, series.Entry] = {p: v for p, v in found.items()
                                         if not isinstance(v, formula.Missing)}
        missing = {p: v.reason for p, v in found.items() if isinstance(v, formula.Missing)}
        kpis.append(health.assess(h.kpi, series.Series(h.kpi.id, doc, own.today), own.today))
        names = () if name in errors else formula.parse(h.kpi.formula).names
        inputs = tuple((n, team_of(n), stores.get(team_of(n) or "")) for n in names)
        org[h.kpi.id] = OrgKpi(h.kpi.formula, inputs, missing, errors.get(name))
    return kpis, org


def _values(h: health.Health) -> dict[str, float]:
    return {m.period.isoformat(): m.value for m in h.series.recent()}


def _with(value: S, **fields: Any) -> S:
    """A copy with these fields, not checked again: the team store's read checked the value,
    and a roll-up of 20 stores at size M copies ten thousand of them."""
    found: S = cast(Any, value).__copy__()     # msgspec's own, in C: not copy.copy's lookup
    for name, field in fields.items():
        msgspec.structs.force_setattr(found, name, field)
    return found


def _ids(team: str, idents: Iterable[str]) -> tuple[str, ...]:
    return tuple(f"{team}{SEPARATOR}{i}" for i in idents)


def qualified_kpis(team: str, healths: Iterable[health.Health]) -> list[health.Health]:
    prefix = team + SEPARATOR
    return [_with(h, kpi=_with(h.kpi, id=prefix + h.kpi.id, name=prefix + h.kpi.name))
            for h in healths]


def qualified_objectives(team: str, views: Iterable[okr.ObjectiveView]
                         ) -> list[okr.ObjectiveView]:
    prefix = team + SEPARATOR
    found = []
    for view in views:
        o = view.objective
        objective = _with(o, id=prefix + o.id, title=prefix + o.title, kpis=_ids(team, o.kpis))
        krs = tuple(_with(k, kr=_with(k.kr, id=prefix + k.kr.id, objective=objective.id,
                                      kpi=prefix + k.kr.kpi if k.kr.kpi else None))
                    for k in view.krs)
        found.append(_with(view, objective=objective, krs=krs))
    return found


def load(rollup: Rollup, own: Store, today: date) -> RollupBoard:
    """The roll-up as of `today`, every team store read once."""
    reads = [read_team(team, today) for team in rollup.teams]
    return combine(rollup, boards.load(own, today), reads)


def _qualified_item(team: str, item: changes.Item) -> changes.Item:
    prefix = team + SEPARATOR
    extra = item.extra
    if "objective" in extra:
        extra = {**extra, "objective": prefix + extra["objective"]}
    return _with(item, id=prefix + item.id, name=prefix + item.name, extra=extra)


# --- since the last leadership meeting, across teams ----------------------------------------

def since_last(board: RollupBoard, own: boards.Readable, own_now: boards.Board,
               but: str | None = None) -> changes.Since | None:
    """What changed since the roll-up's last ended meeting (other than `but`), in its own
    store and in every team store read now: each team's store as it stood at that meeting's
    end (its event log cut there), judged on the meeting's day, against the team as read now.
    The team's items are qualified like its KPIs (`growth:Revenue`). None when no roll-up
    meeting has ended. `own_now`: the roll-up store's own board (`own` read now)."""
    meeting = changes.last_ended(own.records(Meeting), own.path, but)
    if meeting is None:
        return None
    items = list(changes.compare(changes.then(own, meeting), own, own_now).items)
    for found in board.teams:
        if found.board is None or found.source is None:
            continue
        base = found.source.store if isinstance(found.source, StoreAsOf) else found.source
        then = as_of(base, meeting.ended_at)
        was = changes.Then(meeting, boards.load(then, meeting.day),
                           dict(then.docs(series.TABLE)))
        items += [_qualified_item(found.team.name, i)
                  for i in changes.compare(was, found.source, found.board).items]
    order = {kind: n for n, kind in enumerate(changes.KINDS)}
    return changes.Since(meeting, tuple(sorted(items, key=lambda i: order[i.kind])))


class MinutesScope:
    """What a leadership meeting reviewed, for its minutes (core/minutes.py: Scope): its own
    store as the meeting saw it and every team store as it stood at the meeting's end (or as
    it is, while the meeting runs), judged as of its day. Team stores keep their history, so
    an ended meeting's minutes stay the same however much the teams record later."""

    def __init__(self, review: Review):
        self.review = review
        self._own: boards.Board | None = None

    def board(self, seen: boards.Readable, meeting: Meeting) -> boards.Board:
        self._own = boards.load(seen, meeting.day)
        return combine(self.review.rollup, self._own,
                       self.review.teams(meeting.day, meeting.ended_at))

    def since(self, seen: boards.Readable, board: boards.Board,
              meeting: Meeting) -> changes.Since | None:
        assert isinstance(board, RollupBoard) and self._own is not None   # made by board()
        return since_last(board, seen, self._own, meeting.id)


# --- what a team sees of the roll-ups that name it ---------------------------------------

# The roll-up files a team store's `cadence status` looks in for decisions about its KPIs,
# objectives and key results (separated like PATH). An environment variable, not a file of
# the user's: `cadence status` reads nothing more when it is not set, and a team's cron job,
# shell profile or CI sets it once.
ENVIRONMENT = "CADENCE_ROLLUPS"


class Relayed(msgspec.Struct, frozen=True):
    """A decision or action a leadership meeting took about one of this team's KPIs,
    objectives or key results."""

    rollup: Rollup
    team: str               # the team's name in that roll-up
    action: Action
    link: str               # the id in the team's own store (`k3` for `growth:k3`)


def relayed_to(store: Path) -> tuple[list[Relayed], list[str]]:
    """The decisions and actions about `store`'s items in the roll-ups CADENCE_ROLLUPS lists
    (those whose teams name this very file), newest first, each roll-up's store read as a
    team store is: once, without a lock, never written; and one line per roll-up that could
    not be read (the others go on)."""
    found: list[Relayed] = []
    problems: list[str] = []
    for named in filter(str.strip, os.environ.get(ENVIRONMENT, "").split(os.pathsep)):
        try:
            found += _relayed_from(read(named), store)
        except CadenceError as exc:
            problems.append(f"{ENVIRONMENT}: {exc}")
    found.sort(key=lambda r: (r.action.created, r.rollup.title, r.action.key), reverse=True)
    return found, problems


def _relayed_from(rollup: Rollup, store: Path) -> list[Relayed]:
    teams = {t.name for t in rollup.teams if _same_file(t.store, store)}
    if not teams or not os.path.exists(rollup.own_store):    # no leadership meeting yet
        return []
    own = open_team(Team("", rollup.own_store))
    return [Relayed(rollup, team, a, (a.link or "").partition(SEPARATOR)[2])
            for a in own.records(Action) if (team := team_of(a.link)) in teams]



class RollupReadModel(ReadModel):
    """The read model of a roll-up's meeting (core/read_model.py): the roll-up's board, made
    again when its own store, a team store or the day changed. A team store that turns
    unreadable mid-meeting becomes its line; the roll-up's own store is the meeting's, and
    its problems are the read model's, as a store's are."""

    def __init__(self, review: Review, board: RollupBoard | None = None,
                 today: Callable[[], date] = clock.today):
        super().__init__(review.own, board, today)
        self.review = review
        self._teams: tuple[object, ...] | None = review.look() if board is not None else None

    def _rebuild(self) -> Changed:
        today, version, teams = self._today(), self.store.version, self.review.look()
        changed = Changed(store=version != self._version or teams != self._teams,
                          day=self._board is not None and today != self._board.today)
        if changed.store or changed.day or self._board is None:
            self._board = self.review.board(today)
            self._version, self._teams = version, teams
        return changed
