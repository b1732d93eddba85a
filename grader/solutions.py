"""Notebooks as students hand them in, made from the instructor's: solved (all or some exercises) or blank.

The demo class, the tests and the grading self-test (grader/preflight.py) use them.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

__all__ = ["blank_submission", "solved_submission"]


def _solution_sources(source_notebook: Path) -> dict[str, str]:
    """grade_id -> solution cell source, without the BEGIN/END SOLUTION marker lines."""
    nb = nbformat.read(source_notebook, as_version=4)
    sources = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            kept = [line for line in cell.source.splitlines()
                    if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")]
            sources[meta["grade_id"]] = "\n".join(kept)
    return sources


def solved_submission(release_notebook: Path, source_notebook: Path, keep=lambda grade_id, index: True):
    """The release notebook with its solution cells filled in from the source, as a student would.

    `keep(grade_id, index)` decides per solution cell; cells it rejects stay blank.
    """
    nb = nbformat.read(release_notebook, as_version=4)
    solutions = _solution_sources(source_notebook)
    index = 0
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            if keep(grade_id, index):
                cell.source = solutions[grade_id]
            index += 1
    return nb


def blank_submission(release_notebook: Path):
    """The release notebook exactly as handed out."""
    return nbformat.read(release_notebook, as_version=4)
