"""Does the sandbox's command line isolate a kernel, and does the sandbox refuse to show the course? (nothing runs)"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT
from grader.sandbox import backend
from grader.sandbox.backend import HOME, SUBMISSION, Box, Bubblewrap, Sandbox, Unsandboxed
from grader.sandbox.limits import Limits, SandboxUnavailable

ARGV = ["python", "-c", "1"]
BINDS = {"--bind", "--ro-bind", "--dev-bind", "--bind-try", "--ro-bind-try", "--dev-bind-try"}


def binds(command: list[str]) -> list[tuple[str, str, str]]:
    """(option, host path, path inside) for each bind in a bwrap command line."""
    return [(arg, command[i + 1], command[i + 2]) for i, arg in enumerate(command) if arg in BINDS]


@pytest.fixture
def box(tmp_path) -> Box:
    read_only = {sys.prefix: sys.prefix, str(ROOT / "course"): str(ROOT / "course"),
                 str(tmp_path / "datasets"): f"{HOME}/.keras/datasets"}
    return Box(tmp_path / "box", Limits(memory=2**30, processes=64, cpu_seconds=60, disk=2**26), read_only,
               {"HOME": HOME, "COURSE_CHANNEL_FD": "5"})


@pytest.mark.parametrize("uid", [None, 61234])
def test_does_the_bwrap_command_isolate_the_kernel(box, uid):
    """Does the command unshare the network, die with its parent, clear the environment and end with argv?"""
    box.uid = uid
    command = Bubblewrap(executable="/usr/bin/bwrap").command(box, ARGV)
    assert command[0] == "/usr/bin/bwrap" and command[-len(ARGV):] == ARGV
    for option in ("--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--new-session",
                   "--clearenv"):
        assert option in command, option
    assert command.index("--clearenv") < command.index("--setenv")  # only the box's environment is set
    settings = [tuple(command[i + 1:i + 3]) for i, arg in enumerate(command) if arg == "--setenv"]
    assert settings == [("HOME", HOME), ("COURSE_CHANNEL_FD", "5")]
    assert f"--data={2**30}" in command and "--nproc=64" in command and "--cpu=60" in command
    assert ("setpriv" in command) == (uid is not None) and (uid is None or f"--reuid={uid}" in command)


def test_is_each_read_only_path_bound_read_only(box):
    """Is each of the box's read-only paths bound with --ro-bind at its path inside, and only the sockets writable?"""
    bound = binds(Bubblewrap(executable="/usr/bin/bwrap").command(box, ARGV))
    for host, inside in box.read_only.items():
        assert ("--ro-bind", host, inside) in bound
    assert ("--ro-bind", str(box.files), SUBMISSION) in bound
    assert [b for b in bound if b[0] != "--ro-bind"] == [("--bind", str(box.sockets), str(box.sockets))]


def test_is_the_course_root_never_bound(box):
    """Is neither the course root nor a folder above it bound, even when paths inside it are?"""
    command = Bubblewrap(executable="/usr/bin/bwrap").command(box, ARGV)
    for _, host, _ in binds(command):
        assert not ROOT.is_relative_to(host), f"{host} shows the course root {ROOT}"
    assert str(ROOT / "source") not in command and str(ROOT) not in {host for _, host, _ in binds(command)}


def test_does_a_read_only_path_holding_a_protected_folder_refuse_the_sandbox(tmp_path):
    """Does Sandbox() refuse a read-only path that holds a protected folder (or is one)?"""
    course = tmp_path / "course"
    for host in (tmp_path, course, "/"):
        with pytest.raises(SandboxUnavailable, match="refusing to sandbox"):
            Sandbox(Unsandboxed(), Limits(), {str(host): "/data"}, {}, [course])


def test_does_a_protected_folder_under_usr_refuse_the_sandbox(tmp_path):
    """Is a protected folder under /usr refused too, since /usr is always visible?"""
    with pytest.raises(SandboxUnavailable, match="/usr"):
        Sandbox(Unsandboxed(), Limits(), {}, {}, [Path("/usr/local/course")])


def test_does_open_refuse_extra_read_only_paths_that_hold_a_protected_folder(tmp_path, monkeypatch):
    """Does Sandbox.open(read_only=...) refuse a path holding a protected folder, and leave no box behind?"""
    monkeypatch.setattr(backend.tempfile, "tempdir", str(tmp_path / "scratch"))
    (tmp_path / "scratch").mkdir()
    course, venv = tmp_path / "course", tmp_path / "venv"
    sandbox = Sandbox(Unsandboxed(), Limits(), {str(venv): str(venv)}, {}, [course])
    with pytest.raises(SandboxUnavailable, match="refusing to sandbox"):
        sandbox.open(read_only={str(tmp_path): "/data"})
    assert list((tmp_path / "scratch").iterdir()) == []
    box = sandbox.open(read_only={str(tmp_path / "datasets"): "/data"})
    try:
        assert box.read_only == {str(venv): str(venv), str(tmp_path / "datasets"): "/data"}
        assert box.sockets.is_dir()
    finally:
        backend.close(box, sandbox.backend)
    assert not box.directory.exists()
