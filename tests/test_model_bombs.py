"""Does a doctored Keras model cost a grading worker milliseconds, not minutes? (real grading, issue 21)

A solved 04_keras_apis notebook with one extra cell: it makes the agent in the student's kernel send every Keras
model with its weight matrices replaced by 20000 x 20000 ones, compressed inside the HDF5 file (a few KiB that
read as 1.6 GB each). Keras reads each in full before it finds the shape wrong: 18.7 s for one such matrix here
(tests/test_models.py's control measures a smaller one), for every matrix of every model a test fetches. The
checker refuses each before Keras reads it, so the tests that need a model fail at once with the reason, and
the notebook is graded. (Graded with the check switched off, the same notebook with 12000 x 12000 matrices did
not show the reason, and took 68 s against 59 s: measured once, 2026-12-06.)
"""
from __future__ import annotations

import json

import nbformat
import pytest

from classroom import submit
from course_copy import copy_course, released_notebook
from grader import pipeline
from test_cheats import cell_scores, score

pytestmark = pytest.mark.slow
AID = "04_keras_apis"
BOMB = '''import io, sys, zipfile
import h5py
_agent = sys.modules["dlb_bridge.agent"].Agent
_real_save = _agent.save_model


def _doctored(self, model):
    packed = zipfile.ZipFile(io.BytesIO(_real_save(self, model)))
    weights = io.BytesIO(packed.read("model.weights.h5"))
    with h5py.File(weights, "a") as file:
        matrices = []
        file.visititems(lambda name, item: matrices.append(name) if getattr(item, "ndim", 0) == 2 else None)
        for name in matrices:
            del file[name]
            file.create_dataset(name, shape=(20000, 20000), dtype="float32", compression="gzip", chunks=(500, 500))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as repacked:
        for name in packed.namelist():
            repacked.writestr(name, weights.getvalue() if name == "model.weights.h5" else packed.read(name))
    return out.getvalue()


_agent.save_model = _doctored
'''


def test_a_model_whose_weights_read_as_gigabytes_is_refused_at_once(tmp_path, released):
    root = copy_course(tmp_path, released)
    source = root / "source" / AID / f"{AID}.ipynb"
    solved = nbformat.from_dict(pipeline.solved_submission(released_notebook(root, AID), source))
    solved.cells.insert(1, nbformat.v4.new_code_cell(BOMB))
    submit(root, "bomber", AID, solved)
    pipeline.grade(root)
    assert score(root, AID, "bomber") is not None, "the notebook must be graded"
    assert 0 in cell_scores(root, AID, "bomber").values(), "the tests that need a model fail"
    graded = json.dumps(nbformat.read(root / "autograded" / "bomber" / AID / f"{AID}.ipynb", as_version=4))
    assert "compressed, elsewhere or as non-numbers" in graded, "each refusal says why"
