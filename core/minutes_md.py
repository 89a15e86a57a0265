"""The minutes as Markdown: plain enough to read in a mail client, tidy when a code host
renders it. Every piece of text from the store — names, notes, owners, titles, stage names,
even times — goes through `md()` or, in a table, `cell()` (core/display.py), so it cannot break
a table or become a heading, a list, a link, an image or HTML, and no control character in it
acts."""

from typing import Any

from core import fmt, meeting_facts
from core.display import markdown
from core.since import HEADINGS, KINDS, NO_EARLIER
from core.words import (CONFIDENCE_LABEL, DIRECTION_SYMBOL, FOLLOW_THROUGH_LABEL, VERDICT_LABEL,
                        follow_through, pace, stage_note)

Json = dict[str, Any]
# Store text in a table cell (`|` escaped: it would end the cell) and anywhere else (left as it
# is, so "A | B" reads cleanly in a plain-text mail).
cell = markdown


def md(text: object) -> str:
    return markdown(text, cell=False)


def _value(value: float | None, unit: str) -> str:
    return cell(fmt.value(value, unit))          # in tables and in text alike


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return lines + ["| " + " | ".join(cells) + " |" for cells in rows]


def _section(title: str, body: list[str]) -> list[str]:
    return ["", f"## {title}", ""] + (body or ["None."])


def _clock(iso: str | None) -> str:
    return md(iso[11:16]) if iso else "…"


def _header(m: Json) -> list[str]:
    lines = [f"# {md(m['title'])}", "",
             f"- **Date:** {md(m['date'])}, {_clock(m['start'])}–{_clock(m['end'])} UTC "
             f"({fmt.number(m['duration_min'])} min{'' if m['end'] else ', in progress'})",
             f"- **Agenda:** {md(m['agenda_title'])}",
             f"- **Facilitator:** {md(m['facilitator']) or '—'}",
             f"- **Attendees:** {', '.join(md(a) for a in m['attendees']) or '—'}"]
    if m["rating_average"] is not None:
        lines.append(f"- **Rating:** {fmt.number(m['rating_average'])} / 10 "
                     f"({len(m['ratings'])} rating{'s' * (len(m['ratings']) != 1)})")
    return lines


def _carried_from(o: Json) -> str:
    """An objective a cycle's turn carried forward: from which cycle, into which."""
    if not o.get("carried_from"):
        return ""
    return (f" (carried forward from {md(o.get('carried_from_cycle') or o['carried_from'])} "
            f"to {md(o.get('cycle') or '')})")


def _since(s: Json | None) -> list[str]:
    """What changed since the meeting before this one ended: the minutes start with it."""
    if s is None:
        return [NO_EARLIER]
    lines = [f"Since {md(s['title'])} ({md(s['day'])}): {md(s['summary'])}."]
    for kind in (k for k in KINDS if s[k]):
        lines += ["", f"**{HEADINGS[kind]}**", ""]
        lines += [f"- {md(i['name'])}: {md(i['reason'])}" for i in s[kind]]
    return lines


def _facts(found: Json) -> list[str]:
    """What the meeting did, under its rating, in the wrap-up's words and numbers."""
    said = meeting_facts.phrases(meeting_facts.from_json(found))
    return [f"- **What it did:** {'; '.join(said)}"]


def _health(h: Json) -> list[str]:
    c = h["counts"]
    lines = [f"{c['green']} green, {c['amber']} amber, {c['red']} red, {c['none']} without data."]
    if h["off_track"]:
        lines += [""] + _table(["KPI", "band", "latest", "target", "trend"], [
            [cell(k["name"]), cell(k["band"]), _value(k["latest"], k["unit"]),
             DIRECTION_SYMBOL[k["direction"]] + _value(k["target"], k["unit"]),
             k["sparkline"]] for k in h["off_track"]])
    return lines


def _who(a: Json) -> str:
    due = f", due {md(a['due'])}" if a["due"] else ""
    return f"{md(a['owner'])}{due}"


def _flagged(items: list[Json]) -> list[str]:
    lines = []
    for k in items:
        state = "no data" if k["latest"] is None else \
            f"{md(k['band'])}, latest {_value(k['latest'], k['unit'])}"
        lines += [f"### {md(k['name'])} ({state})", ""]
        lines += [f"- **{md(f['flag'])}**: {md(f['reason'])}" for f in k["flags"]]
        if (k.get("compare") or {}).get("previous"):        # a KPI with a value
            lines.append(f"- Compared: {md(k['compare']['phrase'])}")
        lines += _explanation(k.get("explanation"))
        lines += [f"- Intervention: {md(a['text'])} — {_who(a)}" for a in k["interventions"]]
        lines += _follow_through(k["follow_through"])
        lines.append("")
    return lines[:-1]


def _explanation(found: Json | None) -> list[str]:
    """The owner's explanation of the flags above, in a line like theirs: who said it and
    since when, then what they said."""
    if not found:
        return []
    when = (f"by {md(found['owner'])} on {md(found['since'])}" if found["kind"] == "explained"
            else f"since {md(found['since'])} ({md(found['owner'])})")
    said = f": {md(found['text'])}" if found["text"] else ""
    return [f"- **{md(found['kind'])}** {when}{said}"]


def _follow_through(found: Json) -> list[str]:
    """Did the KPI's past interventions work: a count, then each with its verdict."""
    if not found["past"]:
        return []
    return [f"- Follow-through: {follow_through(found['past'], found['recovered'])}"] + [
        f"  - {md(a['text'])} — {_who(a)}: {FOLLOW_THROUGH_LABEL[a['verdict']]} "
        f"({md(a['reason'])})" for a in found["interventions"]]


def _forecasts(items: list[Json]) -> list[str]:
    if not items:
        return []
    return _table(["key result", "objective", "target", "where it lands"], [
        [cell(f["title"]), cell(f["objective_title"]), _value(f["target"], f["unit"]),
         cell(f["text"]) + (" — misses" if f["misses"] else "")] for f in items])


def _checkins(items: list[Json]) -> list[str]:
    if not items:
        return []
    return _table(["key result", "objective", "from → to", "confidence", "note", "score", "pace"], [
        [cell(c["title"]), cell(c["objective_title"]),
         f"{_value(c['from'], c['unit'])} → {_value(c['to'], c['unit'])}",
         cell(CONFIDENCE_LABEL[c["confidence"]]), cell(c["note"]) or "—",
         fmt.score(c["objective_score"]), pace(c["behind"])]
        for c in items])


def _carried(items: list[Json]) -> list[str]:
    if not items:
        return []
    return _table(["action", "owner", "due", "verdict"], [
        [cell(a["text"]), cell(a["owner"]), cell(a["due"] or "—"), VERDICT_LABEL[a["verdict"]]]
        for a in items])


def _issues(m: Json) -> list[str]:
    """Solved (each with what it was solved into), dropped, and still open, top first."""
    lines: list[str] = []
    parts = (("Solved", m["issues_solved"]), ("Dropped", m["issues_dropped"]),
             ("Still open", m["issues_open"]))
    for heading, items in ((h, i) for h, i in parts if i):
        lines += ["", f"**{heading}**", ""] if lines else [f"**{heading}**", ""]
        for i in items:
            rank = f"#{i['rank']} " if i["rank"] else ""
            about = f", about {md(i['link_name'])}" if i["link_name"] else ""
            lines.append(f"- {rank}{md(i['title'])} (raised by {md(i['raised_by'])}{about})")
            lines += [f"  - {md(a['kind'])}: {md(a['text'])} — {_who(a)}" for a in i["decisions"]]
    return lines


def _completion(c: Json) -> list[str]:
    """The to-dos that fell due since the meeting before, done on time (none: no section)."""
    if not c["due"]:
        return []
    return [f"{c['on_time']} of {c['due']} done on time ({c['rate']:.0%}): the actions and "
            "interventions that fell due since the meeting before."]


def _stages(items: list[Json]) -> list[str]:
    return _table(["stage", "spent", "timebox", "note"], [
        [cell(s["name"]), f"{fmt.number(s['spent_min'])} min", cell(f"{s['timebox_min']} min"),
         stage_note(s["skipped"], s["state"])] for s in items])


def _about(a: Json) -> str:
    return f", about {md(a['link_name'])}" if a["link_name"] else ""


def _decided(items: list[Json]) -> list[str]:
    return [f"- {md(a['text'])} — {md(a['owner'])}{_about(a)}" for a in items]


def _owed(owners: list[Json]) -> list[str]:
    """Each owner once, then what they owe: due day, what it is about, and whether it came
    from an earlier meeting — the list a reader forwards to each person."""
    lines = []
    for person in owners:
        lines.append(f"- **{md(person['owner'])}**")
        for a in person["actions"]:
            kind = "" if a["kind"] == "action" else f"{md(a['kind'])}: "
            when = f" — due {md(a['due'])}" if a["due"] else " — no due date"
            state = "" if a["status"] == "open" else f" ({md(a['status'])})"
            earlier = " (carried over)" if a["carried_over"] else ""
            lines.append(f"  - {kind}{md(a['text'])}{when}{_about(a)}{state}{earlier}")
    return lines


def _off_track(off: Json) -> list[str]:
    """Counts and names: red first, then amber, then what is fine or has no data."""
    c = off["counts"]
    lines = [f"- {c[band]} {band}: " + ", ".join(md(n) for n in off[band])
             for band in ("red", "amber") if off[band]]
    rest = [f"{c['green']} green"] + ([f"{c['none']} without data"] if c["none"] else [])
    return lines + ["- " + ", ".join(rest)]


def _optional(title: str, body: list[str]) -> list[str]:
    """A section of detail only when it has something: an empty one is noise in a mail."""
    return _section(title, body) if body else []


def render(m: Json) -> str:
    """Summary first — decisions, actions by owner, what is off track, what changed since the
    last meeting — then the detail, then the flagged KPIs the meeting did not touch."""
    s = m["summary"]
    lines = _header(m["meeting"]) + _facts(m["facts"])
    lines += _section("Decisions", _decided(s["decisions"]))
    lines += _section("Actions by owner", _owed(s["actions_by_owner"]))
    lines += _section("Off track", _off_track(s["off_track"]))
    lines += _section("Since last meeting", _since(m["since_last_meeting"]))
    lines += _optional("Flagged KPIs discussed", _flagged([k for k in m["flagged"]
                                                           if k["discussed"]]))
    lines += _optional("Values recorded", [
        f"- {md(v['name'])}, {md(v['period'])}: {_value(v['value'], v['unit'])}"
        + (f" ({md(v['note'])})" if v["note"] else "") for v in m["measurements"]])
    lines += _optional("OKR check-ins", _checkins(m["checkins"]))
    lines += _optional("Where the key results will land", _forecasts(m["forecasts"]))
    lines += _optional("Re-prioritised", [f"- {md(o['title'])}: #{o['from']} → #{o['to']}"
                                          for o in m["reprioritised"]])
    lines += _optional("Objectives started", [f"- {md(o['title'])}" + _carried_from(o)
                                              for o in m["objectives_started"]])
    lines += _optional("Retired", [
        f"- {md(o['title'])}: final score {fmt.score(o['final_score'])}"
        + (f" — {md(o['note'])}" if o["note"] else "") for o in m["retired"]])
    lines += _optional("KPIs and OKRs changed", [f"- {md(c['summary'])}" for c in m["changes"]])
    lines += _optional("Carried-over actions", _carried(m["carried_over"]))
    lines += _optional("Issues", _issues(m))
    lines += _optional("To-do completion", _completion(m["completion"]))
    lines += _section("KPI health", _health(m["kpi_health"]))
    lines += _section("Time per stage", _stages(m["stages"]))
    lines += _optional("Appendix: flagged KPIs not discussed",
                       _flagged([k for k in m["flagged"] if not k["discussed"]]))
    return "\n".join(lines) + "\n"
