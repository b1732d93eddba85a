"""Does grading refuse a place that cannot grade, with one sentence that says what is missing? (grader/preflight.py)

Fast: no kernel and no nbgrader. The real grading command against a broken environment is in
tests/test_grading_environment.py.
"""
from __future__ import annotations

import subprocess

import numpy as np
import pytest

from conftest import ROOT
from grader import preflight
from grader.preflight import PreflightFailed


def write_mnist(path, images=3):
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, x_train=np.zeros((images, 28, 28), np.uint8), y_train=np.zeros(images, np.uint8),
             x_test=np.zeros((images, 28, 28), np.uint8), y_test=np.zeros(images, np.uint8))
    return path


@pytest.fixture
def no_mnist(tmp_path, monkeypatch):
    """No COURSE_MNIST_NPZ and an empty Keras cache."""
    monkeypatch.delenv("COURSE_MNIST_NPZ", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "keras" / "datasets" / "mnist.npz"


def test_do_only_the_assignments_that_load_mnist_need_it():
    assert preflight.needs_mnist(ROOT, ["01_tensors"]) and preflight.needs_mnist(ROOT, ["06_cnn_mnist"])
    assert not preflight.needs_mnist(ROOT, ["02_perceptron", "03_xor_net", "04_keras_apis", "05_training"])


def test_is_a_course_without_mnist_asked_for_nothing(no_mnist, monkeypatch):
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("nothing needs MNIST: nothing to fetch"))
    preflight.check_data(False)


def test_does_a_good_offline_file_pass(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_MNIST_NPZ", str(write_mnist(tmp_path / "mnist.npz")))
    preflight.check_data(True)


@pytest.mark.parametrize("content", [None, b"not a zip", "missing keys"])
def test_is_a_bad_offline_file_named_in_one_sentence(tmp_path, monkeypatch, content):
    path = tmp_path / "mnist.npz"
    if content == "missing keys":
        np.savez(path, x_train=np.zeros(1))
    elif content is not None:
        path.write_bytes(content)
    monkeypatch.setenv("COURSE_MNIST_NPZ", str(path))
    with pytest.raises(PreflightFailed, match=r"^MNIST is missing: COURSE_MNIST_NPZ is set, but .*mnist\.npz"):
        preflight.check_data(True)


def test_is_mnist_fetched_into_keras_cache_first_and_said_so(no_mnist, monkeypatch):
    def download(command, **kwargs):
        assert "mnist.load_data()" in command[-1]
        write_mnist(no_mnist)
        return subprocess.CompletedProcess(command, 0, "", "")

    said = []
    monkeypatch.setattr(subprocess, "run", download)
    preflight.check_data(True, say=said.append)
    assert said and "fetching it into" in said[0] and str(no_mnist.parent) in said[0]


def test_does_a_failed_fetch_say_what_to_do(no_mnist, monkeypatch):
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: subprocess.CompletedProcess(
        command, 1, "", "Traceback ...\nException: URL fetch failure on https://...: None -- [Errno -3] DNS"))
    with pytest.raises(PreflightFailed) as failed:
        preflight.check_data(True, say=lambda _: None)
    message = str(failed.value)
    assert message.startswith("MNIST is missing and Keras could not fetch it (Exception: URL fetch failure")
    assert "COURSE_MNIST_NPZ" in message and message.count(". ") == 0, "one sentence, with what to do"


def test_does_a_place_describe_its_code_packages_and_data(no_mnist, monkeypatch):
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: subprocess.CompletedProcess(command, 1, "", "no"))
    here = preflight.place(True)
    assert len(here["code"]) == 16 and here["packages"]["nbgrader"] == "0.9.6"
    assert here["data"].startswith("MNIST is missing")
    assert preflight.place(False)["data"] == ""


def test_are_the_differences_between_two_places_named():
    here = {"code": "a", "python": "3.11.7", "packages": {"numpy": "2.1.0", "keras": "3.13.0"}, "data": ""}
    same = {**here, "packages": dict(here["packages"])}
    assert preflight.differences(here, same) == []
    there = {"code": "b", "python": "3.11.7", "packages": {"numpy": "1.26.4"}, "data": ""}
    assert preflight.differences(here, there) == [
        "another version of the grader or course code", "numpy 1.26.4 (here 2.1.0)", "keras not installed (here 3.13.0)"]


class _Gradebook:
    """Stands in for nbgrader's Gradebook: the self-test's scores."""

    scores: dict[str, tuple[float, float]] = {}

    def __init__(self, url):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def find_submission_notebook(self, notebook, assignment, student):
        from nbgrader.api import MissingEntry

        if assignment not in self.scores:
            raise MissingEntry()
        score, possible = self.scores[assignment]
        return type("Notebook", (), {"score": score, "max_score": possible})()


@pytest.fixture
def released_course(tmp_path):
    """A course root with what the self-test copies: config, gradebook, source/ and release/ of 01."""
    import shutil

    (tmp_path / "gradebook.db").write_bytes(b"")
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    for folder in ("source", "release"):
        shutil.copytree(ROOT / folder / "01_tensors", tmp_path / folder / "01_tensors")
    return tmp_path


def test_does_the_self_test_grade_the_solution_as_a_student_would_hand_it_in(released_course, monkeypatch):
    import nbgrader.api

    seen = {}

    def autograde(course, jobs):
        seen["jobs"] = jobs
        seen["notebook"] = (course / "submitted" / preflight.SELF_TEST_STUDENT / "01_tensors" / "01_tensors.ipynb").read_text()
        return []

    monkeypatch.setattr(nbgrader.api, "Gradebook", _Gradebook)
    monkeypatch.setattr(_Gradebook, "scores", {"01_tensors": (15.0, 15.0)})
    assert preflight.check_solutions(released_course, ["01_tensors"], autograde) == {"01_tensors": 15.0}
    assert seen["jobs"] == [("01_tensors", preflight.SELF_TEST_STUDENT)]
    assert "### BEGIN SOLUTION" not in seen["notebook"] and "def flatten_images" in seen["notebook"]


@pytest.mark.parametrize("scores", [{"01_tensors": (6.0, 15.0)}, {}])
def test_does_a_solution_short_of_full_marks_stop_grading(released_course, monkeypatch, scores):
    import nbgrader.api

    monkeypatch.setattr(nbgrader.api, "Gradebook", _Gradebook)
    monkeypatch.setattr(_Gradebook, "scores", scores)
    problem = ["01_tensors: instructor-solution could not be graded:\nDeadKernelError: the kernel died"]
    with pytest.raises(PreflightFailed, match="the instructor's solution to 01_tensors (scored 6 of 15|could not be "
                                              "graded) when graded here .*this grading environment is broken"):
        preflight.check_solutions(released_course, ["01_tensors"], lambda course, jobs: problem)


def test_are_students_in_the_gradebook_before_two_workers_could_both_add_them(tmp_path):
    """The self-test grades one student's notebooks of every assignment at once: nbgrader's find-then-add of the
    student would race between the workers, so the pool adds every student first."""
    from nbgrader.api import Gradebook

    from grader.sandbox import pool

    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        gradebook.add_student("ann")
    pool.register_students(tmp_path, ["ann", preflight.SELF_TEST_STUDENT])
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        assert sorted(student.id for student in gradebook.students) == ["ann", preflight.SELF_TEST_STUDENT]
