"""Where the store lives: --db, else CADENCE_DB, else cadence.json in the user data folder."""

import os
import shlex
from pathlib import Path


def store_path(explicit: str | None = None) -> Path:
    chosen = explicit or os.environ.get("CADENCE_DB", "").strip()
    if chosen:
        return Path(chosen).expanduser()
    return default_store()


def default_store() -> Path:
    """The store a command uses when neither --db nor CADENCE_DB names one."""
    from platformdirs import user_data_path     # ~6 ms, and only needed here
    return user_data_path("cadence", appauthor=False) / "cadence.json"


def db_option(path: Path) -> str:
    """What a command suggested to the user needs to reach this store: `--db PATH ` (quoted
    for a shell, `~/` for the home folder to keep it short), or nothing for the default
    store. CADENCE_DB is not relied on: the command may be run in another shell."""
    if path == default_store():
        return ""
    home = Path.home()
    if path.is_absolute() and path.is_relative_to(home) and path != home:
        return f"--db ~/{shlex.quote(str(path.relative_to(home)))} "
    return f"--db {shlex.quote(str(path))} "
