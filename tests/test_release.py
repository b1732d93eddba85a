"""Is release/ what `make release` makes from source/, blank where it should be, and free of leaks?"""
from __future__ import annotations

import json
import re

import pytest

from conftest import ASSIGNMENTS, ROOT
from course_copy import HEADING, nbgrader_meta, read, sections

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


@pytest.fixture(scope="module")
def fresh_release(released):
    """release/ as `make release` (grader.pipeline.release) makes it from today's source/ (conftest.py)."""
    return released / "release"


def significant_lines(text: str, visible: str) -> set[str]:
    """Lines of a solution or hidden-test region that would give it away (not blank, not also visible)."""
    shown = {line.strip() for line in visible.splitlines()}
    return {line.strip() for line in text.splitlines()
            if len(line.strip()) > 3 and not line.strip().startswith("#") and line.strip() not in shown}


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_committed_release_equals_a_fresh_make_release(aid, fresh_release):
    committed = ROOT / "release" / aid / f"{aid}.ipynb"
    assert committed.is_file(), f"{committed} is missing: run `make release` and commit release/."
    assert json.loads(committed.read_text()) == json.loads((fresh_release / aid / f"{aid}.ipynb").read_text()), \
        f"release/{aid} is stale: run `make release` and commit the result."


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_release_is_blank_where_solutions_were(aid, fresh_release):
    source = read(ROOT / "source" / aid / f"{aid}.ipynb")
    release = read(fresh_release / aid / f"{aid}.ipynb")
    released = {nbgrader_meta(c).get("grade_id"): c for c in release.cells if nbgrader_meta(c).get("solution")}
    for cell in source.cells:
        if nbgrader_meta(cell).get("solution"):
            blank = released[nbgrader_meta(cell)["grade_id"]].source
            assert any(line.strip() == "..." or line.rstrip().endswith(" ...") for line in blank.splitlines()), \
                f"{nbgrader_meta(cell)['grade_id']}: no `...` where the solution was:\n{blank}"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_release_has_no_solution_hidden_test_or_output(aid, fresh_release):
    source = read(ROOT / "source" / aid / f"{aid}.ipynb")
    release_text = (fresh_release / aid / f"{aid}.ipynb").read_text()
    release = json.loads(release_text)
    release_sources = "\n".join("".join(c["source"]) for c in release["cells"])
    assert "BEGIN SOLUTION" not in release_text and "HIDDEN TESTS" not in release_text
    visible = "\n".join(HIDDEN.sub("", SOLUTION.sub("", cell.source)) for cell in source.cells)
    for cell in source.cells:
        for region in SOLUTION.findall(cell.source) + HIDDEN.findall(cell.source):
            for line in significant_lines(region, visible):
                assert line not in release_sources, f"{aid}: release leaks the line {line!r}"
    for cell in release["cells"]:
        assert not cell.get("outputs") and cell.get("execution_count") is None, f"{aid}: a release cell has output"


# Words that only make sense to the instructor: where a threshold was measured, "the solution above".
INSTRUCTOR_NOTES = re.compile(r"scripts/|measure_0\d|solution above|reference design|measured for the|instructor",
                              re.IGNORECASE)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_release_has_no_instructor_notes(aid, fresh_release):
    """Instructor notes belong in hidden-test blocks or the solution, which the release strips."""
    release = read(fresh_release / aid / f"{aid}.ipynb")
    found = [(index, line.strip()) for index, cell in enumerate(release.cells)
             for line in cell.source.splitlines() if INSTRUCTOR_NOTES.search(line)]
    assert not found, f"{aid}: the release shows instructor notes (cell, line): {found}"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_grade_ids_are_unique_and_points_add_up(aid):
    nb = read(ROOT / "source" / aid / f"{aid}.ipynb")
    ids = [nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), f"duplicate grade ids in {aid}: {sorted(i for i in ids if ids.count(i) > 1)}"
    total = 0
    for heading, cells in sections(nb):
        points = sum(nbgrader_meta(c).get("points", 0) for c in cells if nbgrader_meta(c).get("grade"))
        match = HEADING.match(heading)
        if match:
            assert points == int(match.group(1)), f"{aid} '{heading}': the test cells hold {points} points"
        else:
            assert points == 0, f"{aid} '{heading or 'before the first section'}': {points} points under no points heading"
        total += points
    stated = re.search(r"\*\*Points:\*\* (\d+)", nb.cells[0].source)
    assert stated and int(stated.group(1)) == total, f"{aid}: the title cell must say **Points:** {total}"


@pytest.mark.parametrize("folder", ["source", "release"])
def test_notebooks_are_committed_without_outputs(folder):
    for path in sorted((ROOT / folder).glob("*/*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            assert not cell.get("outputs") and cell.get("execution_count") is None, \
                f"{path.relative_to(ROOT)} has outputs: clear them (Kernel > Restart & Clear Outputs) and save."
