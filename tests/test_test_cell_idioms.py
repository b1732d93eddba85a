"""Do nbgrader's "did you use X" idioms score as they do in stock nbgrader? (real `nbgrader autograde`)

A small nbgrader course of its own, graded twice: with this course's checker (grader.checker.execute) and with
nbgrader's stock Execute, where tests and student code share one kernel. Its test cells delete and restore a
student function (nbgrader's documented idiom), replace one for a moment, and count calls to `np.dot` with
`checks.counting_calls`. An answer that uses what the tests look for scores full marks; one that gets the same
values another way loses exactly those cells; both graders agree. Without the checker's forwarding of `del` and
assignment to the student's kernel, the right answer loses the first two cells under the checker (issue 21).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from conftest import ROOT

pytestmark = pytest.mark.slow

SETUP = "import numpy as np\nfrom course import checks"
SOLUTION = '''def squares(n):
    return [i ** 2 for i in range(1, n + 1)]


def sum_of_squares(n):
    return sum(squares(n))


def norm(v):
    return float(np.sqrt(np.dot(v, v)))'''
ANOTHER_WAY = '''def squares(n):
    return [i ** 2 for i in range(1, n + 1)]


def sum_of_squares(n):
    return sum(i * i for i in range(1, n + 1))


def norm(v):
    return float(np.linalg.norm(v))'''
TESTS = {
    "deletes_squares": '''"""sum_of_squares uses squares (nbgrader's documented idiom)."""
assert sum_of_squares(3) == 14
orig_squares = squares
del squares
try:
    sum_of_squares(1)
except NameError:
    pass
else:
    raise AssertionError("sum_of_squares does not use squares")
finally:
    squares = orig_squares''',
    "replaces_squares": '''"""sum_of_squares uses squares (replaced for a moment)."""
real_squares = squares
squares = lambda n: [100]
try:
    assert sum_of_squares(5) == 100, "sum_of_squares does not use squares"
finally:
    squares = real_squares''',
    "counts_dot": '''"""norm uses np.dot."""
with checks.counting_calls("np.dot") as dot:
    assert abs(norm(np.array([3.0, 4.0])) - 5.0) < 1e-12
assert dot.calls > 0, "norm does not use np.dot"''',
    "after_the_tests": '''"""The student's names are as they were after the tests above."""
assert squares(2) == [1, 4] and sum_of_squares(3) == 14 and np.dot(1, 2) == 2''',
}
STOCK = '''c = get_config()
c.CourseDirectory.db_assignments = [dict(name="ps1")]
c.CourseDirectory.db_students = [dict(id="uses"), dict(id="another_way")]
'''
CHECKED = STOCK + '''from nbgrader.converters import Autograde as _Autograde
from nbgrader.preprocessors import Execute as _Execute

c.Autograde.autograde_preprocessors = [
    "grader.checker.execute.CheckedExecute" if step is _Execute else step
    for step in _Autograde.class_traits()["autograde_preprocessors"].default()
]
'''


def notebook(solution: str):
    cells = [new_code_cell(SETUP, metadata={"nbgrader": {"grade_id": "setup", "locked": True, "solution": False,
                                                         "grade": False, "schema_version": 3}}),
             new_code_cell(solution, metadata={"nbgrader": {"grade_id": "answer", "locked": False, "solution": True,
                                                            "grade": False, "schema_version": 3}})]
    cells += [new_code_cell(source, metadata={"nbgrader": {"grade_id": name, "locked": True, "solution": False,
                                                           "grade": True, "points": 1, "schema_version": 3}})
              for name, source in TESTS.items()]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def grade(root: Path, config: str) -> dict[str, dict[str, float]]:
    """{student: {test cell: score}} after generate_assignment and autograde in a fresh course at `root`."""
    (root / "source" / "ps1").mkdir(parents=True)
    nbformat.write(notebook(SOLUTION), root / "source" / "ps1" / "p1.ipynb")
    (root / "nbgrader_config.py").write_text(config)
    for student, solution in (("uses", SOLUTION), ("another_way", ANOTHER_WAY)):
        (root / "submitted" / student / "ps1").mkdir(parents=True)
        nbformat.write(notebook(solution), root / "submitted" / student / "ps1" / "p1.ipynb")
    for command in (["generate_assignment", "ps1", "--force"], ["autograde", "ps1", "--force"]):
        run = subprocess.run([sys.executable, "-m", "nbgrader", *command], cwd=root, capture_output=True, text=True,
                             timeout=900, env=_env(root))
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return {student: {name: gradebook.find_grade(name, "p1", "ps1", student).score for name in TESTS}
                for student in ("uses", "another_way")}


def _env(root: Path) -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTER_CONFIG_DIR": str(root / "jupyter-config"),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def test_did_you_use_x_scores_as_in_stock_nbgrader(tmp_path):
    checked, stock = grade(tmp_path / "checked", CHECKED), grade(tmp_path / "stock", STOCK)
    expected = {"uses": dict.fromkeys(TESTS, 1.0),
                "another_way": {"deletes_squares": 0.0, "replaces_squares": 0.0, "counts_dot": 0.0,
                                "after_the_tests": 1.0}}
    assert stock == expected, f"stock nbgrader: {json.dumps(stock)}"
    assert checked == expected, f"with the checker: {json.dumps(checked)}"
