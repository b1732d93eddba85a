"""Does the checker run only the instructor's own cells, whatever a submission's metadata claims? (no kernels)"""
from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.checker.cells import BOTH, CHECKER, STUDENT, InstructorCell, cell_roles, instructor_cells_from_notebook

SETUP = "import numpy as np\nfrom course import checks"
TEST = 'assert double(2) == 4, "double(2) should be 4"'
INSTRUCTOR = {"setup": InstructorCell(SETUP, False), "test_double": InstructorCell(TEST, True)}


def cell(source: str, markdown: bool = False, **nbgrader):
    """A cell with nbgrader metadata (none if no keyword is given)."""
    metadata = {"nbgrader": {"schema_version": 3, **nbgrader}} if nbgrader else {}
    return (new_markdown_cell if markdown else new_code_cell)(source, metadata=metadata)


def roles(*cells) -> list[str]:
    return cell_roles(new_notebook(cells=list(cells)), INSTRUCTOR)


def test_does_an_unchanged_test_cell_run_in_the_checker():
    """Is a test cell whose grade id and source match the instructor's a CHECKER cell?"""
    assert roles(cell(TEST, grade_id="test_double", grade=True, locked=True, points=1)) == [CHECKER]


def test_does_an_unchanged_setup_cell_run_in_both_kernels():
    """Is a read-only setup cell whose grade id and source match the instructor's run in BOTH kernels?"""
    assert roles(cell(SETUP, grade_id="setup", locked=True)) == [BOTH]


def test_are_solution_and_unmarked_cells_the_students():
    """Are a solution cell and a cell without nbgrader metadata STUDENT cells?"""
    solution = cell("def double(x):\n    return 2 * x", grade_id="ex_double", solution=True)
    assert roles(solution, cell("print(double(3))")) == [STUDENT, STUDENT]


def test_does_a_copied_grade_id_with_other_source_stay_the_students():
    """Is a student cell that copies a test cell's grade id, but not its source, a STUDENT cell?"""
    forged = cell("import os\nos.system('grep -r hidden /')", grade_id="test_double", grade=True, locked=True, points=1)
    edited = cell(TEST + "  # trailing comment", grade_id="test_double", grade=True, locked=True, points=1)
    assert roles(forged, edited) == [STUDENT, STUDENT]


def test_does_a_markdown_cell_with_a_tests_grade_id_stay_the_students():
    """Is a markdown cell carrying a test's grade id and source still a STUDENT cell (it runs nowhere)?"""
    assert roles(cell(TEST, markdown=True, grade_id="test_double", grade=True, locked=True)) == [STUDENT]


def test_does_the_source_decide_and_not_the_metadata_flags():
    """Is the test's source under its grade id a CHECKER cell even if the submission's flags were changed?"""
    assert roles(cell(TEST, grade_id="test_double", grade=False, solution=True, locked=False)) == [CHECKER]


def test_does_a_grade_id_the_instructor_never_used_stay_the_students():
    """Is a cell with the instructor's source but an unknown grade id a STUDENT cell?"""
    assert roles(cell(TEST, grade_id="test_double_v2", grade=True, locked=True)) == [STUDENT]


def test_are_roles_given_in_the_notebooks_order():
    """Does cell_roles give one role per cell, in order, for a whole notebook?"""
    assert roles(cell("# Title", markdown=True), cell(SETUP, grade_id="setup", locked=True),
                 cell("def double(x): return x + x", grade_id="ex_double", solution=True),
                 cell(TEST, grade_id="test_double", grade=True, locked=True)) == [STUDENT, BOTH, STUDENT, CHECKER]


def test_does_a_source_notebook_give_its_instructor_cells():
    """Are the locked, non-solution code cells with a grade id the instructor's cells, tests marked as such?"""
    nb = new_notebook(cells=[
        cell("# Exercise 1", markdown=True, grade_id="intro", locked=True),
        cell(SETUP, grade_id="setup", locked=True, grade=False, solution=False),
        cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION", grade_id="ex_double",
             solution=True, grade=False, locked=False),
        cell(TEST, grade_id="test_double", grade=True, solution=False, locked=True, points=2),
        cell("answer = 42", grade_id="auto_answer", grade=True, solution=True, locked=False, points=1),
        cell("x = 1", grade_id="unlocked_helper", locked=False),
        cell("y = 2", locked=True),
        cell("print('plain')"),
    ])
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)  # as it is read from disk
    cells = instructor_cells_from_notebook(nb)
    assert cells == {"setup": InstructorCell(SETUP, False), "test_double": InstructorCell(TEST, True)}
    assert cell_roles(nb, cells) == [STUDENT, BOTH, STUDENT, CHECKER, STUDENT, STUDENT, STUDENT, STUDENT]
