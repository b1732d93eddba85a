"""The checker's side of the wire: requests to the student's kernel, and what comes back.

- `Channel` sends one request at a time and waits for its reply, with a time limit per request. While it
  waits it runs callbacks the student's code makes into functions the checker passed it.
- `Remote` stands for a student object that stays in the student's kernel (a function, a class, an
  instance). Calling it, or reading an attribute, is a request. It never forwards comparisons, hashing or
  truth: an object whose `__eq__` always says True is, here, only equal to itself.
- `StudentNamespace` is the checker kernel's namespace: a name that the setup cell or an earlier test cell
  defined is the checker's; any other name is looked up in the student's kernel.
Everything that arrives is data (wire.py) or a handle; Keras models are checked and loaded in safe mode
(models.py). Nothing from the student's side is unpickled, evaluated or imported here.
"""
from __future__ import annotations

import builtins
import hashlib
import itertools
import os
import signal
import socket
import threading
import time
import weakref
from typing import Any, Callable

import numpy as np

from grader.bridge import wire
from grader.checker import models

STUDENT = "your code"


class StudentKernelGone(RuntimeError):
    """The student's kernel stopped answering for good (it exited, crashed or was replaced)."""


class UncheckableValue(TypeError):
    """What the student's code gave back cannot be brought to the checker as data."""


class Channel:
    def __init__(self, sock: socket.socket, call_timeout: float, limits: wire.Limits = wire.Limits()):
        self.sock, self.call_timeout, self.limits = sock, call_timeout, limits
        self.reader = wire.Reader(sock, limits)
        self.numbers = itertools.count(1)
        self.remotes: weakref.WeakValueDictionary[int, Remote] = weakref.WeakValueDictionary()
        self.callbacks: dict[int, Callable] = {}
        self.callback_numbers: dict[int, int] = {}  # id(function) -> number
        self.gone: str | None = None

    @classmethod
    def from_environment(cls) -> "Channel":
        number = int(os.environ.pop("COURSE_CHANNEL_FD"))
        os.set_inheritable(number, False)
        limits = wire.Limits(message=int(os.environ.get("COURSE_MESSAGE_LIMIT", wire.Limits.message)))
        return cls(socket.socket(fileno=number), float(os.environ.get("COURSE_CALL_TIMEOUT", "60")), limits)

    # -- requests -------------------------------------------------------------------------------------------------

    def request(self, op: str, values: dict[str, Any] | None = None, args: tuple = (), **fields) -> Any:
        """Send one request and return its decoded value; raise the student's error, TimeoutError or
        StudentKernelGone."""
        __tracebackhide__ = True
        return self._exchange(op, values, args, **fields)[0]

    def fetch(self, name: str) -> tuple[Any, Any]:
        """A student name's value, and the student-side id of the Keras model it holds (None for anything else)."""
        __tracebackhide__ = True
        value, header = self._exchange("get", name=name)
        return value, header.get("identity")

    def _exchange(self, op: str, values: dict[str, Any] | None = None, args: tuple = (), **fields) -> tuple[Any, dict]:
        __tracebackhide__ = True
        if self.gone:
            raise StudentKernelGone(self.gone)
        number = next(self.numbers)
        try:
            message, blobs = wire.encode_message({"op": op, "id": number, **fields}, values or {}, self.describe,
                                                 self.limits)
        except wire.WireError as error:
            raise UncheckableValue(f"the checker could not send this to {STUDENT}: {error}") from None
        self._send(message, blobs)
        header, reply_blobs = self._await(number)
        if "error" in header:
            if header.get("uncheckable") is True:
                message = str(header["error"].get("message", "") if isinstance(header["error"], dict) else "")[:500]
                raise UncheckableValue(f"{STUDENT} returned something that cannot be checked: {message}")
            raise wire.rebuild_error(header["error"], STUDENT)
        decoder = wire.Decoder(reply_blobs, lambda obj, d: self.tagged(obj, d, args), self.limits)
        try:
            updates = header.get("updates", [])
            if not isinstance(updates, list):
                raise wire.WireError("malformed updates")
            for update in updates:
                self._apply(update, decoder, args)
            return decoder.decode(header.get("value")), header
        except wire.WireError as error:
            raise UncheckableValue(f"{STUDENT} returned something that cannot be checked: {error}") from None

    def _send(self, message: dict, blobs: list[bytes]) -> None:
        # A KeyboardInterrupt (the cell's time limit) in the middle of a frame would leave half of it on the
        # wire: SIGINT waits until the frame is out.
        main = threading.current_thread() is threading.main_thread()
        if main:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            wire.send(self.sock, message, blobs)
        except OSError as error:
            self._lost(f"the channel to your notebook's kernel broke ({error})")
        finally:
            if main:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def _await(self, number: int) -> tuple[dict, list[bytes]]:
        deadline = time.monotonic() + self.call_timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._send({"op": "cancel", "request": number}, [])
                raise TimeoutError(f"{STUDENT} did not finish within {self.call_timeout:g} s (the limit for one "
                                   "call from a test); look for a loop that never ends or work that is far too slow")
            self.sock.settimeout(remaining)
            try:
                header, blobs = self.reader.receive()
            except (socket.timeout, TimeoutError):
                continue
            except KeyboardInterrupt:  # the cell's own time limit: stop the student's call too
                self._send({"op": "cancel", "request": number}, [])
                raise
            except wire.ChannelClosed:
                self._lost("your notebook's kernel stopped (it exited, crashed or was replaced), so the checks "
                           "that need your code cannot run")
            except (wire.WireError, OSError) as error:
                self._lost(f"your notebook's kernel sent something that is not a reply ({error})")
            finally:
                self.sock.settimeout(None)
            if header.get("reply_to") == number:
                return header, blobs
            if header.get("op") == "callback":
                self._run_callback(header, blobs)
            # anything else is a late reply to a request that timed out: dropped

    def _lost(self, reason: str) -> None:
        self.gone = reason
        raise StudentKernelGone(reason)

    # -- callbacks: the student's code calls a function the checker passed it ----------------------------------

    def _run_callback(self, header: dict, blobs: list[bytes]) -> None:
        try:
            function = self.callbacks[header.get("target")]
            decoder = wire.Decoder(blobs, lambda obj, d: self.tagged(obj, d, ()), self.limits)
            args, kwargs = decoder.decode(header.get("args")), decoder.decode(header.get("kwargs"))
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise TypeError("malformed callback")
            reply, reply_blobs = wire.encode_message({"reply_to": header.get("id")},
                                                     {"value": function(*args, **kwargs)}, self.describe, self.limits)
        except Exception as error:  # noqa: BLE001 (the error goes back to the student's code, as it would in one kernel)
            reply, reply_blobs = {"reply_to": header.get("id"), "error": wire.describe_error(error)}, []
        self._send(reply, reply_blobs)

    # -- values ---------------------------------------------------------------------------------------------------

    def describe(self, value: Any, encoder: wire.Encoder) -> dict:
        """The checker's values that are not plain data, on their way to the student's code."""
        if isinstance(value, Remote):
            return {"t": "handle", "id": object.__getattribute__(value, "_remote_handle")}
        if models.is_model(value):
            return {"t": "model", "b": encoder.blob(models.to_bytes(value))}
        if callable(value):
            number = self.callback_numbers.setdefault(id(value), len(self.callbacks) + 1)
            self.callbacks[number] = value
            return {"t": "callback", "id": number}
        raise wire.WireError(f"a {type(value).__name__} cannot be passed to the student's code")

    def tagged(self, obj: dict, decoder: wire.Decoder, args: tuple) -> Any:
        """The student's values that are not plain data: handles, models, histories, an argument given back."""
        tag = obj["t"]
        if tag == "handle":
            return self.remote(obj)
        if tag == "model":
            return models.from_bytes(decoder.blob(obj))
        if tag == "history":
            return models.history(decoder.decode(obj.get("v")))
        if tag == "arg":
            return _follow(args, obj.get("path"))
        raise wire.WireError(f"a value of kind {tag!r}, which only the checker may send")

    def remote(self, obj: dict) -> "Remote":
        handle = obj.get("id")
        if type(handle) is not int:
            raise wire.WireError("a malformed handle")
        existing = self.remotes.get(handle)
        if existing is not None:
            return existing
        remote = _remote_class(str(obj.get("type", "")))(self, handle, str(obj.get("repr", ""))[:300])
        self.remotes[handle] = remote
        return remote

    def _apply(self, update: Any, decoder: wire.Decoder, args: tuple) -> None:
        """An argument the student's code changed in place: change the checker's object the same way."""
        if not isinstance(update, dict):
            raise wire.WireError("a malformed update")
        original = _follow(args, update.get("path"))
        new = decoder.decode(update.get("value"))
        if models.is_model(original):
            if isinstance(new, dict) and isinstance(new.get("weights"), list):
                models.set_weights(original, new["weights"])
            return
        _update_in_place(original, new)


def _follow(args: tuple, path: Any) -> Any:
    """The argument a reply's path names: ["args", i] or ["kwargs", name] of the current call."""
    positional, keywords = args if args else ((), {})
    if isinstance(path, list) and len(path) == 2:
        where, key = path
        if where == "args" and type(key) is int and 0 <= key < len(positional):
            return positional[key]
        if where == "kwargs" and isinstance(key, str) and key in keywords:
            return keywords[key]
    raise wire.WireError("a reference to an argument that was not passed")


def _update_in_place(original: Any, new: Any) -> None:
    if isinstance(original, np.ndarray) and isinstance(new, np.ndarray):
        if original.shape == new.shape and original.flags.writeable:
            original[...] = new.astype(original.dtype, copy=False)
    elif isinstance(original, list) and isinstance(new, list):
        if len(original) == len(new):
            for index, (old_item, new_item) in enumerate(zip(original, new)):
                if isinstance(old_item, (np.ndarray, list, dict)) and type(old_item) is type(new_item):
                    _update_in_place(old_item, new_item)
                else:
                    original[index] = new_item
        else:
            original[:] = new
    elif isinstance(original, tuple) and isinstance(new, tuple) and len(original) == len(new):
        for old_item, new_item in zip(original, new):  # a tuple's own items cannot change; what they hold can
            _update_in_place(old_item, new_item)
    elif isinstance(original, dict) and isinstance(new, dict):
        original.clear()
        original.update(new)
    elif isinstance(original, set) and isinstance(new, set):
        original.clear()
        original.update(new)


# -- handles --------------------------------------------------------------------------------------------------------

# Dunder attributes that may be read from a student object, as data (`__doc__` and `__module__` are the Remote
# class's own, so they never get this far). Any other dunder lookup is refused: numpy
# and others probe names such as __array_interface__, whose answer would be trusted as a memory address.
READABLE_DUNDERS = {"__name__", "__qualname__"}


class Remote:
    """A student object that stays in the student's kernel."""

    __slots__ = ("_remote_channel", "_remote_handle", "_remote_shown", "__weakref__")

    def __init__(self, channel: Channel, handle: int, shown: str):
        object.__setattr__(self, "_remote_channel", channel)
        object.__setattr__(self, "_remote_handle", handle)
        object.__setattr__(self, "_remote_shown", shown)

    def _remote_ask(self, op: str, values: dict | None = None, args: tuple = (), **fields) -> Any:
        __tracebackhide__ = True
        channel = object.__getattribute__(self, "_remote_channel")
        return channel.request(op, values, args, target=object.__getattribute__(self, "_remote_handle"), **fields)

    def __getattr__(self, name: str) -> Any:
        __tracebackhide__ = True
        if name.startswith("__") and name.endswith("__") and name not in READABLE_DUNDERS:
            raise AttributeError(name)
        return self._remote_ask("getattr", name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        __tracebackhide__ = True
        self._remote_ask("setattr", {"value": value}, name=name)

    def __call__(self, *args, **kwargs) -> Any:
        __tracebackhide__ = True
        return self._remote_ask("call", {"args": list(args), "kwargs": kwargs}, args=(args, kwargs))

    def __getitem__(self, key: Any) -> Any:
        __tracebackhide__ = True
        return self._remote_ask("getitem", {"key": key})

    def __setitem__(self, key: Any, value: Any) -> None:
        __tracebackhide__ = True
        self._remote_ask("setitem", {"key": key, "value": value})

    def __len__(self) -> int:
        __tracebackhide__ = True
        length = self._remote_ask("len")
        if type(length) is not int or length < 0:
            raise UncheckableValue(f"len() of {STUDENT}'s object gave {length!r}, not a count")
        return length

    def __iter__(self):
        __tracebackhide__ = True
        items = self._remote_ask("list")
        if not isinstance(items, list):
            raise UncheckableValue(f"iterating over {STUDENT}'s object gave {type(items).__name__}, not items")
        return iter(items)

    def __contains__(self, value: Any) -> bool:
        __tracebackhide__ = True
        return self._remote_ask("contains", {"value": value}) is True

    def __instancecheck__(self, value: Any) -> bool:
        __tracebackhide__ = True
        return self._remote_ask("isinstance", {"value": value}) is True

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return object.__getattribute__(self, "_remote_shown") or f"<{type(self).__name__} in your notebook>"

    __str__ = __repr__


_remote_classes: dict[str, type] = {}


def _remote_class(name: str) -> type:
    """A subclass of Remote named like the student's class, so `type(obj).__name__` reads as in one kernel."""
    if not name.isidentifier() or len(name) > 100:
        name = "StudentObject"
    if name not in _remote_classes:
        _remote_classes[name] = type(name, (Remote,), {"__slots__": (), "__module__": "student"})
    return _remote_classes[name]


# -- the namespace ----------------------------------------------------------------------------------------------------

class StudentNamespace(dict):
    """The checker's globals: its own names first, then Python's builtins, then the student's names.

    A student name is fetched again in each cell (`forget` runs before every cell), and kept while the cell
    runs, so a test sees the value the student's kernel holds when the test starts. Two names that hold one
    Keras model there hold one model here, so `a is b` answers as it would in the student's kernel.

    In a test cell (one whose source is in `test_cells`, by its SHA-256), a student name the cell has read or
    deleted stays the student's for the rest of the cell: `del name` and `name = value` at the top level
    of the cell act in the student's kernel too, so nbgrader's idiom of deleting or replacing a function to
    see whether another one calls it works. After the cell (`after_cell`), the student's kernel gets back
    every name the cell changed there.
    """

    def __init__(self, channel: Channel, test_cells: frozenset[str] = frozenset()):
        super().__init__()
        self.channel, self.test_cells = channel, test_cells
        self.fetched: dict[str, Any] = {}
        self.models: dict[int, Any] = {}  # the student-side id of a model -> the checker's copy of it
        self.in_test = False
        self.changed_student = False  # whether this cell changed the student's names (restored after it)

    def forget(self, info: Any = None) -> None:
        """Before each cell: fetch student names afresh, and note whether the cell is a test."""
        self.fetched.clear()
        self.models.clear()
        source = getattr(info, "raw_cell", None)
        self.in_test = isinstance(source, str) and hashlib.sha256(source.encode()).hexdigest() in self.test_cells

    def after_cell(self, *_: Any) -> None:
        """After each cell: undo in the student's kernel what the cell changed there (never raises: an error
        here would be written to stderr, which nbgrader scores as a failed test)."""
        self.in_test = False
        if self.changed_student:
            self.changed_student = False
            try:
                self.channel.request("restore")
            except Exception:  # noqa: BLE001 (a kernel that is gone has nothing to restore)
                pass

    def student_call(self, op: str, **fields: Any) -> Any:
        """A request that changes the student's names for the rest of this cell (`watch`, say)."""
        self.changed_student = True
        return self.channel.request(op, **fields)

    def __setitem__(self, name: str, value: Any) -> None:
        if self.in_test and name in self.fetched and not dict.__contains__(self, name):
            self.changed_student = True
            try:
                self.channel.request("bind", {"value": value}, name=name)
            except UncheckableValue as error:
                raise UncheckableValue(f"{name!r} is a name in your notebook, and this value cannot be set there "
                                       f"for the test ({error}); the test should use another name") from None
            self.fetched[name] = value
            return
        super().__setitem__(name, value)

    def __delitem__(self, name: str) -> None:
        if dict.__contains__(self, name) or not self.in_test:
            super().__delitem__(name)
            return
        self.changed_student = True
        self.channel.request("unbind", name=name)  # a NameError if the student's kernel lacks it
        self.fetched[name] = _DELETED

    def __missing__(self, name: str) -> Any:
        if name in builtins.__dict__ or (name.startswith("__") and name.endswith("__")):
            raise KeyError(name)
        if self.fetched.get(name) is _DELETED:
            raise NameError(f"name {name!r} is not defined")
        if name not in self.fetched:
            try:
                value, identity = self.channel.fetch(name)
                self.fetched[name] = self.models.setdefault(identity, value) if type(identity) is int else value
            except NameError:
                raise NameError(f"name {name!r} is not defined: define it in your notebook (finish the exercise "
                                "that asks for it) and run its cell") from None
        return self.fetched[name]


_DELETED = object()  # a student name a test cell has deleted, for the rest of that cell
