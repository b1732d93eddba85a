"""The class roster: which LMS id or name is which course student id (the formgrader's).

roster.csv has a header row. `student_id` is required; the other columns are optional and used when present:
    student_id, lms_id, name, first_name, last_name, email, username, sis_user_id, sis_login_id, section
`lms_id` is the LMS's own id of the student: Canvas's user id ("ID" in its gradebook export), Blackboard's
username, Moodle's participant id. Names match whatever their case, accents, spaces and punctuation, and in
either order ("Doe, John", "John Doe" and Canvas's "doejohn" are one name).
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from grader.base import GradingError

__all__ = ["Roster", "Student", "normal_name", "safe_id"]

COLUMNS = ("student_id", "lms_id", "name", "first_name", "last_name", "email", "username", "sis_user_id",
           "sis_login_id", "section")


def normal_name(text: str) -> str:
    """A name reduced to lower-case ASCII letters and digits ("Zoë O'Brien" -> "zoeobrien")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def safe_id(text: str) -> str:
    """A student id made from a file name: lower-case ASCII letters, digits, _ and - only, at most 64 long."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    cleaned = re.sub(r"[^a-z0-9_-]+", "_", ascii_text).strip("_-")[:64].strip("_-")
    return cleaned or "unnamed"


@dataclass
class Student:
    """One roster row."""
    student_id: str
    fields: dict[str, str] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.fields.get(column, "") or ""

    def keys(self) -> set[str]:
        """Everything an LMS file name may call this student by."""
        first, last = normal_name(self.get("first_name")), normal_name(self.get("last_name"))
        found = {self.get("lms_id"), self.get("username"), self.get("email").lower(), self.get("sis_user_id"),
                 normal_name(self.get("name")), last + first, first + last}
        if "," in self.get("name"):  # "Doe, John" is also "John Doe"
            surname, _, given = self.get("name").partition(",")
            found.add(normal_name(given + surname))
        return {key for key in found if key}


class Roster:
    """roster.csv, read once; `match` finds a student by an LMS id or name."""

    def __init__(self, students: list[Student]) -> None:
        self.students = students
        self._by_key: dict[str, list[Student]] = {}
        for student in students:
            for key in student.keys():
                self._by_key.setdefault(key, []).append(student)

    @classmethod
    def read(cls, path: Path) -> "Roster":
        if not Path(path).is_file():
            raise GradingError(f"no roster at {path}; give the path of a CSV with a student_id column (see "
                               "docs/instructors.md, 'Returning grades to your LMS').")
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        if not rows or "student_id" not in rows[0]:
            raise GradingError(f"{path} has no student_id column; its first row must name the columns "
                               f"({', '.join(COLUMNS)}).")
        students, seen = [], set()
        for number, row in enumerate(rows, start=2):
            student_id = (row.get("student_id") or "").strip()
            if not student_id or safe_id(student_id) != student_id:
                raise GradingError(f"{path}, line {number}: student id {student_id!r} is empty or has characters "
                                   "other than lower-case letters, digits, _ and -; fix the roster.")
            if student_id in seen:
                raise GradingError(f"{path}, line {number}: student id {student_id} appears twice; fix the roster.")
            seen.add(student_id)
            students.append(Student(student_id, {k: (v or "").strip() for k, v in row.items() if k}))
        return cls(students)

    def match(self, lms_id: str, name: str) -> list[Student]:
        """The roster students an LMS id or a name belongs to (none, one, or several when ambiguous)."""
        for key in (lms_id, lms_id.lower(), normal_name(name)):
            if key and key in self._by_key:
                return self._by_key[key]
        return []

    def by_id(self) -> dict[str, Student]:
        return {student.student_id: student for student in self.students}
