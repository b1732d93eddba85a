"""Grading many submissions at once: a few long-lived worker processes, each running nbgrader's own autograde
for one submission at a time (each submission in its sandboxes, see grader/checker/execute.py).

    python -m grader.sandbox.pool check     # can the sandbox run here? (run it in the course root)
"""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, TextIO

from grader.base import environment, open_gradebook
from grader.sandbox.limits import UNSAFE_HINT, Limits, SandboxUnavailable

__all__ = ["Progress", "autograde_all", "default_workers", "tensorflow_threads"]

TF_THREADS = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def default_workers(memory_limit: int = Limits.memory) -> int:
    """One worker per core, but no more than the memory allows (each sandbox may use `memory_limit`; 0: any)."""
    cores = _cores()
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return cores
    return max(1, min(cores, total // max(memory_limit, 1)))


def tensorflow_threads(workers: int) -> dict[str, str]:
    """TensorFlow's thread counts for the kernels of `workers` submissions graded at once: the cores shared out.

    TensorFlow starts a thread per core in every kernel; with one submission per core they all compete
    (measured: 16 % less grading time for 04_keras_apis with 2 workers on 2 cores; docs/honest-grading.md,
    "Running it").
    One worker keeps TensorFlow's default, and a setting in the environment always wins.
    """
    if workers <= 1:
        return {}
    threads = str(max(1, _cores() // workers))
    return {name: os.environ.get(name, threads) for name in TF_THREADS}


class Progress:
    """done/total, elapsed and ETA on one line of stderr (a line per submission when it is not a terminal)."""

    def __init__(self, total: int, stream: TextIO | None):
        self.total, self.stream, self.done, self.start = total, stream, 0, time.monotonic()
        self.tty = bool(stream and stream.isatty())

    def update(self, label: str, seconds: float, ok: bool) -> None:
        self.done += 1
        if not self.stream:
            return
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        width = 24
        bar = "#" * round(width * self.done / self.total)
        text = (f"grading [{bar:<{width}}] {self.done}/{self.total}  {_clock(elapsed)} elapsed, "
                f"ETA {_clock(eta)}  {label}{'' if ok else ' (FAILED)'} {seconds:.0f}s")
        if self.tty:
            self.stream.write("\r\x1b[K" + text + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s"


class _Worker:
    """One `python -m grader.sandbox.pool worker` process: reads jobs on stdin, answers on a pipe of its own."""

    def __init__(self, root: Path, unsafe: bool, scheduler: str = "", env: dict[str, str] | None = None):
        self.log = tempfile.TemporaryFile()
        read_end, write_end = os.pipe()
        command = [sys.executable, "-m", "grader.sandbox.pool", "worker", str(write_end)]
        command += (["--unsafe"] if unsafe else []) + (["--scheduler", scheduler] if scheduler else [])
        self.process = subprocess.Popen(command, cwd=root, env={**environment(), **(env or {})}, stdin=subprocess.PIPE,
                                        stdout=self.log,
                                        stderr=self.log, pass_fds=[write_end], text=True)
        os.close(write_end)
        self.answers = os.fdopen(read_end)

    def receive(self) -> dict:
        line = self.answers.readline()
        if not line:
            self.process.wait()
            self.log.seek(0)
            tail = "\n".join(self.log.read().decode(errors="replace").strip().splitlines()[-15:])
            raise ChildProcessError(f"the grading process stopped (exit {self.process.returncode}):\n{tail}")
        return json.loads(line)

    def send(self, job: dict) -> None:
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        self.answers.close()
        self.log.close()


def autograde_all(root: Path, jobs: list[tuple[str, str]], workers: int | None = None, unsafe: bool = False,
                  progress: TextIO | None = sys.stderr, scheduler: str = "",
                  record: Callable[[dict], None] | None = None, feedback: bool = False) -> list[str]:
    """Run nbgrader's autograde for each (assignment, student) in `jobs`, `workers` at a time, and with
    `feedback` nbgrader's generate_feedback for each graded one, in the same worker right after.

    Every worker is a process of its own that loads nbgrader once and grades one submission at a time
    (each in a sandbox, unless `unsafe`); they share the gradebook, and a submission whose gradebook write
    met another one's ("database is locked") is graded again. With a Dask `scheduler`, the kernels run on
    the cluster's workers and there are two local workers per cluster thread (default; distributed.slots).
    Returns the problems, one per submission that could not be graded, and calls `record` with what happened
    to each submission (assignment, student, graded, seconds, attempts, problem). Raises SandboxUnavailable
    before grading anything if the sandbox cannot run.
    """
    if not jobs:
        return []
    if unsafe and progress:
        progress.write("WARNING: grading WITHOUT the sandbox (--unsafe): student code runs with your rights, "
                       "in the course folder, with the network.\n")
    if scheduler and not workers:
        from grader import distributed

        workers = distributed.slots(scheduler)
    count = max(1, min(workers or default_workers(0), len(jobs)))
    pending: queue.Queue = queue.Queue()
    for aid, student in jobs:
        pending.put({"assignment": aid, "student": student, "feedback": feedback})
    problems: list[str] = []
    fatal: list[str] = []
    bar = Progress(len(jobs), progress)
    lock = threading.Lock()

    def hello(worker: _Worker) -> dict:
        answer = worker.receive()
        if "fatal" in answer:
            worker.close()
            raise SandboxUnavailable(answer["fatal"])
        return answer

    # Here, the kernels of `count` submissions share this machine's cores; on a cluster, each worker's own.
    env = {} if scheduler else tensorflow_threads(count)

    def start() -> _Worker:
        worker = _Worker(root, unsafe, scheduler, env)
        hello(worker)
        return worker

    def run(worker: _Worker) -> None:
        while not fatal:
            try:
                job = pending.get_nowait()
            except queue.Empty:
                break
            label = f"{job['student']}/{job['assignment']}"
            started = time.monotonic()
            try:
                worker.send(job)
                answer = worker.receive()
            except (ChildProcessError, OSError) as error:
                answer = {"ok": False, "problem": str(error)}
                worker.close()
                try:
                    worker = start()
                except (SandboxUnavailable, ChildProcessError) as restart_error:
                    with lock:
                        fatal.append(str(restart_error))
                    return
            seconds = time.monotonic() - started
            with lock:
                if record:
                    record({**job, "graded": bool(answer["ok"]), "seconds": round(seconds, 2),
                            "attempts": answer.get("attempts", 1), "problem": answer["problem"],
                            **({"files": answer["files"]} if answer.get("files") else {})})
                if not answer["ok"]:
                    problems.append(f"{job['assignment']}: {job['student']} could not be graded:\n{answer['problem']}")
                if answer.get("feedback_problem"):
                    problems.append(f"{job['assignment']}: no feedback for {job['student']}:\n{answer['feedback_problem']}")
                if answer.get("attempts", 1) > 1:
                    label += f" (graded {answer['attempts']} times: the gradebook was busy)"
                bar.update(label, seconds, answer["ok"])
        worker.close()

    register_students(root, sorted({student for _, student in jobs}))
    pool = [_Worker(root, unsafe, scheduler, env) for _ in range(count)]
    try:  # each worker checks the sandbox first: nothing is graded if it cannot run here
        memory = min(hello(worker)["memory"] for worker in list(pool))
    except (SandboxUnavailable, ChildProcessError) as error:
        for worker in pool:
            worker.close()
        raise SandboxUnavailable(str(error)) from None
    if not workers:  # the default: one per core, as far as the memory limit allows
        for worker in pool[default_workers(memory):]:
            worker.close()
        pool = pool[:default_workers(memory)]
    threads = [threading.Thread(target=run, args=(worker,), daemon=True) for worker in pool]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if fatal:
        raise SandboxUnavailable(fatal[0])
    return problems


def register_students(root: Path, students: list[str]) -> None:
    """Put the students in the gradebook before the workers start: two workers that grade one student's two
    assignments at once would otherwise both add the student, and one of them would fail (nbgrader retries
    nothing but "database is locked")."""
    gradebook_file = root / "gradebook.db"
    if not gradebook_file.is_file():  # a gradebook configured elsewhere: nbgrader adds the students itself
        return
    with open_gradebook(root) as gradebook:
        for student in students:
            gradebook.update_or_create_student(student)


def _worker_main(channel_fd: int, unsafe: bool, scheduler: str = "") -> int:
    """The worker loop: `{"assignment", "student"}` lines in on stdin, one answer line each out on `channel_fd`."""
    channel = os.fdopen(channel_fd, "w", buffering=1)
    os.set_inheritable(channel_fd, False)  # kernels and sandboxes must never write into the answers

    def answer(**fields) -> None:
        channel.write(json.dumps(fields) + "\n")

    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.apps.autogradeapp import AutogradeApp
    from nbgrader.converters import Autograde
    from traitlets.utils.importstring import import_item

    from grader.checker import side_files
    from grader.checker.execute import CheckedExecute

    app = AutogradeApp()
    app.initialize([])
    if unsafe:
        app.config.CheckedExecute.unsafe = True
    if scheduler:
        app.config.CheckedExecute.scheduler = scheduler
    api = NbGraderAPI(coursedir=app.coursedir, parent=app)
    steps = [import_item(step) if isinstance(step, str) else step
             for step in Autograde(coursedir=app.coursedir, parent=api).autograde_preprocessors]
    try:
        if not unsafe and not any(isinstance(step, type) and issubclass(step, CheckedExecute) for step in steps):
            raise SandboxUnavailable(
                "nbgrader_config.py does not run notebooks through grader.checker.execute.CheckedExecute "
                "(c.Autograde.autograde_preprocessors), so the tests would run inside the student's kernel, "
                "unsandboxed. Restore the checker block at the end of nbgrader_config.py. Or, " + UNSAFE_HINT)
        executor = CheckedExecute(parent=api)
        if scheduler:  # the kernels run on the cluster's workers, which check their own sandboxes
            from grader import distributed

            distributed.slots(scheduler)
        else:
            executor.sandbox()
    except (SandboxUnavailable, OSError) as error:
        answer(fatal=str(error))
        return 1
    answer(ready=True, memory=executor.memory_limit)
    for line in sys.stdin:
        job = json.loads(line)
        result, attempts = _retried(lambda: api.autograde(job["assignment"], job["student"], force=False, create=True))
        problem = "" if result["success"] else _problem(result.get("error", "") + result.get("log", ""))
        feedback_problem = ""
        if result["success"] and job.get("feedback"):
            written, _ = _retried(lambda: api.generate_feedback(job["assignment"], job["student"]))
            if not written["success"]:
                feedback_problem = _problem(written.get("error", "") + written.get("log", ""))
        files = [line.split(side_files.TAG, 1)[1].strip() for line in result.get("log", "").splitlines()
                 if side_files.TAG in line]
        answer(ok=bool(result["success"]), problem=problem, attempts=attempts, feedback_problem=feedback_problem,
               files=files[-1] if files else "")
    return 0


def _retried(step: Callable[[], dict], tries: int = 6) -> tuple[dict, int]:
    """An nbgrader API step's result, and how many tries it took: the step runs again when another worker was
    writing the gradebook at the same moment ("database is locked")."""
    for attempt in range(tries):
        result = step()
        if result["success"] or "database is locked" not in result.get("error", "") + result.get("log", ""):
            break
        time.sleep(0.5 * 2**attempt)
    return result, attempt + 1


def _problem(text: str, lines: int = 15) -> str:
    """The lines of an nbgrader log that say what went wrong."""
    kept = [line for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in kept if line.startswith(("[ERROR]", "[WARNING]")) or "Error" in line]
    return "\n".join((errors or kept)[-lines:])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["worker"]:
        scheduler = argv[argv.index("--scheduler") + 1] if "--scheduler" in argv else ""
        return _worker_main(int(argv[1]), "--unsafe" in argv[2:], scheduler)
    if argv[:1] == ["check"]:  # with the course's configuration: run it in the course root
        from grader.checker.execute import check_command

        status = check_command()
        print(f"Workers by default: {default_workers()}")
        return status
    print(__doc__.split("\n\n")[-1].strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    # Run the copy nbgrader imports (grader.sandbox.pool), not this __main__ one: their classes must be the same.
    from grader.sandbox import pool as _module
    sys.exit(_module.main())
