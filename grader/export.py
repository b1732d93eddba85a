"""Grades and feedback out, the way each LMS imports them (`make export LMS=...`), into exports/<lms>/.

- canvas: grades.csv with Canvas's gradebook-import columns (Student, ID, SIS User ID, SIS Login ID, Section,
  then one column per assignment) and feedback/<student>/<assignment>.html (Canvas takes no feedback bundle).
- moodle: one grading worksheet per assignment (<aid>-grading-worksheet.csv: Identifier "Participant <id>", Full
  name, Email address, Grade, Maximum Grade, Last modified (grade)), and <aid>-feedback.zip for "Upload multiple
  feedback files in a zip" (one folder per participant, named as Moodle's own download names it).
- blackboard: grades.csv for Grade Center > Work Offline > Upload (Last Name, First Name, Username, then
  "<aid> [Total Pts: <max> Score]"), every cell quoted as Blackboard asks; feedback/<username>/<aid>.html.
- classroom: grades.csv laid out as Classroom's own grade export (Last Name, First Name, Email Address, one column
  per assignment), for copying in: Classroom imports no grade file. feedback/<student>/<aid>.html.
A student with no grade (no submission, or one that could not be graded) gets an empty cell, never 0, and is
listed in the result. Text cells that a spreadsheet would run as a formula are escaped (grader.report).
"""
from __future__ import annotations

import csv
import json
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from grader.base import GradingError, GradingLog, open_gradebook
from grader.collect import record_path
from grader.report import spreadsheet_text
from grader.roster import Roster, safe_id

__all__ = ["EXPORTS", "Exported", "export", "grades"]

EXPORTS = ("canvas", "moodle", "blackboard", "classroom")


@dataclass
class Exported:
    """What one export wrote; `text()` is what the command line prints."""
    lms: str
    files: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # "<assignment>: <student>"
    not_in_roster: list[str] = field(default_factory=list)  # graded, but not in the roster: not exported

    def text(self) -> str:
        lines = [f"wrote {path}" for path in self.files]
        if self.missing:
            lines += [f"no grade (exported as an empty cell, not 0) for {len(self.missing)}:",
                      *(f"  - {item}" for item in self.missing)]
        if self.not_in_roster:
            lines.append(f"graded but not in the roster, so not exported: {', '.join(self.not_in_roster)}")
        return "\n".join(lines)


def grades(root: Path) -> tuple[dict[str, dict[str, float | None]], dict[str, float]]:
    """{assignment: {student: score after late penalty, or None when not graded}} and {assignment: max score},
    from the gradebook and reports/grading-log.jsonl (a submission whose latest grading failed has no grade)."""
    from nbgrader.api import MissingEntry

    if not (root / "gradebook.db").is_file():
        raise GradingError(f"no gradebook in {root}: run `make grade` before `make export`.")
    log = GradingLog(root).latest()
    scores: dict[str, dict[str, float | None]] = {}
    maxima: dict[str, float] = {}
    with open_gradebook(root) as gradebook:
        for assignment in gradebook.assignments:
            maxima[assignment.name] = float(assignment.max_score)
            scores[assignment.name] = {}
            for student in gradebook.students:
                try:
                    submission = gradebook.find_submission(assignment.name, student.id)
                except MissingEntry:
                    scores[assignment.name][student.id] = None
                    continue
                entry = log.get((assignment.name, student.id))
                graded = entry is None or entry.get("graded")
                penalty = submission.late_submission_penalty or 0.0
                scores[assignment.name][student.id] = max(0.0, submission.score - penalty) if graded else None
    return scores, maxima


def _people(root: Path, roster: Roster | None, aids: list[str]) -> dict[str, dict[str, str]]:
    """Each student's LMS fields, by course id: the roster's, else what collect read from the file names."""
    if roster is not None:
        return {s.student_id: dict(s.fields) for s in roster.students}
    people: dict[str, dict[str, str]] = {}
    for aid in aids:
        path = record_path(root, aid)
        for student, seen in (json.loads(path.read_text()).items() if path.is_file() else []):
            person = people.setdefault(student, {"student_id": student, "name": seen["name"]})
            person.setdefault("lms_id", seen["lms_id"])
            person.setdefault("username", seen["lms_id"] if seen["lms"] == "blackboard" else "")
            person[f"participant:{aid}"] = seen["lms_id"] if seen["lms"] == "moodle" else ""
    return people


def _text(value: str) -> str:
    return spreadsheet_text(value or "")


def _number(score: float | None) -> str:
    return "" if score is None else f"{score:g}"


def export(root: Path, lms: str, roster: Path | None = None, assignments: list[str] | None = None) -> Exported:
    """Write exports/<lms>/ for every graded assignment (or the given ones); return what was written."""
    if lms not in EXPORTS:
        raise GradingError(f"unknown LMS {lms!r}; choose one of {', '.join(EXPORTS)}.")
    scores, maxima = grades(root)
    aids = [aid for aid in (assignments or sorted(scores)) if aid in scores]
    if not aids:
        raise GradingError("no graded assignment in the gradebook to export; run `make grade` first.")
    people = _people(root, Roster.read(roster) if roster else None, aids)
    graded = sorted({student for aid in aids for student, score in scores[aid].items() if score is not None})
    if roster is None:
        for student in graded:
            people.setdefault(student, {"student_id": student})
    out = root / "exports" / lms
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    result = Exported(lms, not_in_roster=[student for student in graded if student not in people])
    result.missing = [f"{aid}: {student}" for aid in aids for student in sorted(people)
                      if scores[aid].get(student) is None]
    writer = {"canvas": _canvas, "moodle": _moodle, "blackboard": _blackboard, "classroom": _classroom}[lms]
    result.files = writer(root, out, aids, people, scores, maxima)
    return result


def _write_csv(path: Path, header: list[str], rows: list[list[str]], quote_all: bool = False) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _feedback_folders(root: Path, out: Path, aids: list[str], folder_of: dict[str, str]) -> list[Path]:
    """feedback/<LMS name of the student>/<aid>.html, for each student with feedback."""
    written = []
    for student, folder in sorted(folder_of.items()):
        for aid in aids:
            page = root / "feedback" / student / aid / f"{aid}.html"
            if page.is_file():
                target = out / "feedback" / safe_id(folder) / f"{aid}.html"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(page, target)
                written.append(target)
    return [out / "feedback"] if written else []


def _canvas(root, out, aids, people, scores, maxima) -> list[Path]:
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *aids]
    rows = [[_text(p.get("name") or student), _text(p.get("lms_id", "")), _text(p.get("sis_user_id", "")),
             _text(p.get("sis_login_id", "")), _text(p.get("section", "")),
             *(_number(scores[aid].get(student)) for aid in aids)] for student, p in sorted(people.items())]
    folders = {student: p.get("sis_login_id") or p.get("lms_id") or student for student, p in people.items()}
    return [_write_csv(out / "grades.csv", header, rows), *_feedback_folders(root, out, aids, folders)]


def _moodle(root, out, aids, people, scores, maxima) -> list[Path]:
    written = []
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    for aid in aids:
        header = ["Identifier", "Full name", "Email address", "Grade", "Maximum Grade", "Last modified (grade)"]
        rows, bundle = [], []
        for student, p in sorted(people.items()):
            participant = p.get(f"participant:{aid}") or p.get("lms_id", "")
            if not participant.isdigit():
                continue  # Moodle finds a row only by its participant id
            name = p.get("name") or student
            rows.append([f"Participant {participant}", _text(name), _text(p.get("email", "")),
                         _number(scores[aid].get(student)), f"{maxima[aid]:g}", now])
            page = root / "feedback" / student / aid / f"{aid}.html"
            if page.is_file():  # Moodle's own naming: "<full name>_<participant id>_<plugin>_"
                bundle.append((f"{name.replace('_', ' ')}_{participant}_assignfeedback_file_/{aid}.html", page))
        written.append(_write_csv(out / f"{aid}-grading-worksheet.csv", header, rows))
        if bundle:
            with zipfile.ZipFile(out / f"{aid}-feedback.zip", "w", zipfile.ZIP_DEFLATED) as zipped:
                for name, page in bundle:
                    zipped.write(page, name)
            written.append(out / f"{aid}-feedback.zip")
    return written


def _blackboard(root, out, aids, people, scores, maxima) -> list[Path]:
    header = ["Last Name", "First Name", "Username", *(f"{aid} [Total Pts: {maxima[aid]:g} Score]" for aid in aids)]
    rows = [[_text(p.get("last_name", "")), _text(p.get("first_name", "") or p.get("name", "")),
             _text(p.get("username") or p.get("lms_id") or student),
             *(_number(scores[aid].get(student)) for aid in aids)] for student, p in sorted(people.items())]
    folders = {student: p.get("username") or p.get("lms_id") or student for student, p in people.items()}
    return [_write_csv(out / "grades.csv", header, rows, quote_all=True), *_feedback_folders(root, out, aids, folders)]


def _classroom(root, out, aids, people, scores, maxima) -> list[Path]:
    header = ["Last Name", "First Name", "Email Address", *aids]
    rows = [[_text(p.get("last_name", "")), _text(p.get("first_name", "") or p.get("name", "") or student),
             _text(p.get("email", "")), *(_number(scores[aid].get(student)) for aid in aids)]
            for student, p in sorted(people.items())]
    folders = {student: p.get("email") or p.get("name") or student for student, p in people.items()}
    return [_write_csv(out / "grades.csv", header, rows), *_feedback_folders(root, out, aids, folders)]
