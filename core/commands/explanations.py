"""An owner's explanation of a flagged KPI's flags (core/explanations.py: what it means and how
long it stands), recorded in a meeting like a decision and undone like one."""

from datetime import date

from core import health, queries, series
from core.commands import documents
from core.errors import CadenceError
from core.model import Explanation
from core.names import require_plain
from core.store import Transaction


def explain(tx: Transaction, kpi_id: str, kind: str, text: str, owner: str,
            today: date) -> Explanation:
    """The KPI's flags as they stand on `today` explained (kind "explained") or under
    investigation; refused for a KPI with no flag. It keeps the flags and the newest value
    it saw, so a new value ends an "explained"."""
    require_plain(owner, "owner", kind)          # a name; the text is free text, like a note
    kpi = queries.kpi(tx, kpi_id)
    values = series.Series(kpi.id, tx.docs(series.TABLE).get(kpi.key) or {}, today)
    found = health.assess(kpi, values, today)
    if not found.flags:
        raise CadenceError(f"{kpi.name} has no flag: nothing to explain")
    newest = values.newest
    explanation = Explanation(
        id="", kpi=kpi.id, kind=kind, text=text.strip(), owner=owner.strip(), created=today,
        flags=tuple(found.flag_names), period=newest.period if newest else None,
        value=newest.value if newest else None, meeting=tx.meeting)
    tx.summary = f"{kpi.name}: {kind}" + (f": {explanation.text}" if explanation.text else "")
    return documents.insert(tx, explanation)
