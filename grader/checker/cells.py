"""Which kernel runs which cell: the checker runs the instructor's cells, the student's kernel everything else.

The instructor's cells are the gradebook's test cells (run in the checker only) and its read-only cells such
as the setup (run in both kernels). A cell of the submitted notebook is one of them only if its grade id
names such a cell and its source is exactly that cell's source; any other cell is the student's, whatever
its metadata says.
"""
from __future__ import annotations

from typing import NamedTuple

STUDENT, CHECKER, BOTH = "student", "checker", "both"


class InstructorCell(NamedTuple):
    source: str
    is_test: bool


def cell_roles(nb, instructor: dict[str, InstructorCell]) -> list[str]:
    """STUDENT, CHECKER or BOTH for every cell of `nb` (markdown cells are STUDENT: they run nowhere)."""
    roles = []
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        known = instructor.get(grade_id) if cell.cell_type == "code" else None
        if known is not None and cell.source == known.source:
            roles.append(CHECKER if known.is_test else BOTH)
        else:
            roles.append(STUDENT)
    return roles


def instructor_cells_from_notebook(nb) -> dict[str, InstructorCell]:
    """The instructor's code cells of a source notebook, from its nbgrader metadata (for tests of the course)."""
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("locked") and not meta.get("solution") and meta.get("grade_id"):
            cells[meta["grade_id"]] = InstructorCell(cell.source, bool(meta.get("grade")))
    return cells


def instructor_cells_from_gradebook(resources: dict) -> dict[str, InstructorCell]:
    """The instructor's code cells of the notebook being autograded, as the gradebook holds them."""
    from nbgrader.api import Gradebook

    names = resources.get("nbgrader", {})
    if not {"db_url", "notebook", "assignment"} <= set(names):
        raise RuntimeError("the checker needs nbgrader's gradebook to know the instructor's cells; run it from "
                           "`nbgrader autograde`")
    with Gradebook(names["db_url"]) as gradebook:
        notebook = gradebook.find_notebook(names["notebook"], names["assignment"])
        tests = {cell.name for cell in notebook.grade_cells} - {cell.name for cell in notebook.solution_cells}
        return {cell.name: InstructorCell(cell.source, cell.name in tests) for cell in notebook.source_cells
                if cell.cell_type == "code" and cell.locked and cell.name not in
                {c.name for c in notebook.solution_cells}}
