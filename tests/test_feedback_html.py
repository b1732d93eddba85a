"""Does anything a student wrote run in the browser of whoever opens their feedback page? (grader/feedback.py)

The unit tests feed `SanitizeActiveContent` the usual ways of running code from a page. The end-to-end tests
open the feedback page of the classroom's `html_injection` student (tests/classroom.py: a script, an event
handler, and the same in a markdown cell, graded with the real `make grade`) in headless Chromium, where each
would mark the page's body if it ran. The control exports the same autograded notebook with nbgrader's own
feedback template and no sanitizer, and there they do run.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import nbformat
import pytest

from conftest import ASSIGNMENTS
from grader.feedback import REMOVED, SanitizeActiveContent, inert_html
from test_pipeline import CHROMIUM, screenshot

ATTACKS = [
    '<script>alert(1)</script>', '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>',
    '<svg onload="alert(1)"></svg>', '<iframe src="https://example.org"></iframe>', '<body onload="alert(1)">',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>', '<style>*{display:none}</style>',
    '<form action="https://example.org"><input name="x"></form>', '<object data="x.swf"></object>',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_is_every_way_of_running_code_removed(attack):
    cleaned = inert_html(f"<p>before {attack} after</p>").lower()
    assert all(word not in cleaned for word in ("<script", "onerror", "onload", "javascript:", "<svg", "<iframe",
                                                  "data:text", "<style", "<form", "<input", "<object", "alert")), cleaned
    assert "before" in cleaned and "after" in cleaned


def test_do_formatting_tables_and_images_survive():
    html = ('<h2>Title</h2><p><strong>b</strong> <em>i</em> <code>c</code></p><table><tbody><tr><td colspan="2">1</td>'
            '</tr></tbody></table><img src="data:image/png;base64,iVBOR" alt="plot"><a href="https://keras.io">Keras</a>')
    assert inert_html(html) == html


def outputs_after(*outputs):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x")]
    nb.cells[0].outputs = [nbformat.v4.new_output("display_data", data=data) for data in outputs]
    return SanitizeActiveContent().preprocess(nb, {})[0].cells[0].outputs


def test_does_an_interactive_figure_become_a_note_and_a_picture_stay():
    plotly, javascript, svg, png = outputs_after(
        {"text/html": "<div id='f'></div><script>Plotly.newPlot('f')</script>", "application/vnd.plotly.v1+json": {}},
        {"application/javascript": "alert(1)"}, {"image/svg+xml": "<svg/>", "text/plain": "<Figure>"},
        {"image/png": "iVBOR", "text/plain": "<Figure>"})
    assert plotly.data == {"text/html": f"<div></div><p><em>{REMOVED}</em></p>"}
    assert javascript.data == {"text/plain": REMOVED}
    assert svg.data == {"text/plain": "<Figure>"} and png.data == {"image/png": "iVBOR", "text/plain": "<Figure>"}


def test_is_a_markdown_cell_rendered_inert_and_kept_readable():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Notes\n\nMy **answer**, $x^2$ <img src=x onerror=alert(1)> a < b")]
    source = SanitizeActiveContent().preprocess(nb, {})[0].cells[0].source
    assert "onerror" not in source and "<strong>answer</strong>" in source and "$x^2$" in source
    assert "a &lt; b" in source and source.startswith("<h2")


def body_tag(page: Path, profile: Path) -> str:
    """The page's <body ...> tag after headless Chromium has loaded the page and run what it runs (the code on
    the page shows the attack's source as text, so only the tag tells whether it ran)."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `apt-get install chromium` (Debian's package)")
    dom = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-background-networking", f"--user-data-dir={profile}",
                           "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
                          check=True, capture_output=True, text=True, timeout=180).stdout
    return re.search(r"<body[^>]*>", dom).group(0)


@pytest.mark.slow
@pytest.mark.quick
def test_does_no_student_script_or_handler_run_in_the_feedback_page(classroom, tmp_path):
    page = classroom / "feedback" / "html_injection" / ASSIGNMENTS[0] / f"{ASSIGNMENTS[0]}.html"
    assert "data-pwned" not in body_tag(page, tmp_path / "profile"), f"student code ran in {page}"
    html = page.read_text()
    assert "<strong>my answer</strong>" in html and "<strong>notes</strong>" in html, "the student's formatting stays"
    png = tmp_path / "feedback.png"
    pixels = screenshot(page, png, tmp_path / "profile-shot").convert("L")
    assert sum(1 for value in pixels.getdata() if value < 128) > 5000, f"the feedback page looks blank: see {png}"


@pytest.mark.slow
@pytest.mark.quick
def test_control_without_the_sanitizer_the_same_notebook_runs_them(classroom, tmp_path):
    """The real `nbgrader generate_feedback` of the same graded submission, with SanitizeActiveContent taken out."""
    import shutil

    from grader import pipeline

    aid, root = ASSIGNMENTS[0], tmp_path / "course"
    shutil.copytree(classroom / "source" / aid, root / "source" / aid)
    shutil.copytree(classroom / "autograded" / "html_injection", root / "autograded" / "html_injection")
    shutil.copy(classroom / "gradebook.db", root)
    config = (classroom / "nbgrader_config.py").read_text()
    (root / "nbgrader_config.py").write_text(config + '\nc.GenerateFeedback.preprocessors = [step for step in '
                                             'c.GenerateFeedback.preprocessors if "Sanitize" not in step]\n')
    pipeline.nbgrader(root, "generate_feedback", aid, "--student", "html_injection")
    page = root / "feedback" / "html_injection" / aid / f"{aid}.html"
    assert "data-pwned" in body_tag(page, tmp_path / "profile"), "the attack must work without the defence"
