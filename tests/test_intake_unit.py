"""Does intake put each kind of submission right, or set it aside, before any grading? (no kernel runs)

The same cases as tests/test_intake.py, which grades them end to end; here only `grader.intake.prepare`
runs, on a scratch course folder, and its effect on the files is checked.
"""
from __future__ import annotations

import os
import shutil

import nbformat
import pytest

import submissions
from conftest import ROOT
from grader import intake, pipeline

AID = submissions.AID


@pytest.fixture(scope="module")
def solved():
    release = ROOT / "release" / AID / f"{AID}.ipynb"
    return pipeline.solved_submission(release, ROOT / "source" / AID / f"{AID}.ipynb")


@pytest.fixture
def course(tmp_path):
    shutil.copytree(ROOT / "release" / AID, tmp_path / "release" / AID)
    shutil.copytree(ROOT / "source" / AID, tmp_path / "source" / AID)
    return tmp_path


def prepared(course, case, nb) -> tuple[intake.Outcome, str]:
    files, _ = case(nb)
    submissions.write_case(course / "submitted" / "ann" / AID, files)
    outcomes = intake.prepare(course, [AID])
    return next(o for o in outcomes if o.student == "ann" and o.assignment == AID), intake.report(outcomes)


def graded_notebook(course):
    return nbformat.read(course / "submitted" / "ann" / AID / f"{AID}.ipynb", as_version=4)


def grade_ids(nb) -> list[str]:
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells if c.metadata.get("nbgrader")]


@pytest.mark.parametrize("case", [submissions.renamed_copy_of, submissions.renamed_with_number,
                                  submissions.in_a_subfolder])
def test_a_renamed_or_moved_notebook_is_graded_under_its_assignment_name(course, solved, case):
    outcome, _ = prepared(course, case, solved)
    assert outcome.status == "repaired"
    assert (course / "submitted" / "ann" / AID / f"{AID}.ipynb").is_file()
    assert any(f"as {AID}.ipynb" in note for note in outcome.notes)


def test_a_notebook_dropped_loose_in_the_students_folder_is_adopted(course, solved):
    (course / "submitted" / "ann").mkdir(parents=True)
    nbformat.write(solved, course / "submitted" / "ann" / f"Copy of {AID}.ipynb")
    outcomes = intake.prepare(course, [AID])
    assert [o.status for o in outcomes] == ["repaired"]
    assert (course / "submitted" / "ann" / AID / f"{AID}.ipynb").is_file()


def test_nbformat_4_0_from_colab_gets_cell_ids_and_the_original_is_kept(course, solved):
    outcome, _ = prepared(course, submissions.nbformat_4_0_without_ids, solved)
    nb = graded_notebook(course)
    assert nb.nbformat_minor >= 5 and all(cell.get("id") for cell in nb.cells)
    assert (course / "intake" / "originals" / "ann" / AID / f"{AID}.ipynb").is_file()


def test_stripped_nbgrader_metadata_is_put_back_from_the_release(course, solved):
    outcome, _ = prepared(course, submissions.nbgrader_metadata_stripped, solved)
    release = nbformat.read(course / "release" / AID / f"{AID}.ipynb", as_version=4)
    assert grade_ids(graded_notebook(course)) == grade_ids(release)
    assert any("lost its nbgrader metadata" in note for note in outcome.notes)


def test_a_deleted_test_cell_is_put_back_in_place(course, solved):
    prepared(course, submissions.test_cell_deleted, solved)
    release = nbformat.read(course / "release" / AID / f"{AID}.ipynb", as_version=4)
    assert grade_ids(graded_notebook(course)) == grade_ids(release)


def test_a_duplicated_cell_keeps_its_metadata_on_the_last_copy_only(course, solved):
    outcome, _ = prepared(course, submissions.solution_cell_duplicated, solved)
    ids = grade_ids(graded_notebook(course))
    assert len(ids) == len(set(ids))
    assert any("appeared twice" in note for note in outcome.notes)


@pytest.mark.parametrize("case", [submissions.not_json, submissions.two_candidate_notebooks])
def test_what_cannot_be_graded_is_set_aside_with_its_files_and_reason(course, solved, case):
    outcome, report = prepared(course, case, solved)
    assert outcome.status == "set aside" and f"ann/{AID}: set aside" in report
    assert not (course / "submitted" / "ann" / AID).exists()
    assert any((course / "intake" / "set-aside" / "ann" / AID).iterdir())


@pytest.mark.parametrize("case", [submissions.symlink_to_the_solutions, submissions.hard_link_to_the_solutions])
def test_a_notebook_that_is_a_link_is_refused_unread(course, solved, case):
    outcome, report = prepared(course, case, solved)
    assert outcome.status == "set aside"
    assert "link" in report and f"set aside submitted/ann/{AID}/{AID}.ipynb" in report
    refused = course / "intake" / "refused" / "ann" / AID / f"{AID}.ipynb"
    assert refused.is_symlink() or refused.is_file()
    source = course / "source" / AID / f"{AID}.ipynb"
    assert "BEGIN SOLUTION" in source.read_text(), "the solutions the link pointed to are left where they were"


def test_a_link_beside_a_regular_notebook_is_refused_and_the_notebook_is_graded(course, solved):
    outcome, report = prepared(course, submissions.link_to_the_gradebook_beside_the_notebook, solved)
    assert outcome.status == "repaired"
    assert not os.path.lexists(course / "submitted" / "ann" / AID / "notes.db")
    assert (course / "intake" / "refused" / "ann" / AID / "notes.db").is_symlink()
    assert graded_notebook(course).cells, "the notebook itself stays to be graded"


def test_a_students_folder_that_is_a_link_is_refused(course, solved):
    elsewhere = course / "elsewhere" / AID
    elsewhere.mkdir(parents=True)
    nbformat.write(solved, elsewhere / f"{AID}.ipynb")
    (course / "submitted").mkdir()
    (course / "submitted" / "eve").symlink_to(course / "elsewhere")
    report = intake.report(intake.prepare(course, [AID]))
    assert "set aside submitted/eve: a symbolic link" in report
    assert not os.path.lexists(course / "submitted" / "eve")
    assert (elsewhere / f"{AID}.ipynb").is_file(), "what the link pointed to is untouched"


def test_a_named_pipe_is_refused_without_being_opened(course, solved):
    folder = course / "submitted" / "ann" / AID
    folder.mkdir(parents=True)
    nbformat.write(solved, folder / f"{AID}.ipynb")
    os.mkfifo(folder / "data.csv")  # opening it for reading would block intake forever
    report = intake.report(intake.prepare(course, [AID]))
    assert "data.csv: not a regular file" in report
    assert not os.path.lexists(folder / "data.csv")


def test_a_link_refused_twice_keeps_both(course, solved):
    for _ in range(2):
        folder = course / "submitted" / "ann" / AID
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "notes.db").symlink_to("../../../gradebook.db")
        intake.prepare(course, [AID])
    assert len(list((course / "intake" / "refused" / "ann" / AID).iterdir())) == 2
