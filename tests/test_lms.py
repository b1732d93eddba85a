"""From each LMS's download to its grade import, with the real grading (`make collect`, `make grade`, `make export`).

For Canvas, Moodle, Blackboard and Google Classroom, the test builds a download of 01_tensors in that LMS's
layout (tests/lms_downloads.py) with: a late submission (also handing in a second notebook), a resubmission
whose latest attempt is a renamed notebook inside a zip inside the download, a student of the roster who handed
in nothing, a file of no roster student, a zip-slip name, a link and a non-notebook. All four are collected into
one course under their roster's ids and graded in one run (grader.pipeline.grade, sandboxed), with nbgrader's
late penalty set to "zero" and a due date; each LMS's export is then read back by the parsers of test_export.py.
Eight graded notebooks and the self-check: about a minute and a half on 2 cores.
"""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from nbgrader.api import Gradebook

from course_copy import copy_course
from grader import pipeline
from grader.collect import collect
from grader.export import export
from lms_downloads import LMSES, Person, name_in_download, receipt, write_zip, zipped
from test_export import read_csv

pytestmark = pytest.mark.slow
AID = "01_tensors"
DUE = datetime(2024, 3, 1, 12, 0, 0)
ON_TIME, EARLIER, LATE = datetime(2024, 3, 1, 11, 0, 0), datetime(2024, 2, 28, 9, 0, 0), datetime(2024, 3, 2, 8, 0, 0)
ANN, BO, CY, ZED = (Person("Ann", "Lee", "11"), Person("Bo", "Tran", "12"), Person("Cy", "Park", "13"),
                    Person("Zed", "Nobody", "99"))


def lms_id(lms: str, person: Person) -> str:
    """The id the LMS's names carry: Blackboard's are usernames."""
    return f"{person.first.lower()}{person.last.lower()}" if lms == "blackboard" else person.lms_id


def as_known(lms: str, person: Person) -> Person:
    return Person(person.first, person.last, lms_id(lms, person))


def roster(tmp_path, lms: str):
    """Ann, Bo and Cy, with course ids <lms>_ann, ...; Classroom's names carry no id, so it matches by name."""
    path = tmp_path / f"roster-{lms}.csv"
    rows = [f"{lms}_{p.first.lower()},{'' if lms == 'classroom' else lms_id(lms, p)},{p.full},{p.first},{p.last},"
            f"{p.first.lower()}@example.org,{lms_id(lms, p)}" for p in (ANN, BO, CY)]
    path.write_text("student_id,lms_id,name,first_name,last_name,email,username\n" + "\n".join(rows) + "\n")
    return path


def download(tmp_path, lms: str, solved: bytes, blank: bytes):
    """One LMS's download of the class (see the module's docstring)."""
    ann, bo, zed = (as_known(lms, p) for p in (ANN, BO, ZED))
    members = [(name_in_download(lms, ann, f"{AID}.ipynb", LATE, late=True), solved, LATE),
               (name_in_download(lms, ann, "scratch.ipynb", LATE, late=True), blank, LATE),
               (name_in_download(lms, bo, "work.zip", ON_TIME, attachment=5550002),
                zipped([(f"work/Copy of {AID}.ipynb", solved, datetime(2020, 1, 1))]), ON_TIME),
               (name_in_download(lms, zed, f"{AID}.ipynb", ON_TIME), blank, ON_TIME),
               ("../../escape.ipynb", solved, ON_TIME),
               (name_in_download(lms, bo, "notes.exe", ON_TIME), b"MZ", ON_TIME)]
    if lms == "blackboard":  # every attempt is in Blackboard's download: Bo's earlier one is blank
        members += [(name_in_download(lms, bo, f"{AID}.ipynb", EARLIER), blank, EARLIER),
                    (receipt(bo, EARLIER), b"receipt", EARLIER), (receipt(bo, ON_TIME), b"receipt", ON_TIME)]
    return write_zip(tmp_path / f"{lms}.zip", members, links={f"{lms}-link.ipynb": "/etc/passwd"})


def test_does_each_lms_download_grade_under_the_right_ids_with_the_late_penalty_and_export_back(tmp_path):
    root = copy_course(tmp_path / "course")
    with open(root / "nbgrader_config.py", "a") as config:
        config.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    release = pipeline.release(root, [AID])[0]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        gradebook.update_or_create_assignment(AID, duedate=DUE)
    solved = json.dumps(pipeline.solved_submission(release, root / "source" / AID / f"{AID}.ipynb")).encode()
    blank = json.dumps(pipeline.blank_submission(release)).encode()

    for lms in LMSES:
        result = collect(root, download(tmp_path, lms, solved, blank), AID, roster=roster(tmp_path, lms))
        assert result.lms == lms and result.detected, result.text()
        assert sorted(line.split(" <- ")[0] for line in result.added) == [f"{lms}_ann", f"{lms}_bo"], result.text()
        assert result.missing == [f"{lms}_cy (Cy Park)"]
        assert any("Nobody" in line or "nobody" in line or "99" in line for line in result.unmatched), result.text()
        assert any(line.startswith(f"{lms}_ann: ") for line in result.several)
        refused = "\n".join(result.refused)
        assert "escape.ipynb" in refused and "zip-slip" in refused and "symbolic link" in refused
        assert "notes.exe" in refused and "not a notebook" in refused
        assert (root / "submitted" / f"{lms}_ann" / AID / "timestamp.txt").read_text().strip() == \
            f"{LATE:%Y-%m-%d %H:%M:%S}"
        again = collect(root, tmp_path / f"{lms}.zip", AID, roster=roster(tmp_path, lms))
        assert not again.added and sorted(again.unchanged) == [f"{lms}_ann", f"{lms}_bo"]

    pipeline.grade(root, workers=2)

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        possible = gradebook.find_assignment(AID).max_score
        got = {s.student.id: (s.score, s.late_submission_penalty) for s in gradebook.find_assignment(AID).submissions}
    assert possible > 0
    for lms in LMSES:  # Ann: full marks, all taken by the late penalty; Bo: his latest attempt, solved
        assert got[f"{lms}_ann"] == (possible, possible), got
        assert got[f"{lms}_bo"] == (possible, 0.0), got
        result = export(root, lms, roster=roster(tmp_path, lms))
        assert result.missing == [f"{AID}: {lms}_cy"]
        out = root / "exports" / lms
        if lms == "canvas":
            back = {row["ID"]: row[AID] for row in read_csv(out / "grades.csv")}
        elif lms == "moodle":
            back = {row["Identifier"][len("Participant "):]: row["Grade"]
                    for row in read_csv(out / f"{AID}-grading-worksheet.csv")}
        elif lms == "blackboard":
            back = {row["Username"]: row[f"{AID} [Total Pts: {possible:g} Score]"] for row in read_csv(out / "grades.csv")}
        else:
            back = {row["Email Address"]: row[AID] for row in read_csv(out / "grades.csv")}
        feedback = [out / f"{AID}-feedback.zip"] if lms == "moodle" else list((out / "feedback").glob(f"*/{AID}.html"))
        assert len(feedback) == 1 if lms == "moodle" else len(feedback) == 2, (lms, feedback)
        key = (lambda p: f"{p.first.lower()}@example.org") if lms == "classroom" else (lambda p: lms_id(lms, p))
        assert back == {key(ANN): "0", key(BO): f"{possible:g}", key(CY): ""}, (lms, back)
