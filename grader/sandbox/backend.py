"""Sandboxes: what a grading kernel can see and use, and the tool that enforces it.

Every submission gets two sandboxes, one for the student's kernel and one for the checker. Inside each:
a read-only runtime (system files, Python, the virtualenv, the `course` helpers, the datasets; the checker
also sees the `grader` package, the student's kernel only the agent in `grader/bridge`), size-limited
scratch space (the working folder, /tmp, /dev/shm), no network, a user id of its own when grading as root,
and limits on memory, processes, CPU time and file size. Nothing of the course is there: no `source/`, no
gradebook, no `submitted/` or `autograded/`, and no notebook file (so no hidden tests on disk). The two
kernels share only the socket the grader gives them.

The backend is bubblewrap (`apt-get install bubblewrap`), the sandbox tool Flatpak uses. `Unsandboxed` runs
the same two kernels without isolation, for trusted test runs only. Another tool can be plugged in: subclass
`Backend` and name it in `c.CheckedExecute.backend`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.sandbox.accounts import Cgroup, UidLease, kill_uid
from grader.sandbox.limits import UNSAFE_HINT, Limits, SandboxUnavailable

HOME = "/home/student"            # the kernel's home and working folder inside the sandbox
SUBMISSION = "/run/submission"    # the submission's non-notebook files, read-only; copied into HOME at start
BRIDGE = "/opt/course-bridge"     # holds grader/bridge as the package `dlb_bridge` (student's sandbox only)
BRIDGE_SOURCE = Path(__file__).resolve().parents[1] / "bridge"


@dataclass
class Box:
    """One sandbox's state on the host: a private folder, and what the backend allocated for it."""
    directory: Path                 # host folder (root-only): sockets/, files/, bridge/, kernel.log
    limits: Limits
    read_only: dict[str, str]       # host path -> path inside, read-only
    env: dict[str, str]             # the kernel's whole environment
    submission: Path | None = None  # where the student's files came from (unsandboxed runs work there)
    uid: int | None = None          # the sandbox's own user id (grading as root), else None
    cgroup: Cgroup | None = None    # its cgroup, where this machine lets us make one
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
    the working folder, the environment `box.env` and no other, no network, `box.limits`, and every process
    of the sandbox gone when `argv` ends. Open file descriptors the caller passes are kept.
    """
    name = "?"
    isolated = True

    def problem(self) -> str | None:
        """Why this backend cannot run here (with what to do), or None."""
        raise NotImplementedError

    def start(self, box: Box) -> None:
        """Allocate what one sandbox needs (user id, cgroup); called before `command`."""

    def command(self, box: Box, argv: list[str]) -> list[str]:
        raise NotImplementedError

    def working_directory(self, box: Box) -> str:
        return HOME

    def bridge(self, box: Box) -> str:
        """The folder to put on the student kernel's sys.path to import `dlb_bridge`."""
        return BRIDGE

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
            lease = UidLease.acquire()
            box.uid = lease.uid
            box.cleanups.append(lease.release)
        box.cgroup = Cgroup.create(f"course-sandbox-{os.getpid()}-{box.directory.name}", box.limits)
        if box.cgroup:
            box.cleanups.append(box.cgroup.remove)

    def kill(self, box: Box) -> None:
        if box.cgroup:
            box.cgroup.kill()
        if box.uid is not None:
            kill_uid(box.uid)

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


class Unsandboxed(Backend):
    """The same two kernels with no isolation at all: student code runs with your rights. Trusted runs only."""
    name = "none (unsafe)"
    isolated = False

    def problem(self) -> str | None:
        return None

    def start(self, box: Box) -> None:
        (box.directory / "bridge").mkdir()
        (box.directory / "bridge" / "dlb_bridge").symlink_to(BRIDGE_SOURCE)
        (box.directory / "home").mkdir()

    def command(self, box: Box, argv: list[str]) -> list[str]:
        return argv

    def working_directory(self, box: Box) -> str:
        # The student's kernel works in the submission's folder, as stock nbgrader does; the checker in an
        # empty folder of its own (a student file named like a module must never shadow one in the checker).
        return str(box.submission) if box.submission else str(box.directory / "home")

    def bridge(self, box: Box) -> str:
        return str(box.directory / "bridge")


BACKENDS: dict[str, type[Backend]] = {"bubblewrap": Bubblewrap, "none": Unsandboxed}


def backend_named(name: str) -> Backend:
    if name in BACKENDS:
        return BACKENDS[name]()
    if "." in name:
        from traitlets.utils.importstring import import_item
        return import_item(name)()
    raise SandboxUnavailable(f"unknown sandbox backend {name!r}; the known ones are {', '.join(BACKENDS)}.")


class Sandbox:
    """Everything the sandboxes of one grading process share: backend, limits, what is visible."""

    def __init__(self, backend: Backend, limits: Limits, read_only: dict[str, str], env: dict[str, str],
                 protected: list[Path]):
        self.backend, self.limits, self.read_only, self.env = backend, limits, read_only, env
        self.protected = protected
        problem = backend.problem()
        if problem:
            raise SandboxUnavailable(problem)
        self._check_hidden(read_only)

    def _check_hidden(self, read_only: dict[str, str]) -> None:
        for host in [*read_only, "/usr", "/etc"]:
            for folder in self.protected:
                if folder.is_relative_to(host):
                    raise SandboxUnavailable(
                        f"refusing to sandbox: {host} would be visible inside the sandbox, and it holds {folder}. "
                        "Keep the course folder out of the sandbox's read-only paths.")

    def open(self, submission: Path | None = None, submitted: Path | None = None,
             read_only: dict[str, str] | None = None, env: dict[str, str] | None = None, log=None) -> Box:
        """A new sandbox. `submission` is the folder whose non-notebook files are copied in (None: nothing);
        `read_only` and `env` add to what every sandbox gets.

        `submitted` is where the student's files came from: a file that was a symbolic link there is left
        out (nbgrader copies what a link points to, which could be the gradebook or a solution).
        """
        extra = dict(read_only or {})
        self._check_hidden(extra)
        directory = Path(tempfile.mkdtemp(prefix="course-sandbox-"))
        box = Box(directory, self.limits, {**self.read_only, **extra}, {**self.env, **(env or {})}, submission)

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
            if submission and submission.is_dir() and self.backend.isolated:
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
        box = self.open()
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
