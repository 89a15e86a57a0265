"""Roll-ups for the tests of every folder: three team stores made from the demo, each given
different numbers, in folders of their own (as teams keep them), and a roll-up file in a
fourth folder naming them. And a look at a folder, byte for byte, to prove a roll-up left a
team's folder as it found it."""

import hashlib
import os
from pathlib import Path

from core.commands import kpis
from core.periods import latest_finished
from core.store import Store
from tests.helpers import TODAY, write_demo

# Each team's latest week, different from the demo's and from one another: growth has its
# cart abandonment back on target, sales its pipeline coverage further off, ops its on-time
# delivery back to green and its first response time on target.
LATEST = {
    "growth": {"Cart abandonment": 19.0},
    "sales": {"Qualified pipeline coverage": 1.5},
    "ops": {"On-time sprint delivery": 93.0, "First response time": 28.0},
}
TEAMS = tuple(LATEST)


def team_store(folder: Path, team: str) -> Path:
    """The demo, with the team's own latest values (in process: the CLI's way is
    tests/terminal's)."""
    folder.mkdir(parents=True, exist_ok=True)
    db = write_demo(folder / "cadence.json")
    store = Store(db)
    with store.transaction("test", f"{team}'s numbers") as tx:
        for name, value in LATEST[team].items():
            kpi = next(k for k in store.records(kpis.Kpi) if k.name == name)
            kpis.measure(tx, kpi.id, latest_finished(TODAY, kpi.cadence), value, "", TODAY)
    return db


def rollup_file(folder: Path, teams: dict[str, str], title: str = "Leadership review",
                extra: str = "") -> Path:
    """A roll-up file naming `teams` (name -> store path as written in the file)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = f'title = "{title}"\n' + extra
    for name, store in teams.items():
        text += f'\n[[team]]\nname = "{name}"\nstore = "{store}"\n'
    path = folder / "rollup.toml"
    path.write_text(text, encoding="utf-8")
    return path


def three_teams(root: Path, missing: str | None = None) -> Path:
    """growth, sales and ops under root/teams/<name>/cadence.json, and root/org/rollup.toml
    naming them by relative path; `missing`: a fourth team whose store is not there."""
    for team in TEAMS:
        team_store(root / "teams" / team, team)
    named = {team: f"../teams/{team}/cadence.json" for team in TEAMS}
    if missing:
        named[missing] = f"../teams/{missing}/cadence.json"
    return rollup_file(root / "org", named)


def folder_state(folder: Path) -> dict[str, tuple[int, int, int, str]]:
    """Every entry under `folder` (hidden ones too): its mode, inode, modification time and
    its bytes' digest. A lock, a presence file or a temp file left behind shows, and so does
    a file written again with the same bytes."""
    found = {}
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(parent) / name
            st = path.lstat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
            found[str(path.relative_to(folder))] = (st.st_mode, st.st_ino, st.st_mtime_ns,
                                                    digest)
    return found


def teams_state(root: Path) -> dict[str, tuple[int, int, int, str]]:
    return folder_state(root / "teams")
