"""Is a broken grading environment ever a student's lost points? (grader/preflight.py, with the real nbgrader)

Each case grades solved 01_tensors notebooks with the real grading command (`grader.pipeline.grade`, what
`make grade` runs) in an environment that cannot grade them: no MNIST here and no internet to fetch it, a kernel
environment that hides the data, a Dask cluster whose workers have no MNIST. Each must grade nothing, say in one
sentence what is missing, and log every submission as not graded. The control grades the same notebooks in the
same broken environment without the check (`pipeline.autograde`, the step after it), and they lose points: so
the refusal above is what stands between the environment and the students' scores.

Two more ways a run can go wrong for everyone: a fresh clone has no gradebook (grading releases first), and a run
that grades nothing must fail rather than write an empty grades.csv.
"""
from __future__ import annotations

import json

import pytest
from nbgrader.api import Gradebook

from course_copy import copy_course, released_notebook
from grader import pipeline

pytestmark = pytest.mark.slow
AID = "01_tensors"
STUDENTS = ("ann", "bo")


def solved_class(root):
    released, source = released_notebook(root, AID), root / "source" / AID / f"{AID}.ipynb"
    for student in STUDENTS:
        folder = root / "submitted" / student / AID
        folder.mkdir(parents=True)
        folder.joinpath(f"{AID}.ipynb").write_text(json.dumps(pipeline.solved_submission(released, source)))


def refused(root, **grading) -> str:
    """Grade; return the error's message, after checking that nothing was graded and everything logged so."""
    with pytest.raises(pipeline.GradingError) as error:
        pipeline.grade(root, **grading)
    assert not any((root / "autograded").glob(f"*/{AID}")), "no submission may be graded"
    assert not (root / "grades.csv").exists(), "no grades exported: a missing grade is not a zero"
    latest = pipeline.GradingLog(root).latest()
    assert set(latest) == {(AID, student) for student in STUDENTS}
    assert all(not entry["graded"] and entry["problem"].startswith("not graded: ") for entry in latest.values())
    message = str(error.value)
    assert message.endswith("No submission was graded.")
    return message


def scores(root) -> dict[str, tuple[float, float]]:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return {student: (gradebook.find_submission_notebook(AID, AID, student).score,
                          gradebook.find_submission_notebook(AID, AID, student).max_score) for student in STUDENTS}


@pytest.fixture
def without_mnist(tmp_path, monkeypatch):
    """This machine with no COURSE_MNIST_NPZ, an empty Keras cache, and (as everywhere here) no internet."""
    monkeypatch.delenv("COURSE_MNIST_NPZ", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))


@pytest.mark.quick
def test_without_mnist_nothing_is_graded_and_one_sentence_says_why(tmp_path, released, without_mnist):
    root = copy_course(tmp_path / "course", released)
    solved_class(root)
    message = refused(root, unsafe=True)
    assert message.startswith("MNIST is missing and Keras could not fetch it (Exception: URL fetch failure")
    assert "set COURSE_MNIST_NPZ" in message


@pytest.mark.quick
def test_control_without_the_check_the_same_environment_costs_solved_notebooks_points(tmp_path, released,
                                                                                         without_mnist):
    root = copy_course(tmp_path / "course", released)
    solved_class(root)
    pipeline.autograde(root, [AID], unsafe=True)
    lost = {student: got for student, got in scores(root).items() if got[0] >= got[1]}
    assert not lost, f"solved notebooks kept full marks without MNIST, so the refusal test proves nothing: {lost}"


def test_a_kernel_environment_that_breaks_the_solution_is_caught_by_the_self_test(tmp_path, released):
    root = copy_course(tmp_path / "course", released)
    with open(root / "nbgrader_config.py", "a") as config:  # the instructor's process still has the data
        config.write('\nc.CheckedExecute.extra_env = {"COURSE_MNIST_NPZ": "/nonexistent/mnist.npz"}\n')
    solved_class(root)
    message = refused(root)
    assert message.startswith(f"the instructor's solution to {AID} scored ")
    assert "FileNotFoundError: COURSE_MNIST_NPZ points at '/nonexistent/mnist.npz'" in message


def test_a_dask_worker_without_mnist_grades_nothing(tmp_path, released):
    from test_dask import Cluster

    root = copy_course(tmp_path / "course", released)
    solved_class(root)
    (tmp_path / "cluster").mkdir()
    cluster = Cluster(tmp_path / "cluster", worker_env={"COURSE_MNIST_NPZ": None,
                                                        "KERAS_HOME": str(tmp_path / "keras-home")})
    try:
        message = refused(root, scheduler=cluster.address)
    finally:
        cluster.stop()
    assert message.startswith("Dask worker tcp://") and "cannot grade: MNIST is missing and Keras could not fetch" \
        in message


def test_a_fresh_clone_without_a_gradebook_grades_with_two_workers(tmp_path):
    """A teaching assistant's clone: source/ and the committed release/, no gradebook.db. Grading releases what
    the gradebook lacks first, once, so that two workers never create it at the same time."""
    import shutil

    from conftest import ROOT

    root = copy_course(tmp_path / "clone")
    shutil.copytree(ROOT / "release" / AID, root / "release" / AID)
    solved_class(root)
    pipeline.grade(root, workers=2)
    assert all(score == possible > 0 for score, possible in scores(root).values()), scores(root)


@pytest.mark.quick
def test_a_run_that_grades_nothing_says_so_and_fails(tmp_path, released):
    root = copy_course(tmp_path / "course", released)
    for student in STUDENTS:
        folder = root / "submitted" / student / AID
        folder.mkdir(parents=True)
        folder.joinpath(f"{AID}.ipynb").write_text('{"cells": [ not json')
    with pytest.raises(pipeline.GradingError, match="^no submission could be graded .* grades.csv was not written"):
        pipeline.grade(root)
    assert not (root / "grades.csv").exists()
