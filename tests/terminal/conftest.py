"""Every test here runs a real terminal: tmux (tests/terminal/tmux.py) or a pty of its own."""

import shutil

import pytest


@pytest.fixture(autouse=True)
def needs_tmux():
    assert shutil.which("tmux"), "tmux is needed for the real-terminal tests (.ci/run installs it)"
