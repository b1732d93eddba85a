"""How fast does autograding go, with 1 and with N workers, and what do the sandbox and the checker cost?

    .venv/bin/python scripts/bench_grading.py [--submissions 20] [--workers N] [--repeat 5]

On a scratch copy of the course it releases 01_tensors and submits a class (the solutions, the blank
release, every other exercise, in turn), then grades the whole class several times, from scratch each time:

- sandboxed with 1 worker and with N (default: one per core): submissions per minute;
- without the sandbox (`unsafe`) with 1 worker: the same work without bubblewrap, so the difference per
  notebook is the sandbox's cost in real grading;
- stock nbgrader in one `nbgrader autograde <assignment>` process: one kernel, tests inside it, no sandbox
  (how grading worked before the checker and the sandbox);
- on a Dask cluster on this machine (`dask scheduler` and 1, then 2, single-threaded `dask worker`
  processes), as `make grade SCHEDULER=...` does: submissions per minute, against local grading;
- and the time for a class of 500 handing in all five assignments on N machines, extrapolated (the formula
  is printed) from the per-assignment autograde times of `scripts/bench_notebooks.py --json`;
- and, in isolation (`--repeat` times each, sandboxed and not in turn, medians): executing the same
  notebook (the instructor's 01_tensors, hidden tests included) in the student's kernel and the checker,
  and starting the two kernels to run one cell: the sandbox's cost per notebook, with less noise than the
  whole-class runs.

It is a measurement, not a test: it prints figures and checks nothing. Other load on the machine makes
every figure slower; compare figures from one run.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
_MNIST = ROOT.parent / "shared" / "data" / "mnist" / "mnist-offline.npz"
if "COURSE_MNIST_NPZ" not in os.environ and _MNIST.is_file():
    os.environ["COURSE_MNIST_NPZ"] = str(_MNIST)

import nbformat  # noqa: E402

from grader import pipeline  # noqa: E402
from grader.checker.cells import instructor_cells_from_notebook  # noqa: E402
from grader.checker.execute import CheckedExecute  # noqa: E402
from grader.sandbox import pool  # noqa: E402

AID = "01_tensors"


def make_class(root: Path, count: int) -> list[tuple[str, str]]:
    released = root / "release" / AID / f"{AID}.ipynb"
    source = root / "source" / AID / f"{AID}.ipynb"
    kinds = [("solved", lambda: pipeline.solved_submission(released, source)),
             ("blank", lambda: pipeline.blank_submission(released)),
             ("partial", lambda: pipeline.solved_submission(released, source, keep=lambda _, i: i % 2 == 0))]
    jobs = []
    for n in range(count):
        kind, make = kinds[n % len(kinds)]
        student = f"s{n:03d}_{kind}"
        folder = root / "submitted" / student / AID
        folder.mkdir(parents=True)
        nbformat.write(make(), folder / f"{AID}.ipynb")
        jobs.append((AID, student))
    return jobs


def scores(root: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return {s.student.id: s.score for s in gradebook.assignment_submissions(AID)}


def timed_grading(root: Path, jobs, workers: int, unsafe: bool) -> tuple[float, dict]:
    shutil.rmtree(root / "autograded", ignore_errors=True)
    start = time.monotonic()
    problems = pool.autograde_all(root, jobs, workers=workers, unsafe=unsafe, progress=None)
    seconds = time.monotonic() - start
    if problems:
        raise SystemExit("grading reported problems:\n" + "\n".join(problems))
    return seconds, scores(root)


STOCK_NBGRADER = """
from nbgrader.converters import Autograde as _Stock
c.Autograde.autograde_preprocessors = _Stock.class_traits()["autograde_preprocessors"].default()
"""


def timed_stock_nbgrader(root: Path) -> float:
    """`nbgrader autograde <assignment>` in one process with nbgrader's own Execute: one kernel, no sandbox."""
    shutil.rmtree(root / "autograded", ignore_errors=True)
    config = root / "nbgrader_config.py"
    kept = config.read_text()
    config.write_text(kept + STOCK_NBGRADER)
    try:
        start = time.monotonic()
        pipeline.nbgrader(root, "autograde", AID, "--force")
        return time.monotonic() - start
    finally:
        config.write_text(kept)


@contextlib.contextmanager
def dask_cluster(workers: int):
    """A `dask scheduler` and `workers` single-threaded `dask worker` processes on this machine; yields the address."""
    from distributed import Client

    folder = Path(tempfile.mkdtemp(prefix="dlb-dask-"))
    dask = str(Path(sys.executable).parent / "dask")
    file = folder / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": folder}
    processes = [subprocess.Popen([dask, "scheduler", "--scheduler-file", str(file), "--port", "0",
                                   "--dashboard-address", ":0", "--no-show"], **quiet)]
    processes += [subprocess.Popen([dask, "worker", "--scheduler-file", str(file), "--nthreads", "1",
                                    "--no-nanny", "--memory-limit", "0"], **quiet) for _ in range(workers)]
    try:
        while not file.exists():
            time.sleep(0.1)
        with Client(scheduler_file=str(file), timeout="60s") as client:
            client.wait_for_workers(workers, timeout=120)
            address = client.scheduler.address
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def timed_dask_grading(root: Path, jobs, workers: int) -> tuple[float, dict]:
    with dask_cluster(workers) as address:
        shutil.rmtree(root / "autograded", ignore_errors=True)
        start = time.monotonic()
        problems = pool.autograde_all(root, jobs, scheduler=address, progress=None)
        seconds = time.monotonic() - start
    if problems:
        raise SystemExit("grading on the cluster reported problems:\n" + "\n".join(problems))
    return seconds, scores(root)


def extrapolate(notebooks: Path, efficiency: float, students: int = 500) -> None:
    """The class-of-500 estimate, from the per-assignment autograde seconds of bench_notebooks.py --json."""
    seconds = {row["assignment"]: row["autograde_seconds"] for row in json.loads(notebooks.read_text())}
    work = students * sum(seconds.values())
    print(f"\nA class of {students}, all {len(seconds)} assignments: work W = {students} x "
          f"({' + '.join(f'{s:.1f}' for s in seconds.values())}) s = {work / 3600:.1f} core-hours "
          f"(one submission per core at a time).")
    print(f"On N machines of c cores each: time = W / (N x c x e), e = {efficiency:.2f} (measured above: "
          "cluster throughput with 2 workers / (2 x local throughput with 1 worker)).")
    for machines in (1, 5, 20, 50):
        print(f"  N = {machines:>2}, c = 2: {work / (machines * 2 * efficiency) / 3600:5.1f} h")


def executions(root: Path, make_notebook, repeat: int) -> dict[str, float]:
    """Median seconds to execute a notebook (kernel start to shutdown) sandboxed and not, in turn."""
    from traitlets.config import Config

    work = Path(tempfile.mkdtemp(dir=root))
    times: dict[str, list[float]] = {"sandboxed": [], "unsafe": []}
    previous = Path.cwd()
    os.chdir(root)
    try:
        for _ in range(repeat):
            for mode in times:
                config = Config()
                config.CheckedExecute.unsafe = mode == "unsafe"
                step = CheckedExecute(config=config, timeout=300)
                step.sandbox()  # the one-off check of the tool, outside the timing
                nb = make_notebook()
                resources = {"metadata": {"path": str(work)}}
                start = time.monotonic()
                with step.running(nb, resources, instructor_cells_from_notebook(nb)):
                    for index, cell in enumerate(nb.cells):
                        step.preprocess_cell(cell, resources, index)
                times[mode].append(time.monotonic() - start)
                errors = [o for cell in nb.cells for o in cell.get("outputs", []) if o.output_type == "error"]
                assert not errors, errors
    finally:
        os.chdir(previous)
    return {mode: statistics.median(seconds) for mode, seconds in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=pool.default_workers())
    parser.add_argument("--repeat", type=int, default=5, help="executions timed per mode, for the overhead")
    parser.add_argument("--notebooks", type=Path, default=None,
                        help="bench_notebooks.py --json output, for the class-of-500 estimate")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="dlb-bench-"))
    root = scratch / "course"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "source", root / "source", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    pipeline.release(root, [AID])
    jobs = make_class(root, args.submissions)
    n = len(jobs)
    print(f"{n} submissions of {AID}; {os.cpu_count()} cores; load average before: "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)

    rows = []
    one, one_scores = timed_grading(root, jobs, 1, unsafe=False)
    rows.append(("sandboxed, 1 worker", one))
    many, many_scores = timed_grading(root, jobs, args.workers, unsafe=False)
    rows.append((f"sandboxed, {args.workers} workers", many))
    bare, bare_scores = timed_grading(root, jobs, 1, unsafe=True)
    rows.append(("unsandboxed (--unsafe), 1 worker", bare))
    stock = timed_stock_nbgrader(root)
    rows.append(("stock nbgrader: one kernel, no sandbox", stock))
    stock_scores = scores(root)
    dask_one, dask_one_scores = timed_dask_grading(root, jobs, 1)
    rows.append(("Dask, 1 single-threaded worker", dask_one))
    dask_two, dask_two_scores = timed_dask_grading(root, jobs, 2)
    rows.append(("Dask, 2 single-threaded workers", dask_two))
    same = one_scores == many_scores == bare_scores == dask_one_scores == dask_two_scores
    print(f"(stock nbgrader's scores differ only where it is fooled: {stock_scores == one_scores})")
    print(f"\n{'grading the class':<44} {'seconds':>8} {'per minute':>11}")
    for label, seconds in rows:
        print(f"{label:<44} {seconds:>8.1f} {n / seconds * 60:>11.1f}")
    print(f"speed-up with {args.workers} workers: {one / many:.2f}x; identical scores in every run: {same}")
    print(f"Dask with 2 workers against local grading with {args.workers}: {many / dask_two:.2f}x the throughput")
    if args.notebooks:
        extrapolate(args.notebooks, efficiency=one / (2 * dask_two))
    print(f"sandbox overhead in real grading (1 worker): {(one - bare) / n:+.2f} s per notebook "
          f"({(one - bare) / bare:+.1%}); checker and sandbox against stock nbgrader: {(one - stock) / n:+.2f} s "
          f"per notebook ({(one - stock) / stock:+.1%})")

    source = root / "source" / AID / f"{AID}.ipynb"
    for label, make in ((f"the whole {AID} notebook (with hidden tests)", lambda: nbformat.read(source, as_version=4)),
                        ("kernel start + one cell + shutdown",
                         lambda: nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]))):
        median = executions(root, make, args.repeat)
        print(f"{label}, median of {args.repeat}: sandboxed {median['sandboxed']:.2f} s, unsandboxed "
              f"{median['unsafe']:.2f} s, overhead {median['sandboxed'] - median['unsafe']:+.2f} s "
              f"({(median['sandboxed'] - median['unsafe']) / median['unsafe']:+.1%})", flush=True)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
