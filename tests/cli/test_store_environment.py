"""The store survives its environment, through the CLI: a symlinked store stays a link, an
output path never names the store or its files, and a bad CADENCE_LOCK_TIMEOUT is one line.
(The store's own side: tests/unit/test_store_environment.py.)"""

import os
import stat
from pathlib import Path

import pytest

from tests.helpers import run_cli


def test_a_symlinked_store_stays_a_link_through_the_cli(tmp_path, write_csv):
    target = tmp_path / "real" / "store.json"
    target.parent.mkdir()
    link = tmp_path / "cadence.json"
    link.symlink_to(target)
    kpis = write_csv("kpis.csv", "name,owner,unit,direction,target,threshold,cadence\n"
                                 "Uptime,Ann,%,higher,99.9,99,weekly\n")
    done = run_cli("import", "kpis", str(kpis), db=link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "Uptime" in target.read_text()
    broken = run_cli("import", "kpis", str(tmp_path / "missing.csv"), db=link)
    assert str(tmp_path / "missing.csv") in broken.stderr          # names what the user gave

# --- minutes -o never names the store -------------------------------------------------------

@pytest.mark.parametrize("name", ["cadence.json", "cadence.json.lock", "cadence.json.live",
                                  ".cadence.json.host.123.tmp", "sub/../cadence.json"])
def test_minutes_output_never_names_the_store_or_its_files(demo_db, name):
    (demo_db.parent / "sub").mkdir(exist_ok=True)
    before = demo_db.read_bytes()
    done = run_cli("minutes", "-o", str(demo_db.parent / name), "--force", db=demo_db)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "is the store" in done.stderr
    assert demo_db.read_bytes() == before


def test_minutes_output_through_links_to_the_store_is_refused(demo_db, tmp_path):
    before = demo_db.read_bytes()
    soft = tmp_path / "soft.md"
    soft.symlink_to(demo_db)
    hard = tmp_path / "hard.md"
    os.link(demo_db, hard)
    link_db = tmp_path / "link.json"
    link_db.symlink_to(demo_db)
    for output, db in [(soft, demo_db), (hard, demo_db), (demo_db, link_db),
                       (link_db, demo_db), (tmp_path / "link.json.lock", link_db)]:
        done = run_cli("minutes", "-o", str(output), "--force", db=db)
        assert done.returncode == 1 and "is the store" in done.stderr, (output, db)
    assert demo_db.read_bytes() == before and soft.is_symlink()


def test_minutes_output_replaces_a_file_only_with_force(demo_db, tmp_path):
    out = tmp_path / "minutes.md"
    out.write_text("notes of my own\n")
    done = run_cli("minutes", "-o", str(out), db=demo_db)
    assert done.returncode == 1 and done.stderr.strip() == \
        f"cadence: error: {out}: exists; --force replaces it"
    assert out.read_text() == "notes of my own\n"
    done = run_cli("minutes", "-o", str(out), "--force", db=demo_db)
    assert done.returncode == 0 and out.read_text().startswith("# ")
    folder = run_cli("minutes", "-o", str(tmp_path), "--force", db=demo_db)
    assert folder.returncode == 1 and "is a folder" in folder.stderr
    fresh = tmp_path / "new" / "m.md"
    assert run_cli("minutes", "-o", str(fresh), db=demo_db).returncode == 0
    assert fresh.read_text() == out.read_text()


def test_minutes_output_dash_is_standard_output(demo_db):
    done = run_cli("minutes", "-o", "-", db=demo_db)
    assert done.returncode == 0 and done.stdout.startswith("# ")
    assert not (Path.cwd() / "-").exists()
    null = run_cli("minutes", "-o", os.devnull, db=demo_db)    # written into, not replaced
    assert null.returncode == 0 and stat.S_ISCHR(os.stat(os.devnull).st_mode)

# --- CADENCE_LOCK_TIMEOUT -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "", "nan", "inf", "1e400", "-1", "-inf", "86401"])
def test_a_bad_lock_timeout_is_one_line_not_a_hang(db, write_csv, value):
    kpis = write_csv("kpis.csv", "name,owner,unit,direction,target,threshold,cadence\n"
                                 "Uptime,Ann,%,higher,99.9,99,weekly\n")
    done = run_cli("import", "kpis", str(kpis), db=db, env={"CADENCE_LOCK_TIMEOUT": value})
    assert done.returncode == 1 and not db.exists()
    assert done.stderr == f"cadence: error: CADENCE_LOCK_TIMEOUT={value!r}: not a number of " \
                          "seconds from 0 to 86400\n"


def test_a_bad_lock_timeout_stops_the_app_before_it_opens(demo_db):
    done = run_cli(db=demo_db, env={"CADENCE_LOCK_TIMEOUT": "soon"})
    assert done.returncode == 1 and done.stderr == \
        "cadence: error: CADENCE_LOCK_TIMEOUT='soon': not a number of seconds from 0 to 86400\n"


@pytest.mark.parametrize("value", ["0", "0.5", " 30 ", "86400"])
def test_a_good_lock_timeout_writes(db, write_csv, value):
    kpis = write_csv("kpis.csv", "name,owner,unit,direction,target,threshold,cadence\n"
                                 "Uptime,Ann,%,higher,99.9,99,weekly\n")
    done = run_cli("import", "kpis", str(kpis), db=db, env={"CADENCE_LOCK_TIMEOUT": value})
    assert done.returncode == 0, done.stderr
