"""Run a source notebook once the way grading runs it, then try other answers in it cheaply.

The notebook runs through the grader's own Execute step (grader.checker.execute.CheckedExecute, without the
sandbox): the student's cells in one kernel, the setup and test cells in the checker, joined by the same
wire as in `nbgrader autograde`. Both kernels stay alive. A variant replaces the source of one solution
cell; then, of the code cells up to the last test cell of its `## ` section, only those that depend on it run
again (tests/cell_deps.py: the test cells that read what it defines, and the cells they need), and the test
cells among them are scored the way nbgrader scores them (an error, or stderr that nbgrader_config.py does
not ignore, scores 0). A test cell that reads nothing the variant can change keeps its score.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
from nbgrader.utils import determine_grade, is_grade, is_solution
from traitlets.config.loader import PyFileConfigLoader

from cell_deps import dependent_cells, names
from grader.checker.cells import instructor_cells_from_notebook
from grader.checker.execute import CheckedExecute

ROOT = Path(__file__).resolve().parents[1]


def ignored_stderr_pattern() -> re.Pattern:
    """The stderr pattern nbgrader ignores, read from the course's nbgrader_config.py."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    return re.compile(config.IgnorePattern.pattern)


def starts_section(cell) -> bool:
    """A markdown cell with a `## ` heading on any line (the rule tests/course_copy.py also uses)."""
    return cell.cell_type == "markdown" and any(line.startswith("## ") for line in cell.source.splitlines())


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def score(cell, pattern: re.Pattern) -> tuple[float, float]:
    """(points scored, points possible) of an executed test cell, as nbgrader would score it."""
    cell = copy.deepcopy(cell)
    cell.outputs = [o for o in cell.outputs if not (
        o.output_type == "stream" and o.name == "stderr" and pattern.search(o.text))]
    return determine_grade(cell)


def failure_text(cell) -> str:
    """The cell's source and its error or stderr, for pytest messages."""
    shown = [o.get("text", "") if o.output_type == "stream" else "\n".join(o.get("traceback", []))
             for o in cell.outputs if o.output_type in ("error", "stream")]
    return f"--- cell {grade_id(cell)} ---\n{cell.source}\n--- output ---\n" + "\n".join(shown)


class NotebookRun:
    """A notebook executed top to bottom, student's kernel and checker, both alive for variants."""

    def __init__(self, path: Path, timeout: int = 600, env: dict[str, str] | None = None):
        self.path = Path(path)
        self.nb = nbformat.read(self.path, as_version=4)
        self.instructor = instructor_cells_from_notebook(self.nb)
        self.step = CheckedExecute(unsafe=True, timeout=timeout, wall_time_limit=3600, extra_env=env or {})
        # Names no call changes: what the read-only cells (the setup) bind, and every function or class defined.
        code = [cell for cell in self.nb.cells if cell.cell_type == "code"]
        self.stable = set().union(*(names(cell.source).binds for cell in code
                                    if cell.metadata.get("nbgrader", {}).get("locked") and not is_grade(cell)),
                                  *(names(cell.source).defines for cell in code))
        self.resources = {"metadata": {"path": str(self.path.parent)}}
        self.pattern = ignored_stderr_pattern()
        self.scores: dict[str, tuple[float, float]] = {}

    def __enter__(self) -> "NotebookRun":
        self._context = self.step.running(self.nb, self.resources, self.instructor)
        self._context.__enter__()
        for index, cell in enumerate(self.nb.cells):
            self._run(index, cell)
        return self

    def __exit__(self, *exc) -> None:
        self._context.__exit__(*exc)

    def _run(self, index: int, cell) -> None:
        if cell.cell_type != "code":
            return
        self.step.preprocess_cell(cell, self.resources, index)
        if is_grade(cell):
            self.scores[grade_id(cell)] = score(cell, self.pattern)

    def failures(self) -> list[str]:
        """Source and output of every test cell that did not get full marks."""
        return [failure_text(cell) for cell in self.nb.cells
                if is_grade(cell) and cell.cell_type == "code"
                and self.scores[grade_id(cell)][0] != self.scores[grade_id(cell)][1]]

    def section_of(self, solution_id: str) -> range:
        """Indices from the solution cell to its section's last test cell (the section ends at the next `## `
        heading; cells after its last test, such as a demo that trains five models, cannot change a score)."""
        start = next((i for i, c in enumerate(self.nb.cells) if is_solution(c) and grade_id(c) == solution_id), None)
        if start is None:
            raise KeyError(f"{self.path.name} has no solution cell {solution_id!r}")
        end = next((i for i in range(start + 1, len(self.nb.cells)) if starts_section(self.nb.cells[i])),
                   len(self.nb.cells))
        tests = [i for i in range(start, end) if is_grade(self.nb.cells[i])]
        return range(start, tests[-1] + 1 if tests else end)

    def try_variant(self, solution_id: str, source: str) -> dict[str, tuple[tuple[float, float], str]]:
        """Swap in `source`, re-run the cells of the section that depend on it; return {test id: ((score, max),
        failure text)} for the test cells re-run.

        Variants must be tried from the end of the notebook backwards (see `variant_order`): every cell a
        re-run test reads from runs again in its original form, so nothing needs undoing afterwards.
        """
        results = {}
        section = self.section_of(solution_id)
        later = [index for index in section[1:] if self.nb.cells[index].cell_type == "code"]
        cells = [(self.nb.cells[index].source, is_grade(self.nb.cells[index])) for index in later]
        rerun = dependent_cells(cells, [self.nb.cells[section.start].source, source], self.stable)
        self._run_copy(section.start, source, results)
        for position in rerun:
            self._run_copy(later[position], None, results)
        return results

    def _run_copy(self, index: int, source: str | None, results: dict) -> None:
        """Execute a copy of cell `index` (with `source` if given); the notebook keeps its own cell."""
        original = self.nb.cells[index]
        cell = copy.deepcopy(original)
        cell.outputs = []
        if source is not None:
            cell.source = source
        try:
            self.step.preprocess_cell(cell, self.resources, index)  # stores the executed cell in nb.cells[index]
        finally:
            self.nb.cells[index] = original
        if is_grade(cell):
            results[grade_id(cell)] = (score(cell, self.pattern), failure_text(cell))

    def variant_order(self, solution_ids: list[str]) -> list[int]:
        """Positions of `solution_ids` sorted so later cells come first."""
        position = {grade_id(c): i for i, c in enumerate(self.nb.cells) if is_solution(c)}
        return sorted(range(len(solution_ids)), key=lambda k: -position[solution_ids[k]])
