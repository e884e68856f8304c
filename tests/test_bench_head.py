"""bench/run.py names the commit it measured, in a clone and in a linked worktree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.mark.parametrize("packed", [False, True])
def test_git_head_in_a_clone_and_in_a_worktree(tmp_path: Path, monkeypatch, packed: bool) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    import run

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "f").write_text("x\n")
    git(repo, "add", "f")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"), "-b", "side")
    if packed:
        git(repo, "pack-refs", "--all")
    for checkout in (repo, tmp_path / "wt"):
        monkeypatch.setattr(run, "REPO", checkout)
        assert run.git_head() == git(checkout, "rev-parse", "HEAD"), checkout
    sys.modules.pop("run", None)
