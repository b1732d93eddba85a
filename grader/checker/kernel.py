"""The checker's kernel: an IPython kernel whose unknown names are looked up in the student's kernel.

Started by the grader as `python -m grader.checker.kernel -f <connection file>`, with COURSE_CHANNEL_FD
naming its end of the channel to the student's kernel. It runs the notebook's setup cell and its test cells,
never a line the student wrote; nbgrader scores the outputs of these cells.
"""
from __future__ import annotations

import os
import sys

from grader.checker.remote import Channel, StudentNamespace


def main(argv: list[str] | None = None) -> None:
    from ipykernel.kernelapp import IPKernelApp

    from course import calls

    test_cells = frozenset(os.environ.pop("COURSE_TEST_CELLS", "").split())  # SHA-256 of each test cell's source
    namespace = StudentNamespace(Channel.from_environment(), test_cells)
    calls.student_kernel = namespace  # checks.counting_calls then counts the calls in the student's kernel
    app = IPKernelApp.instance(user_ns=namespace)
    app.initialize(sys.argv[1:] if argv is None else argv)
    app.shell.events.register("pre_run_cell", namespace.forget)
    app.shell.events.register("post_run_cell", namespace.after_cell)
    app.start()


if __name__ == "__main__":
    main()
