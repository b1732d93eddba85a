"""What crosses to a Dask worker, and what comes back? (no cluster, no kernel: the client is a stand-in)

tests/test_dask.py grades a class on a real cluster; here only the hand-over is checked.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader import distributed
from grader.checker.cells import InstructorCell
from grader.checker import execute
from grader.checker.execute import CheckedExecute, grade_notebook


class FakeClient:
    """Runs nothing: records what was submitted and answers with `reply(payload)`."""

    def __init__(self, reply):
        self.reply, self.payloads = reply, []

    def submit(self, function, payload, key, pure):
        assert function is grade_notebook and key.startswith("grade-01_tensors-ann-") and not pure
        self.payloads.append(payload)
        return type("Future", (), {"result": lambda _: self.reply(payload)})()


def executed(payload) -> str:
    nb = nbformat.reads(payload["notebook"], as_version=4)
    for cell in nb.cells:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
    return nbformat.writes(nb)


@pytest.fixture
def submission(tmp_path, monkeypatch):
    folder = tmp_path / "autograded" / "ann" / "01_tensors"
    folder.mkdir(parents=True)
    (folder / "01_tensors.ipynb").write_text("{}")
    (folder / "data.csv").write_text("1,2\n")
    (folder / "notes.db").symlink_to(tmp_path / "gradebook.db")
    (tmp_path / "gradebook.db").write_text("grades")
    nb = new_notebook(cells=[new_code_cell("x = 1", id="c1"), new_code_cell("assert x == 1", id="c2")])
    resources = {"nbgrader": {"assignment": "01_tensors", "student": "ann", "notebook": "01_tensors"},
                 "metadata": {"path": str(folder)}}
    return nb, resources


def test_only_the_notebook_its_files_and_the_settings_cross(submission, monkeypatch):
    """Does a worker get the notebook, the instructor's cells, the files beside it and the settings, and no
    gradebook, no link and no other notebook?"""
    nb, resources = submission
    fake = FakeClient(executed)
    monkeypatch.setattr(distributed, "client", lambda address: fake)
    step = CheckedExecute(scheduler="tcp://example:8786")
    distributed.execute_on_cluster(step, nb, resources, {"ex1_test": InstructorCell("assert x == 1", True)},
                                   grade_notebook)
    (payload,) = fake.payloads
    assert set(payload) == {"notebook", "instructor", "files", "settings"}
    assert payload["files"] == {"data.csv": b"1,2\n"}, "no notebook, no link (to the gradebook)"
    assert set(payload["settings"]) == set(CheckedExecute.SETTINGS) and "scheduler" not in payload["settings"]
    assert payload["instructor"] == {"ex1_test": ["assert x == 1", True]}
    assert all(cell.outputs[0].text == "ran\n" for cell in nb.cells), "the executed cells replace the notebook's"


def test_a_different_notebook_coming_back_is_refused(submission, monkeypatch):
    """Does the grader refuse an executed notebook whose cells are not the ones it sent?"""
    nb, resources = submission

    def other(payload):
        return nbformat.writes(new_notebook(cells=[new_code_cell("pass", id="c9")]))

    monkeypatch.setattr(distributed, "client", lambda address: FakeClient(other))
    with pytest.raises(RuntimeError, match="different notebook"):
        distributed.execute_on_cluster(CheckedExecute(scheduler="tcp://x:1"), nb, resources, {}, grade_notebook)


def test_a_file_name_that_leaves_the_submission_is_refused_on_the_worker():
    """Does a worker refuse to write a submission file outside its own scratch folder?"""
    payload = {"notebook": nbformat.writes(new_notebook()), "instructor": {}, "settings": {"unsafe": True},
               "files": {"../../escaped.txt": b"x"}}
    with pytest.raises(ValueError, match="leaves the submission"):
        grade_notebook(payload)


def test_files_a_worker_copied_back_are_written_by_the_same_rules(submission, monkeypatch):
    """Do the files the notebook wrote on a worker reach the autograded folder, without a path that leaves it,
    and without replacing a file already there?"""
    nb, resources = submission
    folder = resources["metadata"]["path"]

    def with_files(payload):
        return {"notebook": executed(payload), "files": {"plot.png": b"png", "../escaped.txt": b"x",
                                                         "data.csv": b"replaced", "timestamp.txt": b"2000"}}

    monkeypatch.setattr(distributed, "client", lambda address: FakeClient(with_files))
    monkeypatch.setattr(execute, "instructor_cells_from_gradebook", lambda resources: {})
    CheckedExecute(scheduler="tcp://example:8786").preprocess(nb, resources)
    written = {p.name: p.read_bytes() for p in Path(folder).iterdir() if p.is_file() and not p.is_symlink()}
    assert written == {"01_tensors.ipynb": b"{}", "data.csv": b"1,2\n", "plot.png": b"png"}
    assert not (Path(folder).parent / "escaped.txt").exists()
