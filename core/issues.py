"""The rules of the issues list (EOS "IDS"), apart from the commands that change it
(core/commands/issues.py): the ranking, how many the room discusses at once, and the title an
issue raised from a flagged KPI or an objective starts with."""

from collections.abc import Iterable

from core import fmt, okr
from core.health import Health
from core.model import Issue

# How many issues the room discusses at once: the top three of the list.
TOP = 3


def ranked(issues: Iterable[Issue]) -> list[Issue]:
    """The open issues, top first (rank, then the order they were raised)."""
    return sorted((i for i in issues if i.status == "open"), key=lambda i: (i.rank or 0, i.key))


def kpi_title(health: Health) -> str:
    """An issue raised on a flagged KPI starts as its name and its flags ("Defect rate per
    release: breach, signal"): short enough to read in a list; the reasons are a keypress
    away on the KPI itself."""
    flags = ", ".join(health.flag_names)
    return f"{health.kpi.name}: {flags}" if flags else health.kpi.name


def objective_title(view: okr.ObjectiveView) -> str:
    """An issue raised on an objective starts as its title and where it stands: its score
    and the key results behind ("Improve retention: score 0.31, 2 key results behind")."""
    behind = sum(1 for k in view.krs if k.behind)
    state = [f"score {fmt.score(view.score)}"]
    if behind:
        state.append(f"{behind} key result{'s' * (behind != 1)} behind")
    return f"{view.objective.title}: {', '.join(state)}"
