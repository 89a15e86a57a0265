"""Named connections: `connections.toml` in the user config folder (or the file that
CADENCE_CONNECTIONS names), one table per name with a SQLAlchemy `url`:

    [warehouse]
    url = "postgresql+psycopg://cadence@db.internal/analytics?password=${WAREHOUSE_PASSWORD}"

The store, which teams keep in git, holds only the name. `${NAME}` in a url is read from the
environment when the connection is used, so the file itself can hold no secret at all.
"""

import os
import re
import stat
import tomllib
from pathlib import Path

import msgspec

from core.errors import CadenceError

ENVIRONMENT = "CADENCE_CONNECTIONS"
# The connection the demo's KPIs name: the SQLite warehouse `cadence demo` writes beside the
# store (core/demo.py), known without a connections file; a [demo] table replaces it.
DEMO = "demo"
DEMO_WAREHOUSE = "demo-warehouse.sqlite"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# A password written into a url as it is, not read from the environment.
_LITERAL_PASSWORD = re.compile(r"://[^/\s@:]*:(?!\$\{)[^/\s@]+@|[?&]password=(?!\$\{)[^&\s]+",
                               re.IGNORECASE)


class Connection(msgspec.Struct, frozen=True):
    name: str
    url: str        # as written: ${NAME} still in it (resolve() reads the environment)


def path() -> Path:
    """CADENCE_CONNECTIONS, else connections.toml in the user config folder."""
    chosen = os.environ.get(ENVIRONMENT, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_config_path
    return user_config_path("cadence", appauthor=False) / "connections.toml"


TEMPLATE = """# Cadence's connections: one table per name, each with a SQLAlchemy url. A KPI names
# its connection; the store never holds the url. ${NAME} is read from the environment, so
# a password need not be written here. README: Where the numbers come from.
#
# [warehouse]
# url = "postgresql+psycopg://cadence@db.internal/analytics?password=${WAREHOUSE_PASSWORD}"
#
# [exports]
# url = "duckdb:///:memory:"
"""


def create() -> Path:
    """The connections file, written with a commented example and readable by its owner
    alone (0600: it may come to hold a password); refused when one is there already."""
    from core.storage import atomic_write
    where = path()
    if where.exists():
        raise CadenceError(f"{where}: already there (edit it; it was left as it is)")
    atomic_write(where, TEMPLATE.encode())
    return where


class Connections(msgspec.Struct, frozen=True):
    """The connections file as read: its tables, and what is worth a warning about it."""

    path: Path
    found: dict[str, Connection]
    warnings: tuple[str, ...] = ()
    error: str | None = None        # the file could not be read: every connection says so
    broken: dict[str, str] = msgspec.field(default_factory=dict)    # by name: why unusable

    def get(self, name: str, store: Path) -> Connection:
        """The connection of this name; the demo's is built in (beside `store`)."""
        if name in self.found:
            return self.found[name]
        if name in self.broken:
            raise CadenceError(self.broken[name])
        if name == DEMO:
            warehouse = store.resolve().parent / DEMO_WAREHOUSE
            if not warehouse.exists():
                raise CadenceError(f"connection {DEMO!r}: {warehouse} is missing; "
                                   "`cadence demo` writes it")
            return Connection(DEMO, f"sqlite:///{warehouse}")
        if self.error is not None:
            raise CadenceError(self.error)
        raise CadenceError(f"{self.path}: no connection [{name}] (a table with its url)")


def load(where: Path | None = None) -> Connections:
    """The connections file; a missing or broken one is remembered as the error each sql
    source then reports (a csv or command source beside them still runs)."""
    where = path() if where is None else where
    try:
        raw = where.read_bytes()
    except FileNotFoundError:
        return Connections(where, {}, error=f"{where}: no connections file (create it with a "
                           "[name] table holding the connection's url; README: Where the "
                           "numbers come from)")
    except OSError as exc:
        return Connections(where, {}, error=f"{where}: cannot be read ({exc.strerror})")
    try:
        tables = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Connections(where, {}, error=f"{where}: not a readable TOML file ({exc})")
    found: dict[str, Connection] = {}
    broken: dict[str, str] = {}         # a table without a url fails only the KPIs naming it
    for name, table in tables.items():
        url = table.get("url") if isinstance(table, dict) else None
        if not isinstance(url, str) or not url.strip():
            broken[name] = (f"{where}: [{name}] needs a url (text), e.g. "
                            'url = "sqlite:////data/warehouse.db"')
            continue
        found[name] = Connection(name, url.strip())
    return Connections(where, found, _warnings(where, found), broken=broken)


def readable_by_others(where: Path) -> bool:
    """Can others than its owner read the file? (A config file holding a secret written out
    is then worth a warning: core/delivery/settings.py asks too.) False when it cannot be
    looked at."""
    try:
        return bool(where.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
    except OSError:
        return False


def _warnings(where: Path, found: dict[str, Connection]) -> tuple[str, ...]:
    """A file others can read that holds a password written out: say so (not an error: the
    team may share the machine on purpose), and how to fix it."""
    if not readable_by_others(where):
        return ()
    return tuple(f"{where}: [{c.name}] holds a password and the file is readable by others "
                 f"(chmod 600 it, or read the password from the environment: ${{NAME}})"
                 for c in found.values() if _LITERAL_PASSWORD.search(c.url))


def resolve(connection: Connection, where: Path) -> str:
    """The url with every ${NAME} read from the environment."""
    return expand(connection.url, f"{where}: [{connection.name}] url")


def expand(text: str, what: str) -> str:
    """`text` with every ${NAME} read from the environment; a variable that is not set is
    an error naming it and `what` needs it (never an empty password sent to a server). The
    user config's secrets (core/delivery/settings.py) are read the same way."""
    def value(found: re.Match[str]) -> str:
        name = found[1]
        if name not in os.environ:
            raise CadenceError(f"{what} needs ${{{name}}}, which is not set in the environment")
        return os.environ[name]
    return _VARIABLE.sub(value, text)


def from_environment(text: str) -> bool:
    """Whether a secret is read from the environment (${NAME}) rather than written out."""
    return _VARIABLE.search(text) is not None

