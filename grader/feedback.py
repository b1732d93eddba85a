"""Feedback that students can keep without learning the hidden tests (run by `nbgrader generate_feedback`).

nbgrader's feedback shows every test cell in full, hidden tests included. `HideHiddenTests` replaces each
hidden region with a one-line note, shortens errors in test cells to their message (a traceback would
quote hidden lines), and removes any output that repeats a line of hidden-test code (student code can
print the cells that run after it). The messages of course.checks say what failed without the code.
"""
from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_output
from traitlets import Bool

__all__ = ["HideHiddenTests", "hidden_lines"]

HIDDEN = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS[ \t]*\n?", re.S)
NOTE = "# Hidden tests ran here. Their code is not shown; a failure above or below gives their message.\n"


def hidden_lines(nb) -> set[str]:
    """The lines of hidden-test code that would give a test away: not blank, not comments, and not also
    visible somewhere in the notebook."""
    lines = set()
    for cell in nb.cells:
        for region in HIDDEN.findall(cell.source):
            lines |= {line.strip() for line in region.splitlines()[1:-1]
                      if len(line.strip()) > 3 and not line.strip().startswith("#")}
    visible = {line.strip() for cell in nb.cells for line in HIDDEN.sub("", cell.source).splitlines()}
    return lines - visible


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
HIDDEN_FRAME = "(a hidden test ran your code here; its code is not shown)"


def _reveals(text: str, secret: set[str]) -> bool:
    plain = _ANSI.sub("", text)
    return any(line in plain for line in secret)


def _output_text(output) -> str:
    if output.output_type == "stream":
        return output.get("text", "")
    return "\n".join(str(value) for value in output.get("data", {}).values())


class HideHiddenTests(Preprocessor):

    enabled = Bool(True).tag(config=True)  # nbconvert preprocessors are off by default

    def preprocess(self, nb, resources):
        secret = hidden_lines(nb)
        for cell in nb.cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade", False):
                cell.source = HIDDEN.sub(NOTE, cell.source)
            if cell.cell_type == "code":
                cell.outputs = [self._without_secrets(output, secret) for output in cell.outputs]
        return nb, resources

    @staticmethod
    def _without_secrets(output, secret: set[str]):
        if output.output_type == "error":
            # Frames that quote a hidden test are replaced; the student's own frames and the message stay.
            output.traceback = [HIDDEN_FRAME if _reveals(frame, secret) else frame for frame in output.traceback]
            if _reveals(output.evalue, secret):
                output.evalue = "(message not shown: it quoted hidden test code)"
            return output
        if _reveals(_output_text(output), secret):
            return new_output("stream", name="stdout", text="[output removed: it repeated hidden test code]\n")
        return output
