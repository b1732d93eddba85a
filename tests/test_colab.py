"""Do students in Colab get a working badge, a setup cell that installs only the course package (and only
in Colab), a package that fits Colab's stack, and a self-check that tells them where they stand?"""
from __future__ import annotations

import re
import sys
import tomllib
import types
from importlib.metadata import version

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from nbclient import NotebookClient
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from traitlets.config.loader import PyFileConfigLoader

from conftest import ALL_ASSIGNMENTS as ASSIGNMENTS, ROOT
from grader import release as colab

CONFIG = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
REPOSITORY, BRANCH = CONFIG.StampColab.repository, CONFIG.StampColab.branch
COLAB_STACK = {"python": "3.13", "tensorflow": "2.20.0", "keras": "3.13.0", "numpy": "2.1.0"}


def release_notebook(aid):
    return nbformat.read(ROOT / "release" / aid / f"{aid}.ipynb", as_version=4)


def setup_source(aid) -> str:
    return next(c.source for c in release_notebook(aid).cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_the_badge_opens_this_notebook_from_the_course_repository(aid):
    title = release_notebook(aid).cells[0].source
    url = f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/release/{aid}/{aid}.ipynb"
    assert title.startswith(f"[![Open In Colab]({colab.BADGE_IMAGE})]({url})")


def run_setup_cell(aid, monkeypatch, *, in_colab: bool, grading: bool) -> list[str]:
    """Run the release's setup cell the way IPython would; return the %pip commands it asked for."""
    calls = []
    fake_ipython = types.SimpleNamespace(run_line_magic=lambda name, line: calls.append(f"%{name} {line}"))
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    if grading:
        monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    else:
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    python = TransformerManager().transform_cell(setup_source(aid))
    exec(compile(python, "<setup cell>", "exec"), {"get_ipython": lambda: fake_ipython})
    return calls


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_in_colab_the_setup_cell_installs_only_the_course_package(aid, monkeypatch):
    calls = run_setup_cell(aid, monkeypatch, in_colab=True, grading=False)
    assert calls == [f"%pip {colab.install_command(REPOSITORY, BRANCH)}"]
    assert calls[0] == f'%pip install --quiet "dl-basics-course @ git+https://github.com/{REPOSITORY}@{BRANCH}"'


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_locally_and_while_grading_the_setup_cell_installs_nothing(aid, monkeypatch):
    assert run_setup_cell(aid, monkeypatch, in_colab=False, grading=False) == []
    assert run_setup_cell(aid, monkeypatch, in_colab=True, grading=True) == []


def requirements() -> dict[str, Requirement]:
    lines = (line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines())
    return {req.name: req for req in map(Requirement, filter(None, lines))}


def test_the_course_package_pins_nothing_colab_already_has():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert SpecifierSet(project["requires-python"]).contains(COLAB_STACK["python"])
    for line in project["dependencies"]:
        requirement = Requirement(line)
        assert requirement.name not in ("tensorflow", "keras"), "the package must not install TensorFlow/Keras"
        if requirement.name in COLAB_STACK:
            assert not requirement.specifier, f"{line}: Colab's {requirement.name} must not be re-installed"


@pytest.mark.parametrize("name", ["tensorflow", "keras", "numpy"])
def test_requirements_admit_both_colab_and_this_machine(name):
    specifier = requirements()[name].specifier
    assert specifier.contains(COLAB_STACK[name]), f"requirements.txt: {name}{specifier} excludes Colab's version"
    assert specifier.contains(version(name)), f"requirements.txt: {name}{specifier} excludes the installed one"


def self_check_output(nb) -> str:
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(ROOT / "release" / ASSIGNMENTS[0])}})
    client.execute()
    return "".join(o.get("text", "") for o in nb.cells[-1].outputs)


@pytest.mark.slow
@pytest.mark.quick
def test_the_self_check_summarises_the_visible_tests_per_exercise():
    from grader import pipeline

    aid = ASSIGNMENTS[0]
    released = ROOT / "release" / aid / f"{aid}.ipynb"
    blank = self_check_output(pipeline.blank_submission(released))
    solved = self_check_output(pipeline.solved_submission(released, ROOT / "source" / aid / f"{aid}.ipynb"))
    exercises = len(re.findall(r"^## .*points?\)", "\n".join(c.source for c in release_notebook(aid).cells), re.M))
    assert f"0 of {exercises} exercises pass" in blank and "[FAIL]" in blank and "replace the `...`" in blank
    assert f"{exercises} of {exercises} exercises pass" in solved and "[FAIL]" not in solved
