"""Release-time additions for students in Colab, run by `nbgrader generate_assignment` (see nbgrader_config.py).

- `StampColab` (first): an "Open in Colab" badge in the title cell, and the course repository in the setup
  cell's install command. It runs before nbgrader saves the cells, so the gradebook holds what students get.
- `ClearSolutionsInline` (in place of nbgrader's ClearSolutions): also blanks single lines marked `# SOLUTION`,
  keeping what they define, so `W1 = np.eye(2)  # SOLUTION` becomes `W1 = ...` rather than a bare `...`.
- `AddSelfCheck` (last): a final cell that re-runs the notebook's visible tests and prints a summary,
  because Colab has no nbgrader Validate button. Hidden tests are already stripped when it runs.
"""
from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import ClearSolutions
from nbformat.v4 import new_code_cell
from traitlets import Bool, Unicode

__all__ = ["PLACEHOLDER_REPOSITORY", "AddSelfCheck", "ClearSolutionsInline", "StampColab", "badge_markdown",
           "blank_inline_solution", "configured_repository", "install_command", "placeholder_warning"]

# What nbgrader_config.py ships with: a repository that does not exist, until a course sets its own.
PLACEHOLDER_REPOSITORY = "deep-learning-basics/deep-learning-basics"

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
_BADGE_LINE = re.compile(r"^\[!\[Open in Colab\].*\n?", re.M | re.I)  # replaced, never doubled
_INSTALL_URL = re.compile(r"git\+https://github\.com/[^@\"'\s]+@[^\"'\s]+")


def install_command(repository: str, branch: str) -> str:
    """The pip line the setup cell runs in Colab: only the course package; TensorFlow and numpy stay as they are."""
    return f'install --quiet "dl-basics-course @ git+https://github.com/{repository}@{branch}"'


def placeholder_warning(repository: str) -> str | None:
    """A warning while COURSE_REPOSITORY is still the placeholder; None once it names a real repository."""
    if repository != PLACEHOLDER_REPOSITORY:
        return None
    return (f"warning: COURSE_REPOSITORY is still the placeholder {repository!r}. The Colab badge and the setup "
            "cell's install line point at a repository that does not exist, so students in Colab cannot install "
            "the course package. Set COURSE_REPOSITORY in nbgrader_config.py to your course's GitHub owner/name "
            "and run `make release` again.")


def configured_repository(root) -> str:
    """The StampColab.repository that nbgrader_config.py in the course root `root` sets."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config().StampColab.repository


def badge_markdown(repository: str, branch: str, path: str) -> str:
    url = f"https://colab.research.google.com/github/{repository}/blob/{branch}/{path}"
    return f"[![Open In Colab]({BADGE_IMAGE})]({url})"


_INLINE_SOLUTION = re.compile(r"^(?P<indent>\s*)(?P<code>.*?)\s*#\s*SOLUTION\s*$")
_ASSIGNED = re.compile(r"^(?P<target>[\w.\[\]'\", *]+?)\s*(?P<op>[-+*/@%]?=)(?!=)")


def blank_inline_solution(line: str) -> str:
    """`x = expr  # SOLUTION` -> `x = ...`, `return expr  # SOLUTION` -> `return ...`, anything else -> `...`."""
    match = _INLINE_SOLUTION.match(line)
    if not match:
        return line
    indent, code = match["indent"], match["code"]
    if code.startswith("return ") or code == "return":
        return f"{indent}return ..."
    if assigned := _ASSIGNED.match(code):
        return f"{indent}{assigned['target'].strip()} {assigned['op']} ..."
    return f"{indent}..."


class ClearSolutionsInline(ClearSolutions):
    """nbgrader's ClearSolutions, plus Otter-style `# SOLUTION` lines (see the module docstring)."""

    # nbgrader has no public hook for this: preprocess_cell stubs a whole solution cell unless this method
    # reports a replaced region, so inline lines must be counted here.
    def _replace_solution_region(self, cell, language):
        lines = cell.source.split("\n")
        blanked = [blank_inline_solution(line) for line in lines]
        inline = cell.cell_type == "code" and blanked != lines
        if inline:
            cell.source = "\n".join(blanked)
        return super()._replace_solution_region(cell, language) or inline


class StampColab(Preprocessor):
    """Write the course repository into the badge and the setup cell of a release notebook."""

    enabled = Bool(True).tag(config=True)  # nbconvert preprocessors are off by default

    repository = Unicode(help="GitHub owner/name of the course repository").tag(config=True)
    branch = Unicode("main", help="branch students open the notebooks from").tag(config=True)

    def preprocess(self, nb, resources):
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", self.repository):
            raise ValueError(f"StampColab.repository must be 'owner/name' (got {self.repository!r}); "
                             "set COURSE_REPOSITORY in nbgrader_config.py")
        if warning := placeholder_warning(self.repository):
            self.log.warning(warning)
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
