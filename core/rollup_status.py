"""`cadence status --rollup FILE`: the status of every team at once, as text or as JSON.

It is `cadence status` (core/status.py) over the roll-up's board, plus who is in it: the
JSON's KPIs, objectives and actions each carry a `team` (null: the roll-up's own), their
`name` and `title` as the team wrote them (the id says whose: `growth:k3`), and the teams
whose store could not be read are listed with why.
"""

from typing import Any

from core import display, status
from core import since as changes
from core.board import Board
from core.rollup import Relayed, RollupBoard, own_name, team_of
from core.words import due_phrase


def as_json(board: RollupBoard, since: changes.Since | None = None) -> dict[str, Any]:
    found = status.as_json(board, since)
    return {
        "title": board.title,
        **found,
        "kpis": [{**_of_team(kpi, "name"), **_org_json(board, kpi["id"])}
                 for kpi in found["kpis"]],
        "objectives": [_of_team(o, "title") for o in found["objectives"]],
        "actions": [{**a, "team": team_of(a["link"])} for a in found["actions"]],
        "teams": [{"name": t.team.name, "store": str(t.team.store),
                   "readable": t.problem is None} for t in board.teams],
        "unreadable": [{"team": t.team.name, "store": str(t.team.store), "error": t.problem}
                       for t in board.teams if t.problem],
    }


def _org_json(board: RollupBoard, ident: str) -> dict[str, Any]:
    """An org KPI's provenance: its formula, each input with its team and the team's store,
    and why a period has no value."""
    org = board.org.get(ident)
    if org is None:
        return {}
    return {"formula": org.formula, "error": org.error, "missing": org.missing,
            "inputs": [{"name": name, "team": team, "store": store}
                       for name, team, store in org.inputs]}


def org_lines(board: RollupBoard) -> list[str]:
    """The text status's section: each org KPI, its formula and the stores it reads."""
    lines = []
    for h in board.kpis:
        org = board.org.get(h.kpi.id)
        if org is None:
            continue
        stores = dict.fromkeys(f"{team} ({store})" for _, team, store in org.inputs if team)
        said = org.error or f"from {', '.join(stores) or 'the roll-up alone'}"
        lines.append(f"  {h.kpi.name} = {org.formula} — {said}")
    return ["", "ORG KPIS (formulas over the teams' KPIs)", *lines] if lines else []


def _of_team(item: dict[str, Any], field: str) -> dict[str, Any]:
    """A KPI's or objective's JSON with its team, and its name as the team wrote it."""
    team = team_of(item["id"])
    return {"id": item["id"], "team": team, **item,
            field: own_name(item[field]) if team else item[field]}


def as_text(board: RollupBoard, since: changes.Since | None = None) -> str:
    names = ", ".join(t.team.name for t in board.teams)
    lines = [f"{board.title}: a roll-up of {len(board.teams)} team"
             f"{'s' * (len(board.teams) != 1)} ({names})"]
    lines += [f"  not read: {problem}" for problem in board.problems]
    readable = any(t.board is not None for t in board.teams)
    body = status.as_text(board, since) if readable else "No team store could be read."
    org = "\n".join(map(display.line, org_lines(board)))
    return "\n".join(map(display.line, lines)) + "\n\n" + body + (f"\n{org}" if org else "")


# --- a team store's status: what the roll-ups naming it decided about it ---------------------

def relayed_json(found: list[Relayed], board: Board) -> list[dict[str, Any]]:
    """`rollup_actions` of a team store's status JSON: each as an action of `status` with its
    link in the team's own ids, what it names, the team's name in the roll-up, and the roll-up
    it was taken in."""
    return [{**status.action_json(r.action), "link": r.link,
             "link_name": board.name_of(r.link) or None, "team": r.team,
             "rollup": {"title": r.rollup.title, "file": str(r.rollup.path)}} for r in found]


def relayed_lines(found: list[Relayed], board: Board) -> list[str]:
    """The text status's section: "Leadership review: decision: Fund the fix — Noor, about
    Cart abandonment (open)"."""
    if not found:
        return []
    lines = ["", "FROM ROLL-UPS (decisions and actions about this team's KPIs and objectives)"]
    for r in found:
        a = r.action
        due = f", {due_phrase(a.due.isoformat(), False)}" if a.due else ""
        about = board.name_of(r.link) or f"{r.link} (no longer in this store)"
        lines.append(f"  {r.rollup.title}: {a.kind}: {a.text} — {a.owner}{due}, about {about} "
                     f"({a.status})")
    return [display.line(line) for line in lines]
