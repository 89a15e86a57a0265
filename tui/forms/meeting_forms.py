"""The forms of the meeting: each asks its fields, and its save is one change of the meeting
(core/session.py running a command of core/commands/), whose refusal is what the form shows
inline."""

from core import fmt, okr
from core.errors import CadenceError, ValidationError
from core.health import Health
from core.inputs import parse_due, parse_number, parse_rating
from core.clock import today
from core.commands import actions, explanations, issues, kpis, meetings, okrs, people
from core.events import EventKind
from core.explanations import KIND_LABEL as EXPLANATION_LABEL
from core.model import CONFIDENCES, EXPLANATION_KINDS, Action, Issue, Meeting, Verdict
from core.names import name_key
from core.periods import current_quarter, latest_finished, parse_period, period_label
from core.session import Session
from core.words import CONFIDENCE_LABEL, VERDICT_LABEL, due_phrase
from tui import text
from tui.forms.base import Field, FormScreen, Preview

KIND_LABEL = {"decision": "decision", "action": "action"}
PAST = "in the past: enter again to keep it"


def due_preview(value: str) -> Preview:
    """The day a due date comes to, as it is typed (+3d, fri); a day gone by asks for a second
    enter: "fri" typed on a Saturday meant next week more often than yesterday."""
    try:
        due = parse_due(value, today())
    except ValidationError as exc:
        return Preview(exc.message, refused=True)
    if due is None:
        return Preview("")
    shown = f"→ {due:%a} {due.isoformat()}"
    return Preview(shown, confirm=PAST) if due < today() else Preview(shown)


def owner_field(session: Session, value: str = "", placeholder: str = "") -> Field:
    """An owner, completed from the people already in the store."""
    return Field("owner", "Owner", value, placeholder,
                 suggestions=session.read.board.people)


def _action_fields(session: Session) -> list[Field]:
    return [Field("text", "What", placeholder="what was decided or has to happen"),
            owner_field(session, placeholder="who owns it"),
            Field("due", "Due (optional)", placeholder="YYYY-MM-DD, +3d, +2w, fri",
                  preview=due_preview)]


def intervention_form(session: Session, health: Health) -> FormScreen:
    def save(values: dict[str, str]) -> Action:
        due = parse_due(values["due"], today())
        return session.run(EventKind.INTERVENTION, actions.record, "intervention",
                           values["text"], values["owner"], due, health.kpi.id, today())
    intro = text.assemble("On ", (health.kpi.name, "bold"), ": ",
                          "; ".join(f.reason for f in health.flags))
    return FormScreen("Record an intervention", _action_fields(session), save, intro,
                      "intervention-form")


def explanation_form(session: Session, health: Health) -> FormScreen:
    """The owner's word on a flagged KPI's flags: explained (the flags dim until a new value
    arrives) or being investigated (carried to the next meeting until the flags go)."""
    def save(values: dict[str, str]):
        return session.run(EventKind.EXPLANATION, explanations.explain, health.kpi.id,
                           values["kind"], values["text"], values["owner"], today())
    fields = [Field("kind", "Kind", EXPLANATION_KINDS[0], choices=EXPLANATION_KINDS,
                    labels=EXPLANATION_LABEL),
              Field("text", "Explanation (optional while investigating)",
                    placeholder="e.g. holiday effect"),
              owner_field(session, health.kpi.owner)]
    intro = text.assemble("On ", (health.kpi.name, "bold"), ": ", ", ".join(health.flag_names))
    intro.append("\nExplained: its flags dim until a new value arrives. Investigating: shown "
                 "until its flags go.", style="dim")
    return FormScreen("Explain the flags", fields, save, intro, "explanation-form")


def about_field(session: Session, link: str | None, link_name: str) -> Field:
    return Field("about", "About (a KPI, objective or key result; empty: nothing in particular)",
                 link_name if link else "", suggestions=session.read.board.link_names())


def chosen_link(session: Session, about: str, link: str | None, link_name: str) -> str | None:
    """The "About" field's link: the one it was opened with while it still names it, else
    what the typed name names (refused when it names nothing)."""
    if link is not None and name_key(about) == name_key(link_name):
        return link
    return session.read.board.find_link(about, "about")


def decision_form(session: Session, link: str | None, link_name: str,
                  issue: Issue | None = None) -> FormScreen:
    """A decision or action, about the selected item unless the facilitator changes it: the
    "About" field shows its name, is cleared for nothing in particular, or takes another KPI,
    objective or key result by name (completed as typed). With `issue`: the issue is solved
    into it (S on the issues list), and each names the other."""
    fields = _action_fields(session) + [
        Field("kind", "Kind", "decision", choices=("decision", "action"), labels=KIND_LABEL),
        about_field(session, link, link_name)]

    def save(values: dict[str, str]) -> Action:
        due = parse_due(values["due"], today())
        chosen = chosen_link(session, values["about"], link, link_name)
        if issue is not None:
            return session.run(EventKind.ISSUE_SOLVE, issues.solve, issue.id, values["kind"],
                               values["text"], values["owner"], due, chosen, today())
        return session.run(values["kind"], actions.record, values["kind"], values["text"],
                           values["owner"], due, chosen, today())
    if issue is None:
        return FormScreen("Record a decision or action", fields, save, form_id="decision-form")
    intro = text.assemble("Solves ", (issue.title, "bold"), f" (raised by {issue.raised_by})")
    return FormScreen("Solve an issue", fields, save, intro, "solve-form")


def issue_form(session: Session, link: str | None, link_name: str, title: str) -> FormScreen:
    """An issue for the issues list (I, from any stage): about the selected flagged KPI or
    objective, its title saying what is wrong, unless the facilitator changes them; raised
    by the facilitator unless someone else is named."""
    meeting = session.current_meeting()
    fields = [Field("title", "Issue", title, placeholder="what is in the way"),
              Field("raised_by", "Raised by", meeting.facilitator if meeting else "",
                    "who raises it", suggestions=session.read.board.people),
              about_field(session, link, link_name)]

    def save(values: dict[str, str]) -> Issue:
        chosen = chosen_link(session, values["about"], link, link_name)
        return session.run(EventKind.ISSUE_RAISE, issues.raise_issue, values["title"],
                           values["raised_by"], chosen, today())
    intro = "It joins the issues list on Decisions, ranked last; open issues carry over."
    return FormScreen("Raise an issue", fields, save, intro, "issue-form")


def checkin_form(session: Session, view: okr.KrView) -> FormScreen:
    kr = view.kr
    fields = [] if kr.kpi else [Field("value", f"Current value ({kr.unit or 'number'})",
                                      fmt.number(view.current))]
    fields += [Field("confidence", "Confidence", kr.confidence, choices=CONFIDENCES,
                     labels=CONFIDENCE_LABEL),
               Field("note", "Note (optional)", placeholder="what moved it, what blocks it")]
    intro = text.assemble((kr.title, "bold"), f": {fmt.value(kr.start, kr.unit)} → ",
                          (fmt.value(view.current, kr.unit), "bold"),
                          f" → {fmt.value(kr.target, kr.unit)}")
    if kr.kpi:
        intro.append("\nIts value comes from its KPI.", style="dim")

    def save(values: dict[str, str]):
        value = None if kr.kpi else parse_number(values["value"], "value", unit=kr.unit)
        return session.run(EventKind.CHECKIN, okrs.check_in, kr.id, value,
                           values["confidence"], values["note"], today())
    return FormScreen("Check in", fields, save, intro, "checkin-form")


def retire_form(session: Session, view: okr.ObjectiveView) -> FormScreen:
    intro = text.assemble(("Retire ", ""), (view.objective.title, "bold"), "\nFinal score: ",
                          (fmt.score(view.score), "bold"),
                          "\nIts KPIs stay on the health screen to prove the new baseline holds.")

    def save(values: dict[str, str]):
        return session.run(EventKind.OBJECTIVE_RETIRE, okrs.retire,
                           {view.objective.id: values["note"]}, today())
    return FormScreen("Retire objective", [Field("note", "Closing note",
                                                 placeholder="what we learned")],
                      save, intro, "retire-form")


def measurement_form(session: Session, health: Health, form_id: str = "measurement-form",
                     chained: bool = False, walk: tuple[int, int] | None = None) -> FormScreen:
    """`walk`: this KPI's place in the scorecard's walk (`M`): 2 of 5 says in the title."""
    k = health.kpi
    period = period_label(latest_finished(today(), k.cadence), k.cadence)
    fields = [Field("value", f"Value ({k.unit or 'number'})", placeholder="e.g. 24.5"),
              Field("period", "Period", period, placeholder="YYYY-MM-DD or " + period),
              Field("note", "Note (optional)")]
    intro = text.assemble((k.name, "bold"), f": latest {fmt.value(health.latest, k.unit)}, "
                          f"target {fmt.value(k.target, k.unit)}")

    def save(values: dict[str, str]):
        value = parse_number(values["value"], "value", unit=k.unit)
        return session.run(EventKind.MEASUREMENT, kpis.measure, k.id, values["period"], value,
                           values["note"], today())
    title = f"Fill the scorecard: {walk[0]} of {walk[1]}" if walk else "Record a measurement"
    return FormScreen(title, fields, save, intro, form_id, chained)


def objective_form(session: Session, health: Health) -> FormScreen:
    k = health.kpi
    start = health.latest if health.latest is not None else k.baseline
    fields = [Field("title", "Objective", placeholder=f"e.g. Bring {k.name} back on target"),
              owner_field(session, k.owner),
              Field("cycle", "Cycle", current_quarter(today()),
                    placeholder="YYYY-Qn, YYYY-Hn, YYYY or start..end"),
              Field("kr_title", "Key result", k.name),
              Field("kr_start", f"Start ({k.unit or 'number'})",
                    fmt.number(start) if start is not None else ""),
              Field("kr_target", f"Target ({k.unit or 'number'})", fmt.number(k.target))]

    def save(values: dict[str, str]):
        kr = dict(title=values["kr_title"], unit=k.unit, kpi=k.id,
                  start=parse_number(values["kr_start"], "kr_start", unit=k.unit),
                  target=parse_number(values["kr_target"], "kr_target", unit=k.unit))
        return session.run(EventKind.OBJECTIVE_CREATE, okrs.create, values["title"],
                           values["owner"], values["cycle"], [kr], (k.id,), today=today())
    intro = text.assemble("To lift ", (k.name, "bold"), ", linked to it; more key results "
                          "can follow.")
    return FormScreen("Start an objective", fields, save, intro, "objective-form")


def attendees_form(session: Session, meeting: Meeting) -> FormScreen:
    """Who is in the meeting, and who facilitates it (named in its minutes)."""
    everyone = session.read.board.people
    fields = [Field("attendees", "Attendees (comma-separated)", ", ".join(meeting.attendees),
                    suggestions=everyone, many=True),
              Field("facilitator", "Facilitator", meeting.facilitator, suggestions=everyone)]

    def save(values: dict[str, str]):
        people = tuple(p.strip() for p in values["attendees"].split(",") if p.strip())
        facilitator = values["facilitator"].strip()
        return session.run(EventKind.MEETING_UPDATE, lambda tx: meetings.update(
            tx, tx.meeting, attendees=people, facilitator=facilitator))
    return FormScreen("Attendees and facilitator", fields, save, form_id="attendees-form")


def rating_form(session: Session, meeting: Meeting) -> FormScreen:
    people = list(meeting.attendees)
    fields = [Field(f"r{i}", person, str(meeting.ratings.get(person, "")), placeholder="1-10")
              for i, person in enumerate(people)]

    def save(values: dict[str, str]):
        if not people:
            raise CadenceError("no attendees yet: press a to add them first")
        ratings = {person: parse_rating(values[f"r{i}"], f"r{i}")
                   for i, person in enumerate(people)}
        rated = {p: r for p, r in ratings.items() if r}
        return session.run(EventKind.MEETING_UPDATE,
                           lambda tx: meetings.update(tx, tx.meeting, ratings=rated))
    intro = "How useful was this meeting, 1 (waste of time) to 10 (couldn't do without)?"
    return FormScreen("Rate the meeting", fields, save, intro, "rating-form")


def verdict_form(session: Session, action: Action) -> FormScreen:
    overdue = session.read.board.is_overdue(action)
    intro = text.assemble((action.text, "bold"), f" — {action.owner}",
                          f", {due_phrase(action.due.isoformat(), overdue)}" if action.due else "")

    def save(values: dict[str, str]):
        verdict = values["verdict"]
        return session.run(EventKind.ACTION_VERDICT,
                           lambda tx: actions.review(tx, action.id, verdict, tx.meeting))
    return FormScreen("Settle a carried-over action",
                      [Field("verdict", "Verdict", Verdict.DONE,
                             choices=(Verdict.DONE, Verdict.OPEN, Verdict.DROPPED),
                             labels=VERDICT_LABEL)], save, intro, "verdict-form")


def process_change_form(session: Session, health: Health) -> FormScreen:
    """B: the period the KPI's process changed at (an intervention landed), default its latest
    value's. Saved, its process limits restart there; a period already marked asks a second
    enter and then removes the mark. The form returns what was done, said by the stage."""
    k = health.kpi
    newest = health.series.newest_period or latest_finished(today(), k.cadence)
    default = period_label(newest, k.cadence)

    def marked(value: str) -> bool:
        try:
            return parse_period(value, k.cadence) in k.changes
        except ValidationError:
            return False

    def preview(value: str) -> Preview:
        if marked(value):
            return Preview("already marked", confirm="enter again removes the mark")
        return Preview("")

    def save(values: dict[str, str]) -> str:
        period = values["period"]
        unmark = marked(period)
        command = kpis.unmark_change if unmark else kpis.mark_change
        changed = session.run(EventKind.KPI_PROCESS_CHANGE, command, k.id, period, today())
        label = period_label(parse_period(period, k.cadence), k.cadence)
        if unmark:
            return f"{changed.name}: the process change at {label} is unmarked (u undoes)."
        return (f"{changed.name}: process change marked at {label}; its limits restart there "
                "(u undoes).")
    marks = ", ".join(period_label(c, k.cadence) for c in k.changes) or "none yet"
    intro = text.assemble((k.name, "bold"), ": the period its process changed at (say, when an "
                          "intervention landed). Its process limits restart there, from the "
                          f"values from then on, and lock after 20 of them. Marked: {marks}.")
    return FormScreen("Mark a process change",
                      [Field("period", "Period", default, placeholder="YYYY-MM-DD or " + default,
                             preview=preview)], save, intro, "process-change-form")


def merge_form(session: Session, name: str) -> FormScreen:
    """`m` in the person view: this name merged into another, every reference rewritten in
    one change (u undoes it). Returns what was done, for the stage to say."""
    fields = [Field("into", "Into (the name to keep)", placeholder="e.g. Lena Fischer",
                    suggestions=tuple(p for p in session.read.board.people if p != name))]

    def save(values: dict[str, str]) -> str:
        changed = session.run(EventKind.PEOPLE_MERGE, people.merge, name, values["into"])
        return (f"Merged {name} into {values['into'].strip()}: {changed} records (u undoes).")
    intro = text.assemble("Every owner, attendee, facilitator and raiser named ", (name, "bold"),
                          " becomes the name below.")
    return FormScreen("Merge a name", fields, save, intro, "merge-form")
