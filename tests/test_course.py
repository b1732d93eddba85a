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


@pytest.mark.parametrize("check", [
    lambda got: checks.check_type(got, np.ndarray, "f(x)", "Return an array."),
    lambda got: checks.check_shape(got, (3,), "f(x)", "Three values."),
    lambda got: checks.check_dtype(got, np.float32, "f(x)", "float32."),
    lambda got: checks.check_close(got, [1.0, 2.0], "f(x)", "Close to these."),
    lambda got: checks.check_equal(got, 3, "f(x)", "Three."),
    lambda got: checks.check_at_least(got, 0.9, "accuracy", "Train longer."),
    lambda got: checks.check_steps_per_epoch(got, 80, (16, 32), "history", "Keep what fit returns."),
    lambda got: checks.check_history_of(None, got, None, None, "history", "Keep what fit returns."),
])
@pytest.mark.parametrize("blank", [None, Ellipsis])
def test_every_check_tells_an_unfinished_answer_to_replace_the_ellipsis_and_keeps_its_hint(check, blank):
    message = failure_message(check, blank)
    assert "replace the `...` with your code" in message and "Hint:" in message, message


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
    assert "expected 3 at index (2,), got 5, a difference of 2 where 3.01e-06 is allowed" in message
    assert "nan or inf" in failure_message(checks.check_close, [np.nan], [1.0], "y")


def test_close_check_shows_the_digits_that_differ():
    message = failure_message(checks.check_close, -170.1193, -170.119123, "mean")
    assert "expected -170.119123, got -170.1193, a difference of 0.000177" in message


def test_close_check_allows_float32_rounding_but_not_more():
    expected = np.array([0.1, 1.0 / 3.0, 2.0 / 3.0]) * 1000
    checks.check_close(expected.astype(np.float32), expected, "float32 result")
    checks.check_close(np.float32(-170.119123), -170.119123, "float32 scalar")
    assert "a difference of" in failure_message(checks.check_close, (expected * (1 + 1e-4)).astype(np.float32),
                                                expected, "float32 result 1e-4 off")
    # Off by 1e-5 (float32 arithmetic over many numbers): allowed in a float32 result, not in a float64 one.
    checks.check_close((expected * (1 + 1e-5)).astype(np.float32), expected, "float32 result 1e-5 off")
    assert "a difference of" in failure_message(checks.check_close, expected * (1 + 1e-5), expected, "float64 result")


def test_threshold_and_equality_checks():
    checks.check_at_least(0.91, 0.9, "accuracy")
    assert "expected at least 0.9, got 0.8000" in failure_message(checks.check_at_least, 0.8, 0.9, "accuracy")
    assert "expected 61, got 51" in failure_message(checks.check_equal, 51, 61, "count_params([4, 10, 1])")


def _compiled(metrics, outputs=1, loss="binary_crossentropy"):
    import keras

    keras.utils.set_random_seed(0)
    activation = "sigmoid" if outputs == 1 else "softmax"
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(outputs, activation=activation)])
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    return model


@pytest.mark.parametrize(("metrics", "outputs", "loss"), [
    (["accuracy"], 1, "binary_crossentropy"), (["acc"], 1, "binary_crossentropy"),
    ("keras.metrics.BinaryAccuracy()", 1, "binary_crossentropy"),
    (["accuracy"], 3, "sparse_categorical_crossentropy"),
    ("keras.metrics.SparseCategoricalAccuracy()", 3, "sparse_categorical_crossentropy"),
])
def test_does_any_spelling_of_an_accuracy_metric_pass(metrics, outputs, loss):
    import keras

    if isinstance(metrics, str):
        metrics = [eval(metrics, {"keras": keras})]
    x = np.random.default_rng(1).normal(size=(64, 2))
    checks.check_reports_accuracy(_compiled(metrics, outputs, loss), x, (x[:, 0] > 0).astype(int), "model")


@pytest.mark.parametrize("metrics", [None, ["mae"], ["auc"]])
def test_is_a_model_without_an_accuracy_metric_told_what_it_reports(metrics):
    x = np.random.default_rng(1).normal(size=(64, 2))
    message = failure_message(checks.check_reports_accuracy, _compiled(metrics), x, (x[:, 0] > 0).astype(int),
                              "build_model()", "Compile with metrics=['accuracy'].")
    assert "the accuracy (" in message and "Hint: Compile with metrics=['accuracy']." in message, message
    assert ("the loss only" in message) == (metrics is None), message


def test_does_the_metric_check_compare_the_value_the_test_computed():
    model = _compiled(["mae"], loss="mse")
    x = np.random.default_rng(2).normal(size=(32, 2))
    y = x[:, 0]
    checks.check_reports_metric(model, x, y, float(np.mean(np.abs(model.predict(x, verbose=0)[:, 0] - y))),
                                "the mean absolute error", "model")
    assert "the mean absolute error (" in failure_message(checks.check_reports_metric, model, x, y, 123.0,
                                                           "the mean absolute error", "model")
    assert "replace the `...`" in failure_message(checks.check_reports_metric, None, x, y, 1.0, "the MAE", "model")


def _blobs(n, seed):
    x = np.random.default_rng(seed).normal(size=(n, 2))
    return x, (x[:, 0] + x[:, 1] > 0).astype(int)


def test_does_the_steps_check_accept_each_allowed_batch_size_and_name_them_otherwise():
    x, y = _blobs(100, 3)
    model = _compiled(["accuracy"])
    for batch_size in (16, 32):
        checks.check_steps_per_epoch(model.fit(x[:80], y[:80], batch_size=batch_size, verbose=0), 80, (16, 32), "history")
    on_all = model.fit(x, y, batch_size=32, verbose=0)  # 4 updates: 100 samples, not the 80 of the training set
    message = failure_message(checks.check_steps_per_epoch, on_all, 80, (16, 32), "history", "Fit on x_train.")
    assert "history: updates per epoch: expected 5 or 3 (batch size 16 or 32 on the 80 training samples), got 4." in message
    assert "Hint: Fit on x_train." in message


def test_does_the_history_check_find_the_models_validation_loss_at_any_epoch():
    import keras

    (x, y), (x_val, y_val) = _blobs(80, 4), _blobs(40, 5)
    model = _compiled(["accuracy"])
    first_epoch = []
    keep_first = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: first_epoch.append(model.get_weights()) if epoch == 0 else None)
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=4, batch_size=4, callbacks=[keep_first], verbose=0)
    assert history.history["val_loss"][0] - history.history["val_loss"][-1] > 0.01  # epochs far apart: a test of "any"
    checks.check_history_of(model, history, x_val, y_val, "history")
    model.set_weights(first_epoch[0])  # what EarlyStopping(restore_best_weights=True) does
    checks.check_history_of(model, history, x_val, y_val, "history")
    x_other, y_other = _blobs(40, 6)
    message = failure_message(checks.check_history_of, model, history, x_other, y_other, "history", "Validate on x_val.")
    assert "history: the validation loss of one of its epochs: expected" in message and "Hint: Validate on x_val." in message
    other = _compiled(["accuracy"])  # another model: confidently wrong where model is right
    other.set_weights([-3 * weights for weights in model.get_weights()])
    assert "none of them" in failure_message(checks.check_history_of, other, history, x_val, y_val, "history")
    unvalidated = model.fit(x, y, epochs=1, verbose=0)
    assert "got none (it has ['accuracy', 'loss'])" in failure_message(checks.check_history_of, model, unvalidated,
                                                                         x_val, y_val, "history")


def test_mnist_override_reads_a_local_npz(tmp_path, monkeypatch):
    path = tmp_path / "mini.npz"
    np.savez(path, x_train=np.zeros((3, 28, 28), np.uint8), y_train=np.arange(3),
             x_test=np.ones((2, 28, 28), np.uint8), y_test=np.arange(2))
    monkeypatch.setenv(data.MNIST_OVERRIDE_VARIABLE, str(path))
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert x_train.shape == (3, 28, 28) and x_test.shape == (2, 28, 28) and list(y_test) == [0, 1]


def test_mnist_for_cnn_splits_training_images_into_train_and_validation(tmp_path, monkeypatch):
    path = tmp_path / "mini.npz"
    np.savez(path, x_train=np.arange(5 * 28 * 28).reshape(5, 28, 28).astype(np.uint8), y_train=np.arange(5),
             x_test=np.full((3, 28, 28), 255, np.uint8), y_test=np.arange(3))
    monkeypatch.setenv(data.MNIST_OVERRIDE_VARIABLE, str(path))
    subsets = data.mnist_for_cnn(n_train=3, n_validation=2, n_test=2)
    assert subsets["x_train"].shape == (3, 28, 28, 1) and subsets["x_train"].dtype == np.float32
    assert list(subsets["y_train"]) == [0, 1, 2] and list(subsets["y_val"]) == [3, 4] and len(subsets["x_test"]) == 2
    assert subsets["x_test"].max() == 1.0 and subsets["x_train"].min() == 0.0
    with pytest.raises(ValueError, match="5 training and 3 test images"):
        data.mnist_for_cnn(n_train=4, n_validation=2)


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


def two_branch_model():
    import keras

    input_a, input_b = keras.Input(shape=(4,)), keras.Input(shape=(3,))
    joined = keras.layers.Concatenate()([keras.layers.Dense(8)(input_a), keras.layers.Dense(5)(input_b)])
    return keras.Model([input_a, input_b], keras.layers.Dense(1, activation="sigmoid")(joined))


def small_sequential():
    import keras

    return keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)])


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
        plots.nested_sets(["AI", "machine learning", "deep learning"], notes=["a", "b", "c"]),
        plots.neuron_diagram([0.5, -1.0, 2.0], 0.25, activation="tanh"),
        plots.layer_diagram(4, 5, activation="ReLU", weights=rng.normal(size=(5, 4))),
        plots.output_map(lambda grid: 1 / (1 + np.exp(-grid[:, 0])), points, labels),
        plots.accuracy_vs_parameters({"MLP": (101_770, 0.95), "CNN": (56_714, 0.98)}),
        plots.window_positions(7, 3),
        plots.function_curves([0.1, 0.5, 1.0], {"-log p": [2.3, 0.69, 0.0]}),
        plots.curve_panels({"optimizers": {"sgd": [1.0, 0.8]}, "rates": {"3.0": [1.0, float("nan")]}}, log_y=True),
        plots.model_graph(two_branch_model()),
        plots.model_graph(small_sequential()),
    ]
    assert all(isinstance(figure, go.Figure) for figure in figures)
    assert {trace.name for trace in figures[7].data} == set(history)
    arrows = [[a for a in figure.layout.annotations if a.showarrow] for figure in figures[-2:]]
    assert [len(a) for a in arrows] == [5, 2]  # one arrow per tensor: 2 inputs -> 2 Dense -> Concatenate -> Dense


def test_curve_panels_give_a_series_in_several_panels_one_colour_and_one_legend_entry():
    figure = plots.curve_panels({"plain": {"training": [0.5, 0.3], "validation": [0.6, 0.7]},
                                 "L2": {"training": [0.6, 0.5], "validation": [0.6, 0.6]}})
    colours = {(trace.name, trace.line.color) for trace in figure.data}
    assert len(colours) == 2 and {name for name, _ in colours} == {"training", "validation"}
    assert [trace.showlegend for trace in figure.data] == [True, True, False, False]


def test_window_positions_has_one_row_per_output_value():
    figure = plots.window_positions(7, 3, [("valid", 1), ("valid", 2), ("same", 1), ("same", 2)])
    assert [len(trace.z) for trace in figure.data] == [5, 3, 7, 4]  # = conv_output_size for each layout
    assert [len(trace.x) for trace in figure.data] == [7, 7, 9, 9]  # "same" adds a pixel of zeros each side


def test_training_history_without_metrics_explains_what_to_pass():
    with pytest.raises(ValueError, match="metrics=\\['accuracy'\\]"):
        plots.training_history({"lr": [0.1]})


def test_does_the_training_history_plot_any_spelling_of_accuracy():
    figure = plots.training_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.6], "acc": [0.5, 0.8],
                                     "val_binary_accuracy": [0.4, 0.7], "lr": [0.1, 0.1]})
    assert [trace.name for trace in figure.data] == ["loss", "val_loss", "acc", "val_binary_accuracy"]
