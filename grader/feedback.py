"""Feedback that students can keep without learning the hidden tests (run by `nbgrader generate_feedback`).

nbgrader's feedback shows every test cell in full, hidden tests included. `HideHiddenTests` replaces each
hidden region with a one-line note, shortens errors in test cells to their message (a traceback would
quote hidden lines), removes any output that repeats a line of hidden-test code (student code can print the
cells that run after it), and shows no output of the student's own cells after the first hidden test (student
code can record the inputs a hidden test calls it with, and print them in a later cell). The messages of
course.checks say what failed without the code.

`SanitizeActiveContent` keeps the page inert: instructors and teaching assistants open feedback pages in their
own browser, and students wrote part of them. Markdown and HTML keep their formatting, tables and images;
scripts, event handlers, styles, frames, forms, SVG and widgets go (nbconvert's own `sanitize_html` would also
turn the instructor's headings into escaped text, and nbgrader's feedback template ignores it for markdown).
"""
from __future__ import annotations

import re

import bleach
from nbconvert.filters.markdown import markdown2html
from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_output
from traitlets import Bool

__all__ = ["HideHiddenTests", "SanitizeActiveContent", "hidden_lines", "inert_html"]

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


AFTER_HIDDEN = ("[output not shown in feedback: your cells after a hidden test could print what that test passed "
                "to your code; your own notebook shows it]\n")
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
        after_hidden = False
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type == "code" and after_hidden and not (meta.get("grade") or meta.get("locked")):
                # Student code may have kept what a hidden test passed it, and print it here.
                cell.outputs = [new_output("stream", name="stdout", text=AFTER_HIDDEN)] if cell.outputs else []
            if meta.get("grade", False):
                after_hidden = after_hidden or bool(HIDDEN.search(cell.source))
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


TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "samp", "small",
        "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
ATTRIBUTES = {"*": ["class", "title"], "a": ["href"], "img": ["src", "alt", "width", "height"],
              "td": ["colspan", "rowspan", "align"], "th": ["colspan", "rowspan", "align"]}
# Output types that are shown as they are: plain text, raster images, LaTeX (MathJax typesets it as maths).
SAFE_OUTPUTS = {"text/plain", "image/png", "image/jpeg", "image/gif", "text/latex"}
REMOVED = "[not shown in feedback: this output ran a script or drew an interactive figure]"


def inert_html(html: str) -> str:
    """`html` with only formatting left: no script, handler, style, frame, form or SVG; links and images only
    to http(s) (and images also inline as data:image)."""
    html = re.sub(r"<(script|style)\b.*?</\1\s*>", "", html, flags=re.S | re.I)  # their text, too
    cleaned = bleach.clean(html, tags=TAGS, attributes=ATTRIBUTES, protocols=["http", "https", "mailto", "data"],
                           strip=True, strip_comments=True)
    # bleach allows data: wherever a protocol may stand; only inline images may use it.
    return re.sub(r'(href|src)="data:(?!image/(png|jpeg|gif);)[^"]*"', r'\1="#"', cleaned)


class SanitizeActiveContent(Preprocessor):

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                # nbgrader's template renders markdown as it is: hand it HTML that is already inert, which
                # markdown passes through unchanged.
                cell.source = inert_html(markdown2html(cell.source))
            elif cell.cell_type == "raw":
                cell.source = inert_html(cell.source)
            elif cell.cell_type == "code":
                cell.outputs = [self._inert(output) for output in cell.outputs]
        return nb, resources

    @staticmethod
    def _inert(output):
        if "data" not in output:
            return output
        data = {}
        for mime, value in output.data.items():
            if mime in SAFE_OUTPUTS:
                data[mime] = value
            elif mime in ("text/html", "text/markdown"):
                text = value if isinstance(value, str) else "".join(value)
                html = text if mime == "text/html" else markdown2html(text)
                cleaned = inert_html(html)
                data["text/html"] = cleaned + (f"<p><em>{REMOVED}</em></p>" if "<script" in html.lower() else "")
        if not data:
            data["text/plain"] = REMOVED
        output.data = data
        output.metadata = {key: value for key, value in output.get("metadata", {}).items() if key in data}
        return output
