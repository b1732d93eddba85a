"""Is a student kernel that replaces itself with another program noticed in seconds? (real grading, issue 21)

A solved 01_tensors notebook whose `stack_series`, when a test calls it, keeps the channel to the checker open
and replaces its kernel with a program that never answers (`os.execv`). Each call from a test would then wait
out its 60 s limit: the red team's notebook held its worker 312 s. The grading step watches the student's kernel
from outside its sandbox while any cell runs (grader/sandbox/processes.py), stops it within a second,
and the checker sees the channel close: that cell fails saying so, every later cell is marked not run with the
reason, and the notebook is graded. The same holds when the kernel replaces itself in a cell of its own (a "try
it" cell that calls stack_series), which would otherwise wait out the cell's 300 s limit.
"""
from __future__ import annotations

import json

import nbformat
import pytest

from classroom import submit
from course_copy import copy_course, released_notebook
from grader import pipeline
from test_cheats import score

pytestmark = pytest.mark.slow
AID = "01_tensors"
REPLACE_KERNEL = '''import gc, os, sys
_agent = next(o for o in gc.get_objects() if type(o).__name__ == "Agent")


def stack_series(series):
    os.set_inheritable(_agent.sock.fileno(), True)  # the new program keeps the channel open, and never answers
    os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(3600)"])
'''


@pytest.mark.parametrize("where", ["own_cell", "mid_test"])
def test_a_replaced_kernel_is_stopped_and_the_notebook_graded(tmp_path, released, where):
    """Replaced by its own "try it" cell, which calls stack_series (the cell would wait out its 300 s), or only
    when the test calls it (each call would wait out its 60 s)."""
    root = copy_course(tmp_path, released)
    source = root / "source" / AID / f"{AID}.ipynb"
    solved = nbformat.from_dict(pipeline.solved_submission(released_notebook(root, AID), source))
    if where == "own_cell":
        at = next(i for i, cell in enumerate(solved.cells) if "def stack_series" in cell.source) + 1
    else:
        at = next(i for i, cell in enumerate(solved.cells)
                  if cell.metadata.get("nbgrader", {}).get("grade_id") == "ex1_stack_series")
    solved.cells.insert(at, nbformat.v4.new_code_cell(REPLACE_KERNEL))
    submit(root, where, AID, solved)
    pipeline.grade(root)
    assert score(root, AID, where) is not None, "the notebook must be graded"
    text = json.dumps(nbformat.read(root / "autograded" / where / AID / f"{AID}.ipynb", as_version=4))
    assert "replaced itself with another program" in text, "the cells that did not run say why"
    assert "did not finish within" not in text and "ran past its time limit" not in text, "nothing waited out a limit"
