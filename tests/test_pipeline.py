"""Does grading with the real nbgrader commands give the scores a class deserves?

One temporary copy of the course, one batch: for every assignment a student who submits the solutions,
one who submits the untouched release, and one with a single wrong answer; plus a corrupt file.
The batch is graded once with `python -m course.grading grade` (what `make grade` runs).
"""
from __future__ import annotations

import csv
import runpy

import nbformat
import pytest
from nbgrader.api import Gradebook

from conftest import ASSIGNMENTS, ROOT
from course import grading
from course_copy import copy_course

pytestmark = pytest.mark.slow


def first_wrong_answer(aid: str) -> tuple[str, str, list[str]]:
    answers = runpy.run_path(str(ROOT / "tests" / "answers" / f"{aid}.py"))
    return answers["WRONG"][0]


def submit(root, student, aid, nb):
    folder = root / "submitted" / student / aid
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{aid}.ipynb")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = copy_course(tmp_path_factory.mktemp("course"))
    for released in grading.release(root):
        aid = released.stem
        source = root / "source" / aid / f"{aid}.ipynb"
        submit(root, "solved", aid, grading.solved_submission(released, source))
        submit(root, "blank", aid, grading.blank_submission(released))
        wrong_id, wrong_source, _ = first_wrong_answer(aid)
        one_wrong = grading.solved_submission(released, source)
        for cell in one_wrong.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == wrong_id:
                cell.source = wrong_source
        submit(root, "one_wrong", aid, one_wrong)
    corrupt = root / "submitted" / "corrupt" / ASSIGNMENTS[0] / f"{ASSIGNMENTS[0]}.ipynb"
    corrupt.parent.mkdir(parents=True)
    corrupt.write_text('{"cells": [ this is not json')
    grading.grade(root)
    return root


def cell_scores(root, aid, student) -> dict[str, tuple[float, float]]:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(aid, aid, student)
        return {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_solutions_score_full_marks(course, aid):
    scores = cell_scores(course, aid, "solved")
    lost = {name: score for name, score in scores.items() if score[0] != score[1]}
    assert not lost, f"the solutions lost marks on {lost}; see {course}/autograded/solved/{aid}"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_untouched_release_scores_zero(course, aid):
    scores = cell_scores(course, aid, "blank")
    assert sum(score for score, _ in scores.values()) == 0, f"the blank release scored {scores}"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_one_wrong_answer_loses_that_exercises_points_only(course, aid):
    wrong_id, _, must_fail = first_wrong_answer(aid)
    scores = cell_scores(course, aid, "one_wrong")
    for name, (score, possible) in scores.items():
        if name in must_fail:
            assert score < possible, f"the wrong answer to {wrong_id} kept its marks on {name}"
        else:
            assert score == possible, f"the wrong answer to {wrong_id} also cost marks on {name}"


def test_grades_csv_and_feedback_are_produced(course):
    with open(course / "grades.csv", newline="") as handle:
        rows = {(row["student_id"], row["assignment"]): row for row in csv.DictReader(handle)}
    for aid in ASSIGNMENTS:
        for student in ("solved", "blank", "one_wrong"):
            assert (student, aid) in rows, f"grades.csv has no row for {student}/{aid}"
            feedback = course / "feedback" / student / aid / f"{aid}.html"
            assert feedback.is_file() and "<html" in feedback.read_text()[:2000].lower(), f"no feedback at {feedback}"


def test_a_corrupt_notebook_does_not_stop_the_batch(course):
    # "corrupt" sorts before "one_wrong" and "solved": they were graded after it all the same.
    assert not (course / "autograded" / "corrupt" / ASSIGNMENTS[0] / f"{ASSIGNMENTS[0]}.ipynb").exists()
    assert cell_scores(course, ASSIGNMENTS[0], "solved")
