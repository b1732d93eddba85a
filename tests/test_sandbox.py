"""Can a submission reach beyond its sandbox, and does grading in parallel give the serial scores?

A class of 15 submissions of 01_tensors: 7 ordinary students whose right scores are known (the solutions,
the untouched release, every other exercise, and four wrong answers from tests/answers/) and 8 attackers,
each a notebook with one extra cell: change the gradebook, read the hidden tests / solutions / classmates,
connect to the network, start 300 processes, fork-bomb, allocate 3 GiB, leave a process running after
grading, and rewrite the test cells that run after it (which now run in the checker, out of its reach;
tests/test_cheats.py tries ten such ways in every assignment).

The class is graded with the real nbgrader autograde (`grader.pipeline.autograde`), sandboxed, with 2
workers, and four of its ordinary students again with 1. The attacks are also graded with
`--unsafe` (all in one notebook, to keep that run short), to show that each one works without the
sandbox, so that the sandboxed results are not trivially true. Each attack cell prints `RESULT {json}`.
"""
from __future__ import annotations

import copy
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from grader import pipeline
from grader.base import GradingLog
from course_copy import copy_course
from ordinary_class import ordinary_students

pytestmark = pytest.mark.slow

AID = "01_tensors"
LIMITS = {"memory": 1536 * 2**20, "processes": 128, "cell_timeout": 30}
# Small limits so the attacks hit them fast; a graded 01_tensors kernel uses about 0.5 GiB and 17 threads.
TEST_CONFIG = f"""
c.Execute.timeout = {LIMITS["cell_timeout"]}
c.CheckedExecute.memory_limit = {LIMITS["memory"]}
c.CheckedExecute.process_limit = {LIMITS["processes"]}
c.CheckedExecute.wall_time_limit = 600
"""

ATTACKS = {
    # The 6-line cell: every grade in the gradebook becomes full marks.
    "tamper": ("blank", None, """
import json, os, sqlite3
result = {"tampered": 0, "errors": []}
for path in sorted({os.path.abspath("../../../gradebook.db"), ROOT + "/gradebook.db"}):
    try:
        db = sqlite3.connect("file:" + path + "?mode=rw", uri=True, timeout=60)
        result["tampered"] += db.execute("UPDATE grade SET manual_score = (SELECT max_score FROM grade_cells "
                                         "WHERE grade_cells.id = grade.cell_id)").rowcount
        db.commit()
    except Exception as error:
        result["errors"].append(f"{path}: {error}")
print("RESULT " + json.dumps(result))
"""),
    # Hidden tests (the notebook on disk), solutions (source/), classmates' work, the gradebook (also through
    # a submitted symbolic link, which nbgrader copies as the file it points to), the grader's processes.
    "peek": ("blank", None, """
import glob, json, os
patterns = [os.getcwd() + "/**/*", os.path.expanduser("~") + "/**/*", "/tmp/*", "/tmp/*/*"]
for folder in ("../../..", ROOT):  # the course root, seen from autograded/<student>/<assignment>, and named
    patterns += [folder + "/source/**/*.ipynb", folder + "/submitted/**/*.ipynb", folder + "/autograded/**/*.ipynb"]
texts = {}
for pattern in patterns:
    for path in glob.glob(pattern, recursive=True):
        try:
            if os.path.isfile(path) and os.path.getsize(path) < 50e6:
                texts[os.path.abspath(path)] = open(path, errors="ignore").read()
        except OSError:
            pass
def files_with(needle):
    return sorted(path for path, text in texts.items() if needle in text)
databases = []  # the submission also holds notes.db, a symbolic link to the gradebook
for path in glob.glob(os.getcwd() + "/**/*", recursive=True):
    try:
        if os.path.isfile(path) and open(path, "rb").read(16).startswith(b"SQLite format 3"):
            databases.append(path)
    except OSError:
        pass
grader_processes = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if b"grader.sandbox" in open(f"/proc/{pid}/cmdline", "rb").read():
            grader_processes.append(pid)
    except OSError:
        pass
try:  # the instructor's package, with the checker: never importable from a student's kernel
    import grader
    grader_package = [grader.__file__]
except ImportError:
    grader_package = []
print("RESULT " + json.dumps({
    "grader_package": grader_package,
    "hidden_tests": files_with("BEGIN HIDDEN TESTS"),
    "solutions": files_with("BEGIN SOLUTION"),
    "classmates": files_with(MARKER),
    "gradebook": [p for p in ("../../../gradebook.db", ROOT + "/gradebook.db") if os.path.exists(p)] + databases,
    "grader_processes": grader_processes,
}))
"""),
    "network": ("solved", None, """
import json, socket
try:
    with socket.create_connection(("127.0.0.1", PORT), timeout=5) as connection:
        connection.sendall(TAG.encode())
    result = {"connected": True}
except OSError as error:
    result = {"connected": False, "error": str(error)}
print("RESULT " + json.dumps(result))
"""),
    # A bounded process flood: 300 sleeping children, then killed. Shows the process limit.
    "flood": ("solved", None, """
import json, os, time
children = []
for _ in range(300):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    children.append(pid)
for pid in children:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
print("RESULT " + json.dumps({"forked": len(children)}))
"""),
    # A real fork bomb that ignores interrupts, half-way through the notebook (sandboxed runs only).
    "bomb": ("solved", "ex3_channel_values", """
import ctypes, os, signal
ctypes.CDLL(None).prctl(15, BOMB.encode(), 0, 0, 0)  # PR_SET_NAME: a name to find its processes by
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    try:
        os.fork()
    except OSError:
        pass
"""),
    # 3 GiB, written, in 256 MiB blocks; freed again, so only this cell is affected.
    "hog": ("solved", None, """
import json
import numpy as np
def hog(mib):
    blocks = []
    try:
        while len(blocks) * 256 < mib:
            blocks.append(np.ones(2**25))
    except MemoryError:
        pass
    return len(blocks) * 256
print("RESULT " + json.dumps({"allocated_mib": hog(3072)}))
"""),
    "orphan": ("solved", None, """
import json, subprocess
child = subprocess.Popen(["sleep", ORPHAN], start_new_session=True, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("RESULT " + json.dumps({"pid": child.pid}))
"""),
    # Files a notebook writes where it works: nbgrader keeps them beside the graded notebook. Among them a link to
    # a file of the grader's machine, a pipe, a folder, a forged timestamp.txt and a file over the size limit.
    "side_files": ("solved", None, """
import json, os
with open("results.csv", "w") as handle:
    handle.write("epoch,loss\\n0,0.5\\n")
with open("figure.png", "wb") as handle:
    handle.write(bytes(range(256)))
os.symlink(ROOT + "/gradebook.db", "grades.txt")
os.mkfifo("pipe")
os.makedirs("plots", exist_ok=True)
with open("plots/inner.txt", "w") as handle:
    handle.write("inside a folder")
with open("timestamp.txt", "w") as handle:
    handle.write("2000-01-01 00:00:00.000000 UTC")
with open("big.bin", "wb") as handle:
    handle.write(bytes(11 * 2**20))
print("RESULT " + json.dumps({"wrote": sorted(os.listdir("."))}))
"""),
    # Code in the student's kernel can rewrite every later cell there (here: to `pass`); the tests run elsewhere.
    "rewrite": ("blank", None, """
get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])
"""),
}
# Without the sandbox: a blank classmate, and one blank notebook with every attack that is safe to run
# unsandboxed (not the fork bomb), in cells of their own.
UNSAFE_CLASS = ["blank", "everything"]
UNSAFE_ATTACKS = ["peek", "network", "flood", "hog", "orphan", "tamper", "side_files"]


@dataclass
class Graded:
    root: Path
    tag: str
    problems: list[str]
    scores: dict        # student -> {grade cell: (score, max score)}
    manual: int         # grades with a manual score (nobody grades by hand here)
    orphans: list[int]  # processes still running the orphan attack's `sleep` after grading


class Listener:
    """A TCP server on the host's loopback; records what each connection sent."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                try:
                    self.received.append(connection.recv(100).decode())
                except OSError:
                    pass


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.server.close()


def insert_after(nb, grade_id, source):
    """A copy of `nb` with a new (student-added) code cell after the cell `grade_id` (default: the setup cell)."""
    nb = copy.deepcopy(nb)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    nb.cells.insert(ids.index(grade_id or "setup") + 1, nbformat.v4.new_code_cell(source))
    return nb


def build_class(root: Path, tag: str, port: int, students: list[str] | None) -> dict[str, dict]:
    """Submit the class into `root`; return {student: {grade cell: expected score}} for everyone."""
    notebooks = ordinary_students(root / "release" / AID / f"{AID}.ipynb", root / "source" / AID / f"{AID}.ipynb",
                                  wrong=4)
    (solved, full), (blank, zero) = notebooks["solved"], notebooks["blank"]
    tests = list(full.items())
    blank.cells[[c.metadata.get("nbgrader", {}).get("solution") for c in blank.cells].index(True)].source += (
        f"\n# {marker(root)}")  # a classmate's work the peek attack looks for
    constants = (f"ROOT = {str(root)!r}\nPORT = {port}\nTAG = {tag!r}\nMARKER = {marker(root)!r}\n"
                 f"ORPHAN = {orphan_seconds(root)!r}\nBOMB = {bomb_name(root)!r}\n")
    for name, (base, after, attack) in ATTACKS.items():
        nb = insert_after(solved if base == "solved" else blank, after, f"# attack: {name}\n{constants}{attack}")
        expected = dict(full if base == "solved" else zero)
        if after:  # the bomb: tests before it count, the ones after it do not run
            names = [n for n, _ in tests]
            expected = {n: (p if names.index(n) <= names.index(after) else 0.0) for n, p in expected.items()}
        notebooks[name] = (nb, expected)
    everything = blank
    for name in reversed(UNSAFE_ATTACKS):
        everything = insert_after(everything, None, f"# attack: {name}\n{constants}{ATTACKS[name][2]}")
    notebooks["everything"] = (everything, zero)
    expectations = {}
    for student, (nb, expected) in notebooks.items():
        if student in (students or set(notebooks) - {"everything"}):
            folder = root / "submitted" / student / AID
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{AID}.ipynb")
            if student in ("peek", "everything"):
                (folder / "notes.db").symlink_to(root / "gradebook.db")
            expectations[student] = expected
    return expectations


def marker(root: Path) -> str:
    return f"classmate-secret-{abs(hash(str(root))):x}"


def orphan_seconds(root: Path) -> str:
    return f"{4000 + abs(hash(str(root))) % 1000}.{abs(hash(str(root))) % 997}"


def bomb_name(root: Path) -> str:
    return f"bomb{abs(hash(str(root))) % 16**8:08x}"


def bomb_pids(root: Path) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == bomb_name(root):
                found.append(int(pid))
        except OSError:
            pass
    return found


def orphan_pids(root: Path) -> list[int]:
    wanted = b"sleep\0" + orphan_seconds(root).encode() + b"\0"
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes() == wanted:
                found.append(int(pid))
        except OSError:
            pass
    return found


def grade_class(tmp_path_factory, released, listener, tag, workers, unsafe, students=None) -> tuple[Graded, dict]:
    root = copy_course(tmp_path_factory.mktemp(tag), released)
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(TEST_CONFIG)
    expected = build_class(root, tag, listener.port, students)
    problems = pipeline.autograde(root, [AID], workers=workers, unsafe=unsafe)
    scores = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for student in expected:
            notebook = gradebook.find_submission_notebook(AID, AID, student)
            scores[student] = {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}
        manual = sum(grade.manual_score is not None
                     for student in expected
                     for grade in gradebook.find_submission_notebook(AID, AID, student).grades)
    orphans = orphan_pids(root)
    for pid in orphans:  # only the unsafe run should leave one; do not leave it to the next run
        os.kill(pid, signal.SIGKILL)
    return Graded(root, tag, problems, scores, manual, orphans), expected


@pytest.fixture(scope="module")
def parallel(tmp_path_factory, released, listener):
    return grade_class(tmp_path_factory, released, listener, "sandboxed-2-workers", workers=2, unsafe=False)


@pytest.fixture(scope="module")
def serial(tmp_path_factory, released, listener, parallel):
    ordinary = ["solved", "blank", "partial", "wrong00"]
    return grade_class(tmp_path_factory, released, listener, "sandboxed-1-worker", workers=1, unsafe=False,
                       students=ordinary)


@pytest.fixture(scope="module")
def unsafe(tmp_path_factory, released, listener):
    return grade_class(tmp_path_factory, released, listener, "unsafe", workers=2, unsafe=True, students=UNSAFE_CLASS)


def result(graded: Graded, attack: str) -> dict:
    """The attack cell's RESULT line, from the autograded notebook (unsandboxed: all in `everything`)."""
    student = "everything" if graded.tag == "unsafe" else attack
    nb = nbformat.read(graded.root / "autograded" / student / AID / f"{AID}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.source.startswith(f"# attack: {attack}\n"))
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    found = re.search(r"^RESULT (.*)$", text, re.M)
    assert found, f"the {attack} attack printed no RESULT; its outputs: {cell.outputs}"
    return json.loads(found.group(1))


def total(scores: dict) -> float:
    return sum(score for score, _ in scores.values())


def possible(scores: dict) -> float:
    return sum(best for _, best in scores.values())


# -- every submission graded, and graded right -------------------------------------------------------------

@pytest.mark.quick
def test_every_submission_is_graded(parallel):
    graded, expected = parallel
    assert not graded.problems, "\n".join(graded.problems)
    assert set(graded.scores) == set(expected)


@pytest.mark.quick
def test_every_ordinary_submission_keeps_its_right_score(parallel):
    graded, expected = parallel
    for student, scores in graded.scores.items():
        got = {name: score for name, (score, _) in scores.items()}
        assert got == expected[student], f"{student} scored {got}, expected {expected[student]}"


def test_one_and_two_workers_give_identical_scores(parallel, serial):
    (two, _), (one, _) = parallel, serial
    assert not one.problems, "\n".join(one.problems)
    assert len(one.scores) == 4
    assert one.scores == {student: two.scores[student] for student in one.scores}


# -- the holes -------------------------------------------------------------------------------------------

def test_gradebook_tampering_works_without_the_sandbox(unsafe):
    graded, _ = unsafe
    assert result(graded, "tamper")["tampered"] > 0
    for student in ("everything", "blank"):  # two blank notebooks, both with full marks
        assert total(graded.scores[student]) == possible(graded.scores[student]) > 0


@pytest.mark.quick
def test_gradebook_tampering_changes_no_score(parallel):
    graded, expected = parallel
    attack = result(graded, "tamper")
    assert attack["tampered"] == 0 and len(attack["errors"]) == 2, attack
    assert graded.manual == 0
    assert total(graded.scores["tamper"]) == 0 and total(graded.scores["blank"]) == 0


def test_hidden_tests_solutions_and_classmates_are_readable_without_the_sandbox(unsafe):
    graded, _ = unsafe
    found = result(graded, "peek")
    for key in ("hidden_tests", "solutions", "classmates", "gradebook", "grader_processes", "grader_package"):
        assert found[key], f"unsandboxed, the peek attack should find {key}: {found}"
    assert any(path.endswith("/notes.db") for path in found["gradebook"]), "the submitted link to the gradebook"


@pytest.mark.quick
def test_hidden_tests_solutions_and_classmates_are_unreadable(parallel):
    graded, _ = parallel
    found = result(graded, "peek")
    assert found == {key: [] for key in found}, found


def test_network_works_without_the_sandbox(unsafe, listener):
    graded, _ = unsafe
    assert result(graded, "network") == {"connected": True}
    assert graded.tag in listener.received


@pytest.mark.quick
def test_network_connections_fail(parallel, listener):
    graded, expected = parallel
    attack = result(graded, "network")
    assert attack["connected"] is False, attack
    assert graded.tag not in listener.received


def test_process_limit_stops_a_flood(parallel, unsafe):
    assert result(unsafe[0], "flood")["forked"] == 300
    assert result(parallel[0], "flood")["forked"] < LIMITS["processes"]


@pytest.mark.quick
def test_a_fork_bomb_is_stopped_and_the_batch_completes(parallel):
    graded, expected = parallel
    nb = nbformat.read(graded.root / "autograded" / "bomb" / AID / f"{AID}.ipynb", as_version=4)
    bomb = next(i for i, c in enumerate(nb.cells) if c.source.startswith("# attack: bomb"))
    assert any(o.get("ename") == "SandboxStopped" for o in nb.cells[bomb].outputs), nb.cells[bomb].outputs
    later = [c for c in nb.cells[bomb + 1:] if c.cell_type == "code"]
    student_cells = [c for c in later if not c.metadata.get("nbgrader", {}).get("grade")]
    assert student_cells and all(o.get("ename") == "NotRun" for c in student_cells for o in c.outputs)
    tests = [c for c in later if c.metadata.get("nbgrader", {}).get("grade")]
    assert tests and all(any(o.output_type == "error" for o in c.outputs) for c in tests), \
        "the tests after the bomb run in the checker, and fail because the student's kernel is gone"
    assert {n: s for n, (s, _) in graded.scores["bomb"].items()} == expected["bomb"]
    assert not bomb_pids(graded.root), "processes of the fork bomb are still running after grading"


def test_memory_limit_stops_a_hog(parallel, unsafe):
    assert result(unsafe[0], "hog")["allocated_mib"] == 3072
    assert result(parallel[0], "hog")["allocated_mib"] < LIMITS["memory"] / 2**20


def test_processes_started_by_a_submission_are_gone_after_grading(parallel, unsafe):
    assert unsafe[0].orphans, "unsandboxed, the orphan's `sleep` should outlive grading"
    assert not parallel[0].orphans


@pytest.mark.quick
def test_student_code_cannot_rewrite_the_tests_that_run_after_it(parallel):
    graded, _ = parallel
    assert total(graded.scores["rewrite"]) == 0


# -- files the notebook wrote reach autograded/, within limits -------------------------------------------------

@pytest.mark.quick
def test_files_the_notebook_wrote_reach_autograded_within_limits(parallel):
    graded, expected = parallel
    folder = graded.root / "autograded" / "side_files" / AID
    assert "grades.txt" in result(graded, "side_files")["wrote"]  # the attack ran
    assert (folder / "results.csv").read_text() == "epoch,loss\n0,0.5\n"
    assert (folder / "figure.png").read_bytes() == bytes(range(256))
    for refused in ("grades.txt", "pipe", "plots", "big.bin"):
        assert not os.path.lexists(folder / refused), refused
    timestamp = folder / "timestamp.txt"
    assert not timestamp.exists() or "2000-01-01" not in timestamp.read_text()
    assert graded.scores["side_files"] == {name: (points, points) for name, points in expected["side_files"].items()}
    entry = GradingLog(graded.root).latest()[(AID, "side_files")]
    for reason in ("grades.txt (a link)", "pipe (not a regular file)", "plots (a folder", "big.bin (over 10 MiB)",
                   "timestamp.txt (a name nbgrader uses)"):
        assert reason in entry["files"], entry
    assert entry["files"].startswith("copied figure.png, results.csv;"), entry


def test_without_the_sandbox_the_files_land_as_written(unsafe):
    """The control: run where it works, a notebook leaves a link to the grader's files, and a forged
    timestamp.txt, in autograded/ (which is what stock nbgrader does)."""
    graded, _ = unsafe
    folder = graded.root / "autograded" / "everything" / AID
    assert (folder / "grades.txt").is_symlink() and "2000-01-01" in (folder / "timestamp.txt").read_text()


# -- every way of autograding is sandboxed, and without the sandbox tool nothing runs ----------------------

@pytest.mark.quick
def test_plain_nbgrader_autograde_is_sandboxed_too(parallel):
    graded, _ = parallel
    pipeline.nbgrader(graded.root, "autograde", AID, "--student", "peek", "--force")
    found = result(graded, "peek")
    assert found == {key: [] for key in found}, found


@pytest.mark.quick
def test_grading_refuses_to_run_student_code_without_bubblewrap(parallel):
    graded, _ = parallel
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))  # no /usr/bin: no bwrap
    before = (graded.root / "autograded" / "solved" / AID / f"{AID}.ipynb").stat().st_mtime
    run = subprocess.run([sys.executable, "-m", "grader", "grade"], cwd=graded.root, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "apt-get install bubblewrap" in run.stderr and "--unsafe" in run.stderr, run.stderr
    assert (graded.root / "autograded" / "solved" / AID / f"{AID}.ipynb").stat().st_mtime == before
