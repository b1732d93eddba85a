"""Submissions as they really arrive: each function turns a solved notebook into one intake case.

Every case returns {relative file path: file content (a notebook node, or bytes)} for one student's
folder submitted/<student>/<aid>/, and the score the case deserves ("full", ("full minus", points) or "set aside").
"""
from __future__ import annotations

import copy
import json
import os
import uuid
from typing import NamedTuple

import nbformat

AID = "01_tensors"


class Link(NamedTuple):
    """A file that is a link to `target`, a path relative to the student's folder submitted/<student>/<aid>."""
    target: str
    hard: bool = False


def _cells_with(nb, **wanted):
    return [i for i, c in enumerate(nb.cells)
            if all(c.metadata.get("nbgrader", {}).get(k) == v for k, v in wanted.items())]


def _first_test_after_solution(nb) -> int:
    """Index of a test cell that directly follows its exercise's cells (not a read-only cell)."""
    return _cells_with(nb, grade=True)[0]


def renamed_copy_of(nb):
    return {f"Copy of {AID}.ipynb": nb}, "full"


def renamed_with_number(nb):
    return {f"{AID} (1).ipynb": nb}, "full"


def in_a_subfolder(nb):
    return {f"my work/{AID}.ipynb": nb}, "full"


def colab_metadata(nb):
    nb = copy.deepcopy(nb)
    nb.metadata["colab"] = {"provenance": [], "toc_visible": True}
    nb.metadata["accelerator"] = "GPU"
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "name": "python3"}
    for cell in nb.cells:
        cell.metadata["colab"] = {"base_uri": "https://localhost:8080/"}
    return {f"{AID}.ipynb": nb}, "full"


def nbformat_4_0_without_ids(nb):
    nb = copy.deepcopy(nb)
    nb.nbformat_minor = 0
    for cell in nb.cells:
        cell.pop("id", None)
    return {f"{AID}.ipynb": nb}, "full"


def ids_only_in_metadata(nb):
    nb = copy.deepcopy(nb)
    nb.nbformat_minor = 0
    for cell in nb.cells:
        cell.pop("id", None)
        cell.metadata["id"] = uuid.uuid4().hex[:12]
    return {f"{AID}.ipynb": nb}, "full"


def outputs_and_scratch_cells(nb):
    nb = copy.deepcopy(nb)
    for count, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = count + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="old output\n")]
    scratch = nbformat.v4.new_code_cell("print('scratch')  # my own experiment\nx_scratch = 1")
    nb.cells.insert(3, copy.deepcopy(scratch))
    nb.cells.insert(len(nb.cells) // 2, copy.deepcopy(scratch))
    nb.cells.append(nbformat.v4.new_markdown_cell("my notes"))
    return {f"{AID}.ipynb": nb}, "full"


def test_cell_deleted(nb):
    nb = copy.deepcopy(nb)
    del nb.cells[_first_test_after_solution(nb)]
    return {f"{AID}.ipynb": nb}, "full"


def test_cell_edited(nb):
    nb = copy.deepcopy(nb)
    for index in _cells_with(nb, grade=True):
        nb.cells[index].source = "pass  # tests removed by the student"
    return {f"{AID}.ipynb": nb}, "full"


def test_cell_made_markdown(nb):
    nb = copy.deepcopy(nb)
    index = _first_test_after_solution(nb)
    old = nb.cells[index]
    nb.cells[index] = nbformat.v4.new_markdown_cell(old.source, metadata=old.metadata)
    return {f"{AID}.ipynb": nb}, "full"


def solution_cell_duplicated(nb):
    nb = copy.deepcopy(nb)
    index = _cells_with(nb, solution=True)[1]
    twin = copy.deepcopy(nb.cells[index])
    twin["id"] = "duplicate-cell"
    nb.cells.insert(index + 1, twin)
    return {f"{AID}.ipynb": nb}, "full"


def nbgrader_metadata_stripped(nb):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    return {f"{AID}.ipynb": nb}, "full"


def correct_but_warns_on_stderr(nb):
    nb = copy.deepcopy(nb)
    index = _cells_with(nb, grade_id="ex2_flatten")[0]
    nb.cells[index].source = (
        "import sys\nimport warnings\n\n"
        "def flatten_images(images):\n"
        "    warnings.warn('flattening images', UserWarning)\n"
        "    np.log(np.zeros(1))  # numpy: RuntimeWarning: divide by zero\n"
        "    # what TensorFlow's C++ and absl logging write to stderr:\n"
        "    sys.stderr.write('2026-11-21 06:00:00.123456: W tensorflow/core/util/port.cc:113] oneDNN custom operations are on.\\n')\n"
        "    sys.stderr.write('W0000 00:00:1763704800.123456    1234 cpu_feature_guard.cc:227] This TensorFlow binary is optimized.\\n')\n"
        "    return images.reshape(len(images), -1)\n")
    return {f"{AID}.ipynb": nb}, "full"


def not_json(nb):
    return {f"{AID}.ipynb": b'{"cells": [ {"cell_type": "code", '}, "set aside"


def two_candidate_notebooks(nb):
    return {f"Copy of {AID}.ipynb": nb, f"{AID} (2).ipynb": nb}, "set aside"


CASES = [renamed_copy_of, renamed_with_number, in_a_subfolder, colab_metadata, nbformat_4_0_without_ids,
         ids_only_in_metadata, outputs_and_scratch_cells, test_cell_deleted, test_cell_edited,
         test_cell_made_markdown, solution_cell_duplicated, nbgrader_metadata_stripped,
         correct_but_warns_on_stderr, not_json, two_candidate_notebooks]


def symlink_to_the_solutions(nb):
    """A submission that is a link to the instructor's notebook, which holds the solutions."""
    return {f"{AID}.ipynb": Link(f"../../../source/{AID}/{AID}.ipynb")}, "set aside"


def hard_link_to_the_solutions(nb):
    return {f"{AID}.ipynb": Link(f"../../../source/{AID}/{AID}.ipynb", hard=True)}, "set aside"


def link_to_the_gradebook_beside_the_notebook(nb):
    """Right answers, and a link nbgrader would follow: the notebook is graded, the link is not."""
    return {f"{AID}.ipynb": nb, "notes.db": Link("../../../gradebook.db")}, "full"


CASES += [symlink_to_the_solutions, hard_link_to_the_solutions, link_to_the_gradebook_beside_the_notebook]


def write_case(folder, files) -> None:
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Link):
            if content.hard:
                os.link((folder / content.target).resolve(), path)
            else:
                path.symlink_to(content.target)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            # json.dumps keeps an nbformat 4.0 notebook as Colab saved it (nbformat.writes would upgrade it)
            path.write_text(json.dumps(content))


def wrong_answer_with_metadata_stripped(nb):
    """Repairs must not give marks away: a wrong flatten still loses exactly its points."""
    files, _ = nbgrader_metadata_stripped(nb)
    notebook = files[f"{AID}.ipynb"]
    for cell in notebook.cells:
        if cell.source.startswith("def flatten_images"):
            cell.source = "def flatten_images(images):\n    return images.transpose(0, 2, 1).reshape(len(images), -1)\n"
    return files, ("full minus", 1)  # ex2_flatten_values


def loops_forever(nb):
    """A runaway answer: the test cells that call it time out and score 0; the rest still run."""
    nb = copy.deepcopy(nb)
    index = _cells_with(nb, grade_id="ex2_flatten")[0]
    nb.cells[index].source = "def flatten_images(images):\n    while True:\n        pass\n"
    return {f"{AID}.ipynb": nb}, ("full minus", 2)  # the two flatten test cells


CASES += [wrong_answer_with_metadata_stripped, loops_forever]
