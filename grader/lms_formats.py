"""How each LMS names the files of its "download all submissions", one nbgrader file-name collector per LMS.

Each class is an nbgrader `FileNameCollectorPlugin` (the interface `nbgrader zip_collect --collector=...` takes):
`collect(path)` returns the student, the file and the time stamp read from a name, or None when the name is not
this LMS's. Unlike nbgrader's base class, which matches its `named_regexp` at the start of the whole path, these
match each part of the path in turn, so that a notebook in a per-student folder (Moodle) or in a zip inside the
download (unpacked into a folder named after the zip) is found too. Where the formats come from, and what is
uncertain about them, is in docs/instructors.md ("Returning grades to your LMS").

Every collector returns: student_id (made safe from the name, used without a roster), lms_id, name, file_id (the
path inside the student's part), timestamp (the LMS's time, when the name has one), attempt (what orders two
submissions of one student: later is larger) and late (the LMS marked it late in the name).
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from nbgrader.plugins import FileNameCollectorPlugin
from traitlets import Unicode

from grader.roster import safe_id

__all__ = ["FORMATS", "BlackboardCollector", "CanvasCollector", "ClassroomCollector", "MoodleCollector", "detect"]


class LmsCollector(FileNameCollectorPlugin):
    """A collector that matches `named_regexp` against each part of a path below `root`, outermost first."""

    lms = "?"
    root = Unicode("", help="The folder the download was unpacked into; paths are matched below it.").tag(config=True)

    def collect(self, submitted_file: str) -> dict | None:
        parts = PurePosixPath(submitted_file).relative_to(self.root).parts if self.root else \
            PurePosixPath(submitted_file).parts
        for index, part in enumerate(parts):
            match = re.fullmatch(self.named_regexp, part, flags=re.IGNORECASE)
            if match is None:
                continue
            groups = {key: value for key, value in match.groupdict().items() if value is not None}
            inner = "/".join((groups.get("file_id", ""), *parts[index + 1:])).strip("/")
            if not inner:
                return None
            return self.describe(groups, inner)
        return None

    def describe(self, groups: dict[str, str], inner: str) -> dict:
        name = groups.get("name", "")
        lms_id = groups.get("lms_id", "")
        return {"student_id": safe_id(name or lms_id), "lms_id": lms_id, "name": name, "file_id": inner,
                "timestamp": None, "attempt": "", "late": False, "lms": self.lms}


class CanvasCollector(LmsCollector):
    """Canvas (Instructure): `doejohn_123456_7890123_01_tensors.ipynb`, `doejohn_late_123456_7890123_...`:
    the student's sortable name without spaces or punctuation, LATE when Canvas marked it late, the Canvas user
    id, the attachment id, then the file's name as uploaded ("-1" added by Canvas when a student re-uploads a file
    of the same name). Canvas puts only each student's latest submission in the download."""

    lms = "canvas"
    named_regexp = Unicode(r"(?P<name>[a-z0-9]+?)(?P<late>_late)?_(?P<lms_id>\d+)_(?P<attachment>\d+)_(?P<file_id>.+)")

    def describe(self, groups: dict[str, str], inner: str) -> dict:
        info = super().describe(groups, inner)
        info["late"] = "late" in groups
        return info


class MoodleCollector(LmsCollector):
    """Moodle (mod_assign): `Ann Lee_123456_assignsubmission_file_01_tensors.ipynb` or, with "Download
    submissions in folders" (the default since Moodle 3.1), `Ann Lee_123456_assignsubmission_file_/01_tensors.ipynb`
    (no trailing `_` since 4.1). The number is Moodle's participant id for this assignment; with blind marking the
    name is "Participant". Moodle's download holds the latest submission only."""

    lms = "moodle"
    named_regexp = Unicode(r"(?P<name>[^_]+)_(?P<lms_id>\d+)_assignsubmission_(?P<plugin>[a-z]+)(?:_(?P<file_id>.*))?")

    def describe(self, groups: dict[str, str], inner: str) -> dict:
        info = super().describe(groups, inner)
        if info["name"].lower() == "participant":  # blind marking: the participant id is all there is
            info["student_id"] = safe_id(f"participant_{info['lms_id']}")
        return info


class BlackboardCollector(LmsCollector):
    """Blackboard Learn Original, Grade Center > Assignment File Download:
    `<Assignment>_<username>_attempt_2024-03-01-14-05-09_01_tensors.ipynb`, beside a receipt
    `<Assignment>_<username>_attempt_2024-03-01-14-05-09.txt`. Each attempt is in the download; the latest by
    its time stamp is collected. (nbgrader's own zip_collect documentation uses this naming as its example.)"""

    lms = "blackboard"
    named_regexp = Unicode(r"(?P<assignment>.+)_(?P<lms_id>[^_]+)_attempt_"
                           r"(?P<timestamp>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)(?:_(?P<file_id>.+))?")

    def describe(self, groups: dict[str, str], inner: str) -> dict:
        info = super().describe({**groups, "name": ""}, inner)
        stamp = groups["timestamp"]
        info["timestamp"] = f"{stamp[:10]} {stamp[11:].replace('-', ':')}"
        info["attempt"] = stamp
        return info


class ClassroomCollector(LmsCollector):
    """Google Classroom: the assignment's Drive folder downloaded from Google Drive (a zip named
    `<folder>-<date>T<time>Z-001.zip`), where a copy Classroom made for each student is named
    `<Student Name> - <file name>`. Files a student uploaded keep the student's own name and cannot be told
    apart: they are reported as matching no student."""

    lms = "classroom"
    named_regexp = Unicode(r"(?P<name>[^/]+?) - (?P<file_id>.+)")


FORMATS: dict[str, type[LmsCollector]] = {cls.lms: cls for cls in
                                          (CanvasCollector, MoodleCollector, BlackboardCollector, ClassroomCollector)}


def detect(files: list[str], root: str) -> tuple[str | None, dict[str, int]]:
    """The LMS whose naming matches most notebooks under `root` (None when none or a tie), and every count."""
    notebooks = [path for path in files if path.lower().endswith(".ipynb")]
    counts = {lms: sum(cls(root=root).collect(path) is not None for path in notebooks) for lms, cls in FORMATS.items()}
    best = max(counts.values(), default=0)
    winners = [lms for lms, count in counts.items() if count == best]
    return (winners[0] if best and len(winners) == 1 else None), counts
