"""Does each source notebook pass its own tests, do other right answers get full marks, and do
plausible wrong answers lose exactly the points of the exercise they break?

Each notebook runs once in a live kernel; each variant then re-runs only its own section
(see tests/notebook_kernel.py). The variants live in tests/answers/<assignment>.py.
"""
from __future__ import annotations

import runpy
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ASSIGNMENTS, ROOT, SELECTED
from grader.sandbox.pool import tensorflow_threads
from notebook_kernel import NotebookRun

RUNS_AT_ONCE = 3  # see `executed`

pytestmark = [pytest.mark.slow, pytest.mark.quick]


def answers(aid: str) -> dict:
    path = ROOT / "tests" / "answers" / f"{aid}.py"
    return runpy.run_path(str(path)) if path.is_file() else {"RIGHT": [], "WRONG": []}


def variants(aid: str) -> list[tuple[str, str, str, list[str] | None]]:
    """(kind, solution id, source, tests that must fail or None for a right answer)."""
    found = answers(aid)
    return ([("right", sid, src, None) for sid, src in found["RIGHT"]]
            + [("wrong", sid, src, fails) for sid, src, fails in found["WRONG"]])


_runs: dict[str, Future] = {}


def executed(aid: str) -> tuple[dict, list[str], list[dict]]:
    """Scores and failures of the source notebook, and the re-run results of every variant.

    On first use every assignment starts, three at a time and the slowest first. One run keeps less than a
    core busy (its two kernels mostly take turns): two at a time kept the two cores 83 % busy for 1187 s
    (`make check` on a clean clone, 2026-12-06, /proc/stat sampled every 5 s); three fill them.
    """
    if not _runs:
        pool = ThreadPoolExecutor(max_workers=RUNS_AT_ONCE)
        for other in sorted(SELECTED or ASSIGNMENTS, reverse=True):
            _runs[other] = pool.submit(execute, other)
        pool.shutdown(wait=False)
    return _runs[aid].result()


def execute(aid: str) -> tuple[dict, list[str], list[dict]]:
    workdir = Path(tempfile.mkdtemp(prefix=f"run-{aid}-"))
    shutil.copytree(ROOT / "source" / aid, workdir, dirs_exist_ok=True)
    tried = variants(aid)
    at_once = min(RUNS_AT_ONCE, len(SELECTED or ASSIGNMENTS))
    with NotebookRun(workdir / f"{aid}.ipynb", env=tensorflow_threads(at_once)) as run:
        scores, failures = dict(run.scores), run.failures()
        results: list[dict] = [{}] * len(tried)
        for k in run.variant_order([sid for _, sid, _, _ in tried]):
            results[k] = run.try_variant(tried[k][1], tried[k][2])
    shutil.rmtree(workdir, ignore_errors=True)
    return scores, failures, results


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_source_notebook_passes_all_its_tests(aid):
    scores, failures, _ = executed(aid)
    assert scores, f"{aid} has no graded test cells"
    assert not failures, "\n\n".join(failures)


CASES = [(aid, k) for aid in ASSIGNMENTS for k in range(len(variants(aid)))]


@pytest.mark.parametrize(("aid", "k"), CASES,
                         ids=[f"{aid}-{variants(aid)[k][0]}-{variants(aid)[k][1]}-{k}" for aid, k in CASES])
def test_variant_scores_as_expected(aid, k):
    kind, solution_id, _, must_fail = variants(aid)[k]
    results = executed(aid)[2][k]
    assert results, f"no test cell was re-run after {solution_id}; is it in a graded section?"
    must_fail = set(must_fail or [])
    unknown = must_fail - set(results)
    assert not unknown, (f"{sorted(unknown)} are not test cells in the section of {solution_id}, or read nothing "
                         "it defines, not even through the cells between (tests/cell_deps.py)")
    for test_id, ((points, possible), text) in results.items():
        if test_id in must_fail:
            assert points < possible, f"this {kind} answer to {solution_id} kept full marks on {test_id}:\n{text}"
        else:
            assert points == possible, f"this {kind} answer to {solution_id} lost marks on {test_id}:\n{text}"
