"""Assertions for graded test cells.

Each check raises `AssertionError` with a message that says what was checked, what was expected,
what came back and, where one is given, a hint. Checks are meant to run in this order:
type, then shape, then dtype, then values, then behaviour, so the first failure names the
most basic problem.
"""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from course.calls import counting_calls

__all__ = [
    "check_at_least",
    "check_close",
    "check_dtype",
    "check_equal",
    "check_history_of",
    "check_layers",
    "check_reports_accuracy",
    "check_reports_metric",
    "check_shape",
    "check_steps_per_epoch",
    "check_type",
    "counting_calls",
    "self_check",
]

_NOT_DONE_HINT = "It looks unfinished: replace the `...` with your code and `return` the result."


def _fail(what: str, expected: Any, got: Any, hint: str = "") -> None:
    __tracebackhide__ = True  # IPython shows the test line, not this helper
    message = f"{what}: expected {expected}, got {got}."
    if hint:
        message += f"\nHint: {hint}"
    raise AssertionError(message)


def _unfinished(value: Any) -> bool:
    return value is None or value is Ellipsis


def _with_not_done(hint: str) -> str:
    return _NOT_DONE_HINT + (f" {hint}" if hint else "")


def _describe_type(value: Any) -> str:
    if value is None:
        return "None"
    if value is Ellipsis:
        return "... (Ellipsis)"
    return type(value).__name__


def check_type(value: Any, expected: type | tuple[type, ...], what: str, hint: str = "") -> None:
    """Check `isinstance(value, expected)`."""
    __tracebackhide__ = True  # IPython shows the test line, not this helper
    if isinstance(value, expected):
        return
    names = " or ".join(t.__name__ for t in (expected if isinstance(expected, tuple) else (expected,)))
    _fail(what, names, _describe_type(value), _with_not_done(hint) if _unfinished(value) else hint)


def check_shape(array: Any, expected: tuple[int | None, ...], what: str, hint: str = "") -> None:
    """Check an array's (or tensor's) shape; `None` in `expected` matches any size on that axis."""
    __tracebackhide__ = True  # IPython shows the test line, not this helper
    shape = getattr(array, "shape", None)
    if shape is None:
        _fail(f"{what} (shape)", f"an array of shape {expected}", _describe_type(array),
              _with_not_done(hint) if _unfinished(array) else hint or _NOT_DONE_HINT)
    shape = tuple(shape)
    matches = len(shape) == len(expected) and all(e is None or e == s for e, s in zip(expected, shape))
    if not matches:
        _fail(f"{what} (shape)", tuple(expected), shape, hint)


def check_dtype(array: Any, expected: Any, what: str, hint: str = "") -> None:
    """Check a numpy dtype. `expected` may be a dtype, or an abstract kind such as `np.floating`."""
    __tracebackhide__ = True  # IPython shows the test line, not this helper
    dtype = getattr(array, "dtype", None)
    if dtype is None:
        _fail(f"{what} (dtype)", expected, _describe_type(array), _with_not_done(hint) if _unfinished(array) else hint)
    ok = np.issubdtype(dtype, expected)  # exact for concrete dtypes, kind-wise for np.floating etc.
    if not ok:
        name = getattr(expected, "__name__", str(expected))
        _fail(f"{what} (dtype)", name, dtype, hint)


def _tolerances(got: Any, rtol: float, atol: float) -> tuple[float, float]:
    """Widen the tolerances for a float32 result: a spec that asks for "floats" allows float32, whose
    rounding (about 1e-7 per operation) would otherwise fail a right answer against a float64 reference."""
    dtype = getattr(got, "dtype", None)
    if dtype is not None and dtype == np.float32:
        return max(rtol, 5e-5), max(atol, 1e-6)
    return rtol, atol


def check_close(got: Any, expected: Any, what: str, hint: str = "",
                rtol: float = 1e-6, atol: float = 1e-8) -> None:
    """Check values with `np.allclose`; shapes must already match (see `check_shape`).

    A float32 result is compared with tolerances of at least rtol=5e-5, atol=1e-6.
    """
    __tracebackhide__ = True  # IPython shows the test line, not this helper
    if _unfinished(got):
        _fail(what, "numbers", _describe_type(got), _with_not_done(hint))
    rtol, atol = _tolerances(got, rtol, atol)
    try:
        got_array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        _fail(what, "numbers", _describe_type(got), hint)
    expected_array = np.asarray(expected, dtype=float)
    if got_array.shape != expected_array.shape:
        _fail(f"{what} (shape)", expected_array.shape, got_array.shape, hint)
    if not np.all(np.isfinite(got_array)):
        _fail(what, "finite numbers", "nan or inf in the result", hint)
    if not np.allclose(got_array, expected_array, rtol=rtol, atol=atol):
        # The entry furthest outside its tolerance, printed with enough digits to show the difference.
        excess = np.abs(got_array - expected_array) - (atol + rtol * np.abs(expected_array))
        worst = np.unravel_index(np.argmax(excess), got_array.shape)
        expected_value, got_value = float(expected_array[worst]), float(got_array[worst])
        allowed = atol + rtol * abs(expected_value)
        where = f" at index {tuple(int(i) for i in worst)}" if got_array.ndim else ""
        _fail(what, f"{expected_value:.10g}{where}",
              f"{got_value:.10g}, a difference of {abs(got_value - expected_value):.3g} where {allowed:.3g} "
              f"is allowed", hint)


def check_equal(got: Any, expected: Any, what: str, hint: str = "") -> None:
    """Check `got == expected` for plain values (ints, tuples, strings)."""
    __tracebackhide__ = True  # IPython shows the test line, not this helper
    if _unfinished(got):
        _fail(what, repr(expected), _describe_type(got), _with_not_done(hint))
    if got != expected:
        _fail(what, repr(expected), repr(got), hint)


def check_at_least(value: float, threshold: float, what: str, hint: str = "") -> None:
    """Check a score such as an accuracy against a minimum."""
    __tracebackhide__ = True  # IPython shows the test line, not this helper
    if _unfinished(value):
        _fail(what, f"at least {threshold}", _describe_type(value), _with_not_done(hint))
    if not float(value) >= threshold:
        _fail(what, f"at least {threshold}", f"{float(value):.4f}", hint)


def check_layers(model: Any, expected: Iterable[tuple], what: str = "model") -> None:
    """Compare a Keras model with a list of `(class name, output shape, parameter count, activation)`.

    Use `None` for anything that should not be checked (e.g. the activation of a Flatten layer).
    Output shapes leave out the batch axis: `(26, 26, 32)` for a Conv2D output.
    """
    __tracebackhide__ = True  # IPython shows the test line, not this helper
    check_type(getattr(model, "layers", None), list, f"{what}.layers",
               "Build a Keras model (keras.Sequential or keras.Model) and assign it.")
    expected = list(expected)
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    if len(layers) != len(expected):
        names = [type(layer).__name__ for layer in layers]
        wanted = [row[0] for row in expected]
        _fail(f"{what}: number of layers", f"{len(expected)} {wanted}", f"{len(layers)} {names}")
    for index, (layer, (cls, shape, params, activation)) in enumerate(zip(layers, expected)):
        where = f"{what}, layer {index} ({layer.name})"
        if type(layer).__name__ != cls:
            _fail(f"{where}: layer type", cls, type(layer).__name__)
        if shape is not None:
            got_shape = tuple(layer.output.shape[1:])
            if got_shape != tuple(shape):
                _fail(f"{where}: output shape (without the batch axis)", tuple(shape), got_shape,
                      "Check the number of units/filters, the kernel size and the padding.")
        if params is not None and layer.count_params() != params:
            _fail(f"{where}: parameter count", params, layer.count_params(),
                  "Count weights and biases: a Dense layer has inputs*units + units.")
        if activation is not None:
            got_activation = getattr(getattr(layer, "activation", None), "__name__", None)
            if got_activation != activation:
                _fail(f"{where}: activation", activation, got_activation)


def check_reports_metric(model: Any, x: Any, y: Any, expected: float, metric: str, what: str,
                         hint: str = "") -> None:
    """Check that `model.evaluate(x, y)` reports, besides the loss, a metric whose value is `expected`.

    The test computes `expected` itself from the model's own predictions, so any spelling of the metric
    passes ("accuracy", "acc", keras.metrics.BinaryAccuracy(), ...); `metric` names it in the message.
    """
    __tracebackhide__ = True  # IPython shows the test line, not this helper
    if _unfinished(model) or not callable(getattr(model, "evaluate", None)):
        _fail(what, "a compiled Keras model", _describe_type(model), _with_not_done(hint))
    try:
        results = model.evaluate(x, y, verbose=0, return_dict=True)
    except Exception as error:  # noqa: BLE001 (whatever Keras raises, the student needs its message)
        _fail(f"{what}: model.evaluate", "it to run", f"{type(error).__name__}: {error}", hint)
    reported = {name: float(value) for name, value in results.items() if name != "loss"}
    if not any(np.isclose(value, expected, rtol=1e-4, atol=1e-6) for value in reported.values()):
        shown = ", ".join(f"{name} = {value:.4f}" for name, value in reported.items()) or "the loss only"
        _fail(what, f"{metric} ({expected:.4f}) among the metrics model.evaluate reports", shown, hint)


def check_reports_accuracy(model: Any, x: Any, y: Any, what: str, hint: str = "") -> None:
    """Check that `model.evaluate(x, y)` reports the model's accuracy on `x` and the integer labels `y`.

    The accuracy is computed here from `model.predict(x)`: a single (sigmoid) output means class 1 above 0.5,
    several (softmax) outputs the class with the largest one.
    """
    __tracebackhide__ = True  # IPython shows the test line, not this helper
    if _unfinished(model) or not callable(getattr(model, "predict", None)):
        _fail(what, "a compiled Keras model", _describe_type(model), _with_not_done(hint))
    predicted = np.asarray(model.predict(x, verbose=0))
    classes = (predicted[:, 0] > 0.5).astype(int) if predicted.shape[-1] == 1 else np.argmax(predicted, axis=-1)
    accuracy = float(np.mean(classes == np.asarray(y).reshape(-1)))
    check_reports_metric(model, x, y, accuracy, "the accuracy", what, hint)


def check_steps_per_epoch(history: Any, n_train: int, batch_sizes: Iterable[int], what: str, hint: str = "") -> None:
    """Check that `history` (what `fit` returns) trained on `n_train` samples in mini-batches of one of
    `batch_sizes`: Keras records the updates per epoch, ceil(n_train / batch size), in `history.params["steps"]`."""
    __tracebackhide__ = True  # IPython shows the test line, not this helper
    allowed = {math.ceil(n_train / size): size for size in batch_sizes}
    steps = (getattr(history, "params", None) or {}).get("steps")
    if steps not in allowed:
        sizes = " or ".join(str(size) for size in allowed.values())
        counts = " or ".join(str(count) for count in allowed)
        _fail(f"{what}: updates per epoch", f"{counts} (batch size {sizes} on the {n_train:,} training samples)",
              steps, _with_not_done(hint) if _unfinished(history) else hint)


def check_history_of(model: Any, history: Any, x_val: Any, y_val: Any, what: str, hint: str = "",
                     rtol: float = 1e-3) -> None:
    """Check that `history` is `model`'s own and was validated on `(x_val, y_val)`: one epoch recorded the
    validation loss that `model.evaluate(x_val, y_val)` gives now.

    Any epoch, not only the last: a callback such as EarlyStopping(restore_best_weights=True) may go back to
    an earlier epoch's weights.
    """
    __tracebackhide__ = True  # IPython shows the test line, not this helper
    curves = getattr(history, "history", None) or {}
    recorded = [float(value) for value in curves.get("val_loss", [])]
    if not recorded:
        _fail(f"{what}: validation losses", "one per epoch", f"none (it has {sorted(curves)})",
              _with_not_done(hint) if _unfinished(history) else hint)
    loss = float(model.evaluate(x_val, y_val, verbose=0, return_dict=True)["loss"])
    if min(abs(value - loss) for value in recorded) > 1e-4 + rtol * loss:
        _fail(f"{what}: the validation loss of one of its epochs",
              f"{loss:.4f} (the model's loss on the validation set now)",
              f"none of them (they end with {[round(value, 4) for value in recorded[-3:]]})", hint)


def self_check(namespace: dict, tests: list[tuple[str, str, str]]) -> None:
    """Re-run visible tests `(exercise, grade id, source)` in the notebook's namespace; print a summary
    with the first failure of each exercise.

    For students, mainly in Colab (which has no Validate button). It changes no grade and does nothing
    while nbgrader grades the notebook.
    """
    import os

    if os.environ.get("NBGRADER_EXECUTION"):
        print("Self-check skipped while grading.")
        return
    failures: dict[str, str] = {}
    exercises: list[str] = []
    for exercise, grade_id, source in tests:
        if exercise not in exercises:
            exercises.append(exercise)
        if exercise in failures:
            continue
        try:
            exec(compile(source, f"<test {grade_id}>", "exec"), namespace)
        except Exception as error:  # noqa: BLE001 (any failure of a test is reported, none stops the summary)
            failures[exercise] = f"{grade_id}: {type(error).__name__}: {error}".replace("\n", "\n         ")
    print("Self-check: the visible tests of each exercise (hidden tests are added at grading).")
    for exercise in exercises:
        mark = "FAIL" if exercise in failures else "pass"
        print(f"  [{mark}] {exercise}")
        if exercise in failures:
            print(f"         {failures[exercise]}")
    passed = len(exercises) - len(failures)
    print(f"{passed} of {len(exercises)} exercises pass their visible tests.")
