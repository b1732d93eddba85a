"""Did the notebook's code call a function? `checks.counting_calls`, for test cells.

    with checks.counting_calls("np.linalg.inv") as inv:
        solve(a, b)
    assert inv.calls > 0, "solve() should use np.linalg.inv"

For the length of the `with` block, the function at that dotted name (a name of the notebook, or an
attribute of a module it imported) is replaced by one that counts its calls and calls it. In the notebook's
own kernel (JupyterLab, Colab, `nbgrader validate`) that happens here. When grading, tests run in the checker,
apart from the student's code: the checker sets `student_kernel`, and the stand-in runs in the student's kernel;
only the count comes back, as a number.

Code that holds the function under another name does not go through the stand-in: `from numpy.linalg import
inv` at the top of the notebook, or a default argument bound before the test. As in nbgrader, a student who
wants to can defeat this check, so let it confirm an approach, never stand alone for whether an answer works.
"""
from __future__ import annotations

import sys
from typing import Any

student_kernel: Any = None  # set by the grader's checker kernel: it runs the stand-in where the student's code runs


class counting_calls:  # noqa: N801 (used like a function: `with checks.counting_calls(...)`)
    def __init__(self, target: str):
        self.target, self.calls = target, 0
        self._names = sys._getframe(1).f_globals  # the test cell's names, where `np` or `squares` is looked up
        self._undo = None

    def __enter__(self) -> "counting_calls":
        if student_kernel is not None:
            number = student_kernel.student_call("watch", name=self.target)
            self._undo = lambda: _count(student_kernel.student_call("unwatch", watch=number))
            return self
        parts = self.target.split(".")
        if parts[0] not in self._names:
            raise NameError(f"name {parts[0]!r} is not defined")
        holder, name = (self._names, parts[0]) if len(parts) == 1 else (self._names[parts[0]], parts[-1])
        for part in parts[1:-1]:
            holder = getattr(holder, part)
        original = holder[name] if isinstance(holder, dict) else getattr(holder, name)

        def stand_in(*args, **kwargs):
            self.calls += 1
            return original(*args, **kwargs)

        _put(holder, name, stand_in)

        def undo() -> int:
            _put(holder, name, original)
            return self.calls

        self._undo = undo
        return self

    def __exit__(self, *_: Any) -> None:
        self.calls = self._undo()


def _count(calls: Any) -> int:
    if type(calls) is not int or calls < 0:
        raise TypeError(f"the student's kernel gave {calls!r} as a count of calls")
    return calls


def _put(holder: Any, name: str, value: Any) -> None:
    if isinstance(holder, dict):
        holder[name] = value
    else:
        setattr(holder, name, value)
