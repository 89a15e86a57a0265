"""Agenda templates: the rhythm a meeting runs to. Three are built in — the weekly operating
review (the contract's five stages, exactly), the monthly strategy review (the weekly's stages
and a deep dive), the quarterly review (scoring, the cycle's close, the next cycle) — and a
team saves its own in the store (core.model.Agenda: stages of the registry, their order and
timeboxes). A meeting is planned from one (`planned`) and records its name.

A team's template may not take a built-in's name: `--agenda weekly` must always open the
contract's weekly review, whatever a store holds.
"""

from collections.abc import Mapping, Sequence

import msgspec

from core import stages
from core.commands import documents
from core.errors import CadenceError, ValidationError
from core.model import TIMEBOX_MOST_MIN, Agenda, AgendaStage, Stage
from core.names import name_key, require_plain
from core.store import Source, Transaction

WEEKLY = "weekly"
NAME_MOST = 60            # characters: a name is typed after --agenda and shown in a header


class Template(msgspec.Struct, frozen=True):
    """An agenda as a meeting is planned from it: a name, what people call it, and its stages
    with their timeboxes (minutes)."""

    name: str
    title: str
    stages: tuple[tuple[str, int], ...]
    builtin: bool = False

    def planned(self) -> tuple[Stage, ...]:
        """A new meeting's stages, no time spent yet."""
        return tuple(Stage(kind.title, box, id=kind.id) for kind, box in
                     zip(stages.agenda([i for i, _ in self.stages]),
                         (box for _, box in self.stages), strict=True))

    @property
    def shown(self) -> str:
        """How the minutes and the lists name it: a built-in with its title too."""
        return f"{self.name} ({self.title})" if self.title != self.name else self.name


def _builtin(name: str, title: str, ids: Sequence[str],
             boxes: Mapping[str, int] | None = None) -> Template:
    found = stages.agenda(ids)
    return Template(name, title, tuple((t.id, (boxes or {}).get(t.id, t.timebox_min))
                                       for t in found), builtin=True)


BUILTIN: tuple[Template, ...] = (
    _builtin(WEEKLY, "Weekly operating review", stages.WEEKLY),
    _builtin("monthly", "Monthly strategy review",
             ("health", "flagged", "okrs", "deepdive", "decisions", "wrapup")),
    _builtin("quarterly", "Quarterly review",
             ("health", "scoring", "close", "drafting", "decisions", "wrapup")),
)
_BUILTIN = {t.name: t for t in BUILTIN}


def weekly() -> Template:
    return _BUILTIN[WEEKLY]


def of_team(agenda: Agenda) -> Template:
    return Template(agenda.name, agenda.name, tuple((s.id, s.timebox_min) for s in agenda.stages))


def team(src: Source) -> list[Template]:
    """The team's templates, by name."""
    return sorted((of_team(a) for a in src.records(Agenda)), key=lambda t: name_key(t.name))


def every(src: Source) -> list[Template]:
    """The built-ins, then the team's."""
    return [*BUILTIN, *team(src)]


def find(src: Source, name: str) -> Template:
    """The template of this name (as people read it); else an error listing every name."""
    wanted = name_key(name)
    for template in every(src):
        if name_key(template.name) == wanted:
            return template
    names = ", ".join(t.name for t in every(src))
    raise CadenceError(f"--agenda: no agenda named {name.strip()!r} (agendas: {names})")


def shown_name(name: str) -> str:
    """How the minutes name a meeting's agenda: a built-in's with its title."""
    found = _BUILTIN.get(name)
    return found.shown if found else name


# --- a team's own templates ----------------------------------------------------------------


def parse_stages(text: str) -> list[str]:
    """`health,okrs,decisions`: stage ids, in order (spaces around them ignored)."""
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_timeboxes(given: Sequence[str], name: str = "") -> dict[str, int]:
    """`okrs=30` (repeatable): minutes per stage id; a whole number from 1 to 240. `name`: the
    agenda's, which an error names as the others about it do."""
    who = f"agenda {name.strip()!r}" if name.strip() else "agenda"
    found: dict[str, int] = {}
    for item in given:
        stage, sep, minutes = item.partition("=")
        stage, minutes = stage.strip(), minutes.strip()
        if not sep or not stage:
            raise ValidationError("timebox", f"{item!r} is not STAGE=MINUTES (e.g. okrs=30)",
                                  who)
        if not (minutes.isascii() and minutes.isdigit()) or len(minutes) > 3 \
                or not 1 <= int(minutes) <= TIMEBOX_MOST_MIN:
            raise ValidationError("timebox", f"{stage}={minutes!r} is not a whole number of "
                                  f"minutes from 1 to {TIMEBOX_MOST_MIN}", who)
        found[stage] = int(minutes)
    return found


def add(tx: Transaction, name: str, ids: Sequence[str],
        timeboxes: Mapping[str, int] | None = None) -> Agenda:
    """A team's template: its stages (registry ids, in order), each with the registry's
    timebox unless `timeboxes` names it. A name is plain text, not a built-in's nor another
    template's (as people read it)."""
    name = name.strip()
    require_plain(name, "name", "agenda")
    if len(name) > NAME_MOST:
        raise ValidationError("name", f"is {len(name)} characters; at most {NAME_MOST}",
                              "agenda")
    taken = next((t.name for t in every(tx) if name and name_key(t.name) == name_key(name)),
                 None)
    if taken is not None:
        kind = "a built-in agenda" if taken in _BUILTIN else "already an agenda"
        raise ValidationError("name", f"{name!r} is {kind} ({taken})", "agenda")
    boxes = dict(timeboxes or {})
    stray = next((i for i in boxes if i not in ids), None)
    if stray is not None:
        raise ValidationError("timebox", f"{stray!r} is not one of its stages "
                              f"({', '.join(ids) or 'none'})", f"agenda {name!r}")
    agenda = Agenda(id="", name=name, stages=tuple(
        AgendaStage(i, boxes.get(i, _default_box(i))) for i in ids))
    tx.summary = f"agenda {name!r} saved"
    return documents.insert(tx, agenda)


def _default_box(stage_id: str) -> int:
    """The registry's timebox; 0 for an unknown stage, which the Agenda refuses by name."""
    found = stages.find(stage_id)
    return found.timebox_min if found else 0


def remove(tx: Transaction, name: str) -> Agenda:
    wanted = name_key(name)
    found = next((a for a in tx.records(Agenda) if name_key(a.name) == wanted), None)
    if found is None:
        builtin = wanted in _BUILTIN
        raise CadenceError(f"agenda {name.strip()!r}: " + (
            "a built-in agenda cannot be removed" if builtin else
            "no such team agenda (`cadence agendas` lists them)"))
    tx.put(Agenda.TABLE, found.key, None)
    tx.summary = f"agenda {found.name!r} removed"
    return found


def as_json(template: Template) -> dict[str, object]:
    return {"name": template.name, "title": template.title, "builtin": template.builtin,
            "stages": [{"id": i, "title": _title(i), "timebox_min": box}
                       for i, box in template.stages]}


def _title(stage_id: str) -> str:
    found = stages.find(stage_id)
    return found.title if found else stage_id


def as_text(templates: Sequence[Template]) -> str:
    lines = []
    for t in templates:
        where = "built-in" if t.builtin else "team"
        total = sum(box for _, box in t.stages)
        lines.append(f"{t.name}  ({where}, {len(t.stages)} stages, {total} min)"
                     + (f"  {t.title}" if t.title != t.name else ""))
        lines += [f"  {n}. {_title(i)} ({i}) {box} min"
                  for n, (i, box) in enumerate(t.stages, start=1)]
    return "\n".join(lines)
