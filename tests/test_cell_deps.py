"""Which cells does an answer variant make run again? (tests/cell_deps.py; no kernel)"""
from __future__ import annotations

from cell_deps import dependent_cells, names

STABLE = {"np", "checks"}


def rerun(cells, start="def f(x):\n    return x\n", variant="def f(x):\n    return -x\n"):
    return [cells[i][0] for i in dependent_cells(cells, [start, variant], STABLE)]


def test_are_names_read_inside_functions_and_comprehensions_told_from_their_own():
    found = names("def g(p, q=r):\n    global G\n    G = p + s\n    return [t for t in p]\nh = {k: v for k, v in d.items()}")
    assert found.reads == {"r", "s", "d"} and found.binds == {"g", "G", "h"} and found.defines == {"g"}
    assert names("import os\nif os.name:\n    %pip install x\n").binds == {"os"}, "a magic is IPython's, not a name"
    assert not names("def f(:\n").parsed


def test_does_a_test_that_reads_what_the_variant_defines_run_again_and_one_that_does_not_keep_its_score():
    cells = [("y = f(data)", False), ("checks.check_close(y, 1)", True),
             ("z = load()", False), ("checks.check_close(g(z), 2)", True)]
    assert rerun(cells) == ["y = f(data)", "checks.check_close(y, 1)"]


def test_does_a_cell_that_binds_what_a_rerun_test_reads_run_again_to_undo_an_earlier_variant():
    cells = [("model = build()", False), ("checks.check_close(f(model), 1)", True)]
    assert rerun(cells) == ["model = build()", "checks.check_close(f(model), 1)"]


def test_is_an_array_a_variant_may_change_in_place_followed_to_the_tests_that_read_it():
    cells = [("f(arr)", False), ("checks.check_close(arr, 0)", True), ("checks.check_close(h(3), 3)", True)]
    assert rerun(cells) == ["f(arr)", "checks.check_close(arr, 0)"]


def test_does_a_try_it_cell_that_calls_the_variant_run_again_though_no_test_reads_what_it_shows():
    # It may draw random numbers with the variant that the cells after it start from, as they do in grading.
    cells = [("curves = [f(x) for x in xs]\nplots.show(curves)", False), ("checks.check_close(f(3), 3)", True)]
    assert rerun(cells) == [source for source, _ in cells]


def test_does_code_that_cannot_be_parsed_or_holds_a_magic_always_run_again():
    assert rerun([("y = (1", False), ("checks.check_close(h(1), 1)", True)]) == ["y = (1"]
    assert rerun([("%time y = 1", False), ("checks.check_close(h(1), 1)", True)]) == ["%time y = 1"]


def test_does_a_name_only_the_variant_defines_count():
    cells = [("checks.check_close(helper(1), 1)", True)]
    assert rerun(cells, variant="def helper(x):\n    return x\n\ndef f(x):\n    return helper(x)\n") == [cells[0][0]]
