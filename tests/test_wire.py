"""Does the wire carry data, and only data, between the student's kernel and the checker? (no kernels run)"""
from __future__ import annotations

import io
import json
import math
import socket
import struct
import threading
import warnings

import numpy as np
import pytest

from grader.bridge import wire


def refuse(value, encoder):
    raise TypeError(f"not data: {type(value).__name__}")


def cross(value, limits: wire.Limits = wire.Limits(), other=refuse, tagged=None):
    """`value` encoded, sent through JSON as send() does, and decoded again."""
    header, blobs = wire.encode_message({}, {"value": value}, other, limits)
    header = json.loads(json.dumps(header, allow_nan=True))
    return wire.Decoder(blobs, tagged or (lambda obj, decoder: ("tagged", obj)), limits).decode(header["value"])


def frame(header: bytes, blobs: list[bytes] = (), magic: bytes = wire.MAGIC) -> bytes:
    """A frame built by hand, byte by byte as the format says."""
    parts = [struct.pack("!4sII", magic, len(header), len(blobs)), header]
    for blob in blobs:
        parts += [struct.pack("!Q", len(blob)), blob]
    return b"".join(parts)


@pytest.fixture
def pair():
    left, right = socket.socketpair()
    yield left, right
    left.close()
    right.close()


# -- values -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    None, True, False, 0, -7, 2**62, 1.5, -0.0, math.inf, -math.inf, "", "héllo", [], [1, "a", None],
    (), (1, (2, 3)), {"a": 1}, {1: "one", (2, 3): [4], 1.5: None, None: True}, set(), {1, 2, "x"},
    1 + 2j, complex(math.inf, -1), slice(1, None, -2), slice(None), Ellipsis, b"", b"\x00\xffbytes",
    [[[{"deep": (1, {2})}]]],
], ids=repr)
def test_does_each_kind_of_plain_data_cross_unchanged(value):
    """Does each kind of plain data come back equal, and of the same type?"""
    back = cross(value)
    assert back == value and type(back) is type(value)


def test_does_nan_cross_as_nan():
    """Does a float nan (alone, in a list, in a complex) come back as nan?"""
    single, listed, number = cross(math.nan), cross([math.nan]), cross(complex(math.nan, 1))
    assert math.isnan(single) and math.isnan(listed[0]) and math.isnan(number.real) and number.imag == 1


def test_does_a_bytearray_cross_as_bytes():
    """Does a bytearray arrive as the same bytes?"""
    assert cross(bytearray(b"abc")) == b"abc"


@pytest.mark.parametrize("array", [
    np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1, 2], np.int8), np.array([True, False]),
    np.array([1 + 1j], np.complex64), np.array(["a", "bcd"]), np.array([b"x", b"yz"]), np.array(3.5),
    np.zeros((0, 4), np.uint16), np.array(["2020-01-01"], "datetime64[D]"), np.array([5], "timedelta64[s]"),
    np.array([[np.nan, np.inf]]), np.asfortranarray(np.arange(6).reshape(2, 3)), np.arange(10)[::3],
], ids=lambda a: f"{a.dtype}{a.shape}")
def test_does_a_numpy_array_cross_with_its_dtype_shape_and_values(array):
    """Does a numpy array come back as an ndarray of the same dtype, shape and values (0-d and empty too)?"""
    back = cross(array)
    assert type(back) is np.ndarray and back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array, equal_nan=array.dtype.kind in "fc")


@pytest.mark.parametrize("scalar", [np.float32(1.5), np.float64(2.5), np.int16(-3), np.uint8(200), np.bool_(True),
                                    np.complex128(1 - 2j), np.str_("s"), np.datetime64("2020-01-02")], ids=repr)
def test_does_a_numpy_scalar_keep_its_dtype(scalar):
    """Does a numpy scalar come back as the same numpy scalar type (np.float32 stays np.float32)?"""
    back = cross(scalar)
    assert type(back) is type(scalar) and back == scalar


@pytest.mark.parametrize("kind", [np.float32, np.int64, np.bool_, np.complex64, np.str_])
def test_does_a_numpy_scalar_type_cross_as_a_dtype_argument(kind):
    """Does a numpy scalar type such as np.float32 (a `dtype=` argument) come back as itself?"""
    assert cross(kind) is kind


@pytest.mark.parametrize("dtype", [np.dtype("float32"), np.dtype(">i4"), np.dtype("U5"), np.dtype("M8[ms]")], ids=str)
def test_does_a_dtype_cross_as_the_same_dtype(dtype):
    """Does an np.dtype object come back equal, as an np.dtype?"""
    back = cross(dtype)
    assert isinstance(back, np.dtype) and back == dtype


@pytest.mark.parametrize("kind", [int, float, bool, complex, str, bytes, list, tuple, dict, set])
def test_does_a_plain_type_cross_by_name(kind):
    """Does a plain type such as float come back as that very type?"""
    assert cross(kind) is kind


@pytest.mark.parametrize("kind", [object, type, np.ndarray, socket.socket, np.void, np.object_])
def test_does_any_other_type_go_to_the_other_hook(kind):
    """Does a type that is not plain data go to the encoder's `other` hook instead of crossing by name?"""
    with pytest.raises(TypeError, match="not data"):
        cross(kind)


def test_does_an_array_subclass_arrive_as_a_plain_ndarray():
    """Does np.matrix, or a subclass with its own __eq__, arrive as a plain ndarray?"""
    class Agreeable(np.ndarray):
        def __eq__(self, other):
            return True

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)  # np.matrix is deprecated, and still sent
        matrix = np.matrix([[1, 2], [3, 4]])
    for array in (matrix, np.arange(3).view(Agreeable), np.ma.masked_array([1, 2])):
        back = cross(array)
        assert type(back) is np.ndarray and np.array_equal(back, np.asarray(array))
    assert type(cross([matrix])[0]) is np.ndarray


def test_does_an_int_subclass_that_lies_arrive_as_a_plain_int():
    """Does an int subclass whose __eq__ always says True arrive as a plain int?"""
    class Liar(int):
        def __eq__(self, other):
            return True
        __hash__ = int.__hash__

    back = cross(Liar(3))
    assert type(back) is int and back == 3 and back != 4


def test_do_str_and_float_subclasses_arrive_as_plain_values():
    """Do str and float subclasses (an enum member, say) arrive as plain str and float?"""
    class Name(str):
        def __eq__(self, other):
            return True
        __hash__ = str.__hash__

    class Number(float):
        pass

    name, number = cross([Name("abc"), Number(2.5)])
    assert type(name) is str and name == "abc" and type(number) is float and number == 2.5


@pytest.mark.parametrize("value", [np.array([1, "a"], dtype=object), np.zeros(2, dtype=[("a", "i4"), ("b", "f8")]),
                                   np.zeros(2, "V4"), np.zeros(1, "V4")[0], np.zeros(1, dtype=[("a", "i4")])[0]],
                         ids=["object", "structured", "raw-void", "void-scalar", "record-scalar"])
def test_does_an_object_or_struct_array_never_cross(value):
    """Does the encoder hand object and structured (void) arrays and scalars to `other`, never to a blob?"""
    seen = []

    def other(value, encoder):
        seen.append(value)
        return {"t": "refused"}

    header, blobs = wire.encode_message({}, {"value": value}, other)
    assert header["value"] == {"t": "refused"} and blobs == [] and len(seen) == 1


def test_is_a_forged_object_array_blob_refused():
    """Does a .npy blob that needs allow_pickle (an object array) raise WireError, in the decoder too?"""
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(wire.WireError):
        wire.array_from_bytes(buffer.getvalue())
    with pytest.raises(wire.WireError):
        wire.Decoder([buffer.getvalue()], refuse).decode({"t": "array", "b": 0})


def test_is_a_forged_structured_array_blob_refused():
    """Does a .npy blob of a structured array (readable without pickle) still raise WireError?"""
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(2, dtype=[("a", "i4")]), allow_pickle=False)
    with pytest.raises(wire.WireError, match="may not cross"):
        wire.array_from_bytes(buffer.getvalue())


@pytest.mark.parametrize("blob", [b"", b"not an npy file", wire.array_to_bytes(np.arange(4))[:-3]],
                         ids=["empty", "garbage", "truncated"])
def test_is_a_broken_array_blob_a_wire_error(blob):
    """Does a blob that is not a whole .npy file raise WireError?"""
    with pytest.raises(wire.WireError):
        wire.array_from_bytes(blob)


def test_is_a_scalar_that_is_not_0d_refused():
    """Does a "scalar" whose blob holds a 1-d array raise WireError?"""
    with pytest.raises(wire.WireError, match="not 0-d"):
        wire.Decoder([wire.array_to_bytes(np.arange(2))], refuse).decode({"t": "scalar", "b": 0})


@pytest.mark.parametrize("obj", [{"t": "dtype", "v": "O"}, {"t": "dtype", "v": "i4,f8"},
                                 {"t": "dtype", "v": "nonsense"},
                                 {"t": "type", "v": "object"}, {"t": "type", "v": "os.system"}])
def test_are_forged_dtypes_and_types_refused(obj):
    """Does the decoder refuse an object dtype, a struct dtype, a bad dtype and a type that is not plain?"""
    with pytest.raises(wire.WireError):
        wire.Decoder([], refuse).decode(obj)


def test_do_unknown_tags_go_to_the_tagged_hook():
    """Does a tag the wire does not know go to the decoder's `tagged` hook, nested ones too?"""
    seen = []

    def tagged(obj, decoder):
        seen.append(obj)
        return "from the hook"

    value = wire.Decoder([], tagged).decode([{"t": "handle", "id": 3}, {"t": "tuple", "v": [{"t": "model", "b": 0}]}])
    assert value == ["from the hook", ("from the hook",)]
    assert seen == [{"t": "handle", "id": 3}, {"t": "model", "b": 0}]


@pytest.mark.parametrize("index", [1, -1, True, "0", None, 0.0])
def test_is_a_blob_index_out_of_range_a_wire_error(index):
    """Does a reference to a blob that is not there (or not an int) raise WireError?"""
    decoder = wire.Decoder([wire.array_to_bytes(np.arange(2))], refuse)
    with pytest.raises(wire.WireError, match="blob that is not there"):
        decoder.decode({"t": "array", "b": index})


@pytest.mark.parametrize("obj", [{"v": 1}, {"t": 3}, {"t": "tuple", "v": 1}, {"t": "dict", "v": [[1]]},
                                 {"t": "complex", "v": [1, "2"]}, {"t": "complex", "v": [True, 0]},
                                 {"t": "slice", "v": [1, 2]}], ids=repr)
def test_is_a_malformed_tagged_value_a_wire_error(obj):
    """Does a tagged value with the wrong shape raise WireError?"""
    with pytest.raises(wire.WireError):
        wire.Decoder([], lambda obj, decoder: obj).decode(obj)


def test_does_a_dict_keyed_by_frozensets_cross():
    """Does a dict keyed by frozensets (a legal value the encoder accepts) come back equal?"""
    value = {frozenset({1, 2}): "pair"}
    assert cross(value) == value


# -- limits ---------------------------------------------------------------------------------------------------------

def nested(levels: int):
    value = 0
    for _ in range(levels):
        value = [value]
    return value


def test_is_nesting_limited_on_both_sides():
    """Does a value nested deeper than `depth` raise WireError in the encoder and in the decoder?"""
    limits = wire.Limits(depth=5)
    assert cross(nested(5), limits) == nested(5)
    with pytest.raises(wire.WireError, match="nested"):
        wire.Encoder(refuse, limits).encode(nested(6))
    with pytest.raises(wire.WireError, match="nested"):
        wire.Decoder([], refuse, limits).decode(nested(6))


def test_is_the_item_count_limited_on_both_sides():
    """Do more container items than `items`, counted over the whole value, raise WireError on both sides?"""
    limits = wire.Limits(items=10)
    assert cross([[1] * 4, [2] * 4], limits) == [[1] * 4, [2] * 4]
    for value in ([[1] * 5, [2] * 5], {i: i for i in range(11)}, set(range(11)), tuple(range(11))):
        with pytest.raises(wire.WireError, match="items"):
            wire.Encoder(refuse, limits).encode(value)
    with pytest.raises(wire.WireError, match="items"):
        wire.Decoder([], refuse, limits).decode([[1] * 5, [2] * 5])
    with pytest.raises(wire.WireError, match="items"):
        wire.Decoder([], refuse, limits).decode({"t": "dict", "v": [[i, i] for i in range(11)]})


def test_is_the_size_of_a_value_limited_when_it_is_encoded():
    """Do arrays and bytes over `message` bytes in all raise WireError when encoded?"""
    limits = wire.Limits(message=1000)
    with pytest.raises(wire.WireError, match="a value over"):
        wire.Encoder(refuse, limits).encode(np.zeros(200))
    with pytest.raises(wire.WireError, match="a value over"):
        wire.Encoder(refuse, limits).encode([b"x" * 600, b"y" * 600])


def test_does_a_frame_cross_a_socket(pair):
    """Does send() then receive() give back the header and the blobs?"""
    left, right = pair
    wire.send(left, {"op": "get", "n": [1, 2.5, None], "x": math.inf}, [b"one", b"", b"three"])
    header, blobs = wire.receive(right)
    assert header == {"op": "get", "n": [1, 2.5, None], "x": math.inf} and blobs == [b"one", b"", b"three"]


def test_is_the_header_size_limited(pair):
    """Does a header longer than `header` raise WireError before it is read?"""
    left, right = pair
    left.sendall(struct.pack("!4sII", wire.MAGIC, 10_000_000, 0))
    with pytest.raises(wire.WireError, match="over the limits"):
        wire.receive(right, wire.Limits(header=1000))


def test_is_the_number_of_blobs_limited(pair):
    """Does a frame announcing more blobs than `blobs` raise WireError?"""
    left, right = pair
    left.sendall(frame(b"{}", [b"a"] * 4))
    with pytest.raises(wire.WireError, match="over the limits"):
        wire.receive(right, wire.Limits(blobs=3))


def test_is_the_message_size_limited_before_a_blob_is_read(pair):
    """Do blobs over `message` bytes in all raise WireError (a huge announced size is never read)?"""
    left, right = pair
    left.sendall(struct.pack("!4sII", wire.MAGIC, 2, 2) + b"{}" + struct.pack("!Q", 600) + b"a" * 600
                 + struct.pack("!Q", 2**40))
    with pytest.raises(wire.WireError, match="a message over"):
        wire.receive(right, wire.Limits(message=1000))


@pytest.mark.parametrize(("data", "message"), [
    (frame(b"{}", magic=b"HTTP"), "not a frame"),
    (frame(b"{not json"), "not JSON"),
    (frame(b"\xff\xfe{}"), "not JSON"),
    (frame(b"[1, 2]"), "not a JSON object"),
    (frame(b'"text"'), "not a JSON object"),
    (frame(b'{"op": "get"}')[:-3], "closed in the middle"),
    (frame(b"{}", [b"blob"])[:-2], "closed in the middle"),
    (frame(b"{}", [b"blob"])[:-6], "closed in the middle"),
    (frame(b"{}")[:5], "closed in the middle"),
], ids=["magic", "not-json", "not-utf8", "list", "string", "cut-header", "cut-blob", "cut-blob-size", "cut-head"])
def test_is_a_malformed_frame_a_wire_error(pair, data, message):
    """Do a wrong magic, a header that is not a JSON object and a cut frame raise WireError, not ChannelClosed?"""
    left, right = pair
    left.sendall(data)
    left.shutdown(socket.SHUT_WR)
    with pytest.raises(wire.WireError, match=message) as caught:
        wire.receive(right)
    assert type(caught.value) is wire.WireError


def test_is_end_of_stream_at_a_frame_boundary_channel_closed(pair):
    """Does the end of the stream between frames raise ChannelClosed, after the frames before it?"""
    left, right = pair
    wire.send(left, {"n": 1})
    left.shutdown(socket.SHUT_WR)
    assert wire.receive(right) == ({"n": 1}, [])
    with pytest.raises(wire.ChannelClosed):
        wire.receive(right)


def test_does_a_frame_split_into_many_small_writes_still_parse(pair):
    """Does a frame written a few bytes at a time (as a slow sender would) parse as one frame?"""
    left, right = pair
    blob = wire.array_to_bytes(np.arange(50, dtype=np.int16))
    data = frame(json.dumps({"op": "call", "args": [1, 2, 3]}).encode(), [blob, b"tail"]) + frame(b'{"n":2}')

    def dribble():
        for start in range(0, len(data), 3):
            left.sendall(data[start:start + 3])

    writer = threading.Thread(target=dribble, daemon=True)
    writer.start()
    header, blobs = wire.receive(right)
    assert header == {"op": "call", "args": [1, 2, 3]} and blobs == [blob, b"tail"]
    assert wire.receive(right) == ({"n": 2}, [])
    writer.join(1)


def test_is_a_header_nested_too_deeply_for_json_a_wire_error(pair):
    """Does a header nested deeper than json can parse raise WireError, like any malformed frame?"""
    left, right = pair
    left.sendall(frame(b"[" * 5000 + b"]" * 5000))
    with pytest.raises(wire.WireError):
        wire.receive(right)


# -- errors -----------------------------------------------------------------------------------------------------------

def test_does_a_value_error_come_back_as_a_value_error_with_its_message_and_a_note():
    """Does a described ValueError become a ValueError with the same message and a note naming the origin?"""
    error = wire.rebuild_error(wire.describe_error(ValueError("x must be positive")), "your code")
    assert type(error) is ValueError and str(error) == "x must be positive"
    assert error.__notes__ == ["(raised in your code)"]


def test_does_an_unknown_subclass_of_value_error_come_back_as_a_value_error():
    """Does an error of a class unknown here, with ValueError in its mro, become a ValueError naming that class?"""
    class ShapeError(ValueError):
        pass

    error = wire.rebuild_error(wire.describe_error(ShapeError("wrong shape")), "your code")
    assert type(error) is ValueError and str(error) == "wrong shape"
    assert error.__notes__ == ["(raised in your code as ShapeError)"]


@pytest.mark.parametrize("original", [StopIteration("done"), StopAsyncIteration(), SystemExit(3), KeyboardInterrupt(),
                                      GeneratorExit()], ids=lambda e: type(e).__name__)
def test_do_control_flow_exceptions_never_come_back_as_themselves(original):
    """Do StopIteration, SystemExit, KeyboardInterrupt and GeneratorExit come back as an ordinary Exception?"""
    error = wire.rebuild_error(wire.describe_error(original), "your code")
    assert isinstance(error, Exception) and not isinstance(error, type(original))
    assert not isinstance(error, (StopIteration, StopAsyncIteration))


@pytest.mark.parametrize("name", ["StopIteration", "SystemExit", "KeyboardInterrupt", "GeneratorExit", "BaseException"])
def test_does_a_forged_control_flow_name_give_remote_code_error(name):
    """Does a description whose mro names only StopIteration or a BaseException give RemoteCodeError?"""
    error = wire.rebuild_error({"type": name, "mro": [name], "message": "m"}, "your code")
    assert type(error) is wire.RemoteCodeError and str(error) == "m"


@pytest.mark.parametrize("info", [None, "ValueError", ["ValueError"], 3, {}, {"mro": ["NoSuchError", 7]}], ids=repr)
def test_does_a_malformed_error_description_give_remote_code_error(info):
    """Does an error description that is not a dict, or names no known class, give RemoteCodeError?"""
    assert type(wire.rebuild_error(info, "your code")) is wire.RemoteCodeError


@pytest.mark.parametrize("mro", [5, None, True])
def test_does_a_description_with_a_malformed_mro_give_remote_code_error(mro):
    """Does a description whose mro is not a list give RemoteCodeError rather than raise?"""
    assert type(wire.rebuild_error({"type": "X", "mro": mro, "message": "m"}, "your code")) is wire.RemoteCodeError


def test_is_a_long_message_cut_and_a_broken_str_survived():
    """Is a huge message cut to the limit, and does an error whose __str__ fails still give a description?"""
    class Broken(Exception):
        def __str__(self):
            raise RuntimeError("no")

    assert len(wire.describe_error(ValueError("x" * 10_000))["message"]) == 4000
    info = wire.describe_error(Broken())
    assert info["type"] == "Broken" and "could not be read" in info["message"]
    assert type(wire.rebuild_error(info, "your code")) is Exception


def test_does_a_read_cut_short_by_a_timeout_resume_where_it_stopped():
    """Does a Reader keep the half frame it read when a timeout interrupts it, and read the whole frame next time?"""
    left, right = socket.socketpair()
    try:
        wire.send(left, {"op": "first"}, [b"x" * 10_000])
        whole = right.recv(1 << 20)
        writer, reader_end = socket.socketpair()
        writer.sendall(whole[:5000])
        reader = wire.Reader(reader_end)
        reader_end.settimeout(0.05)
        with pytest.raises((socket.timeout, TimeoutError)):
            reader.receive()
        writer.sendall(whole[5000:])
        reader_end.settimeout(None)
        assert reader.receive() == ({"op": "first"}, [b"x" * 10_000])
        writer.close()
        reader_end.close()
    finally:
        left.close()
        right.close()
