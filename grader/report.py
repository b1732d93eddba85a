"""The grading report for instructors: which checks the class fails, and why.

    reports/grades-by-question.csv   one row per student and assignment, one column per graded cell
    reports/<assignment>.html        one self-contained page per assignment (plotly, works offline)

Everything is read from what grading leaves behind (the gradebook, the autograded notebooks and
reports/grading-log.jsonl), so `python -m grader report` writes it again without grading.
"""
from __future__ import annotations

import csv
import html
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import plotly.io as pio

from grader.base import GradingError, GradingLog, open_gradebook

__all__ = ["PASS_RATE_COLOUR", "write_reports"]

# The pass-rate bars, and nothing else on the page, are drawn in this colour: the screenshot test looks for it.
PASS_RATE_COLOUR = "#0f7b6c"
MOST_FAILED_CHECKS = 5
MESSAGES_PER_CHECK = 3


@dataclass
class Submission:
    """One student's graded assignment: check -> (score, max), in notebook order."""
    student: str
    assignment: str
    scores: dict[str, tuple[float, float]]

    @property
    def total(self) -> float:
        return sum(score for score, _ in self.scores.values())

    @property
    def max(self) -> float:
        return sum(possible for _, possible in self.scores.values())

    def failed(self) -> list[str]:
        return [check for check, (score, possible) in self.scores.items() if score < possible]


def cell_order(notebook: Path) -> list[str]:
    """The grade ids of a notebook's graded cells (tests and tasks), top to bottom; [] if there is no notebook."""
    if not notebook.is_file():
        return []
    cells = nbformat.read(notebook, as_version=4).cells
    return [cell.metadata["nbgrader"]["grade_id"] for cell in cells
            if cell.metadata.get("nbgrader", {}).get("grade") or cell.metadata.get("nbgrader", {}).get("task")]


def read_gradebook(root: Path) -> tuple[dict[str, list[str]], list[Submission]]:
    """Each assignment's checks (the grade ids of its graded cells, in notebook order) and every submission's
    scores. An assignment is one notebook, `<aid>.ipynb`, as everywhere in this course."""
    checks: dict[str, list[str]] = {}
    submissions = []
    with open_gradebook(root) as gradebook:
        for assignment in sorted(gradebook.assignments, key=lambda a: a.name):
            order = cell_order(root / "source" / assignment.name / f"{assignment.name}.ipynb")
            names = {cell.name for notebook in assignment.notebooks
                     for cell in notebook.grade_cells + notebook.task_cells}
            checks[assignment.name] = sorted(names, key=lambda grade_id: (
                order.index(grade_id) if grade_id in order else len(order), grade_id))
            for submitted in sorted(assignment.submissions, key=lambda s: s.student.id):
                found = {grade.name: (grade.score, grade.max_score)
                         for notebook in submitted.notebooks for grade in notebook.grades}
                scores = {check: found[check] for check in checks[assignment.name] if check in found}
                submissions.append(Submission(submitted.student.id, assignment.name, scores))
    return checks, submissions


def error_messages(notebook) -> dict[str, str]:
    """grade id -> "<error name>: <first line of its message>" for every graded cell that raised."""
    messages = {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        errors = [output for output in cell.get("outputs", []) if output.get("output_type") == "error"]
        if meta.get("grade") and errors:
            first_line = (errors[0].get("evalue") or "").strip().split("\n")[0]
            messages[meta["grade_id"]] = f"{errors[0].get('ename', 'Error')}: {first_line}".rstrip(": ")
    return messages


def failure_messages(root: Path, submissions: list[Submission]) -> dict[str, Counter]:
    """check -> how many students failed it with each message, from the autograded notebooks."""
    counts: dict[str, Counter] = {}
    for submission in submissions:
        lost = submission.failed()
        graded = root / "autograded" / submission.student / submission.assignment / f"{submission.assignment}.ipynb"
        if not lost or not graded.is_file():
            continue
        messages = error_messages(nbformat.read(graded, as_version=4))
        for check in lost:
            counts.setdefault(check, Counter())[messages.get(check, "(no error message: see the feedback)")] += 1
    return counts


def pass_rates(checks: list[str], submissions: list[Submission]) -> list[tuple[str, int, int]]:
    """(check, students who passed it, students graded) per check, most-failed first, ties in notebook order.

    A check passes when its score equals its maximum.
    """
    rows = [(check, sum(1 for s in submissions if check in s.scores and check not in s.failed()),
             sum(1 for s in submissions if check in s.scores)) for check in checks]
    return sorted(rows, key=lambda row: row[1] / row[2] if row[2] else 1.0)


def common_failures(rates: list[tuple[str, int, int]], messages: dict[str, Counter],
                    checks: int = MOST_FAILED_CHECKS, per_check: int = MESSAGES_PER_CHECK) -> list[tuple[str, str, int]]:
    """(check, message, students) for the most common messages of the most-failed checks."""
    failed = [check for check, passed, graded in rates if passed < graded][:checks]
    return [(check, message, count) for check in failed
            for message, count in messages.get(check, Counter()).most_common(per_check)]


def csv_table(checks: dict[str, list[str]], submissions: list[Submission]) -> list[list]:
    """The rows of grades-by-question.csv, header first; other assignments' cells are left empty."""
    columns = [f"{aid}/{check}" for aid, names in checks.items() for check in names]
    order = list(checks)
    rows = [["student", "assignment", *columns, "total", "max"]]
    for s in sorted(submissions, key=lambda s: (s.student, order.index(s.assignment))):
        cells = {f"{s.assignment}/{check}": _number(score) for check, (score, _) in s.scores.items()}
        rows.append([spreadsheet_text(s.student), s.assignment, *(cells.get(column, "") for column in columns),
                     _number(s.total), _number(s.max)])
    return rows


def _number(value: float) -> str:
    return f"{value:g}"


def spreadsheet_text(value: str) -> str:
    """A text cell a spreadsheet shows as text: one starting with = + - @ (or a tab or CR) would be run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _table(header: list[str], rows: list[list], empty: str) -> str:
    if not rows:
        return f"<p>{html.escape(empty)}</p>"
    head = "".join(f"<th>{html.escape(str(cell))}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td class=number>{cell}</td>" if isinstance(cell, int)
                                    else f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(figure: go.Figure, height: int, first: bool) -> str:
    figure.update_layout(template="plotly_white", height=height, margin=dict(l=10, r=30, t=10, b=40))
    # The first figure carries plotly.js itself, so the page works offline; the others reuse it.
    return pio.to_html(figure, include_plotlyjs=first, full_html=False, default_height=f"{height}px",
                       config={"displayModeBar": False})


def assignment_page(aid: str, checks: list[str], submissions: list[Submission], messages: dict[str, Counter],
                    log: dict[str, dict], written: datetime) -> str:
    """The HTML page of one assignment. `log` holds its grading-log entries by student."""
    totals = [s.total for s in submissions]
    maximum = max((s.max for s in submissions), default=0)
    not_graded = sorted((student, entry.get("problem") or "no reason recorded")
                        for student, entry in log.items() if not entry.get("graded"))
    mean = statistics.mean(totals) if totals else 0.0
    students = {s.student for s in submissions} | {student for student, _ in not_graded}
    summary = (f"Class of {len(students)}: {len(submissions)} graded, {len(not_graded)} could not be graded. "
               f"Mean score {mean:.1f} / {_number(maximum)}" + (f" ({mean / maximum:.0%})." if maximum else "."))

    scores = go.Figure(go.Histogram(x=totals, xbins=dict(start=-0.5, end=maximum + 0.5, size=1),
                                    marker_color="#8c96a8", hovertemplate="score %{x}: %{y} students<extra></extra>"))
    scores.add_vline(x=maximum, line_dash="dash", line_color="#444", annotation_text=f"max {_number(maximum)}",
                     annotation_position="top left")
    most = max(Counter(round(total) for total in totals).values(), default=1)
    scores.update_layout(xaxis=dict(title="total score", range=[-0.7, maximum + 0.7]),
                         yaxis=dict(title="students", dtick=max(1, -(-most // 5))), bargap=0.1)

    rates = pass_rates(checks, submissions)
    passing = go.Figure(go.Bar(
        x=[100 * passed / graded if graded else 0 for _, passed, graded in rates],
        y=[html.escape(check) for check, _, _ in rates],
        orientation="h", marker_color=PASS_RATE_COLOUR, text=[f"{passed}/{graded}" for _, passed, graded in rates],
        textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x:.0f}% passed<extra></extra>"))
    passing.update_layout(xaxis=dict(range=[0, 105], ticksuffix="%", title="students who passed"),
                          yaxis=dict(autorange="reversed", automargin=True))

    timed = sorted(((student, entry["seconds"]) for student, entry in log.items()
                    if entry.get("seconds") is not None), key=lambda pair: -pair[1])
    if timed:
        runtime = go.Figure(go.Bar(x=[html.escape(student) for student, _ in timed], y=[s for _, s in timed],
                                   marker_color="#8c96a8", hovertemplate="%{x}: %{y:.1f} s<extra></extra>"))
        runtime.update_layout(xaxis=dict(title="submission, slowest first", type="category"), yaxis_title="seconds")
        runtime_html = _figure(runtime, 320, first=False)
    else:
        runtime_html = "<p>The grading log has no runtimes for this assignment (graded before it was kept).</p>"

    no_messages = ("No check failed." if all(passed == graded for _, passed, graded in rates)
                   else "No messages found: the autograded notebooks are missing.")
    title = f"{aid}: grading report, {written:%Y-%m-%d}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 1.5em auto; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; }}
th, td {{ border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }}
th {{ background: #f2f2f2; }} td.number {{ text-align: right; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{html.escape(summary)} Written {written:%Y-%m-%d %H:%M} UTC from the gradebook.</p>
<h2>Score distribution</h2>
{_figure(scores, 300, first=True)}
<h2>Pass rate of each check, most-failed first</h2>
{_figure(passing, 90 + 26 * len(rates), first=False)}
<h2>Most common failure messages of the most-failed checks</h2>
{_table(["check", "message", "students"], common_failures(rates, messages), no_messages)}
<h2>Grading time per submission</h2>
{runtime_html}
<h2>Not graded</h2>
{_table(["student", "reason"], not_graded, "Everyone was graded.")}
</body></html>
"""


def write_reports(root: Path) -> list[Path]:
    """Write reports/grades-by-question.csv and reports/<assignment>.html from the gradebook; return their paths."""
    if not (root / "gradebook.db").is_file():
        raise GradingError(f"no gradebook in {root}: grade first (`make grade`), then the report can be written.")
    folder = root / "reports"
    folder.mkdir(exist_ok=True)
    checks, submissions = read_gradebook(root)
    log = GradingLog(root).latest()
    table = folder / "grades-by-question.csv"
    with open(table, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(csv_table(checks, submissions))
    written = datetime.now(timezone.utc)
    paths = [table]
    for aid in checks:
        graded = [s for s in submissions if s.assignment == aid]
        entries = {student: entry for (assignment, student), entry in log.items() if assignment == aid}
        page = assignment_page(aid, checks[aid], graded, failure_messages(root, graded), entries, written)
        paths.append(folder / f"{aid}.html")
        paths[-1].write_text(page, encoding="utf-8")
    return paths
