"""Autograding that a submission cannot tamper with, several submissions at once.

nbgrader runs a student's notebook in a Jupyter kernel. Here that kernel, and so every line of student
code, runs in a sandbox; nbgrader itself (which holds the gradebook and the notebook with the hidden tests
restored) stays outside and only sends the kernel one cell at a time, tests after the student's code.
Inside the sandbox:

- the file system is a read-only runtime (system files, Python, the virtualenv, the `course` helpers,
  the datasets) plus size-limited scratch space: a working folder holding a copy of the submission's
  non-notebook files, /tmp and /dev/shm. Nothing of the course is there: no `source/`, no gradebook, no
  `submitted/` or `autograded/`, no home folder, and no notebook file (so no hidden tests);
- there is no network (the kernel talks to nbgrader over unix sockets in a folder bound in);
- the kernel runs as a user id of its own (when grading as root), with limits on memory, processes,
  CPU time and file size, and a wall-time limit per notebook; every process it started is killed when
  the notebook is done.

The backend is bubblewrap (`apt-get install bubblewrap`), the sandbox tool Flatpak uses. Another one (a
container runtime) can be plugged in: subclass `Backend` and name it in `c.SandboxedExecute.backend`.

nbgrader_config.py puts `SandboxedExecute` in the place of nbgrader's `Execute`, so every way of
autograding (`make grade`, `nbgrader autograde`, the formgrader) is sandboxed; scoring, late penalties,
feedback and the gradebook stay nbgrader's. `autograde_all` grades many submissions at once: a few
long-lived worker processes, each running nbgrader's own autograde for one submission at a time.

    python -m course.sandbox check     # is the sandbox usable here? prints what it would use
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import pwd
import queue
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Any, Bool, Dict, Integer, List, Unicode

__all__ = ["Backend", "Bubblewrap", "Limits", "SandboxKernelManager", "SandboxUnavailable", "SandboxedExecute",
           "autograde_all", "default_workers"]

GiB = 2**30
HOME = "/home/student"           # the kernel's home and working folder inside the sandbox
SUBMISSION = "/run/submission"   # the submission's non-notebook files, read-only; copied into HOME at start
UID_BASE = 1_900_000_000         # sandbox user ids (root only): UID_BASE + slot, a range no account uses

UNSAFE_HINT = ("only for submissions you trust (a test run, say), grade without the sandbox: "
               "`make grade UNSAFE=1` or `python -m course.grading grade --unsafe` "
               "(plain nbgrader: add `--SandboxedExecute.unsafe=True`).")


class SandboxUnavailable(RuntimeError):
    """Student code cannot be sandboxed here; the message says why and what to do."""


@dataclass(frozen=True)
class Limits:
    """What one sandboxed kernel may use."""
    memory: int = 4 * GiB        # bytes: private memory of each process, and of the whole sandbox where cgroups work
    processes: int = 512         # processes and threads together (TensorFlow starts about 5 per core)
    cpu_seconds: int = 3600      # CPU time of each process
    disk: int = 1 * GiB          # size of each scratch file system (home, /tmp, /dev/shm) and of any one file

    def describe(self) -> str:
        return (f"memory {self.memory / GiB:g} GiB, {self.processes} processes, CPU {self.cpu_seconds} s, "
                f"disk {self.disk / GiB:g} GiB")


@dataclass
class Box:
    """One sandbox's state on the host: a private folder, and what the backend allocated for it."""
    directory: Path                 # host folder (root-only): sockets/, files/, kernel.log
    limits: Limits
    read_only: dict[str, str]       # host path -> path inside, read-only
    env: dict[str, str]             # the kernel's whole environment
    uid: int | None = None          # the sandbox's own user id (grading as root), else None
    cgroup: _Cgroup | None = None   # its cgroup, where this machine lets us make one
    cleanups: list = field(default_factory=list)
    last_log: str = ""              # the end of the kernel's own output, kept after the folder is gone

    @property
    def sockets(self) -> Path:
        return self.directory / "sockets"

    @property
    def files(self) -> Path:
        return self.directory / "files"

    @property
    def log(self) -> Path:
        return self.directory / "kernel.log"


class Backend:
    """How to run a command in a sandbox. Subclass it to use another isolation tool.

    `command(box, argv)` returns the command line that runs `argv` inside the sandbox described by `box`:
    read-only `box.read_only`, the writable `box.sockets` folder at the same path, `box.files` copied into
    the working folder `HOME`, the environment `box.env` and no other, no network, `box.limits`, and every
    process of the sandbox gone when `argv` ends.
    """
    name = "?"

    def problem(self) -> str | None:
        """Why this backend cannot run here (with what to do), or None."""
        raise NotImplementedError

    def start(self, box: Box) -> None:
        """Allocate what one sandbox needs (user id, cgroup); called before `command`."""

    def command(self, box: Box, argv: list[str]) -> list[str]:
        raise NotImplementedError

    def kill(self, box: Box) -> None:
        """Kill every process left in the sandbox."""

    def describe(self, box: Box) -> str:
        return self.name


class Bubblewrap(Backend):
    """bubblewrap (`bwrap`): namespaces, a file system built from read-only binds, rlimits, cgroups if possible."""
    name = "bubblewrap"

    def __init__(self, executable: str | None = None):
        self.executable = executable or shutil.which("bwrap") or ""
        self.root = os.geteuid() == 0

    def problem(self) -> str | None:
        if not self.executable or not os.access(self.executable, os.X_OK):
            return ("student code runs only inside a sandbox, and bubblewrap (`bwrap`) is not installed. "
                    "Install it: `sudo apt-get install bubblewrap` (Debian, Ubuntu; `dnf install bubblewrap` on "
                    "Fedora). Or, " + UNSAFE_HINT)
        missing = [tool for tool in (["prlimit", "setpriv", "kill"] if self.root else ["prlimit"])
                   if not shutil.which(tool, path="/usr/bin:/bin")]
        if missing:
            return f"the sandbox needs {', '.join(missing)} (Debian package util-linux/procps). Or, " + UNSAFE_HINT
        return None

    def start(self, box: Box) -> None:
        if self.root:
            lease = _UidLease.acquire()
            box.uid = lease.uid
            box.cleanups.append(lease.release)
        box.cgroup = _Cgroup.create(f"course-sandbox-{os.getpid()}-{box.directory.name}", box.limits)
        if box.cgroup:
            box.cleanups.append(box.cgroup.remove)

    def kill(self, box: Box) -> None:
        if box.cgroup:
            box.cgroup.kill()
        if box.uid is not None:
            _kill_uid(box.uid)

    def describe(self, box: Box) -> str:
        who = f"user id {box.uid}" if box.uid is not None else "a user namespace"
        group = box.cgroup.describe() if box.cgroup else "no cgroup (rlimits only)"
        return f"bubblewrap, {who}, {group}"

    def command(self, box: Box, argv: list[str]) -> list[str]:
        limits = box.limits
        args = [self.executable]
        if not self.root:
            args.append("--unshare-user")
        args += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                 "--die-with-parent", "--new-session", "--hostname", "sandbox",
                 "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
        for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            top = Path("/") / name
            if top.is_symlink():
                args += ["--symlink", os.readlink(top), str(top)]
            elif top.is_dir():
                args += ["--ro-bind", str(top), str(top)]
        args += ["--proc", "/proc", "--dev", "/dev"]
        for scratch in ("/tmp", "/dev/shm", HOME):
            args += ["--perms", "1777", "--size", str(limits.disk), "--tmpfs", scratch]
        made = {"/", "/usr", "/etc", "/proc", "/dev", "/tmp", "/dev/shm", HOME}
        binds = [("--ro-bind", host, inside) for host, inside in box.read_only.items()]
        binds += [("--ro-bind", str(box.files), SUBMISSION), ("--bind", str(box.sockets), str(box.sockets))]
        for kind, host, inside in binds:
            for parent in reversed(Path(inside).parents):
                if str(parent) not in made and not any(parent.is_relative_to(p) for p in ("/usr", "/etc")):
                    made.add(str(parent))
                    args += ["--perms", "1777" if parent.is_relative_to(HOME) else "0755", "--dir", str(parent)]
            args += [kind, host, inside]
        args.append("--clearenv")
        for name, value in box.env.items():
            args += ["--setenv", name, value]
        args += ["--chdir", HOME, "--"]
        args += ["prlimit", f"--data={limits.memory}", f"--nproc={limits.processes}",
                 f"--cpu={limits.cpu_seconds}", f"--fsize={limits.disk}", "--core=0", "--"]
        if box.uid is not None:
            args += ["setpriv", f"--reuid={box.uid}", f"--regid={box.uid}", "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        # As the sandbox user: copy the submission's files into the (writable, throwaway) home, then start.
        args += ["/bin/sh", "-c", f'cp -R {SUBMISSION}/. {HOME}/ && exec "$@"', "sh", *argv]
        return box.cgroup.wrap(args) if box.cgroup else args


BACKENDS: dict[str, type[Backend]] = {"bubblewrap": Bubblewrap}


def _backend(name: str) -> Backend:
    if name in BACKENDS:
        return BACKENDS[name]()
    if "." in name:
        from traitlets.utils.importstring import import_item
        return import_item(name)()
    raise SandboxUnavailable(f"unknown sandbox backend {name!r}; the known ones are {', '.join(BACKENDS)}.")


# -- per-sandbox user ids and cgroups ------------------------------------------------------------------------

class _UidLease:
    """A user id for one sandbox, held through a lock file, so concurrent sandboxes never share one.

    RLIMIT_NPROC counts the processes of a user id, so each sandbox needs its own for the process limit
    to be its own (a fork bomb in one must not starve another), and for "kill every process of this
    user id" to reach exactly one sandbox.
    """

    def __init__(self, uid: int, handle: int):
        self.uid, self.handle = uid, handle

    @classmethod
    def acquire(cls, base: int = UID_BASE, slots: int = 4096) -> _UidLease:
        folder = Path(tempfile.gettempdir()) / "course-sandbox-uids"
        folder.mkdir(mode=0o700, exist_ok=True)
        for slot in range(slots):
            uid = base + slot
            try:
                pwd.getpwuid(uid)
                continue  # an account uses it
            except KeyError:
                pass
            handle = os.open(folder / f"{uid}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(handle)
                continue
            _kill_uid(uid)  # leftovers of a sandbox whose grader died
            return cls(uid, handle)
        raise SandboxUnavailable(f"all {slots} sandbox user ids from {base} are in use.")

    def release(self) -> None:
        _kill_uid(self.uid)
        os.close(self.handle)


def _kill_uid(uid: int) -> None:
    """SIGKILL every process of `uid` at once (kill(-1) as that user), then wait until none is left."""
    for _ in range(50):
        if not _pids_of_uid(uid):
            return
        subprocess.run(["kill", "-KILL", "-1"], user=uid, group=uid, extra_groups=[],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin"})
        time.sleep(0.02)


def _pids_of_uid(uid: int) -> list[int]:
    """Processes whose real user id is `uid` (from /proc/<pid>/status: a process that changed its user id
    may not own its /proc folder)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/status") as status:
                    for line in status:
                        if line.startswith("Uid:"):
                            if int(line.split()[1]) == uid:
                                found.append(int(entry.name))
                            break
            except (OSError, ValueError, IndexError):
                pass
    return found


class _Cgroup:
    """A cgroup for one sandbox (v2, or the v1 memory/pids/cpu hierarchies), where this machine allows it.

    It caps the memory and the number of tasks of the whole sandbox (rlimits only cap each process), gives
    each sandbox an equal share of the CPU (a fork bomb gets one share, not one per process), and lists
    every process to kill at the end. Without it the rlimits still apply.
    """

    def __init__(self, folders: dict[str, Path]):
        self.folders = folders  # controller ("memory", "pids", "cpu", or "unified") -> cgroup folder

    @classmethod
    def create(cls, name: str, limits: Limits) -> _Cgroup | None:
        base = Path("/sys/fs/cgroup")
        try:
            lines = Path("/proc/self/cgroup").read_text().splitlines()
        except OSError:
            return None
        mine = {}
        for line in lines:
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                mine[controller] = path.lstrip("/")
        folders: dict[str, Path] = {}
        try:
            if (base / "cgroup.controllers").is_file() and "" in mine:  # cgroup v2
                parent = base / mine[""]
                for controller in ("memory", "pids", "cpu"):  # for our children; fails where it may not
                    _write(parent / "cgroup.subtree_control", f"+{controller}", required=False)
                folder = parent / name
                folder.mkdir()
                folders["unified"] = folder
                _write(folder / "memory.max", limits.memory)
                _write(folder / "memory.swap.max", 0, required=False)
                _write(folder / "pids.max", limits.processes)
            else:  # cgroup v1: one folder per hierarchy
                for controller in ("memory", "pids", "cpu"):
                    if controller in mine and (base / controller / "cgroup.procs").is_file():
                        folder = base / controller / mine[controller] / name
                        folder.mkdir()
                        folders[controller] = folder
                if "memory" in folders:
                    _write(folders["memory"] / "memory.limit_in_bytes", limits.memory)
                    _write(folders["memory"] / "memory.memsw.limit_in_bytes", limits.memory, required=False)
                if "pids" in folders:
                    _write(folders["pids"] / "pids.max", limits.processes)
                if not {"memory", "pids"} <= set(folders):
                    raise OSError("memory and pids controllers are needed")
        except OSError:
            cls(folders).remove()
            return None
        return cls(folders)

    def describe(self) -> str:
        if "unified" in self.folders:
            return "cgroup v2"
        return f"cgroup v1 ({', '.join(self.folders)})"

    def wrap(self, argv: list[str]) -> list[str]:
        """`argv`, started from inside this cgroup (a shell joins it, then execs)."""
        joins = " && ".join(f"echo $$ > {shlex.quote(str(folder / 'cgroup.procs'))}"
                            for folder in self.folders.values())
        return ["/bin/sh", "-c", f'{joins} && exec "$@"', "sh", *argv]

    def pids(self) -> set[int]:
        found = set()
        for folder in self.folders.values():
            try:
                found |= {int(pid) for pid in (folder / "cgroup.procs").read_text().split()}
            except OSError:
                pass
        return found

    def kill(self) -> None:
        for _ in range(50):
            pids = self.pids()
            if not pids:
                return
            if "unified" in self.folders and (self.folders["unified"] / "cgroup.kill").exists():
                _write(self.folders["unified"] / "cgroup.kill", 1, required=False)
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)

    def remove(self) -> None:
        self.kill()
        for folder in self.folders.values():
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as error:
                    if error.errno != errno.EBUSY:
                        break
                    time.sleep(0.02)


def _write(path: Path, value, required: bool = True) -> None:
    try:
        path.write_text(str(value))
    except OSError:
        if required:
            raise


# -- the sandbox as nbgrader sees it ---------------------------------------------------------------------------

class Sandbox:
    """Everything the sandboxes of one nbgrader process share: backend, limits, what is visible."""

    def __init__(self, backend: Backend, limits: Limits, read_only: dict[str, str], env: dict[str, str],
                 protected: list[Path]):
        self.backend, self.limits, self.read_only, self.env = backend, limits, read_only, env
        problem = backend.problem()
        if problem:
            raise SandboxUnavailable(problem)
        for host in [*read_only, "/usr", "/etc"]:
            for folder in protected:
                if folder.is_relative_to(host):
                    raise SandboxUnavailable(
                        f"refusing to sandbox: {host} would be visible inside the sandbox, and it holds {folder}. "
                        "Keep the course folder out of the sandbox's read-only paths.")

    def open(self, submission: Path | None, submitted: Path | None = None, log=None) -> Box:
        """A new sandbox for the submission in `submission` (its non-notebook files are copied in).

        `submitted` is where the student's files came from: a file that was a symbolic link there is left
        out (nbgrader copies what a link points to, which could be the gradebook or a solution).
        """
        directory = Path(tempfile.mkdtemp(prefix="course-sandbox-"))
        box = Box(directory, self.limits, dict(self.read_only), dict(self.env))

        def ignore(folder: str, names: list[str]) -> set[str]:
            left_out = set(shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints")(folder, names))
            for name in set(names) - left_out:
                there = submitted / Path(folder).relative_to(submission) / name if submitted else None
                if (there and there.is_symlink()) or (Path(folder) / name).is_symlink():
                    left_out.add(name)
                    if log:
                        log.warning("Not copying %s into the sandbox: it was submitted as a symbolic link", there)
            return left_out

        try:
            box.sockets.mkdir()
            if submission and submission.is_dir():
                shutil.copytree(submission, box.files, symlinks=True, ignore=ignore)
            else:
                box.files.mkdir()
            self.backend.start(box)
            if box.uid is not None:
                for path in (box.sockets, *box.files.rglob("*"), box.files):
                    os.chown(path, box.uid, box.uid, follow_symlinks=False)
        except BaseException:
            close(box, self.backend)
            raise
        return box

    def check(self) -> None:
        """Start a sandbox and run Python in it once; raise SandboxUnavailable with its errors if that fails."""
        box = self.open(None)
        try:
            probe = "import os, socket; os.listdir('.'); socket.gethostname()"
            result = subprocess.run(self.backend.command(box, [sys.executable, "-c", probe]), cwd=box.directory,
                                    capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            result = subprocess.CompletedProcess([], 1, "", "the test sandbox did not finish in 60 s")
        finally:
            close(box, self.backend)
        if result.returncode != 0:
            raise SandboxUnavailable(f"{self.backend.name} is installed but cannot start a sandbox here:\n"
                                     f"{result.stderr.strip()[-2000:]}\nOr, " + UNSAFE_HINT)


def close(box: Box, backend: Backend) -> None:
    """Kill whatever is left in the sandbox, release its user id and cgroup, delete its folder."""
    backend.kill(box)
    try:
        box.last_log = "\n".join(box.log.read_text(errors="replace").strip().splitlines()[-15:])
    except OSError:
        pass
    for cleanup in reversed(box.cleanups):
        try:
            cleanup()
        except OSError:
            pass
    box.cleanups.clear()
    shutil.rmtree(box.directory, ignore_errors=True)


class SandboxKernelManager(AsyncKernelManager):
    """Starts the kernel in a sandbox and talks to it over unix sockets (there is no network inside)."""

    sandbox = Any(None)  # a Sandbox, set by SandboxedExecute before the kernel starts
    submitted = Any(None)  # the folder the student's files came from (submitted/<student>/<assignment>)
    box = Any(None)
    last_log = Unicode("")

    async def _async_pre_start_kernel(self, **kw):
        submission = Path(kw.get("cwd") or os.getcwd())
        self.box = self.sandbox.open(submission, self.submitted, self.log)
        try:
            self.transport = "ipc"
            self.ip = str(self.box.sockets / "kernel")
            self.connection_file = str(self.box.sockets / "kernel.json")
            self.kernel_spec.interrupt_mode = "message"  # a signal would hit bwrap, not the kernel
            kw["cwd"] = str(self.box.directory)
            self._log_file = open(self.box.log, "wb")  # the kernel's own stdout/stderr (not the cells')
            kw["stdout"] = kw["stderr"] = self._log_file
            self.log.info("Sandbox: %s; %s", self.sandbox.backend.describe(self.box), self.box.limits.describe())
            return await super()._async_pre_start_kernel(**kw)
        except BaseException:
            self._close_box()
            raise

    def format_kernel_cmd(self, extra_arguments=None):
        argv = super().format_kernel_cmd(extra_arguments)
        if self.box.uid is not None:
            os.chown(self.connection_file, self.box.uid, self.box.uid)
        return self.sandbox.backend.command(self.box, argv)

    def kill_sandbox(self) -> None:
        """Stop the kernel and everything it started, now."""
        process = getattr(self.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                pass
        if self.box is not None:
            self.sandbox.backend.kill(self.box)

    def _close_box(self) -> None:
        if getattr(self, "_log_file", None):
            self._log_file.close()
            self._log_file = None
        if self.box is not None:
            close(self.box, self.sandbox.backend)
            self.last_log = self.box.last_log
            self.box = None

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._close_box()

    cleanup_resources = _async_cleanup_resources


def _error(ename: str, evalue: str):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


class SandboxedExecute(Execute):
    """nbgrader's Execute step, with the kernel in a sandbox (see the module's docstring).

    When the kernel dies or stops answering (a limit was hit, or a cell ignored the interrupt after its
    time limit), the sandbox is killed and this cell and every code cell after it get an error output
    saying so, so their tests score 0 and the rest of the notebook is graded as usual. (nbgrader's own
    Execute gives up on the whole notebook instead.)
    """

    unsafe = Bool(False, help="Run student code WITHOUT a sandbox, as stock nbgrader does. Trusted code only."
                  ).tag(config=True)
    backend = Unicode("bubblewrap", help="'bubblewrap', or the import path of a Backend subclass.").tag(config=True)
    memory_limit = Integer(Limits.memory, help="Bytes of memory for each process (and the whole sandbox, where "
                           "cgroups work).").tag(config=True)
    process_limit = Integer(Limits.processes, help="Processes and threads in one sandbox.").tag(config=True)
    cpu_time_limit = Integer(Limits.cpu_seconds, help="CPU seconds for each process.").tag(config=True)
    disk_limit = Integer(Limits.disk, help="Bytes of each scratch file system, and of any one file.").tag(config=True)
    wall_time_limit = Integer(1800, help="Seconds one notebook may take in all (each cell also has `timeout`)."
                              ).tag(config=True)
    read_only_paths = List(Unicode(), help="More host paths, visible read-only at the same path (datasets, say)."
                           ).tag(config=True)
    pass_env = List(Unicode(), [
        "NBGRADER_EXECUTION", "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "KERAS_BACKEND", "COURSE_MNIST_NPZ",
        "OMP_NUM_THREADS", "PYTHONHASHSEED", "LANG", "LC_ALL", "TZ", "MPLBACKEND",
    ], help="Environment variables the kernel gets from the grader's (all others are dropped).").tag(config=True)
    extra_env = Dict(help="Environment variables to set in the sandbox.").tag(config=True)

    _sandboxes: dict = {}  # one checked Sandbox per configuration, per process

    def limits(self) -> Limits:
        return Limits(memory=self.memory_limit, processes=self.process_limit, cpu_seconds=self.cpu_time_limit,
                      disk=self.disk_limit)

    def sandbox(self) -> Sandbox:
        """The checked sandbox for this configuration (raises SandboxUnavailable)."""
        read_only, env = self._visible()
        key = (self.backend, self.limits(), tuple(sorted(read_only.items())), tuple(sorted(env.items())))
        if key not in self._sandboxes:
            sandbox = Sandbox(_backend(self.backend), self.limits(), read_only, env, self._protected())
            sandbox.check()
            self._sandboxes[key] = sandbox
        return self._sandboxes[key]

    def _visible(self) -> tuple[dict[str, str], dict[str, str]]:
        """The read-only paths (host -> inside) and the environment of the kernel."""
        runtime = [sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parents[1]),
                   str(Path(__file__).resolve().parent)]  # Python, the virtualenv, the course helpers
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
        # Drop paths inside others (and the system folders bound anyway), so each is bound once.
        kept = {}
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

    # -- execution -------------------------------------------------------------------------------------------

    def create_kernel_manager(self):
        if self.unsafe:
            return super().create_kernel_manager()
        self.kernel_manager_class = SandboxKernelManager
        km = super().create_kernel_manager()
        km.sandbox = self._sandbox
        km.submitted = self._submitted_folder()
        self._last_km = km
        return km

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

    def preprocess(self, nb, resources=None, km=None):
        if self.unsafe:
            self.log.warning("UNSAFE: running student code without a sandbox (SandboxedExecute.unsafe=True).")
            return super().preprocess(nb, resources, km)
        self._sandbox = self.sandbox()
        self._deadline = time.monotonic() + self.wall_time_limit
        self._stopped = None
        self._timed_out = False
        self._last_km = None
        try:
            return super().preprocess(nb, resources, km)
        except RuntimeError as error:
            tail = self._last_km.last_log if self._last_km else ""
            if tail:
                raise RuntimeError(f"{error}; the sandboxed kernel printed:\n{tail}") from error
            raise

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        if self.unsafe or cell is None:
            return timeout
        remaining = max(1, int(self._deadline - time.monotonic()))
        return remaining if timeout is None else min(timeout, remaining)

    async def _async_handle_timeout(self, timeout, cell=None):
        self._timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def preprocess_cell(self, cell, resources, index):
        if self.unsafe or cell.cell_type != "code" or not cell.source.strip():
            return super().preprocess_cell(cell, resources, index)
        if self._stopped is None and time.monotonic() >= self._deadline:
            self._stop(f"the notebook ran past its time limit of {self.wall_time_limit} s")
        if self._stopped:
            cell.outputs = [_error("NotRun", f"this cell was not run: {self._stopped}.")]
            return cell, resources
        timeout = self._get_timeout(cell)
        self._timed_out = False
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._stop(f"the kernel died in this cell (limits: {self.limits().describe()}; "
                       f"the notebook: {self.wall_time_limit} s)")
        except CellTimeoutError:
            if not self._timed_out:
                raise  # slow output after a reply, not a runaway cell: nbgrader reports it as usual
            self._stop(f"this cell ran past its time limit of {timeout} s and did not stop when interrupted")
        cell.outputs.append(_error("SandboxStopped", f"{self._stopped}. This cell and the ones after it score 0."))
        return cell, resources

    def _stop(self, reason: str) -> None:
        self.log.warning("Stopping the sandbox: %s", reason)
        self._stopped = reason
        if self.km is not None and hasattr(self.km, "kill_sandbox"):
            self.km.kill_sandbox()


# -- grading many submissions at once -------------------------------------------------------------------------

def default_workers(memory_limit: int = Limits.memory) -> int:
    """One worker per core, but no more than the memory allows (each sandbox may use `memory_limit`; 0: any)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return cores
    return max(1, min(cores, total // max(memory_limit, 1)))


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
    """One `python -m course.sandbox worker` process: reads jobs on stdin, answers on a pipe of its own."""

    def __init__(self, root: Path, unsafe: bool):
        self.log = tempfile.TemporaryFile()
        read_end, write_end = os.pipe()
        env = dict(os.environ)
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        command = [sys.executable, "-m", "course.sandbox", "worker", str(write_end)] + (["--unsafe"] if unsafe else [])
        self.process = subprocess.Popen(command, cwd=root, env=env, stdin=subprocess.PIPE, stdout=self.log,
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
                  progress: TextIO | None = sys.stderr) -> list[str]:
    """Run nbgrader's autograde for each (assignment, student) in `jobs`, `workers` at a time.

    Every worker is a process of its own that loads nbgrader once and grades one submission at a time
    (each in a sandbox, unless `unsafe`); they share the gradebook, and a submission whose gradebook write
    met another one's ("database is locked") is graded again. Returns the problems, one per submission
    that could not be graded. Raises SandboxUnavailable before grading anything if the sandbox cannot run.
    """
    if not jobs:
        return []
    if unsafe and progress:
        progress.write("WARNING: grading WITHOUT the sandbox (--unsafe): student code runs with your rights, "
                       "in the course folder, with the network.\n")
    count = max(1, min(workers or default_workers(0), len(jobs)))
    pending: queue.Queue = queue.Queue()
    for aid, student in jobs:
        pending.put({"assignment": aid, "student": student})
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

    def start() -> _Worker:
        worker = _Worker(root, unsafe)
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
            with lock:
                if not answer["ok"]:
                    problems.append(f"{job['assignment']}: {job['student']} could not be graded:\n{answer['problem']}")
                if answer.get("attempts", 1) > 1:
                    label += f" (graded {answer['attempts']} times: the gradebook was busy)"
                bar.update(label, time.monotonic() - started, answer["ok"])
        worker.close()

    pool = [_Worker(root, unsafe) for _ in range(count)]
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


def _worker_main(channel_fd: int, unsafe: bool) -> int:
    """The worker loop: `{"assignment", "student"}` lines in on stdin, one answer line each out on `channel_fd`."""
    channel = os.fdopen(channel_fd, "w", buffering=1)
    os.set_inheritable(channel_fd, False)  # kernels and sandboxes must never write into the answers

    def answer(**fields) -> None:
        channel.write(json.dumps(fields) + "\n")

    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.apps.autogradeapp import AutogradeApp
    from nbgrader.converters import Autograde
    from traitlets.utils.importstring import import_item

    app = AutogradeApp()
    app.initialize([])
    if unsafe:
        app.config.SandboxedExecute.unsafe = True
    api = NbGraderAPI(coursedir=app.coursedir, parent=app)
    steps = [import_item(step) if isinstance(step, str) else step
             for step in Autograde(coursedir=app.coursedir, parent=api).autograde_preprocessors]
    executors = [step for step in steps if isinstance(step, type) and issubclass(step, Execute)]
    try:
        if not unsafe:
            if not any(issubclass(step, SandboxedExecute) for step in executors):
                raise SandboxUnavailable(
                    "nbgrader_config.py does not run notebooks through course.sandbox.SandboxedExecute "
                    "(c.Autograde.autograde_preprocessors), so student code would not be sandboxed. Restore "
                    "the sandbox block at the end of nbgrader_config.py. Or, " + UNSAFE_HINT)
        executor = SandboxedExecute(parent=api)
        if not unsafe:
            executor.sandbox()
    except SandboxUnavailable as error:
        answer(fatal=str(error))
        return 1
    answer(ready=True, memory=executor.memory_limit)
    for line in sys.stdin:
        job = json.loads(line)
        for attempt in range(6):
            result = api.autograde(job["assignment"], job["student"], force=False, create=True)
            text = result.get("error", "") + result.get("log", "")
            if result["success"] or "database is locked" not in text:
                break
            time.sleep(0.5 * 2**attempt)  # another worker was writing the gradebook: grade it again
        problem = "" if result["success"] else _problem(text)
        answer(ok=bool(result["success"]), problem=problem, attempts=attempt + 1)
    return 0


def _problem(text: str, lines: int = 15) -> str:
    """The lines of an nbgrader log that say what went wrong."""
    kept = [line for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in kept if line.startswith(("[ERROR]", "[WARNING]")) or "Error" in line]
    return "\n".join((errors or kept)[-lines:])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["worker"]:
        return _worker_main(int(argv[1]), "--unsafe" in argv[2:])
    if argv[:1] == ["check"]:  # with the course's configuration: run it in the course root
        from nbgrader.apps.autogradeapp import AutogradeApp

        app = AutogradeApp()
        app.initialize([])
        executor = SandboxedExecute(parent=app)
        try:
            sandbox = executor.sandbox()
        except SandboxUnavailable as error:
            print(f"The sandbox cannot run here: {error}", file=sys.stderr)
            return 1
        box = sandbox.open(None)
        try:
            print(f"The sandbox works: {sandbox.backend.describe(box)}; {sandbox.limits.describe()}; "
                  f"notebook wall time {executor.wall_time_limit} s.")
            print("Read-only inside:", ", ".join(sorted(set(sandbox.read_only.values()))))
        finally:
            close(box, sandbox.backend)
        print(f"Workers by default: {default_workers(sandbox.limits.memory)}")
        return 0
    print(__doc__.split("\n\n")[-1].strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    # Run the copy nbgrader imports (course.sandbox), not this __main__ one: their classes must be the same.
    from course import sandbox as _module
    sys.exit(_module.main())
