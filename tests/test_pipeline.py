"""Does grading with the real nbgrader commands give the scores a class deserves, and the report it needs?

The class of tests/classroom.py, graded once with `grader.pipeline.grade` (what `make grade` runs): for
every assignment a student who submits the untouched release and one with a single wrong answer; for the first
also one who submits the solutions, a notebook failing a hidden test, one that snoops, and a corrupt file. Every
assignment's solutions are graded by `make grade` itself, before the batch.
"""
from __future__ import annotations

import csv
import html
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbgrader.api import Gradebook
from PIL import Image

from classroom import GRADING_OUTPUT, HIDDEN_MESSAGE, wrong_answer
from conftest import ASSIGNMENTS
from grader import pipeline
from grader.feedback import hidden_lines
from grader.report import PASS_RATE_COLOUR

pytestmark = [pytest.mark.slow, pytest.mark.quick]


@pytest.fixture(scope="module")
def course(classroom):
    return classroom


def cell_scores(root, aid, student) -> dict[str, tuple[float, float]]:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(aid, aid, student)
        return {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_solutions_score_full_marks(course, aid):
    """`make grade` grades each assignment's solutions before the batch, in the same workers and sandboxes, and
    says they scored full marks (or stops); the first assignment's are handed in by a student too."""
    printed = (course / GRADING_OUTPUT).read_text()
    said = next((line for line in printed.splitlines() if line.startswith("the instructor's solutions scored")), "")
    marks = dict(item.rsplit(" ", 1) for item in said.partition(": ")[2].split(", ") if item)
    assert aid in marks, f"make grade did not say that the solutions to {aid} scored full marks:\n{printed}"
    if aid == ASSIGNMENTS[0]:
        scores = cell_scores(course, aid, "solved")
        lost = {name: score for name, score in scores.items() if score[0] != score[1]}
        assert not lost, f"the solutions lost marks on {lost}; see {course}/autograded/solved/{aid}"
        total = sum(possible for _, possible in scores.values())
        assert marks[aid] == f"{total:g}/{total:g}", f"make grade's self-test gave {marks[aid]}, the gradebook {total}"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_untouched_release_scores_zero(course, aid):
    scores = cell_scores(course, aid, "blank")
    assert sum(score for score, _ in scores.values()) == 0, f"the blank release scored {scores}"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_one_wrong_answer_loses_that_exercises_points_only(course, aid):
    wrong_id, _, must_fail = wrong_answer(aid)
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
        for student in ("solved", "blank", "one_wrong") if aid == ASSIGNMENTS[0] else ("blank", "one_wrong"):
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


def test_feedback_shows_no_input_a_hidden_test_passed_to_student_code(course):
    """The records_inputs student keeps every input flatten_images gets and prints them last. The autograded
    notebook (and so nbgrader's own feedback) shows them, hidden tests' inputs included; our feedback must not."""
    aid = ASSIGNMENTS[0]
    graded = nbformat.read(course / "autograded" / "records_inputs" / aid / f"{aid}.ipynb", as_version=4)
    printed = "".join(output.get("text", "") for output in graded.cells[-1].outputs).strip()
    assert printed.startswith("RECORDED [("), f"the control: student code kept the inputs ({printed!r})"
    feedback = (course / "feedback" / "records_inputs" / aid / f"{aid}.html").read_text()
    assert html.escape(printed) not in feedback and "RECORDED [" not in feedback, "the inputs reached the feedback"
    assert "your cells after a hidden test could print" in feedback


def test_the_self_check_cell_stays_out_of_grading(course):
    aid = ASSIGNMENTS[0]
    graded = nbformat.read(course / "autograded" / "solved" / aid / f"{aid}.ipynb", as_version=4)
    assert graded.cells[-1].id == "self-check"
    assert "Self-check skipped while grading." in "".join(o.get("text", "") for o in graded.cells[-1].outputs)


def test_does_the_reports_csv_hold_the_gradebooks_totals(course):
    table = pd.read_csv(course / "reports" / "grades-by-question.csv")
    graded = {(student, aid) for (aid, student), entry in pipeline.GradingLog(course).latest().items() if entry["graded"]}
    rows = list(zip(table["student"], table["assignment"]))
    assert sorted(rows) == sorted(graded), "grades-by-question.csv should hold one row per graded submission"
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for row in table.to_dict("records"):
            submission = gradebook.find_submission(row["assignment"], row["student"])
            assert (row["total"], row["max"]) == pytest.approx((submission.score, submission.max_score)), row
            cells = [column for column in table.columns if column.startswith(row["assignment"] + "/")]
            assert sum(row[column] for column in cells) == pytest.approx(row["total"])


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_is_there_a_report_page_for_every_assignment(course, aid):
    page = (course / "reports" / f"{aid}.html").read_text()
    assert f"{aid}: grading report" in page and PASS_RATE_COLOUR in page


CHROMIUM = Path("/usr/bin/chromium")


def screenshot(page: Path, png: Path, profile: Path) -> Image.Image:
    """The page as headless Chromium draws it in a 1280 x 2400 window, scripts run."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `apt-get install chromium` (Debian's package), which renders the report")
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={profile}", "--window-size=1280,2400", "--virtual-time-budget=10000",
                    f"--screenshot={png}", page.as_uri()], check=True, capture_output=True, timeout=180)
    return Image.open(png).convert("RGB")


def test_does_the_report_page_draw_the_pass_rate_chart_in_chromium(course, tmp_path):
    png = tmp_path / "report.png"
    pixels = np.asarray(screenshot(course / "reports" / f"{ASSIGNMENTS[0]}.html", png, tmp_path / "profile")).astype(int)
    assert (pixels < 250).any(axis=2).mean() > 0.02, f"the page looks blank: see {png}"
    colour = [int(PASS_RATE_COLOUR[i:i + 2], 16) for i in (1, 3, 5)]
    bars = (np.abs(pixels - colour) <= 8).all(axis=2)
    assert bars.sum() > 5000, f"only {bars.sum()} pixels of the pass-rate colour {PASS_RATE_COLOUR}: see {png}"
    # Each row of pixels through a bar holds that bar's length; 01's class passes its checks at 3/5 and 4/5.
    lengths = {round(int(row.sum()), -1) for row in bars if row.sum() > 20}
    assert len(lengths) >= 2, f"the pass-rate bars all have one length ({lengths}): see {png}"
