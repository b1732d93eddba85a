"""Is a kernel that replaces itself with another program seen from outside? (grader/sandbox/processes.py)"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from grader.sandbox import processes


def wait_for(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_process_that_execs_another_program_is_named_and_one_that_does_not_is_not():
    """Does replaced() name the new program after an execv, and say nothing before it or for a child that only
    keeps running?"""
    script = "import os, sys; sys.stdin.readline(); os.execv('/bin/sleep', ['sleep', '30'])"
    replacing = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE)
    steady = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        recorded = processes.snapshot(replacing.pid) | processes.snapshot(steady.pid)
        assert set(recorded) == {replacing.pid, steady.pid}
        assert processes.replaced(recorded) is None
        replacing.stdin.write(b"go\n")
        replacing.stdin.flush()
        assert wait_for(lambda: processes.replaced(recorded) == "sleep 30")
    finally:
        replacing.kill()
        steady.kill()


def test_a_snapshot_holds_the_children_and_a_process_that_is_gone_does_not_count():
    """Does snapshot() hold the processes below the root, and replaced() ignore one that has exited?"""
    parent = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time; "
                               "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']); "
                               "time.sleep(30)"])
    recorded = {}
    try:
        assert wait_for(lambda: len(processes.snapshot(parent.pid)) == 2)
        recorded = processes.snapshot(parent.pid)
        parent.kill()
        parent.wait()
        assert processes.replaced(recorded) is None
    finally:
        parent.kill()
        for pid in recorded:
            os.kill(pid, signal.SIGKILL) if pid != parent.pid and processes.snapshot(pid) else None
