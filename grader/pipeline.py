"""The instructor's steps around nbgrader: release, grade and a demo class (the command line is grader/cli.py).

Every step runs the real `nbgrader` commands in the course root (the folder that holds nbgrader_config.py),
so the gradebook and formgrader keep working as usual.
"""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from grader import intake, preflight
# GradingError, GradingLog and environment stay importable from here for cli.py and the tests.
from grader.base import GradingError, GradingLog, environment, open_gradebook
from grader.sandbox import pool
from grader.solutions import blank_submission, solved_submission

__all__ = ["blank_submission", "grade", "release", "score_table", "solved_submission"]


def course_root(start: Path | None = None) -> Path:
    """The folder that holds nbgrader_config.py and source/."""
    root = Path(start or Path.cwd()).resolve()
    if not (root / "nbgrader_config.py").is_file() or not (root / "source").is_dir():
        raise GradingError(f"{root} is not a course root: it needs nbgrader_config.py and source/. "
                           "Run the command from the repository's top folder.")
    return root


def assignments(root: Path) -> list[str]:
    """Assignment ids in teaching order: every source/<aid>/<aid>.ipynb."""
    return sorted(p.name for p in (root / "source").iterdir() if (p / f"{p.name}.ipynb").is_file())


def nbgrader(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run one nbgrader command in the course root."""
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=environment(),
                            capture_output=True, text=True)
    if check and result.returncode != 0:
        raise GradingError(f"`nbgrader {' '.join(args)}` failed (exit {result.returncode}):\n"
                           + _tail(result.stderr + result.stdout))
    return result


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def release(root: Path, ids: list[str] | None = None) -> list[Path]:
    """source/<aid> -> release/<aid> for the given assignments (default: all)."""
    ids = ids or assignments(root)
    unknown = sorted(set(ids) - set(assignments(root)))
    if unknown:
        raise GradingError(f"no source notebook for {', '.join(unknown)}; "
                           f"the assignments are {', '.join(assignments(root))}.")
    for aid in ids:
        nbgrader(root, "generate_assignment", aid, "--force")
    return [root / "release" / aid / f"{aid}.ipynb" for aid in ids]


def grade(root: Path, workers: int | None = None, unsafe: bool = False, scheduler: str = "") -> Path:
    """submitted/ -> autograded/ -> feedback/, then grades.csv. One student's failure never stops the rest.

    Each submission runs in two sandboxed kernels, the student's and the checker (grader/checker), `workers`
    submissions at once (default: one per core); `unsafe=True` runs both without the sandbox, for trusted
    test runs only. With a Dask `scheduler` address the kernels run on the cluster (grader/distributed.py).
    """
    submitted = root / "submitted"
    if not any(submitted.glob("*/*")):
        raise GradingError(f"nothing to grade: put submissions in {submitted}/<student>/<assignment>/<assignment>.ipynb.")
    outcomes = intake.prepare(root, assignments(root))
    (root / "intake").mkdir(exist_ok=True)
    (root / "intake" / "report.txt").write_text(intake.report(outcomes) + "\n")
    print(intake.report(outcomes))
    ids = sorted({p.name for p in submitted.glob("*/*") if p.is_dir()})
    known = set(assignments(root))
    problems = [f"{aid}: not an assignment of this course (submitted/*/{aid} was skipped)"
                for aid in ids if aid not in known]
    ids = [aid for aid in ids if aid in known]
    release_missing(root, ids)
    log = GradingLog(root)
    for outcome in outcomes:
        if outcome.status == "set aside":
            log.record({"assignment": outcome.assignment, "student": outcome.student, "graded": False,
                        "seconds": None, "attempts": 0, "problem": "set aside by intake: " + "; ".join(outcome.notes)})
    try:
        check_place(root, ids, workers=workers, unsafe=unsafe, scheduler=scheduler)
    except GradingError as error:  # nothing graded: every submission is "not graded", never a score
        for aid, student in jobs_of(root, ids):
            log.record({"assignment": aid, "student": student, "graded": False, "seconds": None, "attempts": 0,
                        "problem": f"not graded: {error}"})
        raise GradingError(f"{error} No submission was graded.") from None
    problems += autograde(root, ids, workers=workers, unsafe=unsafe, scheduler=scheduler, log=log, feedback=True)
    latest = log.latest()
    if not any(latest.get(job, {}).get("graded") for job in jobs_of(root, ids)):
        for problem in problems:
            print("WARNING:", problem, file=sys.stderr)
        raise GradingError("no submission could be graded (the reasons are above, in intake/report.txt and in "
                           "reports/grading-log.jsonl), so grades.csv was not written.")
    export_grades(root)
    from grader import report  # here, so that the other steps need no plotly

    try:
        print("grading report:", ", ".join(str(path.relative_to(root)) for path in report.write_reports(root)))
    except Exception as error:  # the grades are saved; a report that fails must not hide them
        problems.append(f"the grading report could not be written ({error!r}); `make report` writes it again.")
    for problem in problems:
        print("WARNING:", problem, file=sys.stderr)
    return root / "grades.csv"


def autograde(root: Path, ids: list[str], workers: int | None = None, unsafe: bool = False, scheduler: str = "",
              log: GradingLog | None = None, feedback: bool = False) -> list[str]:
    """Autograde every submission of these assignments, each in a sandbox, `workers` at a time (nbgrader's
    own autograde for each one, in parallel worker processes), and with `feedback` write each graded one's
    feedback (nbgrader's generate_feedback) right after; return the problems reported.

    Refuses (GradingError) before running any student code if the sandbox cannot run, unless `unsafe`.
    """
    try:
        return pool.autograde_all(root, jobs_of(root, ids), workers=workers, unsafe=unsafe, scheduler=scheduler,
                                  record=(log or GradingLog(root)).record, feedback=feedback)
    except pool.SandboxUnavailable as error:
        raise GradingError(f"grading stopped before running any student code: {error}") from None


def release_missing(root: Path, ids: list[str]) -> list[str]:
    """Release from source/ every assignment of `ids` that the gradebook does not hold yet (a fresh clone has
    release/ but no gradebook.db), here and once, before any grading worker opens the gradebook."""
    from nbgrader.api import MissingEntry

    missing = list(ids)
    if (root / "gradebook.db").is_file():
        with open_gradebook(root) as gradebook:
            known = set()
            for aid in ids:
                try:
                    gradebook.find_assignment(aid)
                    known.add(aid)
                except MissingEntry:
                    pass
        missing = [aid for aid in ids if aid not in known]
    if missing:
        print(f"{', '.join(missing)}: not in the gradebook yet, so released from source/ first")
        release(root, missing)
    return missing


def jobs_of(root: Path, ids: list[str]) -> list[tuple[str, str]]:
    """(assignment, student) of every submission of these assignments. Later assignments first: they train
    networks and take longest, so a batch does not end on one worker grading a slow notebook while others wait."""
    return [(aid, folder.parent.name) for aid in sorted(ids, reverse=True)
            for folder in sorted((root / "submitted").glob(f"*/{aid}")) if folder.is_dir()]


def check_place(root: Path, ids: list[str], workers: int | None = None, unsafe: bool = False,
                scheduler: str = "") -> None:
    """Raise GradingError, saying what is missing, unless every place that will grade these assignments can
    (grader/preflight.py): the data is here (fetched first if it can be), every Dask worker has this machine's
    grader, packages and data, and the instructor's solutions score full marks graded exactly as students' are."""
    ids = sorted({aid for aid, _ in jobs_of(root, ids)})
    if not ids:
        return
    needs = preflight.needs_mnist(root, ids)
    preflight.check_data(needs)
    if scheduler:
        preflight.check_cluster(scheduler, needs)
    print(f"grading the instructor's solutions of {', '.join(ids)} first, to show this environment can grade them")

    def autograde_solutions(course: Path, jobs: list[tuple[str, str]]) -> list[str]:
        try:
            return pool.autograde_all(course, jobs, workers=workers, unsafe=unsafe, scheduler=scheduler, progress=None)
        except pool.SandboxUnavailable as error:
            raise GradingError(f"grading stopped before running any student code: {error}") from None

    full_marks = preflight.check_solutions(root, ids, autograde_solutions)
    print("the instructor's solutions scored full marks here:",
          ", ".join(f"{aid} {marks:g}/{marks:g}" for aid, marks in full_marks.items()))


# The columns of nbgrader's grades.csv that hold text a student may choose (ids, names, e-mail addresses).
TEXT_COLUMNS = ("student_id", "last_name", "first_name", "email")


def export_grades(root: Path) -> Path:
    """nbgrader's grades.csv, with its text cells made safe for a spreadsheet (see `escape_text_cells`)."""
    nbgrader(root, "export", "--to", "grades.csv")
    escape_text_cells(root / "grades.csv")
    return root / "grades.csv"


def escape_text_cells(path: Path) -> None:
    """Rewrite a CSV so that a text cell starting with = + - @ reads as text, not as a spreadsheet formula."""
    from grader.report import spreadsheet_text  # here, so that the other steps need no plotly

    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames or [], list(reader)
    for row in rows:
        for column in TEXT_COLUMNS:
            if row.get(column):
                row[column] = spreadsheet_text(row[column])
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def score_table(grades_csv: Path) -> str:
    """A plain-text table of student × assignment scores from nbgrader's grades.csv."""
    with open(grades_csv, newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        return "(no graded submissions)"
    width = max(len("student"), *(len(row["student_id"]) for row in rows))
    lines = [f"{'student':<{width}}  {'assignment':<16} {'score':>7} / max"]
    for row in sorted(rows, key=lambda r: (r["student_id"], r["assignment"])):
        lines.append(f"{row['student_id']:<{width}}  {row['assignment']:<16} "
                     f"{float(row['score']):>7.1f} / {float(row['max_score']):.0f}")
    return "\n".join(lines)


def _submit(root: Path, student: str, aid: str, nb) -> None:
    target = root / "submitted" / student / aid
    target.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target / f"{aid}.ipynb")


def demo(directory: Path, ids: list[str]) -> str:
    """Grade a sample class of three students in `directory`, a scratch copy of the course."""
    repo = course_root()
    if directory.exists() and any(directory.iterdir()):
        raise GradingError(f"{directory} is not empty; the demo needs a new or empty folder.")
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(repo / "nbgrader_config.py", directory)
    shutil.copytree(repo / "source", directory / "source")
    for release_notebook in release(directory, ids):
        aid = release_notebook.stem
        source_notebook = directory / "source" / aid / f"{aid}.ipynb"
        _submit(directory, "ada_solved", aid, solved_submission(release_notebook, source_notebook))
        _submit(directory, "bob_blank", aid, blank_submission(release_notebook))
        _submit(directory, "cy_partial", aid,
                solved_submission(release_notebook, source_notebook, keep=lambda _, i: i % 2 == 0))
    return score_table(grade(directory))
