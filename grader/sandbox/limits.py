"""What one sandboxed kernel may use, and the error for a machine that cannot sandbox at all.

backend.py, accounts.py and pool.py all need these; this module imports none of them.
"""
from __future__ import annotations

from dataclasses import dataclass

GiB = 2**30

UNSAFE_HINT = ("only for submissions you trust (a test run, say), grade without the sandbox: "
               "`make grade UNSAFE=1` or `python -m grader grade --unsafe` "
               "(plain nbgrader: add `--CheckedExecute.unsafe=True`).")


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
