"""Ordinary students of one assignment, each with the score per test cell it deserves (tests/test_sandbox.py
and tests/test_dask.py grade them): the solutions, the untouched release, every other exercise solved, and the
first wrong answers of tests/answers/<aid>.py (each in an otherwise solved notebook)."""
from __future__ import annotations

import runpy
from pathlib import Path

from conftest import ROOT
from grader import pipeline


def graded_cells(nb) -> list[tuple[str, float]]:
    return [(c.metadata["nbgrader"]["grade_id"], c.metadata["nbgrader"]["points"])
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


def ordinary_students(released: Path, source: Path, wrong: int) -> dict[str, tuple[object, dict[str, float]]]:
    """{student: (notebook, {test cell: the score it deserves})}; `wrong` wrong answers, as wrong00, wrong01, ..."""
    tests = graded_cells(pipeline.blank_submission(released))
    full = {name: points for name, points in tests}
    kept = set()

    def every_other(grade_id, index):
        if index % 2 == 0:
            kept.add(grade_id.split("_")[0])  # "ex1_build" -> "ex1", the prefix of its tests' grade ids
        return index % 2 == 0

    partial = pipeline.solved_submission(released, source, every_other)
    students = {"solved": (pipeline.solved_submission(released, source), full),
                "blank": (pipeline.blank_submission(released), {name: 0.0 for name in full}),
                "partial": (partial, {name: points if name.split("_")[0] in kept else 0.0 for name, points in tests})}
    answers = runpy.run_path(str(ROOT / "tests" / "answers" / f"{released.stem}.py"))["WRONG"]
    for index, (grade_id, answer, must_fail) in enumerate(answers[:wrong]):
        nb = pipeline.solved_submission(released, source)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                cell.source = answer
        students[f"wrong{index:02d}"] = (nb, {name: 0.0 if name in must_fail else points for name, points in tests})
    return students
