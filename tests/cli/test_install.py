"""A regular install, as `pip install .` or pipx makes it: the wheel built from the project,
installed into a fresh virtual environment, runs `cadence demo` and `cadence status` away from
the source tree. (The editable install the tests otherwise use reads the source tree, so it
cannot tell a module or a data file missing from the wheel.)

It builds and installs for real, dependencies included (from pip's cache when it has them):
about a minute."""

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("core", "tui", "data", "pyproject.toml", "README.md")


def pip(python: Path, *args: str, cwd: Path) -> None:
    result = subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", *args],
                            capture_output=True, text=True, cwd=cwd, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the sources (setuptools' build/ folder in the tree
    would keep files since deleted)."""
    work = tmp_path_factory.mktemp("wheel")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / "src" / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, work / "src" / name)
    pip(Path(sys.executable), "wheel", "--no-deps", "-w", str(work / "dist"), str(work / "src"),
        cwd=work)
    return next((work / "dist").glob("cadence-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; its bin folder."""
    env = tmp_path_factory.mktemp("venv") / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    pip(env / "bin" / "python", "install", "-q", str(wheel), cwd=env)
    return env / "bin"


def test_the_wheel_holds_every_module_and_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {str(p.relative_to(ROOT)) for package in ("core", "tui")
                for p in (ROOT / package).rglob("*.py")}
    expected |= {f"core/data/{p.name}" for p in (ROOT / "data").iterdir() if p.is_file()}
    expected |= {"tui/cadence.tcss", "core/minutes.schema.json",
                 "core/templates/minutes.html.jinja"}
    assert expected - names == set()


def run(bin_: Path, *args: str, cwd: Path, db: Path) -> subprocess.CompletedProcess:
    """The installed `cadence`, with nothing of the source tree or this test run around it."""
    env = {"PATH": f"{bin_}:/usr/bin:/bin", "HOME": str(cwd), "CADENCE_DB": str(db),
           "CADENCE_TODAY": "2026-11-22"}
    return subprocess.run([str(bin_ / "cadence"), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def test_a_regular_install_runs_the_demo_and_the_status(installed, tmp_path):
    db = tmp_path / "team.json"
    demo = run(installed, "demo", "--no-open", cwd=tmp_path, db=db)
    assert demo.returncode == 0, demo.stderr
    assert f"Demo data written to {db}" in demo.stdout
    status = run(installed, "status", cwd=tmp_path, db=db)
    assert status.returncode == 0, status.stderr
    assert "Cart abandonment" in status.stdout
    html = run(installed, "minutes", "--format", "html", cwd=tmp_path, db=db)  # its template
    assert html.returncode == 0 and html.stdout.startswith("<!DOCTYPE html>"), html.stderr
    found = subprocess.run([str(installed / "python"), "-c",
                            "import core.demo; print(core.demo.DEMO_FILE)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert str(ROOT) not in found and "site-packages" in found      # not the source tree's


def test_a_regular_install_imports_every_module(installed, tmp_path):
    """Every module of the app, as installed (`tui.serve` needs the serve extra, so `cadence
    serve` says so in one line)."""
    script = ("import importlib, pkgutil, core, tui\n"
              "for package in (core, tui):\n"
              "    for m in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
              "        if m.name not in ('tui.serve', 'tui.__main__'):\n"
              "            importlib.import_module(m.name)\n")
    subprocess.run([str(installed / "python"), "-c", script], cwd=tmp_path, check=True,
                   env={**os.environ, "PYTHONPATH": ""})
    serve = run(installed, "serve", cwd=tmp_path, db=tmp_path / "x.json")
    assert serve.returncode == 1 and "needs the serve extra" in serve.stderr
    assert len(serve.stderr.strip().splitlines()) == 1
