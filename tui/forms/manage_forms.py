"""Forms that keep the operating system: KPIs, objectives and their key results. Values are
parsed by core/inputs, each save is one change of the meeting (core/session.py running a
command of core/commands/), and a refusal shows next to its field."""


from core import fmt, okr, turn
from core.board import Board
from core.errors import ValidationError
from core.health import Health
from core.inputs import parse_number, parse_whole
from core.model import CADENCES, DIRECTIONS, SOURCES
from core.clock import today
from core.commands import kpis, okrs
from core.events import EventKind
from core.periods import current_quarter, parse_cycle
from core.session import Session
from tui import text
from tui.forms.base import Field, FormScreen

YES_NO = {"no": "no", "yes": "yes"}
SOURCE_LABELS = {"": "typed", "sql": "sql", "csv": "csv file", "command": "command"}


def _number(values: dict[str, str], name: str, unit: str, required: bool = True) -> float | None:
    """A number of the form, written with the unit the form gives it or without."""
    return parse_number(values[name], name, required, unit.strip())


def _text(value: object) -> str:
    return "" if value is None else fmt.number(value) if isinstance(value, float) else str(value)


def kpi_form(session: Session, health: Health | None = None) -> FormScreen:
    """A new KPI, or (given one) its edit."""
    k = health.kpi if health else None
    fields = [
        Field("name", "Name", _text(k and k.name), placeholder="e.g. Cart abandonment"),
        Field("owner", "Owner", _text(k and k.owner), suggestions=session.read.board.people),
        Field("unit", "Unit (%, x, $, min, … or empty)", _text(k and k.unit)),
        Field("direction", "Better when", k.direction if k else "higher", choices=DIRECTIONS,
              labels={"higher": "higher", "lower": "lower"}),
        Field("target", "Target (green from here)", _text(k and k.target)),
        Field("threshold", "Threshold (red beyond here)", _text(k and k.threshold)),
        Field("cadence", "Cadence", k.cadence if k else "weekly", choices=CADENCES),
        Field("area", "Area (team)", _text(k and k.area)),
        Field("description", "How it is measured", _text(k and k.description)),
        Field("north_star", "North star", "yes" if k and k.north_star else "no",
              choices=("no", "yes"), labels=YES_NO),
        Field("sustain", "Periods off target before 'sustained'", _text(k.sustain if k else 2)),
        # Where its numbers come from (README: Where the numbers come from): typed, or pulled.
        Field("source", "Numbers from", k.source if k else "", choices=("", *SOURCES),
              labels=SOURCE_LABELS),
        Field("connection", "Connection (sql: a name in connections.toml)",
              _text(k and k.connection)),
        Field("query", "Query (sql), file (csv) or command line", _text(k and k.query)),
        Field("formula", "Formula over KPIs of its cadence (instead of a source)",
              _text(k and k.formula), placeholder="e.g. `Qualified pipeline` / Quota"),
    ]

    def save(values: dict[str, str]):
        unit = values["unit"]
        parsed = dict(name=values["name"], owner=values["owner"].strip(),
                      unit=unit.strip(), direction=values["direction"],
                      target=_number(values, "target", unit),
                      threshold=_number(values, "threshold", unit),
                      cadence=values["cadence"], area=values["area"].strip(),
                      description=values["description"].strip(),
                      north_star=values["north_star"] == "yes",
                      sustain=parse_whole(values["sustain"], "sustain") or 2,
                      source=values["source"], connection=values["connection"].strip(),
                      query=values["query"].strip(), formula=values["formula"].strip())
        if k is None:
            return session.run(EventKind.KPI_CREATE, kpis.add, **parsed)
        return session.run(EventKind.KPI_UPDATE, kpis.update, k.id, **parsed)
    title = f"Edit KPI {k.name}" if k else "New KPI"
    return FormScreen(title, fields, save, form_id="kpi-form")


def _kpi_refs(board: Board, text: str, field: str) -> tuple[str, ...]:
    refs = []
    for name in (n for n in text.split(",") if n.strip()):
        found = board.find_kpi(name)
        if found is None:
            raise ValidationError(field, f"no KPI named {name.strip()!r}")
        refs.append(found.kpi.id)
    return tuple(refs)


def _kpi_names(board: Board, ids) -> str:
    return ", ".join(board.name_of(i) for i in ids if i)


def _kpi_list(board: Board) -> tuple[str, ...]:
    return tuple(h.kpi.name for h in board.kpis)


def _kr_fields(board: Board, kr=None, current: float | None = None) -> list[Field]:
    return [Field("kr_title", "Key result", _text(kr and kr.title)),
            Field("kr_start", "Start", _text(kr and kr.start)),
            Field("kr_target", "Target", _text(kr and kr.target)),
            Field("kr_unit", "Unit", _text(kr and kr.unit)),
            Field("kr_kpi", "Linked KPI (optional: its value is the current one)",
                  _kpi_names(board, [kr.kpi] if kr else []), suggestions=_kpi_list(board))]


def _kr_values(board: Board, values: dict[str, str]) -> dict:
    linked = _kpi_refs(board, values["kr_kpi"], "kr_kpi")
    unit = values["kr_unit"]
    return dict(title=values["kr_title"].strip(), start=_number(values, "kr_start", unit),
                target=_number(values, "kr_target", unit), unit=unit.strip(),
                kpi=linked[0] if linked else None)


def _objective_fields(board: Board, today, o=None) -> list[Field]:
    return [Field("title", "Objective", _text(o and o.title), placeholder="qualitative, inspiring"),
            Field("owner", "Owner", _text(o and o.owner), suggestions=board.people),
            Field("cycle", "Cycle", o.cycle if o else current_quarter(today),
                  placeholder="YYYY-Qn, YYYY-Hn, YYYY or start..end"),
            Field("kpis", "Linked KPIs (names, comma-separated)",
                  _kpi_names(board, o.kpis if o else ()), suggestions=_kpi_list(board),
                  many=True)]


def new_objective_form(session: Session) -> FormScreen:
    board = session.read.board

    def save(values: dict[str, str]):
        parse_cycle(values["cycle"])               # refusals in field order: cycle before KR
        linked = _kpi_refs(board, values["kpis"], "kpis")
        return session.run(EventKind.OBJECTIVE_CREATE, okrs.create, values["title"],
                           values["owner"], values["cycle"], [_kr_values(board, values)],
                           linked, today=today())
    intro = (f"Its first key result now; A adds the others ({okr.MIN_KRS} to {okr.MAX_KRS} "
             "keep an objective focused).")
    return FormScreen("New objective", _objective_fields(board, today())
                      + _kr_fields(board), save, intro, "objective-new-form")


def edit_objective_form(session: Session, view: okr.ObjectiveView,
                        kr: okr.KrView) -> FormScreen:
    board = session.read.board
    o = view.objective

    def save(values: dict[str, str]):
        linked = _kpi_refs(board, values["kpis"], "kpis")
        session.run(EventKind.KR_UPDATE, okrs.update_key_result, kr.kr.id,
                    **_kr_values(board, values))
        return session.run(EventKind.OBJECTIVE_UPDATE, okrs.update, o.id,
                           title=values["title"].strip(), owner=values["owner"].strip(),
                           cycle=values["cycle"], kpis=linked)
    return FormScreen(f"Edit {o.title}", _objective_fields(board, today(), o)
                      + _kr_fields(board, kr.kr), save, form_id="objective-edit-form")


def key_result_form(session: Session, view: okr.ObjectiveView) -> FormScreen:
    board = session.read.board

    def save(values: dict[str, str]):
        return session.run(EventKind.KR_CREATE, okrs.add_key_result, view.objective.id,
                           **_kr_values(board, values))
    intro = text.assemble("Add a key result to ", (view.objective.title, "bold"),
                          f" (it has {len(view.krs)}).")
    return FormScreen("New key result", _kr_fields(board), save, intro, "key-result-form")


def close_cycle_form(session: Session, plan: turn.Turn) -> FormScreen:
    """Close a cycle as planned (core/turn.py): every objective retires with its final score
    and a closing note; those marked carry forward into the next cycle. One change."""
    items = plan.items
    fields = [Field(f"n{i}", f"{item.view.objective.title} — final score "
                    f"{fmt.score(item.view.score)} · "
                    + (f"carried forward ({len(item.remaining)} key results)" if item.carry
                       else "retires"),
                    placeholder="closing note: what we learned")
              for i, item in enumerate(items)]

    def save(values: dict[str, str]):
        notes = {item.view.objective.id: values[f"n{i}"] for i, item in enumerate(items)}
        carry = [item.view.objective.id for item in plan.carried]
        return session.run(EventKind.CYCLE_TURN, okrs.turn, plan.cycle, carry, notes, today())
    carried = len(plan.carried)
    intro = (f"Close {plan.cycle}: each objective is retired with its final score; its KPIs "
             "stay on the health screen, watched against the level they reached. "
             + (f"{carried} carried forward to {plan.next} with the key results not at "
                "target, starting from today's values." if carried else
                f"Nothing is carried forward to {plan.next}."))
    return FormScreen(f"Close the cycle {plan.cycle}", fields, save, intro, "close-cycle-form")
