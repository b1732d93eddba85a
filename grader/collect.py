"""An LMS's "download all submissions" -> submitted/<student>/<assignment>/ (`make collect`).

The steps are nbgrader zip_collect's: unpack (grader/safe_extract.py, an nbgrader ExtractorPlugin), read each
file name (grader/lms_formats.py, one nbgrader FileNameCollectorPlugin per LMS), copy into submitted/ with the
LMS's time in timestamp.txt. nbgrader's `ZipCollectApp` itself does not fit the last step: it stops at the first
duplicate without a time stamp, clears a student's folder to write it again (`--force`), and knows no roster.
So `collect` is our own driver around the two plugins:
- a roster maps LMS ids and names to the course's ids; without one, ids come from the file names, made safe;
- of several attempts of one student, the latest (by the LMS's time stamp) is taken and the others reported;
- several files of one attempt are all copied (renamed notebooks, Colab formats and which one to grade are
  intake's work, in `make grade`), and reported; two LMS students mapping to one id are reported, not copied;
- what it collected is recorded in intake/collect/<assignment>.json, so running it again on the same download
  changes nothing, and on a newer download adds only students not collected yet. The download is only read.
"""
from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.base import GradingError
from grader.lms_formats import FORMATS, detect
from grader.roster import Roster
from grader.safe_extract import SafeExtractor

__all__ = ["Collected", "collect", "record_path"]


@dataclass
class Collected:
    """What one `collect` did; `text()` is what the command line prints."""
    lms: str
    detected: bool
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_taken: list[str] = field(default_factory=list)
    several: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def text(self) -> str:
        how = "detected from the file names" if self.detected else "as given"
        lines = [f"format: {self.lms} ({how})",
                 f"collected {len(self.added)} new, {len(self.unchanged)} already collected and unchanged"]
        for title, items in (("new", self.added), ("not taken", self.not_taken),
                             ("several files for one student", self.several),
                             ("files that match no student", self.unmatched),
                             ("roster students with no file", self.missing), ("refused", self.refused)):
            if items:
                lines += [f"{title} ({len(items)}):", *(f"  - {item}" for item in items)]
        return "\n".join(lines)


def record_path(root: Path, aid: str) -> Path:
    """Where collect records what it copied for an assignment (export reads it for the LMS's ids and names)."""
    return root / "intake" / "collect" / f"{aid}.json"


def collect(root: Path, source: Path, aid: str, lms: str | None = None, roster: Path | None = None) -> Collected:
    """Fill root/submitted/*/<aid>/ from an LMS download (a zip or a folder); return what was done."""
    source = Path(source)
    if not source.exists():
        raise GradingError(f"there is no {source}; give the zip (or folder) the LMS's 'download all submissions' "
                           "gave you: make collect FROM=<download.zip> ASSIGNMENT=<assignment>.")
    if not (root / "source" / aid / f"{aid}.ipynb").is_file():
        raise GradingError(f"{aid} is not an assignment of this course (no source/{aid}/{aid}.ipynb).")
    if lms is not None and lms not in FORMATS:
        raise GradingError(f"unknown LMS {lms!r}; choose one of {', '.join(FORMATS)}.")
    students = Roster.read(roster) if roster else None
    with tempfile.TemporaryDirectory(prefix="dlb-collect-") as scratch:
        extractor = SafeExtractor()
        extractor.extract(str(source), scratch)
        files = sorted(str(path) for path in Path(scratch).rglob("*") if path.is_file())
        chosen, counts = (lms, {}) if lms else detect(files, scratch)
        if chosen is None:
            raise GradingError(f"could not tell which LMS made {source.name} (notebooks whose names match each: "
                               f"{counts}); say which with LMS=canvas|moodle|blackboard|classroom.")
        result = Collected(chosen, detected=lms is None, refused=list(extractor.refused))
        entries = _read_names(FORMATS[chosen](root=scratch), files, scratch, extractor.times, students, result)
        _copy(root, aid, entries, result)
    if students:
        record = _read_record(root, aid)
        result.missing = [f"{s.student_id} ({s.get('name') or s.get('lms_id') or 'no name'})"
                          for s in students.students if s.student_id not in record]
    return result


def _read_names(collector, files: list[str], scratch: str, times: dict, students: Roster | None,
                result: Collected) -> dict[str, list[dict]]:
    """The download's notebooks by course student id (only the latest attempt of each); report the rest."""
    by_identity: dict[tuple[str, str], list[dict]] = {}
    for path in files:
        relative = Path(path).relative_to(scratch).as_posix()
        info = collector.collect(path)
        if path.lower().endswith(".txt"):
            continue  # an LMS receipt (Blackboard's); never collected
        if info is None:
            result.unmatched.append(f"{relative}: its name is not {collector.lms}'s naming")
            continue
        info.update(path=path, shown=relative, timestamp=info["timestamp"] or _zip_time(times.get(relative)))
        if students is not None:
            matches = students.match(info["lms_id"], info["name"])
            if len(matches) != 1:
                why = "no roster student" if not matches else \
                    f"several roster students ({', '.join(s.student_id for s in matches)})"
                result.unmatched.append(f"{relative}: {info['name'] or info['lms_id']} matches {why}")
                continue
            info["student_id"] = matches[0].student_id
        by_identity.setdefault((info["student_id"], info["lms_id"] or info["name"]), []).append(info)
    by_student: dict[str, list[tuple[str, list[dict]]]] = {}
    for (student, identity), infos in by_identity.items():
        by_student.setdefault(student, []).append((identity, infos))
    entries = {}
    for student, identities in sorted(by_student.items()):
        if len(identities) > 1:
            names = "; ".join(f"{identity}: {', '.join(i['shown'] for i in infos)}" for identity, infos in identities)
            result.several.append(f"{student}: {len(identities)} LMS students map to this id ({names}); none was "
                                  "collected. Give them different ids in the roster.")
            continue
        infos = identities[0][1]
        latest = max(info["attempt"] for info in infos)
        entries[student] = [info for info in infos if info["attempt"] == latest]
        result.not_taken += [f"{student}: {info['shown']} (an earlier attempt than {latest})"
                             for info in infos if info["attempt"] != latest]
        notebooks = [info for info in entries[student] if info["shown"].lower().endswith(".ipynb")]
        if len(notebooks) > 1:
            result.several.append(f"{student}: {', '.join(i['shown'] for i in notebooks)}; all copied, and "
                                  "`make grade` grades the one named like the assignment or sets them aside")
    return entries


def _zip_time(time) -> str | None:
    return time.strftime("%Y-%m-%d %H:%M:%S") if time else None


def _read_record(root: Path, aid: str) -> dict:
    path = record_path(root, aid)
    return json.loads(path.read_text()) if path.is_file() else {}


def _copy(root: Path, aid: str, entries: dict[str, list[dict]], result: Collected) -> None:
    record = _read_record(root, aid)
    for student, infos in entries.items():
        notebooks = [info for info in infos if info["shown"].lower().endswith(".ipynb")]
        if not notebooks:
            continue
        digests = [hashlib.sha256(Path(info["path"]).read_bytes()).hexdigest() for info in notebooks]
        folder = root / "submitted" / student / aid
        if student in record:
            if sorted(f["sha256"] for f in record[student]["files"]) == sorted(digests):
                result.unchanged.append(student)
            else:
                result.not_taken.append(f"{student}: {', '.join(i['shown'] for i in notebooks)} differs from what "
                                        f"was collected before; kept the earlier one. To take this one, remove "
                                        f"{folder.relative_to(root)} and its entry in "
                                        f"{record_path(root, aid).relative_to(root)}, then collect again.")
            continue
        if folder.exists():
            result.not_taken.append(f"{student}: {folder.relative_to(root)} already exists (not put there by "
                                    "collect); left as it is")
            continue
        folder.mkdir(parents=True)
        names: set[str] = set()
        for info in notebooks:
            name = Path(info["file_id"]).name
            while name.lower() in names:
                name = f"{Path(name).stem} (other){Path(name).suffix}"
            names.add(name.lower())
            with open(folder / name, "xb") as handle:
                handle.write(Path(info["path"]).read_bytes())
        stamp = max((info["timestamp"] for info in notebooks if info["timestamp"]), default=None)
        if stamp:
            (folder / "timestamp.txt").write_text(stamp + "\n")
        first = notebooks[0]
        record[student] = {"lms": first["lms"], "lms_id": first["lms_id"], "name": first["name"],
                           "timestamp": stamp, "late": any(i["late"] for i in notebooks),
                           "files": [{"from": i["shown"], "sha256": d} for i, d in zip(notebooks, digests)]}
        late = " (marked late by the LMS)" if record[student]["late"] else ""
        result.added.append(f"{student} <- {', '.join(i['shown'] for i in notebooks)}"
                            f"{f', submitted {stamp}' if stamp else ''}{late}")
    path = record_path(root, aid)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
