"""The issues list (EOS "IDS": identify, discuss, solve): issues raised from any stage, ranked
while open, three picked for discussion, each solved into a decision or action (which names
the issue back), kept open or dropped. An issue not settled is simply still open: the next
meeting lists it again, at its rank."""

from collections.abc import Sequence
from datetime import date

from core import queries
from core.commands import actions, documents
from core.errors import CadenceError
from core.issues import TOP, ranked
from core.model import Action, Issue
from core.names import require_plain
from core.store import Transaction


def raise_issue(tx: Transaction, title: str, raised_by: str, link: str | None,
                today: date) -> Issue:
    """A new open issue of the transaction's meeting, ranked last. `link`: the KPI,
    objective or key result it is about (None: free text)."""
    require_plain(title, "title", "issue")
    require_plain(raised_by, "raised_by", "issue")
    if link is not None:
        queries.link_target(tx, link, tx.store.outside)
    issue = documents.insert(tx, Issue(
        id="", title=title.strip(), raised_by=raised_by.strip(), meeting=tx.meeting,
        created=today, link=link, rank=len(ranked(tx.records(Issue))) + 1))
    tx.summary = f"issue raised: {issue.title} ({issue.raised_by})"
    return issue


def open_issue(tx: Transaction, issue_id: str) -> Issue:
    found = queries.require(tx, Issue, issue_id)
    if found.status != "open":
        raise CadenceError(f"{found.title!r} is {found.status} already")
    return found


def move(tx: Transaction, issue_id: str, up: bool) -> Issue:
    """Swap an open issue with its neighbour above (or below)."""
    ranking = ranked(tx.records(Issue))
    index = next((n for n, i in enumerate(ranking) if i.id == issue_id), None)
    if index is None:
        open_issue(tx, issue_id)                           # says why: no such, or settled
        raise CadenceError(f"no open issue with id {issue_id!r}")
    other = documents.swap_with_neighbour(ranking, index, up, "issue")
    rank(tx, ranking)
    tx.summary = f"issue {ranking[other].title!r} moved {'up' if up else 'down'}"
    return queries.require(tx, Issue, issue_id)


def rank(tx: Transaction, ranking: Sequence[Issue]) -> None:
    """Ranks 1..n in list order, so the list never has gaps or ties."""
    for position, issue in enumerate(ranking, start=1):
        if issue.rank != position:
            documents.save(tx, issue.evolve(rank=position))


def pick(tx: Transaction, issue_id: str) -> Issue:
    """Pick an open issue for this meeting's discussion, or put it back: at most TOP at a
    time (the meeting's own picks; an earlier meeting's do not count)."""
    issue = open_issue(tx, issue_id)
    if issue.top_in == tx.meeting and tx.meeting is not None:
        issue = documents.save(tx, issue.evolve(top_in=None))
        tx.summary = f"issue {issue.title!r} put back"
        return issue
    picked = [i for i in ranked(tx.records(Issue)) if i.top_in == tx.meeting]
    if tx.meeting is not None and len(picked) >= TOP:
        raise CadenceError(f"{TOP} issues are picked already ({', '.join(i.title for i in picked)}"
                           "): solve, keep or drop one, or put one back first")
    issue = documents.save(tx, issue.evolve(top_in=tx.meeting))
    tx.summary = f"issue {issue.title!r} picked for discussion"
    return issue


def solve(tx: Transaction, issue_id: str, kind: str, text: str, owner: str, due: date | None,
          link: str | None, today: date) -> Action:
    """The issue solved into a decision or action, in one change: the action names the issue
    (`issue`), the issue names the action and the meeting that solved it. An issue this
    meeting solved already takes another action (a solution is often a decision and a to-do)."""
    issue = queries.require(tx, Issue, issue_id)
    if issue.status != "open" and not (issue.status == "solved"
                                        and issue.settled_in == tx.meeting):
        raise CadenceError(f"{issue.title!r} is {issue.status} already")
    action = actions.record(tx, kind, text, owner, due, link, today, issue=issue.id)
    documents.save(tx, issue.evolve(status="solved", rank=None, top_in=None,
                                    settled_in=tx.meeting, settled_on=today,
                                    actions=(*issue.actions, action.id)))
    rank(tx, [i for i in ranked(tx.records(Issue)) if i.id != issue.id])
    tx.summary = f"issue {issue.title!r} solved: {kind} {action.text} ({action.owner})"
    return action


def keep(tx: Transaction, issue_id: str) -> Issue:
    """Discussed and kept open: it leaves this meeting's picks and carries to the next."""
    issue = open_issue(tx, issue_id)
    kept = issue.kept_in if tx.meeting in issue.kept_in or tx.meeting is None \
        else (*issue.kept_in, tx.meeting)
    issue = documents.save(tx, issue.evolve(top_in=None, kept_in=kept))
    tx.summary = f"issue {issue.title!r} kept open"
    return issue


def drop(tx: Transaction, issue_id: str, today: date) -> Issue:
    issue = open_issue(tx, issue_id)
    issue = documents.save(tx, issue.evolve(status="dropped", rank=None, top_in=None,
                                            settled_in=tx.meeting, settled_on=today))
    rank(tx, ranked(tx.records(Issue)))
    tx.summary = f"issue {issue.title!r} dropped"
    return issue
