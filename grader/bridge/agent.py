"""The agent: inside a student's kernel during grading, it answers the checker's requests.

The grader starts the student's kernel as `main()` here, with COURSE_CHANNEL_FD naming a socket whose other
end only the checker holds. A thread serves requests on it while the kernel runs the student's cells:

    get       a name from the notebook's namespace     call      a student function, class or method
    getattr   an attribute                              setattr   (also getitem, setitem)
    len, list, contains, isinstance                     cancel    stop a call the checker gave up on
    bind, unbind  a test cell assigns or deletes a name  watch, unwatch  count calls to a function
    restore   the end of a test cell: put back every name it changed and every function it watched

Each answer is data (see wire.py), or a handle: a number standing for an object that stays here. Arguments
arrive the same way; a callable from the checker arrives as a callback, which calls back into the checker.
After a call, arguments the student's code changed in place are sent back, so in-place edits behave as they
would in one kernel; a result that *is* one of the arguments is sent back as "that argument".

This code runs in the student's process, so their code can change or replace it: nothing here is trusted.
The checker validates every reply and computes every verdict itself.
"""
from __future__ import annotations

import ctypes
import hashlib
import itertools
import os
import queue
import socket
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from . import wire


class Cancelled(BaseException):
    """Raised inside a call the checker has given up on (a BaseException, so `except Exception` won't stop it)."""


_MISSING = object()  # a name that was not defined before a test cell set it


class Callback:
    """A callable of the checker's (an activation function, say): calling it asks the checker to run it."""

    def __init__(self, agent: "Agent", number: int):
        self._agent, self._number = agent, number

    def __call__(self, *args, **kwargs):
        return self._agent.call_back(self._number, args, kwargs)

    def __repr__(self) -> str:
        return f"<function of the grader #{self._number}>"


class Agent:
    def __init__(self, sock: socket.socket, limits: wire.Limits = wire.Limits()):
        self.sock, self.limits = sock, limits
        self.reader = wire.Reader(sock, limits)
        self.send_lock = threading.Lock()
        self.objects: dict[int, Any] = {}     # handle -> object (kept alive while grading)
        self.handles: dict[int, int] = {}     # id(object) -> handle, so an object always has one handle
        self.named_models: dict[int, Any] = {}  # id(model) -> model, kept alive so that its id stays its own
        self.originals: dict[str, Any] = {}   # name -> its value before the current test cell changed it
        self.watches: dict[int, tuple] = {}   # number -> (holder, name, original function, [calls])
        self.waiting: dict[int, queue.Queue] = {}
        self.workers: dict[int, threading.Thread] = {}
        self.numbers = itertools.count(1)
        self.scratch = Path(tempfile.mkdtemp(prefix="course-agent-"))

    # -- the loop ------------------------------------------------------------------------------------------------

    def serve(self) -> None:
        while True:
            try:
                header, blobs = self.reader.receive()
            except (wire.WireError, OSError):
                return  # the checker is gone, or the channel is broken: nothing left to answer
            if "reply_to" in header:
                waiting = self.waiting.get(header["reply_to"])
                if waiting is not None:
                    waiting.put((header, blobs))
            elif header.get("op") == "cancel":
                self.cancel(header.get("request"))
            else:
                worker = threading.Thread(target=self.answer, args=(header, blobs), daemon=True)
                self.workers[header.get("id")] = worker
                worker.start()

    def answer(self, header: dict, blobs: list[bytes]) -> None:
        number = header.get("id")
        try:
            reply, reply_blobs = self.perform(header, blobs)
        except Cancelled:
            reply, reply_blobs = {"error": wire.describe_error(TimeoutError("cancelled"))}, []
        except wire.WireError as error:  # the result is not data the checker could take
            reply, reply_blobs = {"error": wire.describe_error(error), "uncheckable": True}, []
        except BaseException as error:  # noqa: BLE001 (every failure of student code is reported, as data)
            reply, reply_blobs = {"error": wire.describe_error(error)}, []
        finally:
            self.workers.pop(number, None)
        reply["reply_to"] = number
        try:
            self.send(reply, reply_blobs)
        except (ValueError, OverflowError) as error:  # not JSON after all: say so rather than stay silent
            self.send({"reply_to": number, "error": wire.describe_error(error), "uncheckable": True}, [])

    def send(self, header: dict, blobs: list[bytes]) -> None:
        with self.send_lock:
            wire.send(self.sock, header, blobs)

    def cancel(self, number: Any) -> None:
        worker = self.workers.get(number)
        if worker is not None and worker.ident is not None:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(Cancelled))

    # -- the operations ------------------------------------------------------------------------------------------

    def perform(self, header: dict, blobs: list[bytes]) -> tuple[dict, list[bytes]]:
        op = header.get("op")
        decoder = wire.Decoder(blobs, self.tagged, self.limits)

        def value(key: str) -> Any:
            return decoder.decode(header.get(key))

        if op == "get":
            namespace = self.namespace()
            name = header.get("name")
            if not isinstance(name, str) or name not in namespace:
                raise NameError(f"name {name!r} is not defined")
            value = namespace[name]
            header, blobs = self.reply(value)
            keras = sys.modules.get("keras")
            if keras is not None and isinstance(value, keras.Model):  # two names for one model stay one model
                self.named_models[id(value)] = value
                header["identity"] = id(value)
            return header, blobs
        if op == "call":
            return self.call(self.target(header), value("args"), value("kwargs"))
        if op in ("bind", "unbind"):
            return self.rebind(op, header.get("name"), value("value") if op == "bind" else None)
        if op == "restore":
            self.restore()
            return self.reply(None)
        if op == "watch":
            return self.reply(self.watch(header.get("name")))
        if op == "unwatch":
            return self.reply(self.unwatch(header.get("watch")))
        target = self.target(header)
        if op == "getattr":
            return self.reply(getattr(target, str(header.get("name"))))
        if op == "setattr":
            setattr(target, str(header.get("name")), value("value"))
            return self.reply(None)
        if op == "getitem":
            return self.reply(target[value("key")])
        if op == "setitem":
            target[value("key")] = value("value")
            return self.reply(None)
        if op == "len":
            return self.reply(len(target))
        if op == "list":
            return self.reply(list(itertools.islice(iter(target), self.limits.items + 1)))
        if op == "contains":
            return self.reply(value("value") in target)
        if op == "isinstance":
            return self.reply(isinstance(value("value"), target))
        raise ValueError(f"unknown request {op!r}")

    def call(self, function: Any, args: Any, kwargs: Any) -> tuple[dict, list[bytes]]:
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise TypeError("malformed call")
        places = [(("args", i), arg) for i, arg in enumerate(args)]
        places += [(("kwargs", key), arg) for key, arg in kwargs.items()]
        watched = [(path, arg, self.fingerprint(arg)) for path, arg in places if self.mutable(arg)]
        result = function(*args, **kwargs)
        encoder = wire.Encoder(self.describe, self.limits)
        updates = [{"path": list(path), "value": encoder.encode(self.state(arg))}
                   for path, arg, before in watched if self.fingerprint(arg) != before]
        same = next((path for path, arg in places if arg is result and self.mutable(arg)), None)
        reply = {"value": {"t": "arg", "path": list(same)} if same else encoder.encode(result), "updates": updates}
        return reply, encoder.blobs

    # -- a test cell that changes the notebook's names, for the length of that cell ---------------------------

    def rebind(self, op: str, name: Any, new: Any) -> tuple[dict, list[bytes]]:
        namespace = self.namespace()
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"not a name: {name!r}")
        if op == "unbind" and name not in namespace:
            raise NameError(f"name {name!r} is not defined")
        self.originals.setdefault(name, namespace.get(name, _MISSING))
        if op == "bind":
            namespace[name] = new
        else:
            del namespace[name]
        return self.reply(None)

    def restore(self) -> None:
        namespace = self.namespace()
        for name, original in self.originals.items():
            if original is _MISSING:
                namespace.pop(name, None)
            else:
                namespace[name] = original
        self.originals.clear()
        for number in list(self.watches):
            self.unwatch(number)

    def watch(self, target: Any) -> int:
        """Stand in for the function at `target` ("np.linalg.inv", "squares"), counting its calls."""
        parts = target.split(".") if isinstance(target, str) else []
        if not parts or not all(part.isidentifier() for part in parts):
            raise ValueError(f"not a dotted name: {target!r}")
        namespace = self.namespace()
        if len(parts) == 1:
            if target not in namespace:
                raise NameError(f"name {target!r} is not defined")
            holder = namespace
        else:
            holder = namespace[parts[0]] if parts[0] in namespace else sys.modules.get(parts[0])
            if holder is None:
                raise NameError(f"name {parts[0]!r} is not defined")
            for part in parts[1:-1]:
                holder = getattr(holder, part)
        name = parts[-1]
        original = holder[name] if holder is namespace else getattr(holder, name)
        calls = [0]

        def stand_in(*args, **kwargs):
            calls[0] += 1
            return original(*args, **kwargs)

        self._put(holder, name, stand_in)
        number = next(self.numbers)
        self.watches[number] = (holder, name, original, calls)
        return number

    def unwatch(self, number: Any) -> int:
        """Put the watched function back; how many times it was called."""
        holder, name, original, calls = self.watches.pop(number)
        self._put(holder, name, original)
        return calls[0]

    @staticmethod
    def _put(holder: Any, name: str, value: Any) -> None:
        if isinstance(holder, dict):
            holder[name] = value
        else:
            setattr(holder, name, value)

    def reply(self, result: Any) -> tuple[dict, list[bytes]]:
        encoder = wire.Encoder(self.describe, self.limits)
        return {"value": encoder.encode(result)}, encoder.blobs

    def namespace(self) -> dict:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            raise RuntimeError("the kernel has not started yet")
        return shell.user_ns

    def target(self, header: dict) -> Any:
        handle = header.get("target")
        if handle not in self.objects:
            raise LookupError(f"no object with handle {handle!r}")
        return self.objects[handle]

    # -- values ---------------------------------------------------------------------------------------------------

    def describe(self, value: Any, encoder: wire.Encoder) -> dict:
        """What is not plain data: a Keras model as a .keras file, a training History as its numbers, and
        anything else as a handle."""
        keras = sys.modules.get("keras")
        if keras is not None and isinstance(value, keras.Model):
            return {"t": "model", "b": encoder.blob(self.save_model(value))}
        if keras is not None and isinstance(value, keras.callbacks.History):
            return {"t": "history", "v": encoder.encode({"history": value.history, "params": value.params,
                                                         "epoch": value.epoch})}
        if isinstance(value, Callback):
            return {"t": "callback", "id": value._number}
        key = id(value)
        if key not in self.handles:
            self.handles[key] = handle = len(self.objects) + 1
            self.objects[handle] = value
        try:
            shown = repr(value)
        except Exception:  # noqa: BLE001 (a broken __repr__ must not break the reply)
            shown = f"<{type(value).__name__} object>"
        kind = "class" if isinstance(value, type) else "function" if callable(value) else "object"
        return {"t": "handle", "id": self.handles[key], "type": type(value).__name__[:100], "kind": kind,
                "repr": shown[:300]}

    def tagged(self, obj: dict, decoder: wire.Decoder) -> Any:
        tag = obj["t"]
        if tag == "handle":
            return self.objects[obj.get("id")]
        if tag == "callback":
            return Callback(self, int(obj.get("id")))
        if tag == "model":
            path = self.scratch / f"in-{next(self.numbers)}.keras"
            path.write_bytes(decoder.blob(obj))
            import keras

            try:
                return keras.saving.load_model(path, safe_mode=True)
            finally:
                path.unlink()
        raise wire.WireError(f"unknown value tag {tag!r}")

    def save_model(self, model: Any) -> bytes:
        path = self.scratch / f"out-{next(self.numbers)}.keras"
        try:
            model.save(path)
            return path.read_bytes()
        except Exception as error:
            raise ValueError(f"this Keras model could not be saved for grading ({type(error).__name__}: {error})"
                             ) from None
        finally:
            path.unlink(missing_ok=True)

    def mutable(self, value: Any) -> bool:
        import numpy as np

        keras = sys.modules.get("keras")
        if isinstance(value, tuple):
            return any(self.mutable(item) for item in value)
        return isinstance(value, (np.ndarray, list, dict, set)) or (keras is not None and isinstance(value, keras.Model))

    def state(self, value: Any) -> Any:
        """What is sent back for an argument changed in place: the value, or a model's weights."""
        keras = sys.modules.get("keras")
        if keras is not None and isinstance(value, keras.Model):
            return {"weights": value.get_weights()}
        return value

    def fingerprint(self, value: Any) -> bytes:
        encoder = wire.Encoder(self.describe, self.limits)
        text = repr(encoder.encode(self.state(value))).encode()
        digest = hashlib.blake2b(text)
        for blob in encoder.blobs:
            digest.update(blob)
        return digest.digest()

    # -- calling back into the checker -----------------------------------------------------------------------------

    def call_back(self, number: int, args: tuple, kwargs: dict) -> Any:
        request = -next(self.numbers)  # negative: never the same as one of the checker's request numbers
        message, blobs = wire.encode_message({"op": "callback", "id": request, "target": number},
                                             {"args": list(args), "kwargs": kwargs}, self.describe, self.limits)
        answers: queue.Queue = queue.Queue()
        self.waiting[request] = answers
        try:
            self.send(message, blobs)
            while True:
                try:
                    header, reply_blobs = answers.get(timeout=0.05)  # short waits: a cancel can still land
                    break
                except queue.Empty:
                    continue
        finally:
            self.waiting.pop(request, None)
        if "error" in header:
            raise wire.rebuild_error(header["error"], "a function of the grader")
        return wire.Decoder(reply_blobs, self.tagged, self.limits).decode(header.get("value"))


def main() -> None:
    """Serve the checker from a thread, and run the IPython kernel (arguments as for ipykernel_launcher)."""
    number = int(os.environ.pop("COURSE_CHANNEL_FD"))
    os.set_inheritable(number, False)  # a program the student starts must not inherit the channel
    limits = wire.Limits(message=int(os.environ.get("COURSE_MESSAGE_LIMIT", wire.Limits.message)))
    agent = Agent(socket.socket(fileno=number), limits)
    threading.Thread(target=agent.serve, name="course-agent", daemon=True).start()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
