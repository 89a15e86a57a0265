"""core/ never imports the UI: checked in a fresh interpreter and by import-linter."""

import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import core

ROOT = Path(__file__).parents[2]


def test_no_core_module_pulls_in_textual_or_rich():
    modules = [m.name for m in pkgutil.walk_packages(core.__path__, "core.")]
    assert "core.store" in modules and "core.commands.kpis" in modules      # packages too
    script = ("import sys\n" + "".join(f"import {m}\n" for m in modules) +
              "bad = sorted(m for m in sys.modules\n"
              "             if m.split('.')[0] in ('textual', 'rich', 'tui'))\n"
              "print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_import_linter_contract_holds():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run([lint], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_status_loads_no_template_engine(tmp_path):
    """Jinja2 is for the HTML minutes alone: `cadence status` (timed in benchmarks/) and the
    Markdown minutes never load it."""
    from tests.helpers import write_demo
    db = write_demo(tmp_path / "cadence.json")
    script = ("import sys\nfrom tui.cli import main\n"
              f"main(['--db', {str(db)!r}, 'status'])\n"
              f"main(['--db', {str(db)!r}, 'minutes', '-o', {str(tmp_path / 'm.md')!r}])\n"
              "print('loaded:', ','.join(sorted(m for m in sys.modules\n"
              "                      if m.split('.')[0] in ('jinja2', 'markupsafe'))))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "CADENCE_TODAY": "2026-11-22"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "loaded:"
