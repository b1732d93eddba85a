"""The wire between a student's kernel and the checker: frames on a private socket, and values as data.

This file runs on both sides: in the checker (imported as `grader.bridge.wire`) and in the student's kernel
during grading (next to agent.py, imported as `wire`). It imports only the standard library and numpy.

A frame is `MAGIC | header length | blob count | header (JSON) | blobs (length-prefixed bytes)`. It travels on
a socket that only the two processes hold, never on stdout, so nothing a student prints is read as a reply.

A value crosses as data only:
- None, bools, ints, floats and strings as JSON; lists as JSON arrays;
- tuples, dicts, sets, complex numbers, slices, `...`, bytes, numpy dtypes and a few plain types as tagged
  JSON objects (`{"t": "tuple", "v": [...]}`);
- numpy arrays and numpy scalars as `.npy` blobs, written and read with `allow_pickle=False` (so never
  object arrays), and always read back as a plain `ndarray`, whatever subclass was sent;
- anything else only as what each side's hook turns it into: the checker decides which tags it accepts
  (models, handles), and the student's side turns other objects into handles.
Sizes, nesting and item counts are limited. Nothing received is ever unpickled, evaluated or imported.
"""
from __future__ import annotations

import builtins
import io
import json
import socket
import struct
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

MAGIC = b"DLB1"
_HEAD = struct.Struct("!4sII")   # magic, header length, number of blobs
_BLOB = struct.Struct("!Q")      # length of one blob
MiB = 2**20
ARRAY_KINDS = "biufcSUmM"        # numeric, bool, bytes, str, datetime: no objects, no raw structs
# Plain types that may cross by name (a `dtype=float` argument, say).
SAFE_TYPES = {kind.__name__: kind for kind in (int, float, bool, complex, str, bytes, list, tuple, dict, set)}


@dataclass(frozen=True)
class Limits:
    """How much one message may carry."""
    message: int = 512 * MiB   # all blobs of one message together
    header: int = 16 * MiB     # the JSON part
    blobs: int = 10_000        # number of blobs
    depth: int = 32            # nesting of lists, tuples and dicts
    items: int = 1_000_000     # elements of all containers together


def _size(count: int) -> str:
    return f"{count / MiB:g} MiB" if count >= MiB else f"{count} bytes"


class WireError(Exception):
    """A frame or a value that breaks the format or its limits."""


class ChannelClosed(WireError):
    """The other side is gone."""


# -- frames ----------------------------------------------------------------------------------------------------

def send(sock: socket.socket, header: dict, blobs: list[bytes] = ()) -> None:
    text = json.dumps(header, allow_nan=True, separators=(",", ":")).encode()
    parts = [_HEAD.pack(MAGIC, len(text), len(blobs)), text]
    for blob in blobs:
        parts += [_BLOB.pack(len(blob)), blob]
    sock.sendall(b"".join(parts))


class Reader:
    """Reads frames from a socket. Bytes already read stay buffered when a read is interrupted (a timeout, a
    KeyboardInterrupt), so the next `receive` goes on where this one stopped and frames never come apart."""

    def __init__(self, sock: socket.socket, limits: Limits = Limits()):
        self.sock, self.limits = sock, limits
        self.buffer = bytearray()

    def receive(self) -> tuple[dict, list[bytes]]:
        """One frame; raises ChannelClosed at end of stream and WireError on anything malformed."""
        self._fill(_HEAD.size, at_start=True)
        magic, length, count = _HEAD.unpack_from(self.buffer)
        if magic != MAGIC:
            raise WireError("not a frame of this protocol")
        if length > self.limits.header or count > self.limits.blobs:
            raise WireError(f"a message of {length} header bytes and {count} blobs is over the limits")
        end = _HEAD.size + length
        self._fill(end)
        sizes, position, total = [], end, 0
        for _ in range(count):
            self._fill(position + _BLOB.size)
            (size,) = _BLOB.unpack_from(self.buffer, position)
            total += size
            if total > self.limits.message:
                raise WireError(f"a message over {_size(self.limits.message)}")
            sizes.append(size)
            position += _BLOB.size
            self._fill(position + size)
            position += size
        frame = bytes(self.buffer[:position])
        del self.buffer[:position]
        try:
            header = json.loads(frame[_HEAD.size:end])
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise WireError(f"the header is not JSON ({error})") from None
        if not isinstance(header, dict):
            raise WireError("the header is not a JSON object")
        blobs, position = [], end
        for size in sizes:
            position += _BLOB.size
            blobs.append(frame[position:position + size])
            position += size
        return header, blobs

    def _fill(self, size: int, at_start: bool = False) -> None:
        while len(self.buffer) < size:
            chunk = self.sock.recv(min(size - len(self.buffer), 4 * MiB))
            if not chunk:
                if at_start and not self.buffer:
                    raise ChannelClosed("the other side closed the channel")
                raise WireError("the channel closed in the middle of a message")
            self.buffer += chunk


def receive(sock: socket.socket, limits: Limits = Limits()) -> tuple[dict, list[bytes]]:
    """One frame from `sock` (unbuffered: for a socket read by one `receive` at a time, never interrupted)."""
    return Reader(sock, limits).receive()


# -- values ----------------------------------------------------------------------------------------------------

def array_to_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array).view(np.ndarray), allow_pickle=False)
    return buffer.getvalue()


def array_from_bytes(blob: bytes) -> np.ndarray:
    try:
        array = np.load(io.BytesIO(blob), allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise WireError(f"not a plain .npy array ({error})") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in ARRAY_KINDS:
        raise WireError("an array of a kind that may not cross (objects or raw structs)")
    return array


class Encoder:
    """Turns a value into JSON plus blobs. `other(value, encoder)` handles what is not data: it returns a
    tagged dict, or raises TypeError."""

    def __init__(self, other: Callable[[Any, "Encoder"], dict], limits: Limits = Limits()):
        self.other, self.limits = other, limits
        self.blobs: list[bytes] = []
        self.items = 0

    def blob(self, data: bytes) -> int:
        self.blobs.append(data)
        if sum(map(len, self.blobs)) > self.limits.message:
            raise WireError(f"a value over {_size(self.limits.message)}")
        return len(self.blobs) - 1

    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > self.limits.depth:
            raise WireError(f"a value nested more than {self.limits.depth} levels deep")
        kind = type(value)
        if kind is int and value.bit_length() > 10_000:
            raise WireError("an integer of more than 3,000 digits")
        if value is None or kind in (bool, str, int, float):
            return value
        if isinstance(value, np.generic):
            if value.dtype.kind not in ARRAY_KINDS:
                return self.other(value, self)
            return {"t": "scalar", "b": self.blob(array_to_bytes(np.asarray(value)))}
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in ARRAY_KINDS:
                return self.other(value, self)
            return {"t": "array", "b": self.blob(array_to_bytes(value))}
        for plain, exact in ((int, int.__index__), (float, float.__float__), (str, str.__str__)):
            if isinstance(value, plain):  # a subclass (an IntEnum, say) crosses as the plain value it holds
                return self.encode(exact(value), depth)
        if isinstance(value, (list, tuple, set, frozenset, dict)):
            self.items += len(value)
            if self.items > self.limits.items:
                raise WireError(f"more than {self.limits.items} items")
            if isinstance(value, dict):
                return {"t": "dict", "v": [[self.encode(k, depth + 1), self.encode(v, depth + 1)]
                                           for k, v in value.items()]}
            items = [self.encode(item, depth + 1) for item in value]
            if isinstance(value, list):
                return items
            tag = "tuple" if isinstance(value, tuple) else "frozenset" if isinstance(value, frozenset) else "set"
            return {"t": tag, "v": items}
        if value is Ellipsis:
            return {"t": "ellipsis"}
        if isinstance(value, complex):
            return {"t": "complex", "v": [value.real, value.imag]}
        if isinstance(value, slice):
            return {"t": "slice", "v": [self.encode(part, depth + 1) for part in (value.start, value.stop, value.step)]}
        if isinstance(value, (bytes, bytearray)):
            return {"t": "bytes", "b": self.blob(bytes(value))}
        if isinstance(value, np.dtype) and value.kind in ARRAY_KINDS:
            return {"t": "dtype", "v": value.str}
        if isinstance(value, type) and issubclass(value, np.generic) and np.dtype(value).kind in ARRAY_KINDS:
            return {"t": "dtype", "v": np.dtype(value).str, "scalar_type": True}
        if isinstance(value, type) and SAFE_TYPES.get(value.__name__) is value:
            return {"t": "type", "v": value.__name__}
        return self.other(value, self)


class Decoder:
    """Turns JSON plus blobs back into values. `tagged(obj, decoder)` handles the tags this module does not
    know (models, handles, callbacks); it raises WireError for a tag its side does not accept."""

    def __init__(self, blobs: list[bytes], tagged: Callable[[dict, "Decoder"], Any], limits: Limits = Limits()):
        self.blobs, self.tagged, self.limits = blobs, tagged, limits
        self.items = 0

    def blob(self, obj: dict) -> bytes:
        index = obj.get("b")
        if type(index) is not int or not 0 <= index < len(self.blobs):
            raise WireError("a reference to a blob that is not there")
        return self.blobs[index]

    def decode(self, obj: Any, depth: int = 0) -> Any:
        if depth > self.limits.depth:
            raise WireError(f"a value nested more than {self.limits.depth} levels deep")
        if obj is None or type(obj) in (bool, str, int, float):
            return obj
        if type(obj) is list:
            self._count(len(obj))
            return [self.decode(item, depth + 1) for item in obj]
        if type(obj) is not dict or type(obj.get("t")) is not str:
            raise WireError("a value that is neither JSON data nor a tagged object")
        tag = obj["t"]
        if tag in ("tuple", "set", "frozenset"):
            items = obj.get("v")
            if type(items) is not list:
                raise WireError(f"a malformed {tag}")
            self._count(len(items))
            decoded = [self.decode(item, depth + 1) for item in items]
            try:
                return {"tuple": tuple, "set": set, "frozenset": frozenset}[tag](decoded)
            except TypeError:
                raise WireError(f"a {tag} of items that cannot be in one") from None
        if tag == "dict":
            pairs = obj.get("v")
            if type(pairs) is not list or not all(type(p) is list and len(p) == 2 for p in pairs):
                raise WireError("a malformed dict")
            self._count(len(pairs))
            try:
                return {self.decode(k, depth + 1): self.decode(v, depth + 1) for k, v in pairs}
            except TypeError:
                raise WireError("a dict with a key that cannot be a key") from None
        if tag in ("array", "scalar"):
            array = array_from_bytes(self.blob(obj))
            if tag == "scalar":
                if array.ndim != 0:
                    raise WireError("a scalar that is not 0-d")
                return array[()]
            return array
        if tag == "ellipsis":
            return Ellipsis
        if tag == "complex":
            parts = obj.get("v")
            if type(parts) is not list or len(parts) != 2 or not all(type(p) in (int, float) for p in parts):
                raise WireError("a malformed complex number")
            return complex(*parts)
        if tag == "slice":
            parts = obj.get("v")
            if type(parts) is not list or len(parts) != 3:
                raise WireError("a malformed slice")
            return slice(*(self.decode(part, depth + 1) for part in parts))
        if tag == "bytes":
            return self.blob(obj)
        if tag == "dtype":
            try:
                dtype = np.dtype(str(obj.get("v")))
            except TypeError:
                raise WireError("an unknown dtype") from None
            if dtype.kind not in ARRAY_KINDS:
                raise WireError("a dtype of a kind that may not cross")
            return dtype.type if obj.get("scalar_type") else dtype
        if tag == "type":
            if obj.get("v") not in SAFE_TYPES:
                raise WireError("a type that may not cross")
            return SAFE_TYPES[obj["v"]]
        return self.tagged(obj, self)

    def _count(self, n: int) -> None:
        self.items += n
        if self.items > self.limits.items:
            raise WireError(f"more than {self.limits.items} items")


def encode_message(header: dict, values: dict[str, Any], other: Callable, limits: Limits = Limits()
                   ) -> tuple[dict, list[bytes]]:
    """`header` plus each of `values` encoded into it; returns the header and the blobs to send."""
    encoder = Encoder(other, limits)
    message = dict(header)
    for key, value in values.items():
        message[key] = encoder.encode(value)
    return message, encoder.blobs


# -- errors ------------------------------------------------------------------------------------------------------

class RemoteCodeError(Exception):
    """An error of the other side whose type has no safe counterpart here."""


# Exception types that an error from the other side is rebuilt as (by name). Not StopIteration and friends:
# those steer Python's own protocols, and must not be raised on the other side's say-so.
_REBUILDABLE = {name: kind for name, kind in vars(builtins).items()
                if isinstance(kind, type) and issubclass(kind, Exception)
                and kind not in (StopIteration, StopAsyncIteration)}


def describe_error(error: BaseException, limit: int = 4000) -> dict:
    """An exception as data: its type's name, the names of its classes, and its message."""
    try:
        message = str(error)
    except Exception:  # noqa: BLE001 (a broken __str__ must not break the reply)
        message = "(the error's message could not be read)"
    return {"type": type(error).__name__[:100],
            "mro": [kind.__name__[:100] for kind in type(error).__mro__][:20],
            "message": message[:limit]}


def rebuild_error(info: Any, origin: str) -> Exception:
    """The exception to raise here for an error described by the other side (`origin` names that side)."""
    if not isinstance(info, dict):
        return RemoteCodeError(f"{origin} failed, and its error report was malformed")
    mro = info.get("mro")
    names = [name for name in mro if isinstance(name, str)] if isinstance(mro, list) else []
    message = str(info.get("message", ""))[:4000]
    error: Exception | None = None
    for name in names:
        kind = _REBUILDABLE.get(name)
        if kind is not None:
            try:
                error = kind(message)
                break
            except Exception:  # noqa: BLE001 (types like UnicodeDecodeError need more arguments)
                continue
    if error is None:
        error = RemoteCodeError(message)
    raised_as = str(info.get("type", "?"))[:100]
    note = f"(raised in {origin}" + (f" as {raised_as})" if raised_as != type(error).__name__ else ")")
    if hasattr(error, "add_note"):
        error.add_note(note)
    return error
