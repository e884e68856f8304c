"""A real install: the wheel built from this checkout, installed into a fresh virtual
environment (issue 15 item 3, issue 16 item b).

The wheel is built once per session with hatchling (the project's build backend, a test
dependency; pip builds it, more slowly, in an environment installed before it was one). The
environment borrows this one's site-packages for typer, rich and the rest (a ``.pth`` line:
its ``.pth`` files, this checkout's editable install among them, are not read), so the only
retracker it can import is the installed one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .conftest import REPO

PIP = [sys.executable, "-m", "pip"]
NEW = ["new", "--issuer", "CN", "--kind", "export-ban", "--title", "Test", "--date", "2025-11-10"]


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``retracker`` script of a virtual environment with the wheel installed."""
    base = tmp_path_factory.mktemp("installed")
    wheel = _build_wheel(base / "dist")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(purelib, "_borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            *PIP,
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            # the borrowed site-packages may hold a (non-editable) retracker of the same
            # version, as in CI: without this pip says "already satisfied" and installs
            # nothing; --ignore-installed never uninstalls the borrowed copy
            "--ignore-installed",
            "--no-compile",
            str(wheel),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    script = venv / "bin" / "retracker"
    assert script.is_file(), f"the wheel did not install a retracker script in {venv}"
    return script


def _build_wheel(dist: Path) -> Path:
    """The wheel of this checkout: with hatchling in-process when the environment has it
    (the [test] extra installs it; about a second), else with pip in an isolated build."""
    try:
        from hatchling.builders.wheel import WheelBuilder
    except ImportError:
        subprocess.run(
            [*PIP, "wheel", "-q", "--no-deps", "-w", str(dist), str(REPO)],
            check=True,
            timeout=300,
            capture_output=True,
        )
        return next(dist.glob("retracker-*.whl"))
    return Path(next(iter(WheelBuilder(str(REPO)).build(directory=str(dist), versions=["standard"]))))


def run_installed(script: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("RETRACKER_DATA", "PYTHONPATH")}
    return subprocess.run(
        [str(script), *args],
        cwd=cwd,
        env={**full, "COLUMNS": "80", **env},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.fixture(scope="session")
def bundled(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the installed script finds its log outside any checkout: its bundled copy."""
    proc = run_installed(installed, "--version", "--verbose", cwd=tmp_path_factory.mktemp("elsewhere"))
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("log: "))
    assert "(the copy bundled with retracker)" in line and "site-packages" in line, line
    return Path(line.removeprefix("log: ").split(" (")[0])


def test_new_refuses_to_write_into_the_installed_copy(installed: Path, bundled: Path, tmp_path: Path) -> None:
    assert str(bundled).startswith(str(installed.parent.parent))  # the temporary environment's copy
    before = sorted(p.name for p in bundled.rglob("*"))
    proc = run_installed(installed, *NEW, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "is the installed copy" in proc.stderr and "lost on the next install" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in bundled.rglob("*")) == before


def test_new_refuses_the_installed_copy_named_by_the_environment(
    installed: Path, bundled: Path, tmp_path: Path
) -> None:
    proc = run_installed(installed, *NEW, cwd=tmp_path, RETRACKER_DATA=str(bundled))
    assert proc.returncode == 2 and "is the installed copy" in proc.stderr, proc.stderr


def test_the_installed_script_reads_the_checkout_it_runs_in(installed: Path) -> None:
    proc = run_installed(installed, "--version", "--verbose", cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert f"log: {REPO / 'data'} (the nearest dataset.yaml" in proc.stdout
