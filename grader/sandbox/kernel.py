"""Grading kernels, started in sandboxes through jupyter_client's public hooks.

- `GradingKernelSpecs` names the two kinds of grading kernel: `course-student` runs the IPython kernel with
  the agent (grader/bridge) serving the checker; `course-checker` runs the checker's kernel
  (grader/checker/kernel.py). Both select the `course-sandbox` kernel provisioner.
- `SandboxProvisioner` (registered under that name in grader/pyproject.toml) opens a sandbox before the
  kernel starts, starts the kernel inside it with the channel's file descriptor, and closes it afterwards.
- `GradingKernelManager` carries what the provisioner needs: the sandbox, the role, the submission folder and
  the channel. The kernel talks to it over unix sockets in the sandbox's own folder (no network inside).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Any, Dict, Unicode, default

from grader.sandbox.backend import BRIDGE, BRIDGE_SOURCE, Box, close

PROVISIONER = "course-sandbox"
STUDENT_KERNEL, CHECKER_KERNEL = "course-student", "course-checker"
_AGENT = "import sys; sys.path.append({bridge!r}); from dlb_bridge import agent; agent.main()"
_NO_HISTORY = "--HistoryManager.hist_file=:memory:"


class GradingKernelSpecs(KernelSpecManager):
    """The kernel specs of the two grading kernels (nothing is installed on disk)."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name == STUDENT_KERNEL:
            argv = [sys.executable, "-c", "{agent}", "-f", "{connection_file}", _NO_HISTORY]
        elif kernel_name == CHECKER_KERNEL:
            argv = [sys.executable, "-m", "grader.checker.kernel", "-f", "{connection_file}", _NO_HISTORY]
        else:
            return super().get_kernel_spec(kernel_name)
        return KernelSpec(argv=argv, display_name=kernel_name, language="python", interrupt_mode="message",
                          metadata={"kernel_provisioner": {"provisioner_name": PROVISIONER}})


class GradingKernelManager(AsyncKernelManager):
    """A kernel manager for one grading kernel; set `sandbox`, and `channel` for the wire to the other side."""

    sandbox = Any(None, help="the grader.sandbox.backend.Sandbox to start the kernel in")
    submission = Any(None, help="the folder whose files the student's kernel works with (None for the checker)")
    submitted = Any(None, help="where the student's files came from (submitted/<student>/<assignment>)")
    channel = Any(None, help="this kernel's end of the channel between the two kernels (a socket), closed here "
                  "once the kernel has it")
    extra_env = Dict(help="environment variables for this kernel, on top of the sandbox's")
    last_log = Unicode("", help="the end of the kernel's own output, after it stopped")

    @default("kernel_spec_manager")
    def _default_kernel_spec_manager(self) -> KernelSpecManager:
        return GradingKernelSpecs(parent=self)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        box = self.provisioner.box
        return [_AGENT.format(bridge=self.sandbox.backend.bridge(box)) if part == "{agent}" else part
                for part in command]

    def read_only(self) -> dict[str, str]:
        """What this kernel sees beyond every sandbox's runtime: the agent, or the grader package."""
        if self.kernel_name == STUDENT_KERNEL:
            return {str(BRIDGE_SOURCE): f"{BRIDGE}/dlb_bridge"}
        grader = str(Path(__file__).resolve().parents[1])
        return {grader: grader}

    async def kill_sandbox(self) -> None:
        """Stop the kernel and everything it started, now."""
        if self.provisioner is not None and self.provisioner.has_process:
            await self.provisioner.kill()
        box = getattr(self.provisioner, "box", None)
        if box is not None:
            self.sandbox.backend.kill(box)


class SandboxProvisioner(LocalProvisioner):
    """Starts a kernel inside a sandbox; the kernel manager (its parent) says which one and with what."""

    box: Box | None = None

    async def pre_launch(self, **kwargs) -> dict:
        km: GradingKernelManager = self.parent
        sandbox = km.sandbox
        env = dict(km.extra_env)
        if km.channel is not None:
            env["COURSE_CHANNEL_FD"] = str(km.channel.fileno())
            kwargs["pass_fds"] = (km.channel.fileno(),)
        self.box = sandbox.open(km.submission, km.submitted, km.read_only(), env, self.log)
        try:
            km.transport = "ipc"
            km.ip = str(self.box.sockets / "kernel")
            km.connection_file = str(self.box.sockets / "kernel.json")
            # bubblewrap starts in the box's own folder (the kernel works in HOME inside); unsandboxed, the kernel
            # starts where it works
            kwargs["cwd"] = (str(self.box.directory) if sandbox.backend.isolated
                             else sandbox.backend.working_directory(self.box))
            kwargs["env"] = self.box.env if sandbox.backend.isolated else {**os.environ, **self.box.env}
            self._log_file = open(self.box.log, "wb")  # the kernel's own stdout/stderr (not the cells')
            kwargs["stdout"] = kwargs["stderr"] = self._log_file
            self.log.info("Sandbox for %s: %s; %s", km.kernel_name, sandbox.backend.describe(self.box),
                          self.box.limits.describe())
            kwargs = await super().pre_launch(**kwargs)
            if self.box.uid is not None:
                os.chown(km.connection_file, self.box.uid, self.box.uid)
            kwargs["cmd"] = sandbox.backend.command(self.box, kwargs["cmd"])
            return kwargs
        except BaseException:
            self._close_box()
            raise

    async def launch_kernel(self, cmd: list[str], **kwargs):
        try:
            return await super().launch_kernel(cmd, **kwargs)
        finally:
            if self.parent.channel is not None:
                self.parent.channel.close()  # the kernel holds its end now; the grader must not

    async def kill(self, restart: bool = False) -> None:
        await super().kill(restart)
        if self.box is not None:
            self.parent.sandbox.backend.kill(self.box)

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart)
        if not restart:
            self._close_box()

    def _close_box(self) -> None:
        log_file = getattr(self, "_log_file", None)
        if log_file is not None:
            log_file.close()
            self._log_file = None
        if self.box is not None:
            close(self.box, self.parent.sandbox.backend)
            self.parent.last_log = self.box.last_log
            self.box = None
