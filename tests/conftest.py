"""Shared pytest setup: paths, the offline MNIST file, and the list of assignments."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# No internet here: point the course's MNIST loader at the offline copy beside the repository,
# unless the caller already chose a file.
_OFFLINE_MNIST = ROOT.parent / "shared" / "data" / "mnist" / "mnist-offline.npz"
if "COURSE_MNIST_NPZ" not in os.environ and _OFFLINE_MNIST.is_file():
    os.environ["COURSE_MNIST_NPZ"] = str(_OFFLINE_MNIST)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Kernels started by the tests must find the virtualenv's python and nbgrader's alembic.
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")

ALL_ASSIGNMENTS = sorted(p.name for p in (ROOT / "source").iterdir() if (p / f"{p.name}.ipynb").is_file())
# Two tiers (docs/contributing.md, "The tests"). `make check` (the default) is the full evidence: every
# assignment, every answer variant, every cheat. `make test` sets COURSE_TEST_TIER=quick: the fast tests, and
# the slow tests marked `quick`, on one numpy assignment and the cheapest Keras one. Where the evidence in the
# other assignments is the same, the quick tier loses nothing but repetition.
QUICK = os.environ.get("COURSE_TEST_TIER") == "quick"
QUICK_ASSIGNMENTS = ("01_tensors", "02_perceptron")
ASSIGNMENTS = [aid for aid in ALL_ASSIGNMENTS if aid in QUICK_ASSIGNMENTS] if QUICK else list(ALL_ASSIGNMENTS)
# `COURSE_TEST_ASSIGNMENTS="01_tensors 03_xor_net" make check` tests only those assignments.
if os.environ.get("COURSE_TEST_ASSIGNMENTS"):
    ASSIGNMENTS = [aid for aid in ASSIGNMENTS if aid in os.environ["COURSE_TEST_ASSIGNMENTS"].split()]


@pytest.fixture(scope="session")
def released(tmp_path_factory):
    """A copy of the course after `make release` (grader.pipeline.release): release/ and gradebook.db. Read it,
    or copy it with `course_copy.copy_course(root, released)`; never change it."""
    from course_copy import copy_course
    from grader import pipeline

    root = copy_course(tmp_path_factory.mktemp("released"))
    pipeline.release(root)
    return root


@pytest.fixture(scope="session")
def classroom(tmp_path_factory, released):
    """The class of tests/classroom.py, graded once (tests/test_pipeline.py and tests/test_cheats.py read it)."""
    from classroom import graded_class

    return graded_class(tmp_path_factory.mktemp("classroom"), released)


SELECTED: set[str] = set()  # assignments whose notebook-answer tests are selected (tests/test_answers.py)


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(config, items):
    """Start notebook runs only for the assignments whose answer tests were selected (e.g. with -k 04_); start
    nbgrader's own suite at once if it was selected (tests/test_nbgrader_suite.py)."""
    SELECTED.update(item.callspec.params["aid"] for item in items
                    if item.module.__name__.endswith("test_answers") and hasattr(item, "callspec"))
    for item in items:
        if item.module.__name__.endswith("test_nbgrader_suite") and not config.option.collectonly:
            item.module.start_suite()
