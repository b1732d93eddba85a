"""Does the helper package give clear errors, teaching messages and plotly figures? (no notebooks run)"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from course import checks, data, plots


def failure_message(check, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as caught:
        check(*args, **kwargs)
    return str(caught.value)


def test_an_unfinished_answer_is_told_to_replace_the_ellipsis():
    message = failure_message(checks.check_type, None, np.ndarray, "flatten_images(x)")
    assert "expected ndarray, got None" in message and "replace the `...`" in message


def test_a_wrong_shape_names_both_shapes_and_the_hint():
    message = failure_message(checks.check_shape, np.zeros((2, 3)), (3, 3), "W1", "Add the bias row.")
    assert "expected (3, 3), got (2, 3)" in message and "Hint: Add the bias row." in message


def test_shape_check_accepts_any_size_where_none_is_given():
    checks.check_shape(np.zeros((5, 4)), (None, 4), "x")


def test_dtype_check_is_exact_for_dtypes_and_kind_wise_for_np_floating():
    checks.check_dtype(np.zeros(2, np.float32), np.floating, "x")
    assert "expected float32, got float64" in failure_message(checks.check_dtype, np.zeros(2), np.float32, "x")


def test_close_check_reports_the_worst_entry_and_rejects_nan():
    message = failure_message(checks.check_close, [1.0, 2.0, 5.0], [1.0, 2.0, 3.0], "y")
    assert "3 at index (2,)" in message and "5 (the largest difference)" in message
    assert "nan or inf" in failure_message(checks.check_close, [np.nan], [1.0], "y")


def test_threshold_and_equality_checks():
    checks.check_at_least(0.91, 0.9, "accuracy")
    assert "expected at least 0.9, got 0.8000" in failure_message(checks.check_at_least, 0.8, 0.9, "accuracy")
    assert "expected 61, got 51" in failure_message(checks.check_equal, 51, 61, "count_params([4, 10, 1])")


def test_mnist_override_reads_a_local_npz(tmp_path, monkeypatch):
    path = tmp_path / "mini.npz"
    np.savez(path, x_train=np.zeros((3, 28, 28), np.uint8), y_train=np.arange(3),
             x_test=np.ones((2, 28, 28), np.uint8), y_test=np.arange(2))
    monkeypatch.setenv(data.MNIST_OVERRIDE_VARIABLE, str(path))
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert x_train.shape == (3, 28, 28) and x_test.shape == (2, 28, 28) and list(y_test) == [0, 1]


@pytest.mark.parametrize(("content", "expected"), [
    (None, "which is not a file"),
    (b"not a zip archive", "is not an .npz archive"),
    ("missing keys", "has no y_train, x_test, y_test"),
])
def test_a_bad_mnist_override_says_what_is_wrong(tmp_path, monkeypatch, content, expected):
    path = tmp_path / "mnist.npz"
    if content == "missing keys":
        np.savez(path, x_train=np.zeros((1, 28, 28)))
    elif content is not None:
        path.write_bytes(content)
    monkeypatch.setenv(data.MNIST_OVERRIDE_VARIABLE, str(path))
    with pytest.raises((FileNotFoundError, ValueError), match=expected):
        data.load_mnist()


def test_the_offline_mnist_copy_has_the_keras_layout():
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert x_train.shape[1:] == (28, 28) and x_train.dtype == np.uint8 and len(x_train) == len(y_train)
    assert set(np.unique(y_test)) == set(range(10))


def test_every_plot_helper_returns_a_figure():
    rng = np.random.default_rng(0)
    points, labels = rng.normal(size=(30, 2)), np.arange(30) % 2
    history = {"loss": [0.9, 0.5], "accuracy": [0.6, 0.8], "val_loss": [1.0, 0.6], "val_accuracy": [0.5, 0.7]}
    figures = [
        plots.image(rng.integers(0, 255, (28, 28))),
        plots.image(data.load_photo()),
        plots.image_grid(rng.random((5, 8, 8)), titles=list("abcde")),
        plots.image_with_probabilities(rng.random((28, 28, 1)), np.full(10, 0.1), true_label=3),
        plots.scatter_classes(points, labels),
        plots.decision_boundary(lambda grid: grid[:, 0] > 0, points, labels),
        plots.line_curves({"loss": [3, 2, 1]}),
        plots.training_history(history),
        plots.confusion_heatmap(np.eye(3, dtype=int) * 5),
    ]
    assert all(isinstance(figure, go.Figure) for figure in figures)
    assert {trace.name for trace in figures[7].data} == set(history)


def test_training_history_without_metrics_explains_what_to_pass():
    with pytest.raises(ValueError, match="metrics=\\['accuracy'\\]"):
        plots.training_history({"lr": [0.1]})
