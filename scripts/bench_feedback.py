"""Benchmark: what writing the feedback costs `make grade`, done the two ways nbgrader allows. The same class
(N copies of the solved submission) is graded twice in throwaway courses: once with each submission's feedback
written by its grading worker right after its autograde (what `make grade` does), once with autograde alone
followed by one `nbgrader generate_feedback` for the assignment.

    .venv/bin/python scripts/bench_feedback.py ASSIGNMENT N      (from the course root)

Prints the times; asserts nothing. Run it on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from grader import pipeline  # noqa: E402


def class_of_solved(aid: str, count: int) -> Path:
    root = Path(tempfile.mkdtemp(prefix="bench-feedback-"))
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "source" / aid, root / "source" / aid)
    pipeline.release(root, [aid])
    solved = pipeline.solved_submission(root / "release" / aid / f"{aid}.ipynb", ROOT / "source" / aid / f"{aid}.ipynb")
    for k in range(count):
        folder = root / "submitted" / f"student{k}" / aid
        folder.mkdir(parents=True)
        nbformat.write(solved, folder / f"{aid}.ipynb")
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment")
    parser.add_argument("count", type=int)
    args = parser.parse_args()
    aid = args.assignment
    afterwards, in_workers = class_of_solved(aid, args.count), class_of_solved(aid, args.count)
    try:
        start = time.monotonic()
        pipeline.autograde(afterwards, [aid])
        graded = time.monotonic() - start
        pipeline.nbgrader(afterwards, "generate_feedback", aid)
        total = time.monotonic() - start
        start = time.monotonic()
        pipeline.autograde(in_workers, [aid], feedback=True)
        together = time.monotonic() - start
        pages = [len(list((root / "feedback").rglob("*.html"))) for root in (afterwards, in_workers)]
        print(f"{aid}, {args.count} solved submissions:")
        print(f"  autograde {graded:.1f} s, then generate_feedback {total - graded:.1f} s: {total:.1f} s ({pages[0]} pages)")
        print(f"  autograde with the feedback in the workers: {together:.1f} s ({pages[1]} pages)")
    finally:
        shutil.rmtree(afterwards, ignore_errors=True)
        shutil.rmtree(in_workers, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
