"""Can student code fake its own score? Eleven cheats (tests/cheats.py), each one extra cell in an otherwise
blank notebook: a cheat aimed at the kernel in one numpy and one Keras assignment, a cheat aimed at what the
notebook defines in every assignment it applies to (`cheats.cases`; `make test` grades a sample of five).

- Graded as `make grade` grades (`grader.pipeline.grade`, the checker, both kernels sandboxed; the class of
  tests/classroom.py holds them), each must score 0, be graded rather than reported as a failure, and
  leave the batch to complete.
- Graded the old way (stock nbgrader: the tests run in the student's kernel), each must do what it was
  written to do: raise the score above the untouched release's 0, or (os._exit) stop the notebook from
  being graded at all. So the zeros above are the checker's doing, not the cheats' failing.
"""
from __future__ import annotations

import pytest
from nbgrader.api import Gradebook, MissingEntry

import cheats
from classroom import submit, with_answer
from conftest import ASSIGNMENTS, QUICK
from course_copy import copy_course, released_notebook
from grader import pipeline

pytestmark = [pytest.mark.slow, pytest.mark.quick]

# Where each cheat is shown to work against tests in the student's kernel (the in-kernel scores of every cheat
# in every assignment, measured once: docs/honest-grading.md "The cheats, measured").
CONTROLS = {name: "01_tensors" for name in cheats.CHEATS} | {"always_equal": "06_cnn_mnist",
                                                              "keras_lambda": "06_cnn_mnist"}
CASES = cheats.cases(ASSIGNMENTS, QUICK)
CONTROL_CASES = [(name, aid) for name, aid in CONTROLS.items()
                 if aid in ASSIGNMENTS and name in {cheat for cheat, _ in CASES}]


# Where the blank release gives a cheat nothing to work on in-kernel (every check there tests the type first),
# its control starts from a wrong answer of the right type and shape instead: the cheat must raise its score.
WRONG_BASES = {"patched_numpy": ("01_tensors", "ex5_greyscale",
                                 "def to_greyscale(images):\n    return images.mean(axis=-1)\n")}


def grade_in_kernel(root, cases, blanks: tuple[str, ...]) -> list[str]:
    ids = sorted({aid for _, aid in cases})
    for aid in ids:
        released = released_notebook(root, aid)
        blank = pipeline.blank_submission(released)
        if aid in blanks:
            submit(root, "blank", aid, blank)
        for name, cheat_aid in cases:
            if cheat_aid != aid:
                continue
            base = blank
            if name in WRONG_BASES:
                source = root / "source" / aid / f"{aid}.ipynb"
                base = with_answer(pipeline.solved_submission(released, source), *WRONG_BASES[name][1:])
                submit(root, f"{name}_base", aid, base)
            submit(root, name, aid, cheats.attacked(base, cheats.CHEATS[name]))
    return pipeline.autograde(root, ids, unsafe=True)


def score(root, aid, student) -> float | None:
    """The student's total for the assignment, or None if nbgrader has no grades for it."""
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        try:
            notebook = gradebook.find_submission_notebook(aid, aid, student)
        except MissingEntry:
            return None
        if not notebook.grades or any(grade.auto_score is None for grade in notebook.grades):
            return None
        return notebook.score


def cell_scores(root, aid, student) -> dict[str, float]:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(aid, aid, student)
        return {grade.name: grade.score for grade in notebook.grades}


@pytest.fixture(scope="module")
def checked(classroom):
    """The class of tests/classroom.py, which holds every cheat in every assignment it applies to."""
    latest = pipeline.GradingLog(classroom).latest()
    return classroom, [f"{aid}: {name}: {latest[(aid, name)]['problem']}" for name, aid in CASES
                       if not latest.get((aid, name), {}).get("graded")]


@pytest.fixture(scope="module")
def in_kernel(tmp_path_factory, released):
    root = copy_course(tmp_path_factory.mktemp("in-kernel"), released)
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(cheats.STOCK_NBGRADER)
    return root, grade_in_kernel(root, CONTROL_CASES, blanks=("01_tensors",))


def test_every_cheating_notebook_is_graded_and_the_batch_completes(checked):
    _, problems = checked
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("name", "aid"), CASES, ids=[f"{name}-{aid}" for name, aid in CASES])
def test_a_cheat_scores_zero_when_the_checker_grades(checked, name, aid):
    root, _ = checked
    got = score(root, aid, name)
    assert got is not None, f"{name} in {aid} was not graded; see {root}/autograded/{name}/{aid}"
    assert got == 0, f"{name} scored {got} in {aid} with the checker; see {root}/autograded/{name}/{aid}"


@pytest.mark.parametrize("name", [name for name, _ in CONTROL_CASES])
def test_the_cheat_works_when_the_tests_run_in_the_students_kernel(in_kernel, name):
    root, problems = in_kernel
    aid = CONTROLS[name]
    assert score(root, "01_tensors", "blank") == 0, "the untouched release scores 0 graded the old way too"
    if name == "exit_kernel":
        assert score(root, aid, name) is None, "stock nbgrader cannot grade a notebook whose kernel exits"
        assert any(problem.startswith(f"{aid}: {name} could not be graded") for problem in problems)
    elif name in WRONG_BASES:  # the cells the wrong answer fails: the cheat must win marks there
        base, attacked = cell_scores(root, aid, f"{name}_base"), cell_scores(root, aid, name)
        failed = [cell for cell, points in base.items() if points == 0]
        assert failed and sum(attacked[cell] for cell in failed) > 0, \
            f"{name} did not raise the score of {failed} in {aid} graded the old way: {attacked}"
    else:
        assert (score(root, aid, name) or 0) > 0, f"{name} did not raise the score in {aid} graded the old way"
