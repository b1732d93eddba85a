"""The Execute step of autograding: each cell runs in the kernel it belongs to, each kernel in a sandbox.

nbgrader_config.py puts `CheckedExecute` in the place of nbgrader's `Execute`, so every way of autograding
(`make grade`, `nbgrader autograde`, the formgrader) goes through it; scoring, late penalties, feedback and
the gradebook stay nbgrader's. For each submission it starts two kernels, joined by a private socket:

- the **student's kernel** runs every cell the student could write or change;
- the **checker** runs the instructor's cells that the gradebook holds: the test cells, and the read-only
  cells (the setup), which run in both. It never runs a line the student wrote, and nbgrader scores its
  outputs. Names the test cells need and do not define come from the student's kernel as data
  (grader/checker/remote.py).

Which cells are the instructor's is decided from the gradebook: a cell whose grade id names a test or
read-only cell there *and* whose source is exactly that cell's source (OverwriteCells has restored it).
Metadata a student adds to a cell of their own makes it no test.

When a kernel dies or a cell ignores the interrupt after its time limit, that kernel's sandbox is killed:
its remaining cells get an error output saying so, and the other kernel carries on (tests that need the
student's code then fail with a clear message). nbgrader's own Execute gives up on the whole notebook.

With a Dask scheduler, grader/distributed.py sends the notebook to a worker, and `grade_notebook` runs both
kernels there.
"""
from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import importlib.util
import os
import queue
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Bool, Dict, Integer, List, Unicode
from traitlets.config import Config

from grader import distributed
from grader.bridge import wire
from grader.checker import side_files
from grader.checker.cells import (BOTH, CHECKER, STUDENT, InstructorCell, cell_roles,
                                  instructor_cells_from_gradebook)
from grader.sandbox import kernel, processes
from grader.sandbox.backend import HOME, Sandbox, backend_named
from grader.sandbox.limits import Limits, SandboxUnavailable

_sandboxes: dict = {}  # one checked Sandbox per configuration, per process


class _CheckerClient(Execute):
    """The checker's side: nbgrader's Execute behaviour (a failed reply always leaves an error output),
    with the checker's kernel."""

    step = None  # the CheckedExecute this client belongs to

    def create_kernel_manager(self):
        self.km = self.step.kernel_manager(CHECKER)
        return self.km


class CheckedExecute(Execute):
    """nbgrader's Execute step with the student's code and the tests in separate, sandboxed kernels."""

    unsafe = Bool(False, help="Run both kernels WITHOUT a sandbox. The tests still run apart from student "
                  "code, but that code runs with your rights. Trusted code only.").tag(config=True)
    backend = Unicode("bubblewrap", help="'bubblewrap', or the import path of a Backend subclass.").tag(config=True)
    memory_limit = Integer(Limits.memory, help="Bytes of memory for each process (and each whole sandbox, "
                           "where cgroups work).").tag(config=True)
    process_limit = Integer(Limits.processes, help="Processes and threads in one sandbox.").tag(config=True)
    cpu_time_limit = Integer(Limits.cpu_seconds, help="CPU seconds for each process.").tag(config=True)
    disk_limit = Integer(Limits.disk, help="Bytes of each scratch file system, and of any one file.").tag(config=True)
    wall_time_limit = Integer(1800, help="Seconds one notebook may take in all (each cell also has `timeout`)."
                              ).tag(config=True)
    call_timeout = Integer(60, help="Seconds one call from a test into student code may take.").tag(config=True)
    message_limit = Integer(wire.Limits.message, help="Bytes one value from the student's kernel may take."
                            ).tag(config=True)
    read_only_paths = List(Unicode(), help="More host paths, visible read-only at the same path (datasets, say)."
                           ).tag(config=True)
    pass_env = List(Unicode(), [
        "NBGRADER_EXECUTION", "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "KERAS_BACKEND", "COURSE_MNIST_NPZ",
        "OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "PYTHONHASHSEED", "LANG", "LC_ALL",
        "TZ", "MPLBACKEND",
    ], help="Environment variables the kernels get from the grader's (all others are dropped).").tag(config=True)
    extra_env = Dict(help="Environment variables to set in both sandboxes.").tag(config=True)
    scheduler = Unicode("", help="Address of a Dask scheduler (tcp://host:8786, tls://...): run the kernels on its "
                        "workers instead of here (grader/distributed.py).").tag(config=True)

    # What a Dask worker needs to grade exactly as this step would (settings of the worker's own machine, such
    # as the datasets it passes to the kernels, stay the worker's).
    SETTINGS = ("timeout", "unsafe", "backend", "memory_limit", "process_limit", "cpu_time_limit", "disk_limit",
                "wall_time_limit", "call_timeout", "message_limit", "read_only_paths", "pass_env", "extra_env")

    def settings(self) -> dict:
        return {name: getattr(self, name) for name in self.SETTINGS}

    # -- configuration --------------------------------------------------------------------------------------------

    def limits(self) -> Limits:
        return Limits(memory=self.memory_limit, processes=self.process_limit, cpu_seconds=self.cpu_time_limit,
                      disk=self.disk_limit)

    def sandbox(self) -> Sandbox:
        """The checked sandbox for this configuration (raises SandboxUnavailable)."""
        read_only, env = self._visible()
        name = "none" if self.unsafe else self.backend
        key = (name, self.limits(), tuple(sorted(read_only.items())), tuple(sorted(env.items())))
        if key not in _sandboxes:
            sandbox = Sandbox(backend_named(name), self.limits(), read_only, env, self._protected())
            if sandbox.backend.isolated:
                sandbox.check()
            _sandboxes[key] = sandbox
        return _sandboxes[key]

    def _visible(self) -> tuple[dict[str, str], dict[str, str]]:
        """The read-only paths (host -> inside) and the environment every grading kernel gets."""
        if self.unsafe:
            return {}, dict(self.extra_env)
        course = Path(importlib.util.find_spec("course").origin).parent  # the student-side helpers
        runtime = [sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parents[1]), str(course)]
        read_only: dict[str, str] = {}
        for path in [*runtime, *self.read_only_paths]:
            path = os.path.realpath(path)
            if os.path.exists(path):
                read_only[path] = path
        env = {name: os.environ[name] for name in self.pass_env if name in os.environ}
        mnist = os.environ.get("COURSE_MNIST_NPZ")
        if mnist and os.path.isfile(mnist):
            read_only[os.path.realpath(mnist)] = os.path.abspath(mnist)
        keras_data = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets"
        if keras_data.is_dir():
            read_only[str(keras_data.resolve())] = f"{HOME}/.keras/datasets"
        kept = {}  # paths inside others (and the system folders bound anyway) are bound once
        for host, inside in sorted(read_only.items()):
            if host == inside and any(Path(host).is_relative_to(p) for p in [*kept, "/usr", "/etc"]):
                continue
            kept[host] = inside
        env.update({"HOME": HOME, "USER": "student", "LOGNAME": "student", "TMPDIR": "/tmp",
                    "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
                    "PYTHONDONTWRITEBYTECODE": "1", "LANG": env.get("LANG", "C.UTF-8")})
        env.update(self.extra_env)
        return kept, env

    def _protected(self) -> list[Path]:
        """Folders that must never be visible inside: the course root (nbgrader's cwd and its coursedir)."""
        protected = [Path.cwd().resolve()]
        node = self
        while node is not None:
            coursedir = getattr(node, "coursedir", None)
            if coursedir is not None:
                protected.append(Path(coursedir.root).resolve())
            node = getattr(node, "parent", None)
        return protected

    def _submitted_folder(self) -> Path | None:
        """submitted/<student>/<assignment> of the notebook being graded, from nbgrader's resources."""
        names = (self.resources or {}).get("nbgrader", {})
        node = self
        while node is not None and getattr(node, "coursedir", None) is None:
            node = getattr(node, "parent", None)
        if node is None or "student" not in names or "assignment" not in names:
            return None
        coursedir = node.coursedir
        return Path(coursedir.format_path(coursedir.submitted_directory, names["student"], names["assignment"]))

    # -- the two kernels ------------------------------------------------------------------------------------------

    def kernel_manager(self, role: str) -> kernel.GradingKernelManager:
        """A manager for the student's kernel or the checker, with its end of the channel."""
        checker = role == CHECKER
        km = kernel.GradingKernelManager(
            kernel_name=kernel.CHECKER_KERNEL if checker else kernel.STUDENT_KERNEL, sandbox=self._sandbox,
            channel=self._ends.pop(role), parent=self,
            extra_env={"COURSE_MESSAGE_LIMIT": str(self.message_limit),
                       **({"COURSE_CALL_TIMEOUT": str(self.call_timeout), "COURSE_TEST_CELLS": self._test_cells}
                          if checker else {})},
            submission=None if checker else self._workdir, submitted=None if checker else self._submitted_folder())
        self._managers[role] = km
        return km

    def create_kernel_manager(self):
        self.km = self.kernel_manager(STUDENT)
        return self.km

    def _cell_timeout(self, cell) -> int:
        return max(1, min(self.timeout or self.wall_time_limit, int(self._deadline - time.monotonic())))

    # -- running the notebook ---------------------------------------------------------------------------------------

    def preprocess(self, nb, resources=None, km=None):
        instructor = instructor_cells_from_gradebook(resources or {})
        if self.scheduler:
            files = distributed.execute_on_cluster(self, nb, resources or {}, instructor, grade_notebook)
            folder = Path((resources or {}).get("metadata", {}).get("path") or os.getcwd())
            side_files.write_returned(files, folder, self.log)
            return nb, resources
        with self.running(nb, resources, instructor):
            for index, cell in enumerate(nb.cells):
                self.preprocess_cell(cell, self.resources, index)
        self.set_widgets_metadata()
        return nb, self.resources

    @contextlib.contextmanager
    def running(self, nb, resources: dict | None, instructor: dict[str, InstructorCell]):
        """Both kernels started for `nb`, for as long as the context lasts; cells then run with
        `preprocess_cell`. `instructor` names the instructor's cells (from the gradebook when grading)."""
        NotebookClient.__init__(self, nb, None)  # fresh execution state, as nbconvert's preprocess does
        self.reset_execution_trackers()
        self.resources = resources or {}
        self._sandbox = self.sandbox()
        self._workdir = Path(self.resources.get("metadata", {}).get("path") or os.getcwd())
        self.files_copied: list[str] = []
        submitted = set(os.listdir(self._workdir)) if self._workdir.is_dir() else set()
        self.roles = cell_roles(nb, instructor)
        self._test_cells = " ".join(sorted({hashlib.sha256(cell.source.encode()).hexdigest()
                                            for cell, role in zip(nb.cells, self.roles) if role == CHECKER}))
        self._deadline = time.monotonic() + self.wall_time_limit
        self.timeout_func = self._cell_timeout
        self._stopped: dict[str, str] = {}
        self._managers: dict[str, kernel.GradingKernelManager] = {}
        student_end, checker_end = socket.socketpair()
        self._ends = {STUDENT: student_end, CHECKER: checker_end}
        # Both kernels are killed with their sandboxes at the end anyway: no polite shutdown to wait for.
        self.shutdown_kernel = "immediate"
        self.checker = _CheckerClient(parent=self, timeout=self.timeout, timeout_func=self._cell_timeout,
                                      interrupt_on_timeout=True, allow_errors=True, shutdown_kernel="immediate")
        self.checker.nb, self.checker.resources, self.checker.step = nb, self.resources, self
        self._checker_context, self._checker_connected = contextlib.ExitStack(), False
        try:
            self.checker.create_kernel_manager()
            self.checker.start_new_kernel()  # started now, connected to when its first cell runs
            with self.setup_kernel():
                info = self.wait_for_reply(self.kc.kernel_info())
                nb.metadata["language_info"] = info["content"]["language_info"]
                process = getattr(self.km.provisioner, "process", None)
                self._student_processes = processes.snapshot(process.pid) if process is not None else {}
                yield self
                if self._sandbox.backend.isolated and STUDENT not in self._stopped:
                    self.files_copied = side_files.copy_back(self._ask_student, self._workdir, submitted, self.log)
        except RuntimeError as error:
            tail = self._managers[STUDENT].last_log if STUDENT in self._managers else ""
            raise RuntimeError(f"{error}; the student's kernel printed:\n{tail}" if tail else str(error)) from error
        finally:
            with self._checker_context:
                self._connect_checker()  # if no cell needed it: connect, so that leaving shuts it down
            for end in self._ends.values():
                end.close()

    def _ask_student(self, expression: str, seconds: float = 10) -> dict:
        """The execute reply to evaluating `expression` in the student's kernel, silently (no cell, no output);
        TimeoutError if it does not come within `seconds` (a kernel replaced by another program may never answer)."""
        msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions={"x": expression})
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                reply = run_sync(self.kc.shell_channel.get_msg)(timeout=1)
            except queue.Empty:
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return reply
        raise TimeoutError(f"no answer within {seconds:g} s")

    def _connect_checker(self) -> None:
        if not self._checker_connected:
            self._checker_connected = True
            self._checker_context.enter_context(self.checker.setup_kernel())

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        role = self.roles[index] if index < len(self.roles) else STUDENT
        if role in (CHECKER, BOTH):
            self._connect_checker()
        if role == CHECKER:
            return run_sync(self._run)(CHECKER, cell, index), resources
        if role == STUDENT:
            return run_sync(self._run)(STUDENT, cell, index), resources
        # A read-only cell (the setup) runs in both kernels at once. The notebook shows the student's run; a
        # failure in the checker's run is added to it (tests that need what it defines fail with their own
        # message too).
        checked, ran = run_sync(self._run_both)(copy.deepcopy(cell), cell, index)
        self.nb.cells[index] = ran
        for output in (o for o in checked.outputs if o.output_type == "error"):
            self.log.warning("The checker's run of read-only cell %d failed: %s: %s", index, output.ename,
                             output.evalue)
            ran.outputs.append(_error(output.ename, f"(in the checker) {output.evalue}"))
        return ran, resources

    async def _run_both(self, for_checker, for_student, index: int):
        return await asyncio.gather(self._run(CHECKER, for_checker, index), self._run(STUDENT, for_student, index))

    async def _run(self, who: str, cell, index: int):
        """Execute `cell` in one kernel; if that kernel died or ran away, stop it and say so in the cell."""
        if who not in self._stopped and time.monotonic() >= self._deadline:
            await self._stop(who, f"the notebook ran past its time limit of {self.wall_time_limit} s")
        if who in self._stopped:
            cell.outputs = [_error("NotRun", f"this cell was not run: {self._stopped[who]}.")]
            return cell
        client = self.checker if who == CHECKER else self
        timeout, started = self._cell_timeout(cell), time.monotonic()
        watching = asyncio.ensure_future(self._watch_student())
        try:
            return await client.async_execute_cell(cell, index, store_history=True)
        except DeadKernelError:
            await self._stop(who, f"{_NAMES[who]} died in this cell (limits: {self.limits().describe()}; "
                                  f"the notebook: {self.wall_time_limit} s)")
        except CellTimeoutError:
            if time.monotonic() - started < timeout:
                raise  # slow output after a reply, not a runaway cell: nbgrader reports it as usual
            await self._stop(who, f"this cell ran past its time limit of {timeout} s and did not stop when "
                                  "interrupted")
        finally:
            watching.cancel()
        cell.outputs.append(_error("SandboxStopped", f"{self._stopped[who]}. This cell and the ones after it "
                                   "that need it score 0."))
        return cell

    async def _watch_student(self) -> None:
        """While a cell runs: stop the student's kernel within a second if it has replaced itself with another
        program. Such a program may never answer: its own cell would wait out the cell's limit, and every call
        from a test its own limit, while it holds the channel open. Stopped, its cell says why, and the
        checker sees the channel close."""
        while STUDENT not in self._stopped:
            await asyncio.sleep(1)
            program = processes.replaced(getattr(self, "_student_processes", {}))
            if program is not None and STUDENT not in self._stopped:
                await self._stop(STUDENT, f"your notebook's kernel replaced itself with another program ({program})")
                return

    async def _stop(self, who: str, reason: str) -> None:
        if who in self._stopped:
            return  # stopped already (a replaced kernel, say, which then also looks dead): the first reason stands
        self.log.warning("Stopping %s: %s", _NAMES[who], reason)
        self._stopped[who] = reason
        manager = self._managers.get(who)
        if manager is not None:
            await manager.kill_sandbox()


_NAMES = {STUDENT: "the student's kernel", CHECKER: "the checker"}


def _error(ename: str, evalue: str):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


def grade_notebook(payload: dict) -> dict:
    """On a Dask worker: execute one submission in its two sandboxed kernels; return the executed notebook
    ("notebook") and the files it wrote that were copied back ("files": {name: bytes}).

    `payload` is what grader/distributed.py sends: the notebook, the instructor's cells, the files beside
    the notebook and CheckedExecute's settings.
    """
    work = Path(tempfile.mkdtemp(prefix="course-grade-"))
    try:
        for name, data in payload["files"].items():
            path = (work / name).resolve()
            if not path.is_relative_to(work):
                raise ValueError(f"a file name that leaves the submission's folder: {name!r}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        config = Config()
        for trait, value in payload["settings"].items():
            setattr(config.CheckedExecute, trait, value)
        step = CheckedExecute(config=config)
        nb = nbformat.reads(payload["notebook"], as_version=4)
        instructor = {name: InstructorCell(source, is_test) for name, (source, is_test) in payload["instructor"].items()}
        resources = {"metadata": {"path": str(work)}}
        with step.running(nb, resources, instructor):
            for index, cell in enumerate(nb.cells):
                step.preprocess_cell(cell, resources, index)
        return {"notebook": nbformat.writes(nb), "files": {name: (work / name).read_bytes() for name in step.files_copied}}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_command() -> int:
    """`python -m grader.checker.execute check`: can the sandbox run here? (in the course root)"""
    from nbgrader.apps.autogradeapp import AutogradeApp

    app = AutogradeApp()
    app.initialize([])
    step = CheckedExecute(parent=app)
    try:
        sandbox = step.sandbox()
    except SandboxUnavailable as error:
        print(f"The sandbox cannot run here: {error}", file=sys.stderr)
        return 1
    print(f"The sandbox works: {sandbox.backend.name}; {sandbox.limits.describe()}; notebook wall time "
          f"{step.wall_time_limit} s; one call from a test into student code {step.call_timeout} s.")
    print("Read-only inside:", ", ".join(sorted(set(sandbox.read_only.values()))))
    return 0
