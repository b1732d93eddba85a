"""Release-time additions for students in Colab, run by `nbgrader generate_assignment` (see nbgrader_config.py).

- `StampColab` (first): an "Open in Colab" badge in the title cell, and the course repository in the setup
  cell's install command. It runs before nbgrader saves the cells, so the gradebook holds what students get.
- `AddSelfCheck` (last): a final cell that re-runs the notebook's visible tests and prints a summary,
  because Colab has no nbgrader Validate button. Hidden tests are already stripped when it runs.
"""
from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_code_cell
from traitlets import Bool, Unicode

__all__ = ["AddSelfCheck", "StampColab", "badge_markdown", "install_command"]

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
_BADGE_LINE = re.compile(r"^\[!\[Open in Colab\].*\n?", re.M | re.I)  # replaced, never doubled
_INSTALL_URL = re.compile(r"git\+https://github\.com/[^@\"'\s]+@[^\"'\s]+")


def install_command(repository: str, branch: str) -> str:
    """The pip line the setup cell runs in Colab: only the course package; TensorFlow and numpy stay as they are."""
    return f'install --quiet "dl-basics-course @ git+https://github.com/{repository}@{branch}"'


def badge_markdown(repository: str, branch: str, path: str) -> str:
    url = f"https://colab.research.google.com/github/{repository}/blob/{branch}/{path}"
    return f"[![Open In Colab]({BADGE_IMAGE})]({url})"


class StampColab(Preprocessor):
    """Write the course repository into the badge and the setup cell of a release notebook."""

    enabled = Bool(True).tag(config=True)  # nbconvert preprocessors are off by default

    repository = Unicode(help="GitHub owner/name of the course repository").tag(config=True)
    branch = Unicode("main", help="branch students open the notebooks from").tag(config=True)

    def preprocess(self, nb, resources):
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", self.repository):
            raise ValueError(f"StampColab.repository must be 'owner/name' (got {self.repository!r}); "
                             "set COURSE_REPOSITORY in nbgrader_config.py")
        aid = resources["nbgrader"]["assignment"]
        notebook = resources["nbgrader"]["notebook"]
        badge = badge_markdown(self.repository, self.branch, f"release/{aid}/{notebook}.ipynb")
        title = next(cell for cell in nb.cells if cell.cell_type == "markdown")
        title.source = badge + "\n\n" + _BADGE_LINE.sub("", title.source).lstrip("\n")
        url = f"git+https://github.com/{self.repository}@{self.branch}"
        for cell in nb.cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "setup":
                cell.source = _INSTALL_URL.sub(url, cell.source)
        return nb, resources


class AddSelfCheck(Preprocessor):
    """Append the self-check cell: every visible test, grouped by the exercise (section) it belongs to."""

    enabled = Bool(True).tag(config=True)  # nbconvert preprocessors are off by default

    def preprocess(self, nb, resources):
        tests, section = [], ""
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                headings = [line[3:].strip() for line in cell.source.splitlines() if line.startswith("## ")]
                section = headings[-1] if headings else section
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and cell.cell_type == "code":
                tests.append((section, meta["grade_id"], cell.source))
        lines = ["# @title Self-check: run this cell to re-run every visible test above (not graded) "
                 '{ display-mode: "form" }',
                 "checks.self_check(globals(), ["]
        lines += [f"    ({section!r}, {grade_id!r}, {source!r})," for section, grade_id, source in tests]
        lines.append("])")
        cell = new_code_cell("\n".join(lines), metadata={"jupyter": {"source_hidden": True}})
        cell["id"] = "self-check"
        nb.cells.append(cell)
        return nb, resources
