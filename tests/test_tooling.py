"""The project's own tooling: ruff checks every source file, and every package folder installs under minsheng."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tracked_python() -> set[str]:
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    return {line for line in listed.stdout.splitlines() if line}


def test_ruff_passes_over_the_whole_tree() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_skips_no_source_file() -> None:
    """A folder ruff leaves out by default (build/, dist/ …) would pass the check above unseen."""
    shown = subprocess.run([sys.executable, "-m", "ruff", "check", "--show-files", "."], cwd=ROOT, capture_output=True,
                           text=True, check=True)
    checked = {str(Path(line.strip()).resolve().relative_to(ROOT)) for line in shown.stdout.splitlines()
               if line.strip().endswith(".py")}
    tracked = _tracked_python()
    assert tracked, "git lists no Python files"
    assert tracked <= checked, sorted(tracked - checked)


def test_every_package_folder_installs_as_minsheng() -> None:
    """bot/ and index/ install as minsheng.bot and minsheng.index; a subpackage missing from pyproject.toml would
    be left out of a wheel."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    listed = set(project["packages"])
    for prefix, folder in project["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            dotted = ".".join([prefix, *init.parent.relative_to(ROOT / folder).parts])
            assert dotted in listed, f"{init.parent} is not listed as {dotted} in pyproject.toml"
