"""Does `make export` write what each LMS imports, with the same grades, missing ones empty, formulas escaped?
(grader/export.py; fast: a gradebook made with nbgrader's API, no notebook runs)

Each parser below is written from the LMS's documented import columns (docs/instructors.md says where from),
not from grader/export.py, and reads the exported file back as the LMS would."""
from __future__ import annotations

import csv
import io
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grader.base import GradingError, GradingLog
from grader.export import export, grades

AID = "01_tensors"
ROSTER = """student_id,lms_id,name,first_name,last_name,email,username,sis_user_id,sis_login_id,section
s001,1001,Ann Lee,Ann,Lee,ann@example.org,alee,U1,ann.lee,A
s002,1002,Bo Tran,Bo,Tran,bo@example.org,btran,U2,bo.tran,A
s003,1003,Cy Park,Cy,Park,cy@example.org,cpark,U3,cy.park,B
s004,1004,=HYPERLINK(1),Dee,=cmd|x,dee@example.org,dee,U4,dee,B
"""
EXPECTED = {"1001": "12", "1002": "", "1003": "", "1004": "3"}  # s002 not graded, s003 no submission


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    """A course after grading: s001 12/15 (late penalty 2 from 14), s002 failed to grade, s003 never handed
    in, s004 3/15; feedback for s001. Built once (a new gradebook takes seconds); tests use a copy."""
    course = tmp_path_factory.mktemp("graded") / "course"
    course.mkdir()
    with warnings.catch_warnings():  # nbgrader's add_submission warns about SQLAlchemy sessions
        warnings.simplefilter("ignore")
        _fill_gradebook(course)
    log = GradingLog(course)
    for student, graded in (("s001", True), ("s002", False), ("s004", True)):
        log.record({"assignment": AID, "student": student, "graded": graded})
    page = course / "feedback" / "s001" / AID / f"{AID}.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>feedback for s001</p>")
    (course.parent / "roster.csv").write_text(ROSTER)
    return course


@pytest.fixture
def root(tmp_path, graded) -> Path:
    shutil.copytree(graded.parent, tmp_path / "copy")
    return tmp_path / "copy" / "course"


def _fill_gradebook(course: Path) -> None:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        gradebook.add_assignment(AID)
        gradebook.add_notebook(AID, AID)
        gradebook.add_grade_cell("ex1", AID, AID, max_score=15, cell_type="code")
        for student, score in (("s001", 14), ("s002", 0), ("s003", None), ("s004", 3)):
            gradebook.add_student(student)
            if score is not None:
                gradebook.add_submission(AID, student)
                gradebook.find_grade("ex1", AID, AID, student).auto_score = score
        gradebook.find_submission_notebook(AID, AID, "s001").late_submission_penalty = 2
        gradebook.db.commit()


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_are_grades_read_after_the_late_penalty_and_missing_ones_none(root):
    scores, maxima = grades(root)
    assert scores[AID] == {"s001": 12.0, "s002": None, "s003": None, "s004": 3.0} and maxima[AID] == 15.0


def test_canvas_gradebook_import_reads_back_the_same_grades(root):
    result = export(root, "canvas", roster=root.parent / "roster.csv")
    rows = read_csv(root / "exports" / "canvas" / "grades.csv")
    assert list(rows[0])[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]  # Canvas's own columns
    assert {row["ID"]: row[AID] for row in rows} == EXPECTED
    assert result.missing == [f"{AID}: s002", f"{AID}: s003"] and "not 0" in result.text()
    assert (root / "exports" / "canvas" / "feedback" / "ann_lee" / f"{AID}.html").is_file()


def test_moodle_worksheet_and_feedback_zip_read_back_as_moodles_importers_read_them(root):
    export(root, "moodle", roster=root.parent / "roster.csv")
    out = root / "exports" / "moodle"
    rows = read_csv(out / f"{AID}-grading-worksheet.csv")
    for column in ("Identifier", "Grade", "Last modified (grade)"):  # the three Moodle's importer requires
        assert column in rows[0]
    # Moodle strips the "Participant " prefix and looks the number up
    assert {row["Identifier"][len("Participant "):]: row["Grade"] for row in rows} == EXPECTED
    with zipfile.ZipFile(out / f"{AID}-feedback.zip") as bundle:
        names = bundle.namelist()
    # assignfeedback_file's importer: split the first path part on "_" into at most 5; [1] is the participant id
    parts = [name.split("/")[0].split("_", 4) for name in names]
    assert [(p[1], p[2], p[3]) for p in parts] == [("1001", "assignfeedback", "file")]
    assert names[0].endswith(f"/{AID}.html")


def test_blackboard_upload_reads_back_by_username_with_every_cell_quoted(root):
    export(root, "blackboard", roster=root.parent / "roster.csv")
    path = root / "exports" / "blackboard" / "grades.csv"
    header = path.read_text().splitlines()[0]
    assert header.startswith('"Last Name","First Name","Username",') and f'"{AID} [Total Pts: 15 Score]"' in header
    rows = read_csv(path)
    usernames = {"alee": "1001", "btran": "1002", "cpark": "1003", "dee": "1004"}
    assert {usernames[row["Username"]]: row[f"{AID} [Total Pts: 15 Score]"] for row in rows} == EXPECTED


def test_classroom_sheet_reads_back_by_email(root):
    export(root, "classroom", roster=root.parent / "roster.csv")
    rows = read_csv(root / "exports" / "classroom" / "grades.csv")
    assert list(rows[0])[:3] == ["Last Name", "First Name", "Email Address"]
    assert {row["Email Address"].split("@")[0]: row[AID] for row in rows} == \
        {"ann": "12", "bo": "", "cy": "", "dee": "3"}


@pytest.mark.parametrize("lms", ["canvas", "blackboard", "classroom"])
def test_are_formula_looking_cells_escaped(root, lms):
    export(root, lms, roster=root.parent / "roster.csv")
    text = (root / "exports" / lms / "grades.csv").read_text()
    assert "'=" in text and ",=" not in text and '"=' not in text


def test_without_a_gradebook_does_export_say_what_to_run(tmp_path):
    with pytest.raises(GradingError, match="make grade"):
        export(tmp_path, "canvas")


def test_without_a_roster_are_the_ids_collect_read_used(root):
    import json

    from grader.collect import record_path

    path = record_path(root, AID)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"s001": {"lms": "moodle", "lms_id": "77", "name": "Ann Lee", "files": []}}))
    export(root, "moodle")
    rows = read_csv(root / "exports" / "moodle" / f"{AID}-grading-worksheet.csv")
    assert [(row["Identifier"], row["Full name"], row["Grade"]) for row in rows] == [("Participant 77", "Ann Lee", "12")]
