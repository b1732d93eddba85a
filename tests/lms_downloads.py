"""Downloads as each LMS's "download all submissions" names them, built by the tests (grader/lms_formats.py says
where each naming comes from). `name_in_download` is one student's file in one LMS's layout; `write_zip` writes a
download, with times as the LMS's zip records them, and, for the refusal tests, unsafe members."""
from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

LMSES = ("canvas", "moodle", "blackboard", "classroom")


@dataclass
class Person:
    """A student as the LMS knows them."""
    first: str
    last: str
    lms_id: str  # Canvas user id, Moodle participant id, Blackboard username; Classroom has none in names

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


def name_in_download(lms: str, person: Person, filename: str, time: datetime, late: bool = False,
                     attachment: int = 5550001) -> str:
    """The path of `filename`, submitted by `person` at `time`, inside `lms`'s download zip."""
    if lms == "canvas":
        sortable = (person.last + person.first).lower().replace(" ", "").replace("'", "")
        return f"{sortable}{'_late' if late else ''}_{person.lms_id}_{attachment}_{filename}"
    if lms == "moodle":  # "Download submissions in folders", as Moodle 4.1+ names the folders
        return f"{person.full}_{person.lms_id}_assignsubmission_file/{filename}"
    if lms == "blackboard":
        return f"Tensors_{person.lms_id}_attempt_{time:%Y-%m-%d-%H-%M-%S}_{filename}"
    if lms == "classroom":
        return f"01 Tensors/{person.full} - {filename}"
    raise ValueError(lms)


def receipt(person: Person, time: datetime) -> str:
    """Blackboard's receipt beside each attempt."""
    return f"Tensors_{person.lms_id}_attempt_{time:%Y-%m-%d-%H-%M-%S}.txt"


def zipped(members: list[tuple[str, bytes, datetime]]) -> bytes:
    """A zip of (name, content, time) members, as bytes (for a zip inside the download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, time in members:
            archive.writestr(zipfile.ZipInfo(name, date_time=time.timetuple()[:6]), data)
    return buffer.getvalue()


def write_zip(path: Path, members: list[tuple[str, bytes, datetime]], links: dict[str, str] | None = None) -> Path:
    """A download zip; `links` adds symbolic-link members (name -> target), as a zip can store them."""
    path.write_bytes(zipped(members))
    with zipfile.ZipFile(path, "a") as archive:
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path
