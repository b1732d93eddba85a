"""Does each of our nbgrader steps do its one job on a small notebook? (no kernel runs)

StampColab and AddSelfCheck run in `make release`, HideHiddenTests in feedback, CheckedExecute in autograding
(its kernels are tested end to end elsewhere; here only what it decides before starting them).
"""
from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from grader.checker.execute import CheckedExecute
from grader.feedback import NOTE, HideHiddenTests
from conftest import ROOT
from grader.release import (PLACEHOLDER_REPOSITORY, AddSelfCheck, ClearSolutionsInline, StampColab,
                            blank_inline_solution, configured_repository, placeholder_warning)

RESOURCES = {"nbgrader": {"assignment": "07_demo", "notebook": "07_demo"}}
SETUP = ('if "google.colab" in sys.modules:\n'
         '    %pip install --quiet "dl-basics-course @ git+https://github.com/OWNER/REPO@main"\n')


def nbgrader_cell(source: str, grade_id: str, **flags):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "grade": False, "solution": False, "locked": False,
                                 "schema_version": 3, **flags}
    return cell


def notebook():
    hidden = ("check(f(2) == 4)\n### BEGIN HIDDEN TESTS\nsecret_input = 12345\n"
              "assert f(secret_input) == 2 * secret_input\n### END HIDDEN TESTS")
    return new_notebook(cells=[
        new_markdown_cell("# 07 · A demo\n\nWhat it is about."),
        nbgrader_cell(SETUP, "setup", locked=True),
        new_markdown_cell("## 1. Doubling (1 point)"),
        nbgrader_cell("def f(x):\n    ...", "ex1_f", solution=True),
        nbgrader_cell(hidden, "ex1_f_test", grade=True, locked=True, points=1),
    ])


def test_the_badge_and_the_install_line_name_the_configured_repository():
    nb, _ = StampColab(repository="ann/dlb", branch="spring").preprocess(notebook(), RESOURCES)
    assert nb.cells[0].source.startswith("[![Open In Colab]")
    assert "colab.research.google.com/github/ann/dlb/blob/spring/release/07_demo/07_demo.ipynb" in nb.cells[0].source
    assert "git+https://github.com/ann/dlb@spring" in nb.cells[1].source and "OWNER/REPO" not in nb.cells[1].source


def test_stamping_twice_leaves_one_badge():
    stamp = StampColab(repository="ann/dlb")
    nb, _ = stamp.preprocess(stamp.preprocess(notebook(), RESOURCES)[0], RESOURCES)
    assert nb.cells[0].source.count("Open In Colab") == 1


def test_a_repository_that_is_not_owner_slash_name_is_refused_with_what_to_set():
    with pytest.raises(ValueError, match="COURSE_REPOSITORY"):
        StampColab(repository="not a repository").preprocess(notebook(), RESOURCES)


def test_the_placeholder_repository_gets_a_warning_that_says_what_to_set(caplog):
    stamp = StampColab(repository=PLACEHOLDER_REPOSITORY)
    with caplog.at_level("WARNING", logger=stamp.log.name):
        stamp.preprocess(notebook(), RESOURCES)
    assert "COURSE_REPOSITORY" in caplog.text and "nbgrader_config.py" in caplog.text
    assert placeholder_warning("ann/dlb") is None


def test_make_release_reads_the_repository_from_the_course_config():
    assert configured_repository(ROOT) == PLACEHOLDER_REPOSITORY  # what the course ships with, until set


@pytest.mark.parametrize(("line", "blank"), [
    ("W1 = np.array([[1, 2], [3, 4]])  # SOLUTION", "W1 = ..."),
    ("    w, b = train(X, y)  # SOLUTION", "    w, b = ..."),
    ("total += step(x) # SOLUTION", "total += ..."),
    ("config['rate'] = 0.1  # SOLUTION", "config['rate'] = ..."),
    ("    return np.maximum(0, x)  # SOLUTION", "    return ..."),
    ("model.fit(x, y, epochs=3)  # SOLUTION", "..."),
    ("print(a == b)  # SOLUTION", "..."),
    ("x = 1  # not a solution", "x = 1  # not a solution"),
])
def test_an_inline_solution_line_keeps_what_it_defines(line, blank):
    assert blank_inline_solution(line) == blank


def test_inline_solutions_and_solution_blocks_are_both_cleared():
    cell = nbgrader_cell("W1 = np.eye(2)  # SOLUTION\nb1 = np.zeros(2)  # SOLUTION\nprint(W1 @ [1, 1] + b1)",
                         "ex1_weights", solution=True)
    block = nbgrader_cell("def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION", "ex2_f",
                          solution=True)
    nb, _ = ClearSolutionsInline(code_stub={"python": "..."}).preprocess(new_notebook(cells=[cell, block]),
                                                                        {"language": "python"})
    assert nb.cells[0].source == "W1 = ...\nb1 = ...\nprint(W1 @ [1, 1] + b1)"
    assert nb.cells[1].source == "def f(x):\n    ..."


def test_the_self_check_cell_reruns_the_test_cells_by_exercise():
    nb, _ = AddSelfCheck().preprocess(notebook(), RESOURCES)
    self_check = nb.cells[-1]
    assert self_check.id == "self-check" and "checks.self_check(globals()" in self_check.source
    assert "'1. Doubling (1 point)'" in self_check.source and "'ex1_f_test'" in self_check.source


def test_feedback_replaces_hidden_tests_and_drops_what_repeats_them():
    nb = notebook()
    test = nb.cells[4]
    test.outputs = [
        new_output("error", ename="AssertionError", evalue="f(12345) is wrong",
                   traceback=["Cell In[5], line 4", "----> 4 assert f(secret_input) == 2 * secret_input"]),
        new_output("stream", name="stdout", text="secret_input = 12345\n"),
    ]
    nb, _ = HideHiddenTests().preprocess(nb, {})
    assert "secret_input" not in test.source and NOTE.strip() in test.source
    assert all("secret_input" not in frame for frame in test.outputs[0].traceback)
    assert test.outputs[0].evalue == "f(12345) is wrong", "the message of the failing check stays"
    assert "[output removed" in test.outputs[1].text


def test_feedback_shows_no_output_of_student_cells_after_the_first_hidden_test():
    nb = notebook()
    first_hidden = next(i for i, cell in enumerate(nb.cells) if "BEGIN HIDDEN TESTS" in cell.source)
    before, after = new_code_cell("print(seen)"), new_code_cell("print(seen)")
    for cell in (before, after):
        cell.outputs = [new_output("stream", name="stdout", text="[12345]\n")]
    nb.cells.insert(first_hidden + 1, after)
    nb.cells.insert(first_hidden, before)
    nb, _ = HideHiddenTests().preprocess(nb, {})
    assert before.outputs[0].text == "[12345]\n", "outputs before any hidden test stay"
    assert after.outputs[0].text.startswith("[output not shown in feedback: your cells after a hidden test")


def test_unsafe_grading_starts_no_sandbox_and_grading_sees_only_the_runtime(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert CheckedExecute(unsafe=True).sandbox().backend.isolated is False
    read_only, env = CheckedExecute()._visible()
    inside = set(read_only.values())
    assert any(path.endswith("/course") for path in inside), "the student-side helpers are visible"
    assert not any(path.endswith("/grader") for path in inside), "the grader is added for the checker only"
    assert env["HOME"] == "/home/student" and "COURSE_CHANNEL_FD" not in env


def test_do_submissions_graded_at_once_share_the_cores_among_their_tensorflow_threads(tmp_path, monkeypatch):
    from grader.sandbox import pool

    monkeypatch.setattr(pool, "_cores", lambda: 8)
    for name in pool.TF_THREADS:
        monkeypatch.delenv(name, raising=False)
    assert pool.tensorflow_threads(1) == {}, "one submission at a time keeps TensorFlow's default"
    assert pool.tensorflow_threads(4) == {name: "2" for name in pool.TF_THREADS}
    assert pool.tensorflow_threads(16) == {name: "1" for name in pool.TF_THREADS}
    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", "3")
    assert pool.tensorflow_threads(4)["TF_NUM_INTRAOP_THREADS"] == "3", "a setting in the environment wins"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TF_NUM_INTEROP_THREADS", "1")
    _, env = CheckedExecute()._visible()
    assert env["TF_NUM_INTRAOP_THREADS"] == "3" and env["TF_NUM_INTEROP_THREADS"] == "1", "the kernels get them"
