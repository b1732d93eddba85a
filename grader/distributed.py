"""Grading on a Dask cluster: each submission's kernels run on a Dask worker, everything else stays here.

With `c.CheckedExecute.scheduler = "tcp://host:8786"` (`make grade SCHEDULER=...`), the Execute step of
`nbgrader autograde` hands the notebook to the cluster instead of starting kernels here:

    here (the gradebook's machine)                         a Dask worker
    nbgrader: intake, OverwriteCells ──notebook──▶  grade_notebook() (grader/checker/execute.py): the
      (hidden tests restored),          + files      student's kernel and the checker, each in its
      the instructor's cells                         sandbox, exactly as `make grade` runs them locally
    nbgrader: scores, late penalties, ◀──executed notebook (JSON)──
      feedback, grades.csv

So the gradebook never leaves this machine. A worker gets the notebook with its hidden tests, the
submission's other files and the grading settings, and needs the runtime (this repository's virtualenv,
bubblewrap, the datasets). If a worker dies mid-submission, Dask runs the task again on another worker
(`distributed.scheduler.allowed-failures`, 3 by default); after that the submission is reported as not
graded and the batch goes on. Traffic between machines is protected by Dask's own TLS settings (docs/scale.md,
"Security").
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import nbformat

MAX_FILES = 256 * 2**20  # bytes of a submission's other files sent along with its notebook

_clients: dict[str, object] = {}


def client(address: str):
    """One Dask client per scheduler address and process (TLS and other security from Dask's configuration)."""
    if address not in _clients:
        from distributed import Client

        _clients[address] = Client(address, set_as_default=False, timeout="60s")
    return _clients[address]


def slots(address: str) -> int:
    """How many submissions are in flight: two per worker thread. While one waits for a worker, the other's
    nbgrader steps (before and after execution) run here, so no worker sits idle between submissions."""
    from distributed import Client

    with Client(address, set_as_default=False, timeout="60s") as probe:  # closed: no reconnecting at shutdown
        return 2 * max(1, sum(probe.nthreads().values()))


def submission_files(folder: Path) -> dict[str, bytes]:
    """The submission's files other than notebooks (data it reads), as the local sandbox would copy them."""
    files, total = {}, 0
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.suffix == ".ipynb" or ".ipynb_checkpoints" in path.parts:
            continue
        total += path.stat().st_size
        if total > MAX_FILES:
            raise RuntimeError(f"the files beside the notebook in {folder} are over {MAX_FILES // 2**20} MiB")
        files[str(path.relative_to(folder))] = path.read_bytes()
    return files


def execute_on_cluster(step, nb, resources: dict, instructor: dict, task) -> dict[str, bytes]:
    """Run `nb` on a worker of `step.scheduler` with `step`'s settings; put the executed cells into `nb`; return
    the files the notebook wrote that the worker copied back ({name: bytes}, not yet written here).

    `task(payload)` is what the worker runs (grader.checker.execute.grade_notebook), passed in so that this
    module needs nothing from the checker.
    """
    names = resources.get("nbgrader", {})
    folder = Path(resources.get("metadata", {}).get("path") or os.getcwd())
    payload = {
        "notebook": nbformat.writes(nb),
        "instructor": {name: [cell.source, cell.is_test] for name, cell in instructor.items()},
        "files": submission_files(folder),
        "settings": step.settings(),
    }
    key = f"grade-{names.get('assignment', '?')}-{names.get('student', '?')}-{uuid.uuid4().hex[:8]}"
    answer = client(step.scheduler).submit(task, payload, key=key, pure=False).result()
    answer = {"notebook": answer, "files": {}} if isinstance(answer, str) else answer
    executed = nbformat.reads(answer["notebook"], as_version=4)
    if [cell.get("id") for cell in executed.cells] != [cell.get("id") for cell in nb.cells]:
        raise RuntimeError("the cluster sent back a different notebook than it was given")
    nb.cells[:] = executed.cells
    nb.metadata["language_info"] = executed.metadata.get("language_info", {})
    return answer["files"]

