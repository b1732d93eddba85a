"""Are submissions graded as they really arrive: renamed, saved by Colab, with broken or altered cells, or
with links to files they must never reach?

One batch of 01_tensors submissions (tests/submissions.py builds one per case from the solutions) is
graded with `python -m grader grade` on a temporary copy of the course. Each case must get the
score it deserves, or be set aside with a reason and its file kept; the batch always completes.
"""
from __future__ import annotations

import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

import submissions
from grader import pipeline
from conftest import QUICK, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.quick]
AID = submissions.AID
# `make test` grades the cases the report test reads, one of each kind of repair and one link; `make check` all.
QUICK_CASES = {"renamed_copy_of", "colab_metadata", "solution_cell_duplicated", "nbgrader_metadata_stripped",
               "not_json", "two_candidate_notebooks", "symlink_to_the_solutions"}
CASES = [case for case in submissions.CASES if not QUICK or case.__name__ in QUICK_CASES]
LINKS = [name for name in ("symlink_to_the_solutions", "hard_link_to_the_solutions",
                           "link_to_the_gradebook_beside_the_notebook") if name in {case.__name__ for case in CASES}]
FULL = sum(cell.metadata["nbgrader"].get("points", 0) for cell in nbformat.read(
    ROOT / "source" / AID / f"{AID}.ipynb", as_version=4).cells if cell.metadata.get("nbgrader", {}).get("grade"))


def lock_cell_before(nb, grade_id: str) -> None:
    """Make the cell before a test cell read-only: the layout in which nbgrader's add_missing_cells fails."""
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    nb.cells[index - 1].metadata["nbgrader"] = {"grade": False, "grade_id": f"{grade_id}_before", "locked": True,
                                                "schema_version": 3, "solution": False, "task": False}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The graded batch: (course root, {student: the score it deserves, or "set aside"})."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "source" / AID, root / "source" / AID)
    source = root / "source" / AID / f"{AID}.ipynb"
    nb = nbformat.read(source, as_version=4)
    lock_cell_before(nb, "ex2_flatten_shape")
    nbformat.write(nb, source)
    with open(root / "nbgrader_config.py", "a") as config:
        config.write("\nc.Execute.timeout = 10  # the runaway case waits for these limits\n"
                     "c.CheckedExecute.call_timeout = 4\n")
    released = pipeline.release(root)[0]
    solved = pipeline.solved_submission(released, source)
    expected = {}
    for case in CASES:
        files, expected[case.__name__] = case(solved)
        submissions.write_case(root / "submitted" / case.__name__ / AID, files)
    deleted = pipeline.solved_submission(released, source)
    deleted.cells = [c for c in deleted.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "ex2_flatten_shape"]
    submissions.write_case(root / "submitted" / "test_deleted_after_read_only" / AID, {f"{AID}.ipynb": deleted})
    pipeline.grade(root)
    return root, expected


def total(root, student):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return gradebook.find_submission(AID, student).score


@pytest.mark.parametrize("student", [case.__name__ for case in CASES])
def test_each_case_gets_the_score_it_deserves(course, student):
    root, expected = course
    if expected[student] == "set aside":
        kept = [path for folder in ("set-aside", "refused") for path in (root / "intake" / folder / student).rglob("*")
                if path.is_file() or path.is_symlink()]
        assert kept, f"{student}: nothing of the submission was kept in intake/"
        assert f"{student}/{AID}: set aside" in (root / "intake" / "report.txt").read_text()
        assert not (root / "autograded" / student).exists()
    else:
        deserved = expected[student]
        assert total(root, student) == (FULL if deserved == "full" else FULL - deserved[1])


def test_a_test_cell_deleted_after_a_read_only_cell_is_restored(course):
    course, _ = course
    assert total(course, "test_deleted_after_read_only") == FULL
    assert "test cell ex2_flatten_shape was missing" in (course / "intake" / "report.txt").read_text()


def test_the_report_says_what_was_repaired_and_originals_are_kept(course):
    course, _ = course
    report = (course / "intake" / "report.txt").read_text()
    assert "graded Copy of 01_tensors.ipynb as 01_tensors.ipynb" in report
    assert "cell ex2_flatten appeared twice" in report
    assert "is not valid JSON" in report and "several notebooks could be 01_tensors" in report
    assert (course / "intake" / "originals" / "nbgrader_metadata_stripped" / AID / f"{AID}.ipynb").is_file()


@pytest.mark.parametrize("student", LINKS)
def test_links_are_refused_unread_and_never_reach_grading(course, student):
    root, _ = course
    report = (root / "intake" / "report.txt").read_text()
    assert f"set aside submitted/{student}/{AID}/" in report and "link" in report
    refused = [p for p in (root / "intake" / "refused" / student).rglob("*") if p.is_symlink() or p.is_file()]
    assert refused, f"{student}: the link was not kept in intake/refused/"
    graded = root / "autograded" / student / AID
    assert not (graded / "notes.db").exists() and not (graded / "notes.db").is_symlink()
