"""Measure what each cheat of tests/cheats.py scores when the tests run in the student's own kernel, as stock
nbgrader runs them (no checker, no sandbox): the in-kernel columns of docs/honest-grading.md "The cheats, measured". Prints a
Markdown table; asserts nothing (tests/test_cheats.py checks that every cheat scores 0 with the checker).

    .venv/bin/python scripts/measure_cheats_in_kernel.py [ASSIGNMENT ...]     (from the course root)

Each cheat is one cell added after the setup cell of the untouched release. The cheats are this project's own
code, so grading them unsandboxed here is safe; takes about 10 minutes for all five assignments on 2 cores.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
import cheats  # noqa: E402
from grader import pipeline  # noqa: E402


def total(gradebook: Gradebook, aid: str, student: str) -> str:
    try:
        notebook = gradebook.find_submission_notebook(aid, aid, student)
    except MissingEntry:
        return "not graded"
    if not notebook.grades or any(grade.auto_score is None for grade in notebook.grades):
        return "not graded"
    return f"{notebook.score:g}/{notebook.max_score:g}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*", help="default: all")
    ids = parser.parse_args().assignments or pipeline.assignments(ROOT)
    root = Path(tempfile.mkdtemp(prefix="cheats-in-kernel-"))
    try:
        shutil.copy(ROOT / "nbgrader_config.py", root)
        for aid in ids:
            shutil.copytree(ROOT / "source" / aid, root / "source" / aid)
        pipeline.release(root, ids)
        with open(root / "nbgrader_config.py", "a") as config:
            config.write(cheats.STOCK_NBGRADER)
        for aid in ids:
            blank = pipeline.blank_submission(root / "release" / aid / f"{aid}.ipynb")
            for student, nb in [("none", blank)] + [(name, cheats.attacked(blank, cheat))
                                                    for name, cheat in cheats.CHEATS.items() if aid in cheat.assignments]:
                (root / "submitted" / student / aid).mkdir(parents=True)
                nbformat.write(nb, root / "submitted" / student / aid / f"{aid}.ipynb")
        pipeline.autograde(root, ids, unsafe=True)
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
            print("| cheat (one cell) | " + " | ".join(aid[:2] for aid in ids) + " |")
            print("| --- |" + " ---: |" * len(ids))
            for name in ["none", *cheats.CHEATS]:
                cells = [total(gradebook, aid, name) if name == "none" or aid in cheats.CHEATS[name].assignments
                         else "" for aid in ids]
                print(f"| {name} | " + " | ".join(cells) + " |")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
