"""One class, graded once, for tests/test_pipeline.py and tests/test_cheats.py (the `classroom` fixture).

For every assignment: the untouched release, one wrong answer, and the cheats of tests/cheats.py that
`cheats.cases` picks for it (as the student named after the cheat). For the first assignment also the solutions,
a notebook that fails only a hidden test, one whose code prints the cells that run after it, one that records the
inputs the tests pass it and prints them last, one that displays HTML with a script and an event handler, and a
corrupt file. The batch is graded once with
`grader.pipeline.grade` (what `make grade` runs): one batch keeps both cores busy to the end, where two would
each end on one slow notebook.

The solutions of the other assignments are not handed in again: `make grade` grades every assignment's solutions
itself before the batch, in the same workers and sandboxes, and grades nothing unless each scores full marks
(grader/preflight.py). Grading them a second time as a student cost about 290 worker-seconds (02-06) and showed
nothing new. What `make grade` printed is kept in grading-output.txt, for the tests to read.
"""
from __future__ import annotations

import contextlib
import io
import runpy
from pathlib import Path

import nbformat

import cheats
from conftest import ASSIGNMENTS, QUICK, ROOT
from course_copy import copy_course, released_notebook
from grader import pipeline

# 01_tensors: passes the visible flatten tests, fails a hidden check (the dtype must not change).
FAILS_HIDDEN = ("ex2_flatten", "def flatten_images(images):\n"
                               "    return images.reshape(len(images), -1).astype(np.float32)\n")
HIDDEN_MESSAGE = "flatten_images of a uint8 batch (dtype): expected uint8, got float32."
# Student code that prints the source of every cell run after it (with the checker: only its own cells).
SNOOP = "get_ipython().events.register('pre_run_cell', lambda info: print(info.raw_cell))"
# Student code that keeps every input the tests pass to flatten_images, hidden ones included, and prints them last.
RECORDER = ("_recorded, _flatten = [], flatten_images\n\n\n"
            "def flatten_images(images):\n"
            "    _recorded.append(getattr(images, 'shape', type(images).__name__))\n"
            "    return _flatten(images)\n")
RECORDED = "print('RECORDED', _recorded)"
# Student HTML that would run in the browser of whoever opens the feedback page (tests/test_feedback_html.py):
# a script, an event handler, and the same in a markdown cell; each marks the page's body if it runs.
MARK = "document.body.setAttribute('data-pwned', '{}')"
INJECTED_CODE = ("from IPython.display import HTML, display\n"
                 f"display(HTML(\"<strong>my answer</strong><script>{MARK.format('script')}</script>\"\n"
                 f"             \"<img src='missing.png' onerror=\\\"{MARK.format('handler')}\\\">\"))")
INJECTED_MARKDOWN = f"My **notes** <img src='missing.png' onerror=\"{MARK.format('markdown')}\">"
GRADING_OUTPUT = "grading-output.txt"  # what `make grade` printed for the class
# The wrong answer each assignment's `one_wrong` student hands in: the first of tests/answers/<aid>.py, but for
# 05's section 1 and 04's `standardise` left blank, whose results later cells need: each must cost its own points only.
WRONG_ANSWER = {"06_cnn_mnist": "BLANK_PREPARE", "05_training": "BLANK_STANDARDISE"}


def wrong_answer(aid: str) -> tuple[str, str, list[str]]:
    answers = runpy.run_path(str(ROOT / "tests" / "answers" / f"{aid}.py"))
    wanted = answers.get(WRONG_ANSWER.get(aid, ""))
    return next((answer for answer in answers["WRONG"] if answer[1] == wanted), answers["WRONG"][0])


def submit(root: Path, student: str, aid: str, nb) -> None:
    folder = root / "submitted" / student / aid
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{aid}.ipynb")


def with_answer(nb, grade_id: str, source: str):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return nb


def graded_class(root: Path, released_course: Path) -> Path:
    copy_course(root, released_course)
    for aid in ASSIGNMENTS:
        released = released_notebook(root, aid)
        source = root / "source" / aid / f"{aid}.ipynb"
        blank = pipeline.blank_submission(released)
        if aid == ASSIGNMENTS[0]:
            submit(root, "solved", aid, pipeline.solved_submission(released, source))
        submit(root, "blank", aid, blank)
        wrong_id, wrong_source, _ = wrong_answer(aid)
        submit(root, "one_wrong", aid, with_answer(pipeline.solved_submission(released, source), wrong_id, wrong_source))
        for name, cheat_aid in cheats.cases(ASSIGNMENTS, QUICK):
            if cheat_aid == aid:
                submit(root, name, aid, cheats.attacked(blank, cheats.CHEATS[name]))
    first = ASSIGNMENTS[0]
    released, source = root / "release" / first / f"{first}.ipynb", root / "source" / first / f"{first}.ipynb"
    submit(root, "fails_hidden", first, with_answer(pipeline.solved_submission(released, source), *FAILS_HIDDEN))
    snoops = pipeline.solved_submission(released, source)
    snoops.cells.insert(2, nbformat.v4.new_code_cell(SNOOP))
    submit(root, "snoops", first, snoops)
    records = pipeline.solved_submission(released, source)
    after = next(i for i, c in enumerate(records.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "ex2_flatten")
    records.cells.insert(after + 1, nbformat.v4.new_code_cell(RECORDER))
    records.cells.append(nbformat.v4.new_code_cell(RECORDED))
    submit(root, "records_inputs", first, records)
    injects = pipeline.solved_submission(released, source)
    injects.cells[2:2] = [nbformat.v4.new_code_cell(INJECTED_CODE), nbformat.v4.new_markdown_cell(INJECTED_MARKDOWN)]
    submit(root, "html_injection", first, injects)
    corrupt = root / "submitted" / "corrupt" / first / f"{first}.ipynb"
    corrupt.parent.mkdir(parents=True)
    corrupt.write_text('{"cells": [ this is not json')
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        pipeline.grade(root)
    (root / GRADING_OUTPUT).write_text(printed.getvalue())
    print(printed.getvalue())
    return root
