"""Where the store lives: --db, else CADENCE_DB, else cadence.json in the user data folder."""

import os
from pathlib import Path


def store_path(explicit: str | None = None) -> Path:
    chosen = explicit or os.environ.get("CADENCE_DB", "").strip()
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_data_path     # ~6 ms, and only needed here
    return user_data_path("cadence", appauthor=False) / "cadence.json"
