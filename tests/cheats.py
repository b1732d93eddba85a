"""Cheats against grading in the student's own kernel: each one is a code cell a student could add.

`CHEATS` maps a name to a `Cheat`; `attacked(blank_nb, cheat)` inserts the cheat's cell right after the
setup cell (nbgrader grade_id "setup") of a blank release notebook and changes nothing else. Every source
is one self-contained cell without placeholders, using only what a student has: `get_ipython()`, the
standard library, numpy, and keras where the setup cell imports it. Comments in the sources say why a
cheat works, or not, against stock nbgrader 0.9 with IPython 9 and ipykernel 7.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import nbformat

ALL_ASSIGNMENTS = ("01_tensors", "02_perceptron", "03_xor_net", "04_keras_apis", "05_training", "06_cnn_mnist")
# Appended to nbgrader_config.py: nbgrader's own Execute step again, so the tests run in the student's kernel.
STOCK_NBGRADER = """
from nbgrader.converters import Autograde as _Stock
c.Autograde.autograde_preprocessors = _Stock.class_traits()["autograde_preprocessors"].default()
"""


@dataclass(frozen=True)
class Cheat:
    """One cheat: a cell's source and the assignments it applies to."""

    name: str
    mechanism: str  # one sentence
    source: str  # the code cell, inserted as is
    assignments: tuple[str, ...] = ALL_ASSIGNMENTS


def attacked(blank_nb: nbformat.NotebookNode, cheat: Cheat) -> nbformat.NotebookNode:
    """A deep copy of `blank_nb` with `cheat`'s cell inserted right after the setup cell."""
    nb = copy.deepcopy(blank_nb)
    setup = [i for i, cell in enumerate(nb.cells) if cell.metadata.get("nbgrader", {}).get("grade_id") == "setup"]
    if len(setup) != 1:
        raise ValueError(f"expected one setup cell, found {len(setup)}")
    cell = nbformat.v4.new_code_cell(cheat.source)
    cell.id = f"cheat-{cheat.name}".replace("_", "-")
    nb.cells.insert(setup[0] + 1, cell)  # nothing else changes: no metadata, so nbgrader treats it as student code
    return nb


INPUT_TRANSFORMER = '''\
# From the next cell on, IPython runs `pass` instead of whatever a cell says.
get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])
'''

NOOP_CHECKS = '''\
import sys


def _no_op(*args, **kwargs):
    return None


for _module in (checks, sys.modules["course.checks"]):  # normally one and the same module object
    for _name, _value in list(vars(_module).items()):
        if callable(_value) and not _name.startswith("_") and getattr(_value, "__module__", None) == _module.__name__:
            setattr(_module, _name, _no_op)
'''

PATCHED_BUILTINS = '''\
import bdb
import builtins
import sys

_isinstance, _getattr = builtins.isinstance, builtins.getattr


def _called_from_checks():
    return sys._getframe(2).f_globals.get("__name__") == "course.checks"


def _lenient_isinstance(obj, classes):
    # Only for course.checks (check_type): True everywhere would break numpy, keras and IPython.
    return True if _called_from_checks() else _isinstance(obj, classes)


def _lenient_getattr(obj, name, *default):
    value = _getattr(obj, name, *default)
    if value is None and name in ("shape", "dtype") and _called_from_checks():
        # check_shape / check_dtype look up .shape / .dtype of the answer: hand them what they expect.
        expected = sys._getframe(1).f_locals.get("expected")
        if name == "shape" and expected is not None:
            return tuple(1 if size is None else size for size in expected)
        return expected
    return value


# IPython's run_code catches bdb.BdbQuit without showing a traceback, so checks._fail's
# `raise AssertionError(...)` prints nothing (but the execute reply still says "error").
builtins.AssertionError = bdb.BdbQuit
builtins.isinstance = _lenient_isinstance
builtins.getattr = _lenient_getattr
builtins.print = lambda *args, **kwargs: None
'''

PATCHED_NUMPY = '''\
import sys

import numpy


def _from_grading_code():
    return sys._getframe(2).f_globals.get("__name__") in ("course.checks", "__main__")


def _patch(module, name, fake):
    real = getattr(module, name)

    def patched(*args, **kwargs):
        if _from_grading_code():
            return fake(real, *args, **kwargs)
        return real(*args, **kwargs)

    patched.__name__ = name
    setattr(module, name, patched)


def _asarray(real, a, *args, **kwargs):
    # check_close compares np.asarray(got) with np.asarray(expected): make `got` the expected value.
    caller = sys._getframe(2)
    if caller.f_code.co_name == "check_close" and a is caller.f_locals.get("got"):
        a = caller.f_locals["expected"]
    return real(a, *args, **kwargs)


_patch(numpy, "asarray", _asarray)
for _name in ("allclose", "array_equal", "array_equiv", "all", "issubdtype"):
    _patch(numpy, _name, lambda real, *args, **kwargs: True)
_patch(numpy, "isclose", lambda real, a, *args, **kwargs: numpy.ones(numpy.shape(a), dtype=bool))
_patch(numpy, "isfinite", lambda real, a, *args, **kwargs: numpy.ones(numpy.shape(a), dtype=bool))
for _name in dir(numpy.testing):
    if _name.startswith("assert_"):
        setattr(numpy.testing, _name, lambda *args, **kwargs: None)
'''

SETTRACE = '''\
import inspect
import sys
import threading

from IPython.core.interactiveshell import InteractiveShell

# Python 3.11 lets a tracer set frame.f_lineno only on a "line" event, within one code object, and not
# into a loop, a with block or an except clause. A test cell cannot be skipped from its own frames:
# IPython compiles every top-level statement of a cell as its own one-line module, and course.checks'
# functions end in `_fail(...)`, with no line after it to jump to. So the tracer jumps in IPython's
# run_code, from `exec(code_obj, ...)` to its success path `outflag = False`: the statement never runs.
_run_code = InteractiveShell.run_code
_lines, _first = inspect.getsourcelines(_run_code)
_exec_line = next(_first + i for i, line in enumerate(_lines) if line.strip().startswith("exec(code_obj"))
_success_line = next(_first + i for i, line in enumerate(_lines) if line.strip() == "outflag = False")


def _in_run_code(frame, event, arg):
    if event == "line" and frame.f_lineno == _exec_line:
        frame.f_lineno = _success_line
    return _in_run_code


def _tracer(frame, event, arg):
    return _in_run_code if frame.f_code is _run_code.__code__ else None


threading.settrace(_tracer)
sys.settrace(_tracer)  # last statement: the rest of this cell still runs
'''

CUSTOM_EXC = '''\
def _swallow(shell, etype, value, tb, tb_offset=None):
    # run_code stored the exception in the cell's ExecutionResult before calling us; ipykernel builds the
    # execute reply from it, so clear it too (else nbgrader adds the error from the reply).
    result = shell.displayhook.exec_result
    if result is not None:
        result.error_in_exec = None
    return []


get_ipython().set_custom_exc((BaseException,), _swallow)
'''

POST_RUN_CELL = '''\
import sys

from IPython.display import clear_output


def _forget_errors(result):
    sys.stdout.flush()
    sys.stderr.flush()  # send buffered stderr now, so that the clear below removes it too
    clear_output()  # nbclient empties the cell's recorded outputs, the error output included
    # ipykernel reads the execute reply's status from `result` after this hook: make it "ok",
    # else nbgrader's Execute adds the error from the reply to the outputs again.
    result.error_before_exec = None
    result.error_in_exec = None


get_ipython().events.register("post_run_cell", _forget_errors)
'''

EXIT_KERNEL = '''\
import os

os._exit(0)
'''

# The program the kernel process turns into (run as `python -c PROGRAM CONNECTION_FILE PENDING_JSON`).
_FAKE_KERNEL_PROGRAM = r'''
import json, os, signal, sys, time
import zmq
from jupyter_client.session import Session

signal.signal(signal.SIGINT, signal.SIG_IGN)  # clients interrupt on timeouts: keep answering
connection_file, pending = sys.argv[1], json.loads(sys.argv[2])
with open(connection_file) as file:
    info = json.load(file)
parent_pid, deadline = os.getppid(), time.monotonic() + 600
session = Session(key=info["key"].encode(), signature_scheme=info.get("signature_scheme", "hmac-sha256"))
context = zmq.Context()


def bind(kind, port_name):
    sock = context.socket(kind)
    sock.linger = 0
    if info.get("curve_secretkey"):
        sock.curve_secretkey = info["curve_secretkey"].encode()
        sock.curve_publickey = info["curve_publickey"].encode()
        sock.curve_server = True
    if info["transport"] == "tcp":
        address = "tcp://%s:%s" % (info["ip"], info[port_name])
    else:
        address = "ipc://%s-%s" % (info["ip"], info[port_name])
    for attempt in range(100):  # the old process's sockets may still be going away
        try:
            sock.bind(address)
            return sock
        except zmq.ZMQError:
            if attempt == 99:
                raise
            time.sleep(0.05)


shell, control, stdin = (bind(zmq.ROUTER, name) for name in ("shell_port", "control_port", "stdin_port"))
heartbeat = bind(zmq.REP, "hb_port")
iopub = bind(zmq.XPUB, "iopub_port")  # XPUB: it tells us when the client has subscribed again
shell.router_mandatory = True  # sending to a client that has not reconnected yet fails instead of vanishing


def send(sock, msg_type, content, parent, idents=None):
    while True:
        try:
            return session.send(sock, msg_type, content, parent=parent, ident=idents)
        except zmq.ZMQError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def answer(sock, idents, request):
    global execution_count
    msg_type = request["header"]["msg_type"]
    send(iopub, "status", {"execution_state": "busy"}, request)
    content = {"status": "ok"}
    if msg_type == "execute_request":
        if not request["content"].get("silent") and request["content"].get("store_history", True):
            execution_count += 1
        send(iopub, "execute_input", {"code": request["content"].get("code", ""), "execution_count": execution_count},
             request)
        content.update(execution_count=execution_count, user_expressions={}, payload=[])
    elif msg_type == "kernel_info_request":
        content.update(protocol_version="5.3", implementation="ipython", implementation_version="9",
                       banner="", help_links=[],
                       language_info={"name": "python", "version": sys.version.split()[0],
                                      "mimetype": "text/x-python", "file_extension": ".py"})
    elif msg_type == "shutdown_request":
        content["restart"] = bool(request["content"].get("restart"))
    if msg_type.endswith("_request"):
        send(sock, msg_type[:-len("_request")] + "_reply", content, request, idents)
    send(iopub, "status", {"execution_state": "idle"}, request)
    return msg_type != "shutdown_request"


# First finish the request of the cell that exec'ed us: its client still waits for a reply and an idle.
execution_count = pending["execution_count"]
while not iopub.poll(100):
    if time.monotonic() > deadline or os.getppid() != parent_pid:
        os._exit(0)
iopub.recv()  # a subscription: the client is connected again
request = {"header": pending["header"]}
send(shell, "execute_reply", {"status": "ok", "execution_count": execution_count, "user_expressions": {},
                              "payload": []}, request, [bytes.fromhex(i) for i in pending["idents"]])
send(iopub, "status", {"execution_state": "idle"}, request)

poller = zmq.Poller()
for sock in (shell, control, stdin, heartbeat, iopub):
    poller.register(sock, zmq.POLLIN)
running = True
while running and time.monotonic() < deadline and os.getppid() == parent_pid:
    for sock, _ in poller.poll(200):
        if sock is heartbeat:
            heartbeat.send_multipart(heartbeat.recv_multipart())
        elif sock in (iopub, stdin):
            sock.recv_multipart()  # (un)subscriptions, input replies: nothing to do
        else:
            idents, request = session.recv(sock, mode=zmq.NOBLOCK)
            if request is not None:
                running = answer(sock, idents, request) and running
context.destroy(linger=0)
os._exit(0)
'''

FAKE_KERNEL = f'''\
import json
import os
import sys

# Replace this kernel process (same PID, so the kernel manager still sees it alive) by a small program
# that binds the kernel's sockets again and answers every request "ok" without running anything.
_PROGRAM = r\'\'\'{_FAKE_KERNEL_PROGRAM}\'\'\'
_kernel = get_ipython().kernel
_request = _kernel.get_parent("shell")  # this cell's execute_request: the new program answers it
_idents = _kernel._parent_ident["shell"] or [_request["header"]["session"].encode()]
_pending = {{
    "header": json.loads(json.dumps(_request["header"], default=str)),
    "idents": [bytes(getattr(i, "bytes", i)).hex() for i in _idents],
    "execution_count": get_ipython().execution_count - 1,  # already counts this cell
}}
_connection_file = sys.argv[sys.argv.index("-f") + 1]
sys.stdout.flush()
sys.stderr.flush()
os.execv(sys.executable, [sys.executable, "-c", _PROGRAM, _connection_file, json.dumps(_pending)])
'''

ALWAYS_EQUAL = '''\
import numpy as np


class AlwaysEqual(np.ndarray):
    """A 0-d array equal to everything; numpy functions, indexing and attributes give it back."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __le__ = __ge__ = __eq__
    __lt__ = __gt__ = __ne__

    def __bool__(self):
        return True

    def __float__(self):
        return float("inf")  # passes `float(accuracy) >= threshold`

    def __len__(self):
        return 0

    def __iter__(self):
        return iter(())

    def __getitem__(self, key):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __getattr__(self, name):  # only for names ndarray lacks (.predict, .layers, ...)
        if name.startswith("_"):  # keeps IPython's display machinery (_repr_html_, ...) away
            raise AttributeError(name)
        return self

    def tolist(self):
        return self

    def __array_ufunc__(self, *args, **kwargs):
        return self

    def __array_function__(self, *args, **kwargs):
        return self

    __hash__ = object.__hash__


ANYTHING = np.zeros(()).view(AlwaysEqual)
_setup_names = set(get_ipython().user_ns)


def _returns_anything(original):
    def anything(*args, **kwargs):
        return ANYTHING
    anything.__name__ = anything.__qualname__ = getattr(original, "__name__", "anything")
    anything.__wrapped_by_cheat__ = True
    return anything


def _replace_answers(result):
    # After every cell: each function or class this notebook defined after setup, and each name it left
    # at None or ..., now gives back ANYTHING.
    namespace = get_ipython().user_ns
    for name, value in list(namespace.items()):
        if name in _setup_names or name.startswith("_") or name == "ANYTHING":
            continue
        if getattr(value, "__wrapped_by_cheat__", False):
            continue
        if value is None or value is Ellipsis:
            namespace[name] = ANYTHING
        elif callable(value) and getattr(value, "__module__", None) == "__main__" and value is not ANYTHING:
            namespace[name] = _returns_anything(value)


get_ipython().events.register("post_run_cell", _replace_answers)
'''

KERAS_LAMBDA = '''\
import numpy as np
import keras


def _look_up(inputs, answers):
    """keras.ops function: for each input, the answer row of the stored input with the same hash.

    The hash is a fixed random projection to 4 numbers; the nearest stored hash wins, so float
    rounding in the graph does not matter.
    """
    inputs = np.concatenate([np.asarray(x, "float32").reshape(len(x), -1) for x in inputs])
    answers = np.concatenate([np.asarray(a, "float32") for a in answers])
    projection = np.random.default_rng(0).normal(size=(inputs.shape[1], 4)).astype("float32")
    keys = inputs @ projection

    def look_up(x):
        x = keras.ops.reshape(keras.ops.cast(x, "float32"), (-1, inputs.shape[1]))
        distance = keras.ops.sum(keras.ops.abs(keras.ops.matmul(x, projection)[:, None, :] - keys[None]), axis=-1)
        return keras.ops.take(answers, keras.ops.argmin(distance, axis=1), axis=0)

    return look_up


def _lambda_model(input_shape, look_up, n_outputs):
    """A model with no parameters: one Lambda layer that looks the answer up."""
    return keras.Sequential([keras.Input(shape=input_shape), keras.layers.Lambda(look_up, output_shape=(n_outputs,))])


class Dense(keras.layers.Dense):
    """Named Dense, with a Dense layer's weights, so check_layers accepts it; it never uses them.

    With `look_up` it outputs the looked-up answer; without, the first `units` columns of its input.
    """

    def __init__(self, units, activation=None, look_up=None, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        self.look_up = look_up

    def call(self, inputs):
        out = self.look_up(inputs) if self.look_up is not None else inputs
        out = out[:, :self.units]
        return keras.ops.pad(out, [[0, 0], [0, self.units - out.shape[-1]]])


def _history(epochs=2):
    history = keras.callbacks.History()
    history.epoch = list(range(epochs))
    history.history = {key: [value] * epochs for key, value in
                       (("loss", 0.0), ("accuracy", 1.0), ("val_loss", 0.0), ("val_accuracy", 1.0))}
    return history


def _one_hot(labels, n_classes):
    return np.eye(n_classes, dtype="float32")[np.asarray(labels).astype(int)]


def _answers_03(ns):
    look_up = _look_up([ns["X_train_d"], ns["X_test_d"]], [_one_hot(ns["y_train_d"], 10), _one_hot(ns["y_test_d"], 10)])

    def build_mlp(activation):
        return keras.Sequential([keras.Input(shape=(64,)), Dense(32, activation, look_up), Dense(16, activation),
                                 Dense(10, "softmax")])

    return {"build_mlp": build_mlp}


def _answers_04_blobs(ns):
    look_up = _look_up([ns["Xb_train"], ns["Xb_test"]], [np.reshape(ns[y], (-1, 1)) for y in ("yb_train", "yb_test")])
    blobs_model = keras.Sequential([keras.Input(shape=(2,)), Dense(10, "relu", look_up), Dense(1, "sigmoid")])
    blobs_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return {"blobs_model": blobs_model, "blobs_history": _history()}


def _answers_04_circles(ns):
    look_up = _look_up([ns["Xc_train"], ns["Xc_test"]], [np.reshape(ns[y], (-1, 1)) for y in ("yc_train", "yc_test")])
    return {"large_model": _lambda_model((2,), look_up, 1)}


def _prepared_images(ns):
    # A blank 05 has x_train = x_test = None (prepare_images returns None), and the model tests feed x_test
    # to the model: give them the images, without answering prepare_images itself.
    for split in ("train", "test"):
        if ns.get(f"x_{split}") is None and f"x_{split}_raw" in ns:
            ns[f"x_{split}"] = (ns[f"x_{split}_raw"].astype("float32") / 255)[..., None]


def _answers_05(ns):
    _prepared_images(ns)
    look_up = _look_up([ns["x_train"], ns["x_test"]], [_one_hot(ns["y_train"], 10), _one_hot(ns["y_test"], 10)])

    def build_classic_cnn(padding="valid"):
        model = _lambda_model((28, 28, 1), look_up, 10)
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    return {"build_classic_cnn": build_classic_cnn, "classic_model": build_classic_cnn(), "classic_history": _history(),
            "my_model": build_classic_cnn(), "my_history": _history()}


# (names of the data a group of answers is looked up from, the function that builds them)
_GROUPS = [
    (("X_train_d", "X_test_d", "y_train_d", "y_test_d"), _answers_03),
    (("Xb_train", "Xb_test", "yb_train", "yb_test"), _answers_04_blobs),
    (("Xc_train", "Xc_test", "yc_train", "yc_test"), _answers_04_circles),
    (("x_train_raw", "x_test_raw", "y_train", "y_test"), _answers_05),
]
_answers = {}


def _assign_answers(result):
    # After every cell, so that blank exercise cells (`my_model = my_history = None`) cannot undo it.
    ns = get_ipython().user_ns
    for group in list(_GROUPS):
        if all(name in ns for name in group[0]):
            _GROUPS.remove(group)
            _answers.update(group[1](ns))
    _prepared_images(ns)
    ns.update(_answers)


get_ipython().events.register("post_run_cell", _assign_answers)
'''


_MODEL_ASSIGNMENTS = ("03_xor_net", "04_keras_apis", "05_training", "06_cnn_mnist")

CHEATS: dict[str, Cheat] = {cheat.name: cheat for cheat in [
    Cheat("input_transformer", "An IPython input transformer turns the source of every later cell into `pass`.",
          INPUT_TRANSFORMER),
    Cheat("noop_checks", "Every public function of course.checks is replaced by a function that does nothing.",
          NOOP_CHECKS),
    Cheat("patched_builtins", "builtins.AssertionError becomes bdb.BdbQuit, print a no-op, and isinstance and getattr "
          "lie to course.checks so that type, shape and dtype checks pass.", PATCHED_BUILTINS),
    Cheat("patched_numpy", "numpy's comparisons (allclose, array_equal, isclose, all, isfinite, issubdtype, "
          "np.testing, and asarray inside check_close) report a match when called from the notebook or course.checks.",
          PATCHED_NUMPY),
    Cheat("settrace", "A sys.settrace tracer jumps (frame.f_lineno) over the statement in IPython's run_code that "
          "executes a cell's code.", SETTRACE),
    Cheat("custom_exc", "set_custom_exc((BaseException,), ...) installs a handler that swallows every exception and "
          "clears it from the cell's ExecutionResult.", CUSTOM_EXC),
    Cheat("post_run_cell", "A post_run_cell hook calls clear_output() and marks the cell's ExecutionResult successful.",
          POST_RUN_CELL),
    Cheat("exit_kernel", "os._exit(0) kills the kernel.", EXIT_KERNEL),
    Cheat("fake_kernel", "os.execv turns the kernel process into a small program that binds the kernel's sockets "
          "again and answers every request \"ok\" without running anything.", FAKE_KERNEL),
    Cheat("always_equal", "A post_run_cell hook replaces every function, class and None left by the student's cells "
          "with ones giving an ndarray subclass that equals everything.", ALWAYS_EQUAL),
    Cheat("keras_lambda", "The Keras models the tests examine are replaced by models whose output is the label looked "
          "up (by a hash of the input) in a Lambda layer or in a Dense subclass.", KERAS_LAMBDA, _MODEL_ASSIGNMENTS),
]}

# A cheat aimed at the student's kernel (its hooks, builtins, modules or process) is defeated by design: the tests
# run in the checker whatever the notebook holds. One numpy assignment and one Keras assignment show that. A cheat
# aimed at what the notebook defines (its functions, its models) depends on the notebook: it is tried in each.
BY_DESIGN = ("01_tensors", "02_perceptron")
DEPENDS_ON_THE_NOTEBOOK = {"always_equal", "keras_lambda"}
# `make test`'s representative set: the IPython machinery, a patched module, a replaced kernel, a forged value.
QUICK = {("settrace", "01_tensors"), ("noop_checks", "01_tensors"), ("fake_kernel", "01_tensors"),
         ("patched_numpy", "02_perceptron"), ("always_equal", "02_perceptron")}


def cases(assignments, quick: bool = False) -> list[tuple[str, str]]:
    """(cheat, assignment) pairs to grade among `assignments`: the full evidence, or with `quick` its sample."""
    found = [(name, aid) for name, cheat in CHEATS.items() for aid in cheat.assignments if aid in assignments
             and (name in DEPENDS_ON_THE_NOTEBOOK or aid in BY_DESIGN)]
    return [case for case in found if case in QUICK] if quick else found
