"""The errors, log and environment that every grading step shares.

It imports no other grader module, so that the pipeline, the report and the worker pool can all use it.
"""
from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path


class GradingError(RuntimeError):
    """A step of the course pipeline failed; the message says which and what to do."""


def open_gradebook(root: Path):
    """The course's nbgrader gradebook (root/gradebook.db), to use as a context manager."""
    from nbgrader.api import Gradebook  # here: most steps never open it

    return Gradebook(f"sqlite:///{root / 'gradebook.db'}")


def environment() -> dict[str, str]:
    """The environment for nbgrader commands: this Python's bin/ on PATH (nbgrader calls alembic)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


class GradingLog:
    """reports/grading-log.jsonl: one line per submission each time it is graded (or set aside), with how long
    it took and what went wrong; the grading report reads the latest line of each."""

    def __init__(self, root: Path):
        self.path = root / "reports" / "grading-log.jsonl"

    def record(self, entry: dict) -> None:
        self.path.parent.mkdir(exist_ok=True)
        with open(self.path, "a") as handle:
            handle.write(json.dumps({"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), **entry}) + "\n")

    def latest(self) -> dict[tuple[str, str], dict]:
        """The latest entry for each (assignment, student)."""
        entries: dict[tuple[str, str], dict] = {}
        if self.path.is_file():
            for line in self.path.read_text().splitlines():
                if line.strip():
                    entry = json.loads(line)
                    entries[(entry["assignment"], entry["student"])] = entry
        return entries
