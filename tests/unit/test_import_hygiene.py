"""core/ never imports the UI: checked in a fresh interpreter and by import-linter."""

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
