"""Does nbgrader's own autograde test suite pass with this course's execute step? (slow: `make check` only)

nbgrader ships its tests. `nbgrader/tests/apps/test_nbgrader_autograde.py` runs here in a child pytest, with a
Jupyter config folder whose nbgrader_config.py puts grader.checker.execute.CheckedExecute in the place of
nbgrader's Execute, as this course's nbgrader_config.py does: every notebook of that suite then runs in the two
sandboxed kernels. Every test must pass, except the ones in DIFFERENCES, each with its reason (also in
docs/honest-grading.md); those must still fail, so that the list stays true and shows that the suite really ran
through the checker (stock nbgrader passes them). It takes about 5 minutes
(4 min 31 s on 2 cores, 2026-12-06), and runs beside the notebook runs of tests/test_answers.py (`start_suite`).
"""
from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import nbgrader
import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

SUITE = Path(nbgrader.__file__).parent / "tests" / "apps" / "test_nbgrader_autograde.py"
CONFIG = '''\
from nbgrader.converters import Autograde as _Autograde
from nbgrader.preprocessors import Execute as _Execute

c = get_config()
c.Autograde.autograde_preprocessors = [
    "grader.checker.execute.CheckedExecute" if step is _Execute else step
    for step in _Autograde.class_traits()["autograde_preprocessors"].default()
]
'''
DIFFERENCES = {
    # A choice: every notebook runs on the course's `python3` kernel, whatever kernel the notebook names
    # (nbgrader_config.py, c.Execute.kernel_name), so a submission cannot pick another interpreter; nbgrader
    # instead fails a notebook whose kernel is missing or differs from the source's.
    "test_missing_source_kernelspec": "the kernel is always the course's python3",
    "test_incorrect_source_kernelspec": "the kernel is always the course's python3",
}
# nbgrader skips these itself, whatever runs the notebooks ("takes too long to run").
SKIPPED_BY_NBGRADER = {"test_many_students", "test_infinite_loop_with_output"}


_running: dict[str, tuple[Path, subprocess.Popen]] = {}


def start_suite() -> None:
    """Start the suite in a child pytest, once. conftest.py starts it as soon as this test is collected: it
    keeps one core about half busy for 5 minutes, so it runs beside the notebook runs rather than after them."""
    if _running:
        return
    folder = Path(tempfile.mkdtemp(prefix="nbgrader-suite-"))
    config = folder / "jupyter-config"
    config.mkdir()
    (config / "nbgrader_config.py").write_text(CONFIG)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "PYTHONPATH": str(ROOT),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    with open(folder / "output.txt", "w") as output:
        run = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(SUITE),
                                f"--junitxml={folder / 'report.xml'}"], cwd=folder, env=env, stdout=output,
                               stderr=subprocess.STDOUT, start_new_session=True)
    atexit.register(stop, run)
    _running["suite"] = (folder, run)


def stop(run: subprocess.Popen) -> None:
    """End the suite and its kernels, if a session stops before it is done."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(run.pid, signal.SIGKILL)


def run_suite() -> dict[str, str]:
    """{test name: "passed", "failed" or "skipped"} for every test of the suite, run through the checker."""
    start_suite()
    folder, run = _running["suite"]
    run.wait(timeout=3600)
    report = folder / "report.xml"
    assert report.is_file(), (folder / "output.txt").read_text()[-6000:]
    outcomes = {}
    for case in ElementTree.parse(report).iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            outcomes[case.get("name")] = "failed"
        else:
            outcomes[case.get("name")] = "skipped" if case.find("skipped") is not None else "passed"
    shutil.rmtree(folder, ignore_errors=True)
    return outcomes


def test_nbgrader_autograde_suite_passes_through_the_checker_but_for_the_named_differences():
    outcomes = run_suite()
    assert len(outcomes) >= 40, f"only {len(outcomes)} of nbgrader's autograde tests ran"
    expected = {name: ("failed" if name in DIFFERENCES else "skipped" if name in SKIPPED_BY_NBGRADER else "passed")
                for name in outcomes}
    differ = {name: f"{outcome} (expected {expected[name]})" for name, outcome in outcomes.items()
              if outcome != expected[name]}
    assert not differ, f"nbgrader's own autograde tests, run through the checker: {differ}"
