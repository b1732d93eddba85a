"""Bring submissions as they really arrive into the layout and shape nbgrader grades.

Runs before autograding, on submitted/<student>/<assignment>/. First, anything in submitted/ that is not a
plain folder or a regular file with one name (a symbolic link, a hard link, a pipe, a device) is moved to
intake/refused/ unread: nbgrader would copy what a link points to (the gradebook, a solution notebook)
into the submission. Then, for each submission, it:
- finds the notebook when it was renamed ("Copy of 03_xor_net.ipynb", "03_xor_net (1).ipynb") or put in a
  sub-folder, or dropped loose in the student's folder;
- reads it whatever nbformat 4 minor version Colab or Jupyter saved, and gives every cell an id;
- keeps one cell per grade id when a student duplicated a cell (nbgrader would fail the whole notebook);
- puts back nbgrader's metadata when it was stripped, and test cells that were deleted, at their place
  (nbgrader's own add_missing_cells fails when the deleted cell followed a read-only cell).
What cannot be graded (not a notebook, several candidates) is moved to intake/set-aside/ with the reason.
Originals of every file changed are kept in intake/originals/. Nothing is deleted.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = ["Outcome", "prepare", "report"]

_COPY_PREFIX = re.compile(r"^(copy of |copy_of_)+", re.I)
_NUMBER_SUFFIX = re.compile(r"( ?\(\d+\)|-checkpoint|_\d+| copy)+$", re.I)


@dataclass
class Outcome:
    student: str
    assignment: str
    status: str = "as submitted"  # "as submitted", "repaired" or "set aside"
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = f"{self.student}/{self.assignment}: {self.status}"
        return text + "".join(f"\n    - {note}" for note in self.notes)


def matches_assignment(filename: str, aid: str) -> bool:
    """Whether a notebook's file name is `aid` once copy/duplicate decorations are removed."""
    stem = Path(filename).stem.strip()
    return _NUMBER_SUFFIX.sub("", _COPY_PREFIX.sub("", stem)).strip().lower() == aid.lower()


def prepare(root: Path, assignments: list[str]) -> list[Outcome]:
    """Prepare every submission in root/submitted for grading; return what was done to each."""
    submitted = root / "submitted"
    outcomes = _set_aside_irregular(root, submitted) if submitted.is_dir() else {}
    for student_dir in sorted(p for p in submitted.iterdir() if p.is_dir()) if submitted.is_dir() else []:
        _adopt_loose_notebooks(student_dir, assignments)
        for aid in assignments:
            folder = student_dir / aid
            if folder.is_dir():
                outcome = _prepare_safely(root, folder, aid)
                earlier = outcomes.pop((outcome.student, aid), None)
                if earlier is not None:
                    outcome.notes[:0] = earlier.notes
                    outcome.status = "repaired" if outcome.status == "as submitted" else outcome.status
                outcomes[(outcome.student, aid)] = outcome
    return list(outcomes.values())


def irregular(path: Path) -> str | None:
    """Why intake will not read `path` (a link, or not a regular file or folder), or None."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return f"a symbolic link (to {os.readlink(path)})"
    if stat.S_ISDIR(info.st_mode):
        return None
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a pipe, socket or device)"
    if info.st_nlink > 1:
        return f"a file with {info.st_nlink} names on this disk (a hard link, which could be the gradebook or a solution)"
    return None


def _set_aside_irregular(root: Path, submitted: Path) -> dict[tuple[str, str], Outcome]:
    """Move every irregular entry of submitted/ to intake/refused/, unread; return what was moved, by
    (student, assignment) ("-" for what lies loose in a student's folder)."""
    outcomes: dict[tuple[str, str], Outcome] = {}
    for folder, folders, files in os.walk(submitted):
        for name in sorted([*folders, *files]):
            path = Path(folder) / name
            reason = irregular(path)
            if reason is None:
                continue
            parts = path.relative_to(submitted).parts
            student, aid = parts[0], parts[1] if len(parts) > 2 else "-"
            destination = root / "intake" / "refused" / path.relative_to(submitted)
            destination.parent.mkdir(parents=True, exist_ok=True)
            while os.path.lexists(destination):  # refused in an earlier run too: keep both
                destination = destination.with_name(destination.name + "~")
            os.replace(path, destination)  # moves the link itself; what it points to is never opened
            if name in folders:
                folders.remove(name)
            outcome = outcomes.setdefault((student, aid), Outcome(student, aid, status="repaired"))
            outcome.notes.append(f"set aside submitted/{path.relative_to(submitted)}: {reason}; it is not "
                                 f"graded (kept in {destination.relative_to(root)})")
    for (student, aid), outcome in outcomes.items():
        if aid == "-" or not (submitted / student / aid).is_dir():
            outcome.status = "set aside"
    return outcomes


def report(outcomes: list[Outcome]) -> str:
    changed = [o for o in outcomes if o.status != "as submitted"]
    head = (f"Intake: {len(outcomes)} submissions, {sum(o.status == 'repaired' for o in outcomes)} repaired, "
            f"{sum(o.status == 'set aside' for o in outcomes)} set aside.")
    return "\n".join([head, *(o.line() for o in changed)])


def _adopt_loose_notebooks(student_dir: Path, assignments: list[str]) -> None:
    """submitted/<student>/Copy of 01_tensors.ipynb -> submitted/<student>/01_tensors/."""
    for path in student_dir.glob("*.ipynb"):
        owners = [aid for aid in assignments if matches_assignment(path.name, aid)]
        if len(owners) == 1:
            (student_dir / owners[0]).mkdir(exist_ok=True)
            shutil.move(str(path), student_dir / owners[0] / path.name)


def _notebooks_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _prepare_safely(root: Path, folder: Path, aid: str) -> Outcome:
    """`_prepare_one`, but a submission nobody foresaw is set aside instead of stopping the batch."""
    try:
        return _prepare_one(root, folder, aid)
    except Exception as error:  # noqa: BLE001 (one odd file must never stop the class's grading)
        outcome = Outcome(folder.parent.name, aid, notes=[f"intake could not handle it ({error!r})"])
        return _set_aside(root, folder, outcome)


def _prepare_one(root: Path, folder: Path, aid: str) -> Outcome:
    outcome = Outcome(folder.parent.name, aid)
    target = folder / f"{aid}.ipynb"
    if not target.is_file():
        chosen = _choose_notebook(folder, aid, outcome)
        if chosen is None:
            return _set_aside(root, folder, outcome)
        _keep_original(root, folder, chosen)
        shutil.copy(chosen, target)
        outcome.status = "repaired"
        outcome.notes.append(f"graded {chosen.relative_to(folder)} as {aid}.ipynb")
    try:
        nb = _read(target)
    except ValueError as error:
        outcome.notes.append(str(error))
        return _set_aside(root, folder, outcome)
    release = root / "release" / aid / f"{aid}.ipynb"
    notes = repair(nb, nbformat.read(release, as_version=4)) if release.is_file() else []
    notes += _give_cell_ids(nb)
    if notes:
        _keep_original(root, folder, target)
        nbformat.write(nb, target)
        outcome.status = "repaired"
        outcome.notes += notes
    return outcome


def _choose_notebook(folder: Path, aid: str, outcome: Outcome) -> Path | None:
    notebooks = _notebooks_in(folder)
    named = [p for p in notebooks if matches_assignment(p.name, aid)]
    candidates = named or notebooks
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        outcome.notes.append(f"no notebook in the folder; expected {aid}.ipynb")
    else:
        names = ", ".join(str(p.relative_to(folder)) for p in candidates)
        outcome.notes.append(f"several notebooks could be {aid}: {names}. Keep the one to grade, "
                             f"named {aid}.ipynb, and grade again")
    return None


def _read(path: Path):
    text = path.read_bytes().decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.name} is not valid JSON ({error}); the file is probably cut short. "
                         "Ask the student to download it again (File > Download > .ipynb)") from error
    if not isinstance(data, dict) or "cells" not in data or data.get("nbformat") != 4:
        raise ValueError(f"{path.name} is not a Jupyter notebook in format 4 (no 'cells' list); "
                         "ask the student for the .ipynb file itself")
    return nbformat.reads(text, as_version=4)  # also joins sources stored as lists of lines


def _give_cell_ids(nb) -> list[str]:
    """nbformat 4.5 cell ids: Colab's metadata.id where usable, else new ones."""
    seen, added = set(), 0
    for cell in nb.cells:
        cell_id = cell.get("id") or cell.get("metadata", {}).get("id")
        if not isinstance(cell_id, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", cell_id) or cell_id in seen:
            cell_id = uuid.uuid4().hex[:12]
        if cell.get("id") != cell_id:
            cell["id"] = cell_id
            added += 1
        seen.add(cell_id)
    if nb.nbformat_minor < 5 or added:
        nb.nbformat_minor = max(nb.nbformat_minor, 5)
        return [f"gave {added} cells an id (nbformat 4.5)"] if added else []
    return []


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _normal(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def repair(nb, release) -> list[str]:
    """Make a submission's nbgrader cells match the release's; return what was changed."""
    notes = _drop_duplicate_ids(nb)
    released = [(i, c) for i, c in enumerate(release.cells) if _grade_id(c)]
    present = {_grade_id(c) for c in nb.cells if _grade_id(c)}
    for index, cell in released:
        if cell.metadata["nbgrader"]["grade_id"] not in present:
            note = _relabel(nb, release, index) or _restore(nb, release, index)
            if note:
                notes.append(note)
    return notes


def _drop_duplicate_ids(nb) -> list[str]:
    """Keep nbgrader metadata on the last copy of a cell (it runs last, so its code is what counts)."""
    seen, notes = set(), []
    for cell in reversed(nb.cells):
        grade_id = _grade_id(cell)
        if grade_id in seen:
            del cell.metadata["nbgrader"]
            notes.append(f"cell {grade_id} appeared twice; the earlier copy now runs as an ordinary cell")
        elif grade_id:
            seen.add(grade_id)
    return notes


def _anchor(nb, release, index: int) -> int:
    """Position in `nb` after which release cell `index` belongs: after the nearest earlier release cell
    found in `nb` (by grade id, or by identical source), or at the top."""
    for earlier in range(index - 1, -1, -1):
        wanted = release.cells[earlier]
        for position, cell in enumerate(nb.cells):
            same_id = _grade_id(wanted) and _grade_id(cell) == _grade_id(wanted)
            same_text = not _grade_id(wanted) and cell.cell_type == wanted.cell_type and \
                _normal(cell.source) == _normal(wanted.source) and cell.source.strip()
            if same_id or same_text:
                return position + 1
    return 0


def _relabel(nb, release, index: int) -> str | None:
    """Give an unlabelled cell its lost nbgrader metadata: the same source for read-only and test cells,
    the most similar code cell near its place for a solution cell."""
    wanted = release.cells[index]
    meta = wanted.metadata["nbgrader"]
    start = _anchor(nb, release, index)
    unlabelled = [(p, c) for p, c in enumerate(nb.cells) if not _grade_id(c) and c.cell_type == wanted.cell_type]
    if meta.get("solution"):
        stub = {line.strip() for line in wanted.source.splitlines() if line.strip() not in ("", "...")}
        best, best_share = None, 0.5
        for position, cell in unlabelled:
            if position < start or position > start + 3:
                continue
            share = len(stub & {line.strip() for line in cell.source.splitlines()}) / max(len(stub), 1)
            if share >= best_share:
                best, best_share = cell, share
    else:
        best = next((c for p, c in unlabelled if _normal(c.source) == _normal(wanted.source)), None)
    if best is None:
        return None
    best.metadata["nbgrader"] = dict(meta)
    return f"cell {meta['grade_id']} had lost its nbgrader metadata; it was put back"


def _restore(nb, release, index: int) -> str | None:
    """Insert a deleted test cell from the release; grading then writes its hidden tests back."""
    wanted = release.cells[index]
    if not wanted.metadata["nbgrader"].get("grade"):
        return None  # a missing solution or read-only cell is left alone: the student's code may live elsewhere
    cell = nbformat.from_dict(json.loads(json.dumps(wanted)))
    cell["id"] = uuid.uuid4().hex[:12]
    nb.cells.insert(_anchor(nb, release, index), cell)
    return f"test cell {wanted.metadata['nbgrader']['grade_id']} was missing; it was put back"


def _keep_original(root: Path, folder: Path, path: Path) -> None:
    keep = root / "intake" / "originals" / folder.parent.name / folder.name / path.relative_to(folder)
    if not keep.exists():
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, keep)


def _set_aside(root: Path, folder: Path, outcome: Outcome) -> Outcome:
    destination = root / "intake" / "set-aside" / folder.parent.name / folder.name
    if destination.exists():
        shutil.rmtree(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(folder), destination)
    outcome.status = "set aside"
    outcome.notes.append(f"moved to {destination.relative_to(root)}; fix it there, move it back and grade again")
    return outcome
