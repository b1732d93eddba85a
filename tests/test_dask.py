"""Does grading on a Dask cluster give the scores of grading here, even when a worker dies mid-batch?

A real `dask scheduler` and two `dask worker` processes (single-threaded, no nanny) run on this machine, each
started by the test as a process of its own. A class of 01_tensors submissions (the solutions, the untouched
release, every other exercise, wrong answers, two cheats and a corrupt file) is graded on the cluster with the
real grading command (`grade(..., scheduler=...)`), and every score is compared with the one the submission
deserves, which grading here gives (tests/test_sandbox.py grades the same kinds of students here, sandboxed,
and checks them against the same expectations). While the cluster grades, one worker is killed once a first
submission is graded; Dask runs the one it was grading again on the other worker.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

import cheats
from conftest import QUICK
from course_copy import copy_course, released_notebook
from grader import pipeline
from ordinary_class import ordinary_students

pytestmark = [pytest.mark.slow, pytest.mark.quick]
AID = "01_tensors"


def build_class(root: Path) -> dict[str, dict[str, float] | None]:
    """Submit the class; return {student: {test cell: the score it deserves}, or None if it cannot be graded}."""
    released = released_notebook(root, AID)
    # `make test` grades a smaller class (one wrong answer, no cheat: tests/test_cheats.py's quick sample grades
    # fake_kernel): the same paths, fewer repeats.
    students = ordinary_students(released, root / "source" / AID / f"{AID}.ipynb", wrong=1 if QUICK else 6)
    blank, zero = students["blank"]
    for name in () if QUICK else ("input_transformer", "fake_kernel"):
        students[f"cheat_{name}"] = (cheats.attacked(blank, cheats.CHEATS[name]), zero)
    for student, (nb, _) in students.items():
        (root / "submitted" / student / AID).mkdir(parents=True)
        nbformat.write(nb, root / "submitted" / student / AID / f"{AID}.ipynb")
    corrupt = root / "submitted" / "corrupt" / AID / f"{AID}.ipynb"
    corrupt.parent.mkdir(parents=True)
    corrupt.write_text('{"cells": [ cut short')
    return {student: expected for student, (_, expected) in students.items()} | {"corrupt": None}


def cell_scores(root: Path) -> dict[str, dict[str, float]]:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return {submission.student.id: {grade.name: grade.score for grade in submission.notebooks[0].grades}
                for submission in gradebook.assignment_submissions(AID)}


class Cluster:
    """A scheduler and two single-threaded workers, each a process of its own."""

    def __init__(self, folder: Path, worker_env: dict[str, str | None] | None = None):
        """`worker_env`: variables to set (or, with None, to remove) in the workers' environment."""
        self.folder, self.processes, self.workers = folder, [], {}
        dask = str(Path(sys.executable).parent / "dask")
        self.scheduler_file = folder / "scheduler.json"
        env = pipeline.environment()
        changed = {name: value for name, value in {**env, **(worker_env or {})}.items() if value is not None}
        self.processes.append(subprocess.Popen(
            [dask, "scheduler", "--scheduler-file", str(self.scheduler_file), "--port", "0",
             "--dashboard-address", ":0", "--no-show"], cwd=folder, env=env,
            stdout=subprocess.DEVNULL, stderr=open(folder / "scheduler.log", "w")))
        for name in ("w1", "w2"):
            worker = subprocess.Popen(
                [dask, "worker", "--scheduler-file", str(self.scheduler_file), "--nthreads", "1", "--nworkers", "1",
                 "--no-nanny", "--memory-limit", "0", "--name", name], cwd=folder, env=changed,
                stdout=subprocess.DEVNULL, stderr=open(folder / f"{name}.log", "w"))
            self.processes.append(worker)
            self.workers[name] = worker
        from distributed import Client

        for _ in range(300):
            if self.scheduler_file.exists():
                break
            time.sleep(0.1)
        with Client(scheduler_file=str(self.scheduler_file), timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        self.address = json.loads(self.scheduler_file.read_text())["address"]

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, released):
    there = copy_course(tmp_path_factory.mktemp("there"), released)
    students = build_class(there)
    cluster = Cluster(tmp_path_factory.mktemp("cluster"))
    killed = threading.Event()

    def kill_a_worker_mid_batch():
        log = there / "reports" / "grading-log.jsonl"
        while not killed.is_set():  # once a graded submission is logged, the cluster is in mid-batch
            if log.is_file() and sum(1 for line in log.read_text().splitlines() if '"graded": true' in line) >= 1:
                os.kill(cluster.workers["w1"].pid, signal.SIGKILL)
                killed.set()
            time.sleep(0.2)

    killer = threading.Thread(target=kill_a_worker_mid_batch, daemon=True)
    killer.start()
    try:
        pipeline.grade(there, scheduler=cluster.address)
    finally:
        killed.set()
        cluster.stop()
    return there, students, cluster


def test_the_cluster_gives_every_submission_the_score_it_deserves(graded):
    there, students, _ = graded
    remote = cell_scores(there)
    assert set(remote) == {student for student, expected in students.items() if expected is not None}
    wrong = {student: (remote[student], expected) for student, expected in students.items()
             if expected is not None and remote[student] != expected}
    assert not wrong, f"(graded on the cluster, deserved): {wrong}"
    assert sum(students["solved"].values()) > 0 and sum(students["partial"].values()) > 0


def test_a_worker_killed_mid_batch_loses_no_submission(graded):
    there, students, cluster = graded
    assert cluster.workers["w1"].returncode == -signal.SIGKILL, "the worker was killed while the batch ran"
    latest = pipeline.GradingLog(there).latest()
    assert {student for _, student in latest} == set(students), "every submission is graded or reported"
    assert [student for (_, student), entry in latest.items() if not entry["graded"]] == ["corrupt"]
    assert (there / "grades.csv").is_file() and (there / "feedback" / "solved" / AID).is_dir()
