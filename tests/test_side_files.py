"""The rules for copying back the files a notebook wrote (grader/checker/side_files.py; no notebooks).

tests/test_sandbox.py grades a notebook that writes such files through the real `nbgrader autograde`.
"""
from __future__ import annotations

import base64
import json
import logging

from grader.checker import side_files
from grader.checker.side_files import MAX_FILE_BYTES, plan, refusal


def entry(name, link=False, regular=True, folder=False, size=10):
    return [name, link, regular, folder, size]


def test_which_entries_are_refused_and_why():
    assert refusal(*entry("results.csv")) is None
    assert refusal(*entry("../x")) == refusal(*entry("a/b")) == refusal(*entry("..")) == "not a plain file name"
    assert refusal(*entry("bad\nname")) == refusal(*entry(3)) == "not a plain file name"
    assert refusal(*entry(".bashrc")) == "a hidden file (ignored)"
    assert refusal(*entry("x", link=True)) == "a link"
    assert refusal(*entry("x", regular=False, folder=True)).startswith("a folder")
    assert refusal(*entry("pipe", regular=False)) == "not a regular file"
    assert refusal(*entry("timestamp.txt")) == refusal(*entry("other.ipynb")) == "a name nbgrader uses"
    assert refusal(*entry("big.bin", size=MAX_FILE_BYTES + 1)) == "over 10 MiB"
    assert refusal(*entry("x", size="10")) == "over 10 MiB"  # a lie about the size is refused, not trusted
    assert refusal(*entry("x", link="no")) == "a link"  # anything but False


def test_plan_skips_the_submissions_files_and_refuses_what_exists(tmp_path):
    (tmp_path / "old.csv").write_text("kept")
    chosen, left_out = plan([entry("nb.ipynb"), entry("old.csv"), entry("new.csv"), entry(".ipython", folder=True),
                             "garbage"], tmp_path, submitted={"nb.ipynb"})
    assert chosen == ["new.csv"]
    assert left_out["old.csv"] == "already in the folder" and "nb.ipynb" not in left_out and ".ipython" not in left_out
    assert left_out["'garbage'"] == "not an entry of a listing"


def test_plan_caps_the_count_and_the_total(tmp_path):
    many = [entry(f"f{i:02d}.txt") for i in range(side_files.MAX_FILES + 3)]
    chosen, left_out = plan(many, tmp_path, set())
    assert len(chosen) == side_files.MAX_FILES and len(left_out) == 3
    heavy = [entry(f"h{i}.bin", size=MAX_FILE_BYTES) for i in range(3)]
    chosen, left_out = plan(heavy, tmp_path, set())
    assert len(chosen) == 2 and list(left_out.values()) == ["over 25 MiB in all"]
    assert plan({"not": "a list"}, tmp_path, set())[0] == []


def reply(value):
    return {"content": {"user_expressions": {"x": {"status": "ok", "data": {"text/plain": repr(value)}}}}}


def test_copy_back_writes_new_files_only_and_logs_what_it_left_out(tmp_path, caplog):
    files = {"a.csv": b"1,2\n", "b.png": bytes(range(256))}
    listing = [entry(name, size=len(data)) for name, data in files.items()] + [entry("link", link=True)]

    def ask(expression):
        if expression == side_files.LISTING:
            return reply(json.dumps(listing))
        name = next(name for name in files if repr(name) in expression)
        return reply(base64.b64encode(files[name]).decode())

    with caplog.at_level(logging.INFO):
        side_files.copy_back(ask, tmp_path, set(), logging.getLogger("test"))
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == files
    assert "copied a.csv, b.png; left out link (a link)" in caplog.text


def test_copy_back_never_runs_what_the_kernel_answers(tmp_path, caplog):
    """An answer is read as a literal: an expression in it is refused, not evaluated."""
    def ask(expression):
        return {"content": {"user_expressions": {"x": {"status": "ok",
                                                       "data": {"text/plain": "__import__('os').getcwd()"}}}}}

    side_files.copy_back(ask, tmp_path, set(), logging.getLogger("test"))
    assert not list(tmp_path.iterdir()) and "did not list them" in caplog.text


def test_a_file_larger_than_announced_is_refused(tmp_path, caplog):
    def ask(expression):
        if expression == side_files.LISTING:
            return reply(json.dumps([entry("small.bin", size=1)]))
        return reply(base64.b64encode(bytes(MAX_FILE_BYTES + 1)).decode())

    side_files.copy_back(ask, tmp_path, set(), logging.getLogger("test"))
    assert not list(tmp_path.iterdir()) and "small.bin (could not be read (over 10 MiB))" in caplog.text


def test_a_kernel_that_stops_answering_costs_one_wait(tmp_path, caplog):
    asked = []

    def ask(expression):
        asked.append(expression)
        if expression == side_files.LISTING:
            return reply(json.dumps([entry("a.csv"), entry("b.csv")]))
        raise TimeoutError("no answer within 10 s")

    side_files.copy_back(ask, tmp_path, set(), logging.getLogger("test"))
    assert len(asked) == 2 and "a.csv (could not be read (no answer within 10 s))" in caplog.text


def test_malformed_replies_are_refused(tmp_path, caplog):
    for bad in ({}, {"content": "x"}, {"content": {"user_expressions": {"x": {"status": "ok", "data": 3}}}}):
        side_files.copy_back(lambda expression: bad, tmp_path, set(), logging.getLogger("test"))
    assert not list(tmp_path.iterdir()) and caplog.text.count("did not list them") == 3
