"""Does the grading report say the right things, on small made-up classes? (No kernel, no nbgrader run.)"""
from __future__ import annotations

import csv
from collections import Counter

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader.api import Gradebook

from grader import pipeline, report
from grader.base import GradingError, GradingLog
from grader.report import Submission

SCRIPT = "<script>alert(1)</script>"


def test_are_checks_sorted_most_failed_first_with_ties_in_notebook_order():
    checks = ["shape", "dtype", "values", "never_failed"]
    submissions = [
        Submission("ann", "a1", {"shape": (1, 1), "dtype": (0, 1), "values": (0, 2), "never_failed": (1, 1)}),
        Submission("bea", "a1", {"shape": (0, 1), "dtype": (0, 1), "values": (1, 2), "never_failed": (1, 1)}),
        Submission("cat", "a1", {"shape": (1, 1), "dtype": (1, 1), "values": (2, 2), "never_failed": (1, 1)}),
    ]
    assert report.pass_rates(checks, submissions) == [
        ("dtype", 1, 3), ("values", 1, 3), ("shape", 2, 3), ("never_failed", 3, 3)]


def test_does_partial_credit_count_as_failing_the_check():
    assert Submission("ann", "a1", {"values": (1.5, 2)}).failed() == ["values"]


def graded_cell(grade_id: str, *errors: tuple[str, str]):
    cell = new_code_cell("checks.equal(...)", metadata={"nbgrader": {"grade": True, "grade_id": grade_id, "points": 1}})
    cell.outputs = [new_output("error", ename=name, evalue=value, traceback=[]) for name, value in errors]
    return cell


def test_is_a_message_the_error_name_and_the_first_line_of_its_text():
    notebook = new_notebook(cells=[
        graded_cell("ex1_shape", ("AssertionError", "f(x): expected ndarray, got None.\nHint: replace the `...`.")),
        graded_cell("ex1_passes"),
        new_code_cell("raise ValueError('student code, not a check')"),
    ])
    notebook.cells[2].outputs = [new_output("error", ename="ValueError", evalue="not a check", traceback=[])]
    assert report.error_messages(notebook) == {"ex1_shape": "AssertionError: f(x): expected ndarray, got None."}


def autograded(root, student, aid, cells):
    path = root / "autograded" / student / aid / f"{aid}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(new_notebook(cells=cells), path)


def test_are_identical_messages_of_a_check_counted_together(tmp_path):
    unfinished = ("AssertionError", "f(x): expected ndarray, got None.\nHint: it looks unfinished.")
    transposed = ("AssertionError", "f(x) (shape): expected (2, 3), got (3, 2).")
    for student, error in [("ann", unfinished), ("bea", unfinished), ("cat", transposed)]:
        autograded(tmp_path, student, "a1", [graded_cell("shape", error), graded_cell("dtype")])
    autograded(tmp_path, "dan", "a1", [graded_cell("shape"), graded_cell("dtype")])
    submissions = [Submission(student, "a1", {"shape": (0, 1), "dtype": (1, 1)}) for student in ("ann", "bea", "cat")]
    submissions.append(Submission("dan", "a1", {"shape": (1, 1), "dtype": (1, 1)}))
    messages = report.failure_messages(tmp_path, submissions)
    assert messages == {"shape": Counter({"AssertionError: f(x): expected ndarray, got None.": 2,
                                          "AssertionError: f(x) (shape): expected (2, 3), got (3, 2).": 1})}


def test_are_only_the_most_failed_checks_and_their_commonest_messages_listed():
    rates = [("c1", 0, 4), ("c2", 1, 4), ("c3", 2, 4), ("c4", 4, 4)]
    messages = {"c1": Counter({"m1": 3, "m2": 1}), "c2": Counter({"m3": 1, "m4": 2}), "c3": Counter({"m5": 2})}
    assert report.common_failures(rates, messages, checks=2, per_check=1) == [("c1", "m1", 3), ("c2", "m4", 2)]
    assert report.common_failures([("c4", 4, 4)], {}) == []


def test_does_the_csv_keep_a_grade_id_that_two_assignments_share_apart():
    checks = {"a1": ["ex1", "ex2"], "a2": ["ex1"]}
    submissions = [Submission("bea", "a2", {"ex1": (2.0, 2.0)}),
                   Submission("bea", "a1", {"ex1": (1.0, 1.0), "ex2": (0.5, 2.0)}),
                   Submission("ann", "a1", {"ex1": (0.0, 1.0), "ex2": (2.0, 2.0)})]
    assert report.csv_table(checks, submissions) == [
        ["student", "assignment", "a1/ex1", "a1/ex2", "a2/ex1", "total", "max"],
        ["ann", "a1", "0", "2", "", "2", "3"],
        ["bea", "a1", "1", "0.5", "", "1.5", "3"],
        ["bea", "a2", "", "", "2", "2", "2"],
    ]


def test_is_a_student_id_that_looks_like_a_formula_written_as_text():
    submissions = [Submission('=HYPERLINK("http://example.com","x")', "a1", {"ex1": (1.0, 1.0)}),
                   Submission("@sum", "a1", {"ex1": (0.0, 1.0)}), Submission("ann-lee", "a1", {"ex1": (1.0, 1.0)})]
    students = [row[0] for row in report.csv_table({"a1": ["ex1"]}, submissions)[1:]]
    assert students == ["'=HYPERLINK(\"http://example.com\",\"x\")", "'@sum", "ann-lee"]


def test_are_grades_csv_names_that_look_like_formulas_written_as_text(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text("assignment,student_id,last_name,first_name,email,score,max_score\n"
                    "a1,=cmd|' /C calc'!A0,-lee,@ann,+x@example.com,1.0,2.0\n"
                    "a1,ann-lee,Lee,Ann,ann@example.com,2.0,2.0\n")
    pipeline.escape_text_cells(path)
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["student_id"] for row in rows] == ["'=cmd|' /C calc'!A0", "ann-lee"]
    assert [rows[0][column] for column in ("last_name", "first_name", "email")] == ["'-lee", "'@ann", "'+x@example.com"]
    assert rows[1] == {"assignment": "a1", "student_id": "ann-lee", "last_name": "Lee", "first_name": "Ann",
                       "email": "ann@example.com", "score": "2.0", "max_score": "2.0"}
    assert rows[0]["score"] == "1.0" and rows[0]["assignment"] == "a1"


def small_gradebook(root, scores: dict[tuple[str, str], dict[str, float]]):
    """A gradebook as grading leaves it: two assignments that share a grade id, and these submissions' scores."""
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for aid, cells in {"a1": {"ex1": 1, "ex2": 2}, "a2": {"ex1": 2}}.items():
            gradebook.add_assignment(aid)
            gradebook.add_notebook(aid, aid)
            for grade_id, points in cells.items():
                gradebook.add_grade_cell(grade_id, aid, aid, max_score=points, cell_type="code")
        for (aid, student), cell_scores in scores.items():
            gradebook.update_or_create_student(student)
            gradebook.add_submission(aid, student)
            for grade_id, score in cell_scores.items():
                gradebook.find_grade(grade_id, aid, aid, student).auto_score = score
        gradebook.db.commit()


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's add_submission, not ours
def test_does_the_report_read_the_gradebook_and_the_log(tmp_path):
    small_gradebook(tmp_path, {("a1", SCRIPT): {"ex1": 1, "ex2": 0.5}, ("a1", "ann"): {"ex1": 0, "ex2": 2},
                               ("a2", "ann"): {"ex1": 2}})
    autograded(tmp_path, SCRIPT, "a1", [graded_cell("ex2", ("AssertionError", f"got {SCRIPT}"))])
    log = GradingLog(tmp_path)
    log.record({"assignment": "a1", "student": "ann", "graded": True, "seconds": 7.5, "attempts": 1, "problem": ""})
    log.record({"assignment": "a1", "student": "bob", "graded": False, "seconds": None, "attempts": 0,
                "problem": f"set aside by intake: {SCRIPT}.ipynb is not valid JSON"})
    paths = report.write_reports(tmp_path)
    assert [path.name for path in paths] == ["grades-by-question.csv", "a1.html", "a2.html"]

    table = pd.read_csv(tmp_path / "reports" / "grades-by-question.csv")
    assert list(table.columns) == ["student", "assignment", "a1/ex1", "a1/ex2", "a2/ex1", "total", "max"]
    assert table.set_index(["student", "assignment"])["total"].to_dict() == {
        (SCRIPT, "a1"): 1.5, ("ann", "a1"): 2, ("ann", "a2"): 2}

    page = (tmp_path / "reports" / "a1.html").read_text()
    assert SCRIPT not in page, "a student-supplied string reached the page unescaped"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.ipynb is not valid JSON" in page  # the not-graded table
    assert "AssertionError: got &lt;script&gt;" in page  # the failure messages table
    assert report.PASS_RATE_COLOUR in page
    assert "src=\"http" not in page, "the page must work offline: plotly.js inline, no CDN"
    assert "Everyone was graded." in (tmp_path / "reports" / "a2.html").read_text()


def test_does_a_course_without_a_gradebook_get_told_to_grade_first(tmp_path):
    with pytest.raises(GradingError, match="grade first"):
        report.write_reports(tmp_path)
    assert not (tmp_path / "gradebook.db").exists()
