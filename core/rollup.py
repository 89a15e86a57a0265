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

import copy
import os
import re
import stat
import tomllib
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from core import board as boards
from core import health, okr
from core.errors import CadenceError, StoreError
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
    for number, table in enumerate(tables, start=1):
        teams.append(_team(where, number, table, teams))
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
    path = where.parent / Path(store).expanduser()
    if _same_file(path, own_store(where)):
        raise CadenceError(f"{where}: team {name!r}: store: {path} is the roll-up's own store")
    for other in earlier:
        if _same_file(path, other.store):
            raise CadenceError(f"{where}: team {name!r}: store: {path} is team "
                               f"{other.name!r}'s store too")
    return Team(name, path)


def _same_file(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:                      # one of them does not exist
        return False


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- the team stores, read only ---------------------------------------------------------------

class TeamRead(msgspec.Struct, frozen=True):
    """What one team store gave: its board, or why it could not be read."""

    team: Team
    board: boards.Board | None
    problem: str | None = None          # "growth: /path: cannot be read (...)"


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


def read_team(team: Team, today: date, store: Store | None = None) -> TeamRead:
    """The team's board as of `today`, or the one line that says why there is none."""
    try:
        found = store if store is not None else open_team(team)
        return TeamRead(team, boards.load(found, today))
    except CadenceError as exc:
        return TeamRead(team, None, f"{team.name}: {exc}")


# --- one board over every team ------------------------------------------------------------

# Flagged KPIs across teams, most severe first: red, then amber, then no value (a number
# nobody reported), then green (a drift or a signal inside the target); within a band, the
# more flags the more severe. Ties keep the roll-up's order: teams as the file lists them,
# each team's KPIs in its own order.
BAND_SEVERITY = {"red": 0, "amber": 1, "none": 2, "green": 3}


def severity(h: health.Health) -> tuple[int, int]:
    """A flagged KPI's rank across teams (smaller is more severe)."""
    return BAND_SEVERITY[h.band], -len(h.flags)


class RollupBoard(boards.Board, frozen=True, dict=True):
    """Every team's board in one, each KPI and objective known by its team (`team:k3`, shown
    `team:Revenue`), with the roll-up's own meetings and decisions. Screens, `status` and the
    minutes read it as they read one store's board."""

    title: str = ""
    teams: tuple[TeamRead, ...] = ()

    @property
    def flagged(self) -> list[health.Health]:
        return sorted(super().flagged, key=severity)

    @property
    def problems(self) -> list[str]:
        """One line per team store that could not be read."""
        return [t.problem for t in self.teams if t.problem]


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
    kpis, objectives = list(own.kpis), list(own.objectives)
    for found in reads:
        if found.board is not None:
            kpis += qualified_kpis(found.team.name, found.board.kpis)
            objectives += qualified_objectives(found.team.name, found.board.objectives)
    return RollupBoard(own.today, tuple(kpis), tuple(objectives), own.actions, own.meetings,
                       title=rollup.title, teams=tuple(reads))


def _with(value: S, **fields: Any) -> S:
    """A copy with these fields, not checked again: the team store's read checked the value,
    and a roll-up of 20 stores at size M copies ten thousand of them."""
    found = copy.copy(value)
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
