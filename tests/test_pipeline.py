"""Does grading with the real nbgrader commands give the scores a class deserves?

One temporary copy of the course, one batch: for every assignment a student who submits the solutions,
one who submits the untouched release, and one with a single wrong answer; plus a corrupt file.
The batch is graded once with `python -m grader grade` (what `make grade` runs).
"""
from __future__ import annotations

import csv
import html
import runpy

import nbformat
import pytest
from nbgrader.api import Gradebook

from conftest import ASSIGNMENTS, ROOT
from grader import pipeline
from grader.feedback import hidden_lines
from course_copy import copy_course

pytestmark = pytest.mark.slow


def first_wrong_answer(aid: str) -> tuple[str, str, list[str]]:
    answers = runpy.run_path(str(ROOT / "tests" / "answers" / f"{aid}.py"))
    return answers["WRONG"][0]


def submit(root, student, aid, nb):
    folder = root / "submitted" / student / aid
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{aid}.ipynb")


def with_answer(nb, grade_id, source):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return nb


# 01_tensors: passes the visible flatten tests, fails a hidden check (the dtype must not change).
FAILS_HIDDEN = ("ex2_flatten", "def flatten_images(images):\n"
                               "    return images.reshape(len(images), -1).astype(np.float32)\n")
HIDDEN_MESSAGE = "flatten_images of a uint8 batch (dtype): expected uint8, got float32."
# Student code that prints the source of every cell run after it: the hidden tests included.
SNOOP = "get_ipython().events.register('pre_run_cell', lambda info: print(info.raw_cell))"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = copy_course(tmp_path_factory.mktemp("course"))
    for released in pipeline.release(root):
        aid = released.stem
        source = root / "source" / aid / f"{aid}.ipynb"
        submit(root, "solved", aid, pipeline.solved_submission(released, source))
        submit(root, "blank", aid, pipeline.blank_submission(released))
        wrong_id, wrong_source, _ = first_wrong_answer(aid)
        submit(root, "one_wrong", aid, with_answer(pipeline.solved_submission(released, source), wrong_id, wrong_source))
    first = ASSIGNMENTS[0]
    released, source = root / "release" / first / f"{first}.ipynb", root / "source" / first / f"{first}.ipynb"
    submit(root, "fails_hidden", first, with_answer(pipeline.solved_submission(released, source), *FAILS_HIDDEN))
    snoops = pipeline.solved_submission(released, source)
    snoops.cells.insert(2, nbformat.v4.new_code_cell(SNOOP))
    submit(root, "snoops", first, snoops)
    corrupt = root / "submitted" / "corrupt" / ASSIGNMENTS[0] / f"{ASSIGNMENTS[0]}.ipynb"
    corrupt.parent.mkdir(parents=True)
    corrupt.write_text('{"cells": [ this is not json')
    pipeline.grade(root)
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


def feedback_html(course, student) -> str:
    aid = ASSIGNMENTS[0]
    return (course / "feedback" / student / aid / f"{aid}.html").read_text()


@pytest.mark.parametrize("student", ["fails_hidden", "snoops", "one_wrong", "solved"])
def test_feedback_shows_no_hidden_test_code(course, student):
    aid = ASSIGNMENTS[0]
    graded = nbformat.read(course / "autograded" / student / aid / f"{aid}.ipynb", as_version=4)
    secret = hidden_lines(graded)
    assert secret, "the autograded notebook should hold the hidden tests (nbgrader's feedback would show them)"
    page = html.unescape(feedback_html(course, student))
    shown = sorted(line for line in secret if line in page)
    assert not shown, f"{student}'s feedback shows hidden test code: {shown[:3]}"


def test_feedback_gives_the_failing_hidden_checks_message(course):
    assert HIDDEN_MESSAGE in html.unescape(feedback_html(course, "fails_hidden"))
    assert cell_scores(course, ASSIGNMENTS[0], "fails_hidden")["ex2_flatten_values"][0] == 0
    assert sum(score for score, _ in cell_scores(course, ASSIGNMENTS[0], "snoops").values()) == \
        sum(possible for _, possible in cell_scores(course, ASSIGNMENTS[0], "snoops").values())


def test_the_self_check_cell_stays_out_of_grading(course):
    aid = ASSIGNMENTS[0]
    graded = nbformat.read(course / "autograded" / "solved" / aid / f"{aid}.ipynb", as_version=4)
    assert graded.cells[-1].id == "self-check"
    assert "Self-check skipped while grading." in "".join(o.get("text", "") for o in graded.cells[-1].outputs)
