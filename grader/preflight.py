"""Can this place grade? Asked before any student's notebook runs, so that a broken grading environment is never
a student's lost points: where the answer is no, nothing is graded and one sentence says what is missing.

1. **The data.** Every dataset a graded assignment loads is here. MNIST comes from `COURSE_MNIST_NPZ` or from
   Keras' cache; where neither has it, grading fetches it into the cache first, since the sandboxes have no
   network.
2. **The same grader everywhere.** On a Dask cluster, every worker has the data too, and runs the same grader and
   course code and the same package versions as this machine.
3. **The instructor's solution scores full marks** when graded here exactly as a student's notebook is (same
   workers, sandboxes and cluster), in a scratch copy of the course.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Callable

import nbformat

from grader.base import GradingError, environment, open_gradebook
from grader.solutions import solved_submission

__all__ = ["PreflightFailed", "check_data", "check_cluster", "check_solutions", "needs_mnist", "place"]

# The packages whose versions decide a score: the kernels' stack and nbgrader's.
PACKAGES = ("tensorflow", "keras", "numpy", "scikit-learn", "pandas", "plotly", "pillow", "nbgrader", "nbclient",
            "nbconvert", "ipykernel", "jupyter_client")
MNIST_CALLS = ("load_mnist(", "mnist_for_cnn(")
FETCH_TIMEOUT = 600  # seconds for Keras to download MNIST (11 MB)
SELF_TEST_STUDENT = "instructor-solution"


class PreflightFailed(GradingError):
    """This place cannot grade: the message is one sentence saying what is missing and what to do."""


def needs_mnist(root: Path, ids: list[str]) -> bool:
    """Does any of these assignments load MNIST (course.data) in a code cell?"""
    for aid in ids:
        nb = nbformat.read(root / "source" / aid / f"{aid}.ipynb", as_version=4)
        if any(call in cell.source for cell in nb.cells if cell.cell_type == "code" for call in MNIST_CALLS):
            return True
    return False


def keras_mnist_cache() -> Path:
    """Where Keras' `mnist.load_data()` keeps its download (and where the sandboxes look for it)."""
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "mnist.npz"


def _mnist_problem(path: Path) -> str | None:
    """Why `path` is no MNIST file, or None if it is one."""
    if not path.is_file():
        return f"{path} does not exist"
    if not zipfile.is_zipfile(path):
        return f"{path} is not an .npz archive"
    with zipfile.ZipFile(path) as archive:
        missing = [key for key in ("x_train", "y_train", "x_test", "y_test") if f"{key}.npy" not in archive.namelist()]
    return f"{path} has no {', '.join(missing)}" if missing else None


def check_data(needs: bool, say: Callable[[str], None] = print, fetch: bool = True) -> None:
    """Make sure MNIST is here when `needs` it: from COURSE_MNIST_NPZ, Keras' cache, or fetched into the cache now."""
    if not needs:
        return
    override = os.environ.get("COURSE_MNIST_NPZ")
    if override:
        problem = _mnist_problem(Path(override).expanduser())
        if problem:
            raise PreflightFailed(f"MNIST is missing: COURSE_MNIST_NPZ is set, but {problem}; point it at a copy of "
                                  "Keras' mnist.npz, or unset it to use Keras' download.")
        return
    cache = keras_mnist_cache()
    if _mnist_problem(cache) is None:
        return
    if not fetch:
        raise PreflightFailed(f"MNIST is missing: COURSE_MNIST_NPZ is not set and {cache} does not exist.")
    say(f"MNIST is not in Keras' cache: fetching it into {cache.parent} before grading (the sandboxes have no network).")
    try:
        result = subprocess.run([sys.executable, "-c", "from keras.datasets import mnist; mnist.load_data()"],
                                env=environment(), capture_output=True, text=True, timeout=FETCH_TIMEOUT)
        failed = result.returncode != 0 and (result.stderr.strip().splitlines() or ["no message"])[-1]
    except subprocess.TimeoutExpired:
        failed = f"no answer in {FETCH_TIMEOUT} s"
    if failed or _mnist_problem(cache):
        raise PreflightFailed(f"MNIST is missing and Keras could not fetch it ({failed or _mnist_problem(cache)}): "
                              "connect this machine to the internet once, or set COURSE_MNIST_NPZ to a copy of "
                              "mnist.npz (docs/instructors.md).")


def _code_digest() -> str:
    """A digest of the grader's and the course package's source, to tell two installs apart."""
    import course
    import grader

    digest = hashlib.sha256()
    for package in (grader, course):
        folder = Path(package.__file__).parent
        for path in sorted(folder.rglob("*.py")):
            digest.update(str(path.relative_to(folder.parent)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def place(needs: bool) -> dict:
    """What this place grades with: its code, its package versions, and what is wrong with its data (or "")."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    try:
        check_data(needs, say=lambda _: None)
        data = ""
    except PreflightFailed as error:
        data = str(error)
    return {"code": _code_digest(), "python": sys.version.split()[0], "packages": versions, "data": data}


def differences(here: dict, there: dict) -> list[str]:
    """What differs between two `place` answers, as short phrases."""
    found = []
    if there["code"] != here["code"]:
        found.append("another version of the grader or course code")
    if there["python"] != here["python"]:
        found.append(f"Python {there['python']} (here {here['python']})")
    found += [f"{name} {there['packages'].get(name, 'not installed')} (here {version})"
              for name, version in here["packages"].items() if there["packages"].get(name) != version]
    return found


def check_cluster(address: str, needs: bool) -> None:
    """Every worker of the Dask cluster at `address` has the data (fetched if it can be) and this machine's stack."""
    from distributed import Client

    here = place(needs)
    with Client(address, set_as_default=False, timeout="60s") as client:
        try:
            answers = client.run(place, needs)
        except Exception as error:  # a worker without grader.preflight cannot even answer
            raise PreflightFailed(f"a Dask worker could not describe itself ({type(error).__name__}: {error}): "
                                  "install this repository's grader on every worker.") from None
    if not answers:
        raise PreflightFailed(f"the Dask cluster at {address} has no workers: start some, then grade again.")
    for worker, there in sorted(answers.items()):
        if there["data"]:
            raise PreflightFailed(f"Dask worker {worker} cannot grade: {there['data']}")
        different = differences(here, there)
        if different:
            raise PreflightFailed(f"Dask worker {worker} cannot grade: it has {', '.join(different)}; install the "
                                  "same versions as this machine (the same checkout and requirements.txt).")


def scratch_course(root: Path, ids: list[str], folder: Path) -> list[tuple[str, str]]:
    """A copy of the course in `folder` whose only submissions are the instructor's solutions; return the jobs."""
    shutil.copy(root / "nbgrader_config.py", folder)
    shutil.copy(root / "gradebook.db", folder)
    for aid in ids:
        shutil.copytree(root / "source" / aid, folder / "source" / aid)
        release = root / "release" / aid / f"{aid}.ipynb"
        solved = solved_submission(release, root / "source" / aid / f"{aid}.ipynb")
        target = folder / "submitted" / SELF_TEST_STUDENT / aid
        target.mkdir(parents=True)
        nbformat.write(solved, target / f"{aid}.ipynb")
    return [(aid, SELF_TEST_STUDENT) for aid in ids]


def _first_error(notebook: Path) -> str:
    """The first error a graded cell of an autograded notebook shows, as `name: message` (or "")."""
    if not notebook.is_file():
        return ""
    for cell in nbformat.read(notebook, as_version=4).cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = (str(output.get("evalue") or "").splitlines() or [""])[0]
                return f"{output.get('ename')}: {message[:200]}"
    return ""


def check_solutions(root: Path, ids: list[str],
                    autograde: Callable[[Path, list[tuple[str, str]]], list[str]]) -> dict[str, float]:
    """Grade the instructor's solution of each assignment with `autograde(course, jobs)` (the same workers,
    sandboxes and cluster as the students get); each must score full marks. Return each assignment's marks."""
    from nbgrader.api import MissingEntry

    full_marks = {}
    with tempfile.TemporaryDirectory(prefix="grading-self-test-") as scratch:
        folder = Path(scratch)
        problems = autograde(folder, scratch_course(root, ids, folder))
        with open_gradebook(folder) as gradebook:
            for aid in ids:
                try:
                    notebook = gradebook.find_submission_notebook(aid, aid, SELF_TEST_STUDENT)
                    score, possible = notebook.score, notebook.max_score
                except MissingEntry:
                    score, possible = None, None
                if score is not None and score == possible:
                    full_marks[aid] = score
                    continue
                error = _first_error(folder / "autograded" / SELF_TEST_STUDENT / aid / f"{aid}.ipynb")
                got = f"scored {score:g} of {possible:g}" if score is not None else "could not be graded"
                because = error or next((p.splitlines()[-1] for p in problems if p.startswith(aid)), "no error shown")
                raise PreflightFailed(f"the instructor's solution to {aid} {got} when graded here ({because}), so "
                                      "this grading environment is broken: fix what the error names and grade again.")
    return full_marks
