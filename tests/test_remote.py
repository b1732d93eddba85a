"""Does the checker reach student code only as data, through the real agent on a socket? (no kernels run)

The real `Agent` serves one end of a socket pair from a thread, with a namespace the test controls instead of a
kernel's; the real `Channel` and `StudentNamespace` use the other end, as the checker kernel does.
"""
from __future__ import annotations

import socket
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest

from grader.bridge import wire
from grader.bridge.agent import Agent
from grader.checker.remote import Channel, Remote, StudentKernelGone, StudentNamespace, UncheckableValue


class Model:
    """A student's class with fit() returning self, as Keras and scikit-learn do."""

    def __init__(self, scale=1):
        self.scale = scale

    def fit(self, x):
        self.seen = len(x)
        return self

    def predict(self, x):
        return np.asarray(x) * self.scale


class Agreeable:
    """A student's object that claims to equal everything."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


class Watched:
    """A student's object that records every attribute the agent reads from it."""

    def __init__(self):
        object.__setattr__(self, "seen", [])

    def __getattribute__(self, name):
        if name != "seen":
            object.__getattribute__(self, "seen").append(name)
        return object.__getattribute__(self, name)

    size = 3


def spin():
    while True:
        pass


def scale_in_place(a, factor=2):
    a *= factor


def append_one(items):
    items.append(1)


def fill_and_return(a):
    a[0] = 9
    return a


def apply(function, x):
    return function(x) + 1


def check_positive(x):
    """Give back x, or raise ValueError unless it is positive."""
    if x <= 0:
        raise ValueError(f"x must be positive, got {x}")
    return x


@pytest.fixture
def student(monkeypatch):
    """The student's names, served by a real Agent on one end of a socket pair."""
    names = {"double": lambda x: 2 * x, "Model": Model, "model": Model(3), "agreeable": Agreeable(),
             "watched": Watched(), "spin": spin, "scale_in_place": scale_in_place, "append_one": append_one,
             "fill_and_return": fill_and_return, "apply": apply, "check_positive": check_positive,
             "big": lambda: np.zeros(10_000), "huge": lambda: 10**5000, "one": lambda: 1}
    monkeypatch.setattr(Agent, "namespace", lambda self: names)
    return names


@pytest.fixture
def connect(student):
    """connect(agent_limits, channel_limits) -> a link with .agent, .agent_end, .serving, .channel and .checker."""
    links = []

    def connect(agent_limits: wire.Limits = wire.Limits(), channel_limits: wire.Limits = wire.Limits()):
        agent_end, checker_end = socket.socketpair()
        agent = Agent(agent_end, agent_limits)
        serving = threading.Thread(target=agent.serve, daemon=True)
        serving.start()
        channel = Channel(checker_end, call_timeout=2, limits=channel_limits)
        links.append(SimpleNamespace(agent=agent, agent_end=agent_end, serving=serving, channel=channel,
                                     checker=StudentNamespace(channel)))
        return links[-1]

    yield connect
    for link in links:  # the checker hangs up; the agent sees the end of the stream and stops serving
        link.channel.sock.shutdown(socket.SHUT_RDWR)
        link.serving.join(1)
        link.agent_end.close()
        link.channel.sock.close()


@pytest.fixture
def checker(connect):
    """The checker's namespace, connected to the student's names."""
    return connect().checker


def test_does_a_student_function_return_its_array_as_data(checker):
    """Does calling a student function give back its array result as a plain ndarray?"""
    result = checker["double"](np.arange(3, dtype=np.float32))
    assert type(result) is np.ndarray and result.dtype == np.float32 and result.tolist() == [0, 2, 4]


def test_does_a_student_object_come_back_as_a_remote_named_like_its_class(checker):
    """Does a student object come back as a Remote whose type is named like the student's class?"""
    model = checker["Model"](scale=5)
    assert isinstance(model, Remote) and type(model).__name__ == "Model" and model.scale == 5
    assert model.predict([1, 2]).tolist() == [5, 10]


def test_is_the_same_student_object_the_same_remote(checker):
    """Does the same student object give the same Remote each time it comes back?"""
    first = checker["model"]
    checker.forget()
    assert checker["model"] is first


def test_does_fit_returning_self_give_back_the_same_remote(checker):
    """Does fit() returning self give back the very Remote it was called on, with the state it set?"""
    model = checker["Model"]()
    assert model.fit([1, 2, 3]) is model and model.seen == 3


def test_is_an_argument_changed_in_place_changed_in_the_checker(checker):
    """Are an array and a list that student code changes in place changed in the checker's objects too?"""
    array, items = np.ones(3), [0]
    assert checker["scale_in_place"](array, factor=3) is None
    checker["append_one"](items)
    assert array.tolist() == [3, 3, 3] and items == [0, 1]


def test_does_returning_an_argument_give_back_the_checkers_own_object(checker):
    """Does a function that returns its (mutable) argument give back the checker's own object, changed?"""
    array = np.zeros(2)
    assert checker["fill_and_return"](array) is array and array.tolist() == [9, 0]


def test_is_a_checker_function_called_back_and_its_result_used(checker):
    """Is a checker lambda passed to student code called back, and its result used by the student code?"""
    calls = []

    def twice(x):
        calls.append(x)
        return 2 * x

    assert checker["apply"](twice, 5) == 11 and calls == [5]
    assert checker["apply"](lambda x: x ** 2, np.arange(3)).tolist() == [1, 2, 5]


def test_does_a_student_error_arrive_as_the_same_builtin_type_with_its_message(checker):
    """Does a ValueError raised by student code arrive as a ValueError with the student's message?"""
    with pytest.raises(ValueError, match="x must be positive, got -1") as caught:
        checker["check_positive"](-1)
    assert caught.value.__notes__ == ["(raised in your code)"]
    assert checker["check_positive"](2) == 2


def test_does_a_call_that_never_returns_time_out_and_the_next_call_work(connect):
    """Does a call that never returns raise TimeoutError after about call_timeout, and the next call still work?"""
    link = connect()
    link.channel.call_timeout = 0.3
    checker, agent = link.checker, link.agent
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="did not finish within 0.3 s"):
        checker["spin"]()
    assert 0.3 <= time.monotonic() - started < 0.8
    assert checker["double"](21) == 42
    deadline = time.monotonic() + 1
    while agent.workers and time.monotonic() < deadline:  # the runaway call is stopped in the student's kernel
        time.sleep(0.01)
    assert not agent.workers


def test_does_an_object_that_equals_everything_equal_nothing_in_the_checker(checker):
    """Does a student object whose __eq__ always says True compare unequal to everything here, 5 included?"""
    agreeable = checker["agreeable"]
    assert (agreeable == 5) is False and (5 == agreeable) is False and (agreeable != 5) is True
    assert agreeable != checker["model"] and agreeable != [1] and agreeable is not None
    assert agreeable == agreeable and agreeable in [agreeable] and 5 not in [agreeable]


@pytest.mark.parametrize("name", ["__array_interface__", "__array_struct__", "__array__", "__fspath__", "__index__",
                                  "__length_hint__", "__dlpack__"])
def test_is_a_dunder_probe_refused_without_asking_the_student(checker, student, name):
    """Does a dunder probe such as __array_interface__ raise AttributeError without a request to the student?"""
    watched = checker["watched"]
    student["watched"].seen.clear()
    with pytest.raises(AttributeError):
        getattr(watched, name)
    assert not hasattr(watched, name)
    assert student["watched"].seen == []
    assert watched.size == 3 and "size" in student["watched"].seen  # an ordinary name is asked for


def test_does_a_missing_name_tell_the_student_to_define_it(checker):
    """Does a name the student's notebook lacks raise NameError saying to define it?"""
    with pytest.raises(NameError, match="name 'train_model' is not defined: define it in your notebook"):
        checker["train_model"]


def test_is_a_closed_agent_reported_as_gone_quickly(connect):
    """When the student's side closes its socket, do the next requests raise StudentKernelGone at once?"""
    link = connect()
    checker = link.checker
    assert checker["double"](1) == 2
    link.agent_end.shutdown(socket.SHUT_RDWR)
    link.serving.join(1)
    link.agent_end.close()
    started = time.monotonic()
    with pytest.raises(StudentKernelGone):
        checker["double"](2)
    assert time.monotonic() - started < 0.5
    with pytest.raises(StudentKernelGone):
        checker["one"]()


def test_is_a_reply_that_is_not_a_frame_reported_as_gone(connect):
    """Does garbage on the wire instead of a reply make the channel report the kernel gone, not crash?"""
    link = connect()
    checker = link.checker
    link.agent_end.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    with pytest.raises(StudentKernelGone, match="not a reply"):
        checker["one"]()
    assert link.channel.gone
    with pytest.raises(StudentKernelGone):
        checker["double"](1)
    link.channel.sock.settimeout(1)
    unread = b""
    while wire.MAGIC not in unread:  # the agent's own reply, sent after the garbage, is left unread
        unread += link.channel.sock.recv(4096)


def test_is_a_student_value_over_the_message_limit_uncheckable(connect):
    """Does a student value over the message limit (the same on both sides, as grading sets it) raise
    UncheckableValue, and does the channel still work?"""
    checker = connect(wire.Limits(message=1000), wire.Limits(message=1000)).checker
    with pytest.raises(UncheckableValue, match="cannot be checked"):
        checker["big"]()
    assert checker["one"]() == 1


def test_is_a_frame_over_the_checkers_limit_the_end_of_the_channel(connect):
    """Does a frame larger than the checker accepts (only a tampered agent sends one) end the channel?"""
    checker = connect(wire.Limits(), wire.Limits(message=1000)).checker
    with pytest.raises(StudentKernelGone):
        checker["big"]()


def test_does_an_int_too_long_for_json_fail_at_once(connect):
    """Does a student int too long for JSON give an error at once, not a time-out blaming the student's loop?"""
    link = connect()
    link.channel.call_timeout = 0.3
    with pytest.raises(UncheckableValue):
        link.checker["huge"]()


def test_does_a_student_functions_name_reach_the_checker(checker):
    """Does a student function's __name__, a readable dunder, come back from the student's side?"""
    assert checker["check_positive"].__name__ == "check_positive"


def test_are_two_names_for_one_keras_model_one_model_in_the_checker(checker, student):
    """Do two student names bound to one Keras model give one model in the checker, and two models two?"""
    import keras

    def build():
        return keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])

    student["final_model"] = student["alias"] = build()
    student["reloaded_model"] = build()
    assert checker["alias"] is checker["final_model"]
    assert checker["reloaded_model"] is not checker["final_model"]
    checker.forget()  # a new cell fetches afresh
    student["alias"] = build()
    assert checker["alias"] is not checker["final_model"]


def run_test_cell(checker, source: str) -> None:
    """Run `source` as the checker kernel runs a test cell: its hash known, the hooks before and after it."""
    import hashlib

    checker.test_cells = frozenset({hashlib.sha256(source.encode()).hexdigest()})
    checker.forget(SimpleNamespace(raw_cell=source))
    try:
        exec(source, checker)
    finally:
        checker.after_cell()


NBGRADER_IDIOM = """
orig_double = double
del double
try:
    apply_double(1)
except NameError:
    uses_double = True
else:
    uses_double = False
finally:
    double = orig_double
restored_in_cell = double(4)
"""


def test_does_a_test_cells_del_and_restore_of_a_student_name_act_in_the_students_kernel(checker, student):
    """Does nbgrader's idiom (save, `del`, call, restore in `finally`) see the deletion from the student's code?"""
    exec("def apply_double(x):\n    return double(x) + 1\n", student)  # looks `double` up as a global
    original = student["double"]
    run_test_cell(checker, NBGRADER_IDIOM)
    assert checker["uses_double"] is True and checker["restored_in_cell"] == 8
    assert student["double"] is original


def test_is_a_name_a_test_cell_deleted_and_never_restored_back_after_the_cell(checker, student):
    """Does the student's kernel get back a name that a test cell deleted or replaced and did not restore?"""
    original = student["double"]
    run_test_cell(checker, "seen = double(1)\ndel double\n")
    assert student["double"] is original and checker["seen"] == 2
    run_test_cell(checker, "kept = one\none = lambda: 5\nfive = apply(lambda x: one(), 0)\n")
    assert student["one"]() == 1


def test_does_a_test_cell_replacing_a_student_function_reach_the_students_code(checker, student):
    """Does a test cell's replacement of a function the student's code calls run when that code calls it?"""
    exec("def apply_double(x):\n    return double(x) + 1\n", student)
    run_test_cell(checker, "real = double\ndouble = lambda x: 100\nreplaced = apply_double(1)\ndouble = real\n")
    assert checker["replaced"] == 101 and student["apply_double"](1) == 3


def test_do_other_cells_keep_their_assignments_to_themselves(checker, student):
    """Does a cell that is not a test (the setup), or a name the test never took from the student, stay local?"""
    checker.forget(SimpleNamespace(raw_cell="one = 7"))  # not a test cell
    exec("seen = one()\none = 7\n", checker)
    checker.after_cell()
    run_test_cell(checker, "model = 'the test'\n")  # a test's own name, though the student has `model` too
    assert student["one"]() == 1 and isinstance(student["model"], Model)
    assert checker["one"] == 7 and checker["model"] == "the test"


def test_does_deleting_a_name_the_student_lacks_raise_name_error(checker):
    """Does `del` of a name defined nowhere raise NameError in a test cell, as in one kernel?"""
    with pytest.raises(NameError):
        run_test_cell(checker, "del not_defined_anywhere\n")


def test_does_counting_calls_count_the_students_calls_through_a_module(checker, student, monkeypatch):
    """Does checks.counting_calls count the calls the student's code makes to np.linalg.inv, and put it back?"""
    from course import calls, checks

    inverse = np.linalg.inv
    fake_np = SimpleNamespace(linalg=SimpleNamespace(inv=inverse))
    student["np"] = fake_np
    student["solve"] = lambda a, b: student["np"].linalg.inv(a) @ b
    student["solve_by_hand"] = lambda a, b: np.linalg.solve(a, b)
    monkeypatch.setattr(calls, "student_kernel", checker)
    checker["checks"], checker["np"] = checks, np  # the setup cell's names
    run_test_cell(checker, """
a, b = np.eye(2) * 2, np.ones(2)
with checks.counting_calls("np.linalg.inv") as inv:
    solve(a, b)
    solve(a, b)
with checks.counting_calls("np.linalg.inv") as not_inv:
    solve_by_hand(a, b)
""")
    assert checker["inv"].calls == 2 and checker["not_inv"].calls == 0
    assert fake_np.linalg.inv is inverse


def test_does_counting_calls_work_in_one_kernel():
    """Does checks.counting_calls count calls in the notebook's own kernel (a bare name and a module's)?"""
    from course import checks

    names = {"checks": checks, "np": np}
    exec("""
def helper(x):
    return x + 1

def uses_helper(x):
    return helper(x) * np.linalg.det(np.eye(2))

with checks.counting_calls("helper") as helper_calls, checks.counting_calls("np.linalg.det") as det_calls:
    uses_helper(1)
""", names)
    assert names["helper_calls"].calls == 1 and names["det_calls"].calls == 1
    assert names["helper"].__name__ == "helper" and np.linalg.det.__name__ == "det"
