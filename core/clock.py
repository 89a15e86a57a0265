"""What "today" and "now" are. CADENCE_TODAY pins today for tests, demos and rehearsals."""

import os
from datetime import date, datetime, timezone

from core.errors import CadenceError
from core.periods import require_day


def today() -> date:
    pinned = os.environ.get("CADENCE_TODAY", "").strip()
    if not pinned:
        return date.today()
    try:
        return require_day(date.fromisoformat(pinned), "CADENCE_TODAY")
    except ValueError:
        raise CadenceError(f"CADENCE_TODAY: {pinned!r} is not a date (YYYY-MM-DD)") from None


def now() -> str:
    """A UTC timestamp for the event log, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
