"""Benchmark: for every assignment, how long the solved notebook takes to run top to bottom (and the
kernel's peak memory), and how long nbgrader takes to autograde one solved submission (student's kernel
and checker, each sandboxed) with the peak memory of that whole submission.

    .venv/bin/python scripts/bench_notebooks.py [ASSIGNMENT ...]      (or: make bench)

Prints a table; it asserts nothing. Run it on an otherwise idle machine: the figures in docs/timings.md
come from it.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from grader import pipeline  # noqa: E402


def peak_memory_while(process: psutil.Process, stop: threading.Event, peak: list[int]) -> None:
    while not stop.is_set():
        try:
            rss = process.memory_info().rss + sum(c.memory_info().rss for c in process.children(recursive=True))
            peak[0] = max(peak[0], rss)
        except psutil.Error:
            pass
        stop.wait(0.2)


def run_plain(notebook: Path) -> tuple[float, int]:
    """Seconds to execute the notebook in a fresh kernel, and the kernel's peak resident memory."""
    nb = nbformat.read(notebook, as_version=4)
    workdir = Path(tempfile.mkdtemp())
    client = NotebookClient(nb, timeout=1200, kernel_name="python3", resources={"metadata": {"path": str(workdir)}})
    with client.setup_kernel():
        stop, peak = threading.Event(), [0]
        watcher = threading.Thread(target=peak_memory_while,
                                   args=(psutil.Process(client.km.provisioner.process.pid), stop, peak))
        watcher.start()
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        elapsed = time.perf_counter() - start
        stop.set()
        watcher.join()
    shutil.rmtree(workdir, ignore_errors=True)
    return elapsed, peak[0]


def autograde_one(aid: str, unsafe: bool) -> tuple[float, int]:
    """Seconds for `nbgrader autograde` of one solved submission (kernel starts included), and the peak
    resident memory of everything it ran: nbgrader, the student's kernel, the checker, their sandboxes."""
    root = Path(tempfile.mkdtemp())
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "source" / aid, root / "source" / aid)
    released = pipeline.release(root, [aid])[0]
    solved = pipeline.solved_submission(released, root / "source" / aid / f"{aid}.ipynb")
    (root / "submitted" / "bench" / aid).mkdir(parents=True)
    nbformat.write(solved, root / "submitted" / "bench" / aid / f"{aid}.ipynb")
    args = ["autograde", aid] + (["--CheckedExecute.unsafe=True"] if unsafe else [])
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "nbgrader", *args], cwd=root, env=pipeline.environment(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stop, peak = threading.Event(), [0]
    watcher = threading.Thread(target=peak_memory_while, args=(psutil.Process(process.pid), stop, peak))
    watcher.start()
    _, errors = process.communicate()
    elapsed = time.perf_counter() - start
    stop.set()
    watcher.join()
    if process.returncode != 0:
        print(f"  (autograde of {aid} reported errors; see {root}):\n{errors[-2000:]}", file=sys.stderr)
    else:
        shutil.rmtree(root, ignore_errors=True)
    return elapsed, peak[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--unsafe", action="store_true", help="autograde without the sandbox")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args()
    ids = args.assignments or pipeline.assignments(ROOT)
    print(f"{'assignment':<16} {'run (s)':>8} {'peak MB':>8} {'autograde (s)':>14} {'grading peak MB':>16}")
    rows = []
    for aid in ids:
        seconds, peak = run_plain(ROOT / "source" / aid / f"{aid}.ipynb")
        graded, graded_peak = autograde_one(aid, args.unsafe)
        rows.append({"assignment": aid, "run_seconds": seconds, "run_peak_mb": peak / 2**20,
                     "autograde_seconds": graded, "autograde_peak_mb": graded_peak / 2**20})
        print(f"{aid:<16} {seconds:>8.1f} {peak / 2**20:>8.0f} {graded:>14.1f} {graded_peak / 2**20:>16.0f}",
              flush=True)
    print(f"\n{psutil.cpu_count()} cores; 'run' = solved source notebook top to bottom in one fresh kernel "
          "(kernel start excluded), 'peak MB' its kernel's resident memory; 'autograde' = `nbgrader autograde` "
          "of one solved submission (nbgrader, the student's kernel and the checker, sandboxed), 'grading peak "
          "MB' the resident memory of all their processes together at its highest.")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
