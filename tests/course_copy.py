"""A temporary copy of the course, for running the real nbgrader commands on it."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

from conftest import ASSIGNMENTS, ROOT

HEADING = re.compile(r"^## .*\((\d+) points?\)\s*$")


def copy_course(target: Path, released: Path | None = None) -> Path:
    """nbgrader_config.py and the tested assignments' source/ copied into `target` (what nbgrader needs); with
    `released` (the `released` fixture: a course where `make release` already ran), its release/ and gradebook."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", target)
    for aid in ASSIGNMENTS:
        shutil.copytree(ROOT / "source" / aid, target / "source" / aid)
    if released is not None:
        shutil.copytree(released / "release", target / "release")
        shutil.copy(released / "gradebook.db", target)
    return target


def released_notebook(root: Path, aid: str) -> Path:
    return root / "release" / aid / f"{aid}.ipynb"


def nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def read(path: Path):
    return nbformat.read(path, as_version=4)


def sections(nb) -> list[tuple[str, list]]:
    """(heading line, cells under it) for every `## ` section; cells before the first go under ''."""
    found = [("", [])]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    found.append((line.strip(), []))
        found[-1][1].append(cell)
    return found
