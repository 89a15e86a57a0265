"""An owner's explanation of a flagged KPI's flags (core/explanations.py: what it means and how
long it stands), recorded in a meeting like a decision and undone like one."""

from datetime import date

from core import health, okr, queries, series
from core.commands import documents
from core.errors import CadenceError
from core.model import Explanation, Objective
from core.names import require_plain
from core.store import Transaction


def explain(tx: Transaction, kpi_id: str, kind: str, text: str, owner: str,
            today: date) -> Explanation:
    """The KPI's flags as they stand on `today` explained (kind "explained") or under
    investigation, in the transaction's meeting; refused for a KPI with no flag."""
    explanation = of_flags(tx, kpi_id, kind, text, owner, today, tx.meeting)
    tx.summary = f"{queries.kpi(tx, kpi_id).name}: {kind}" + (
        f": {explanation.text}" if explanation.text else "")
    return documents.insert(tx, explanation)


def of_flags(tx: Transaction, kpi_id: str, kind: str, text: str, owner: str, day: date,
             meeting: str | None) -> Explanation:
    """An explanation of the KPI's flags as they stand on `day`, not yet written. It keeps
    the flags and the newest value it saw, so a new value ends an "explained" one."""
    require_plain(owner, "owner", kind)          # a name; the text is free text, like a note
    kpi = queries.kpi(tx, kpi_id)
    values = series.Series(kpi.id, tx.docs(series.TABLE).get(kpi.key) or {}, day)
    # Judged as the board judges it (core/board.py load), relapse's watch included: the flags
    # kept are those the room saw.
    watch = okr.watches(tx.records(Objective), day).get(kpi.id)
    found = health.assess(kpi, values, day, watch)
    if not found.flags:
        raise CadenceError(f"{kpi.name} has no flag: nothing to explain")
    newest = values.newest
    return Explanation(
        id="", kpi=kpi.id, kind=kind, text=text.strip(), owner=owner.strip(), created=day,
        flags=tuple(found.flag_names), period=newest.period if newest else None,
        value=newest.value if newest else None, meeting=meeting)
