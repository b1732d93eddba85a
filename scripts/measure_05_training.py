"""Measure the numbers behind the thresholds of 05_training, sections 1-5 (prints numbers; not a test).

Trains the notebook's reference models with the notebook's data, settings and splits (training / validation /
test), once per seed, and prints min, mean and max over the seeds:
- diabetes regression: standardised features and target, Dense(16, relu) -> Dense(1), Adam(0.01), mse,
  30 epochs of 32: validation and test MSE, and the ratio to the baseline that predicts the training mean;
- optimizers: the same regression network trained full-batch for 20 epochs with SGD, SGD + momentum 0.9 and
  Adam (learning rate 0.01), and with SGD at learning rates 0.001, 0.1 and 3.0: final training losses;
- breast cancer: Dense(16, relu) -> Dense(1, sigmoid), Adam(0.01), 20 epochs of 32, on standardised and on
  raw features: validation and test accuracy, next to the majority-class baseline;
- circles: hidden layers [20, 10] as in the notebook, and [10], [2], [] for the table, 20 epochs of 32,
  Adam(0.01): validation and test accuracy.

Usage: .venv/bin/python scripts/measure_05_training.py [number of seeds, default 10] [part ...]
(parts: regression, optimizers, cancer, circles; default all)
"""
from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_diabetes, make_circles  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402


def three_way(x, y, test_seed, val_seed, stratify=False):
    """The notebook's splits: 20 % test, then 20 % of the rest for validation."""
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=0.2, random_state=test_seed,
                                                      stratify=y if stratify else None)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.2, random_state=val_seed,
                                                      stratify=y_rest if stratify else None)
    return x_train, x_val, x_test, y_train, y_val, y_test


def standardise(x_train, x):
    std = x_train.std(axis=0)
    return (x - x_train.mean(axis=0)) / np.where(std == 0, 1.0, std)


def classifier(n_inputs, hidden_units):
    model = keras.Sequential([keras.Input(shape=(n_inputs,))]
                             + [keras.layers.Dense(h, activation="relu") for h in hidden_units]
                             + [keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def accuracy(model, x, y):
    return float(np.mean((model.predict(x, verbose=0)[:, 0] > 0.5) == y))


def summary(name, values, fmt=".3f"):
    values = np.asarray(values, dtype=float)
    print(f"{name}: min {values.min():{fmt}}, mean {values.mean():{fmt}}, max {values.max():{fmt}}  "
          f"{[float(f'{v:{fmt}}') for v in values]}", flush=True)


def classification_runs(data, n_inputs, hidden_units, epochs, seeds, label):
    x_train, x_val, x_test, y_train, y_val, y_test = data
    vals, tests, start = [], [], time.time()
    for seed in range(seeds):
        keras.utils.set_random_seed(seed)
        model = classifier(n_inputs, hidden_units)
        model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0, validation_data=(x_val, y_val))
        vals.append(accuracy(model, x_val, y_val))
        tests.append(accuracy(model, x_test, y_test))
    print(f"-- {label} ({(time.time() - start) / seeds:.1f} s per run)")
    summary("   validation accuracy", vals)
    summary("   test accuracy", tests)


def regression_data():
    x, y = load_diabetes(return_X_y=True)
    x_train, x_val, x_test, y_train, y_val, y_test = three_way(x, y, 41, 42)
    mean, std = y_train.mean(), y_train.std()
    return (standardise(x_train, x_train), standardise(x_train, x_val), standardise(x_train, x_test),
            (y_train - mean) / std, (y_val - mean) / std, (y_test - mean) / std)


def regression_model(n_features, optimizer):
    model = keras.Sequential([keras.Input(shape=(n_features,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def regression(seeds, epochs=30):
    x_train, x_val, x_test, y_train, y_val, y_test = regression_data()
    print(f"-- diabetes: {len(x_train)} / {len(x_val)} / {len(x_test)}; baseline (training mean) MSE: "
          f"validation {np.mean(y_val ** 2):.3f}, test {np.mean(y_test ** 2):.3f}")
    vals, tests, start = [], [], time.time()
    for seed in range(seeds):
        keras.utils.set_random_seed(seed)
        model = regression_model(x_train.shape[1], keras.optimizers.Adam(learning_rate=0.01))
        model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0, validation_data=(x_val, y_val))
        vals.append(float(np.mean((model.predict(x_val, verbose=0)[:, 0] - y_val) ** 2)))
        tests.append(float(np.mean((model.predict(x_test, verbose=0)[:, 0] - y_test) ** 2)))
    print(f"   ({epochs} epochs, {(time.time() - start) / seeds:.1f} s per run)")
    summary("   validation MSE", vals)
    summary("   test MSE", tests)
    summary("   validation MSE / baseline", np.array(vals) / np.mean(y_val ** 2))
    summary("   test MSE / baseline", np.array(tests) / np.mean(y_test ** 2))


OPTIMIZERS = {
    "sgd 0.01": lambda: keras.optimizers.SGD(learning_rate=0.01),
    "momentum 0.01": lambda: keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
    "adam 0.01": lambda: keras.optimizers.Adam(learning_rate=0.01),
    "sgd 0.001": lambda: keras.optimizers.SGD(learning_rate=0.001),
    "sgd 0.1": lambda: keras.optimizers.SGD(learning_rate=0.1),
    "sgd 3.0": lambda: keras.optimizers.SGD(learning_rate=3.0),
}


def optimizers(seeds, epochs=20):
    x_train, _, _, y_train, _, _ = regression_data()
    finals = {name: [] for name in OPTIMIZERS}
    firsts = {name: [] for name in OPTIMIZERS}
    start = time.time()
    for seed in range(seeds):
        for name, make in OPTIMIZERS.items():
            keras.utils.set_random_seed(seed)
            model = regression_model(x_train.shape[1], make())
            losses = model.fit(x_train, y_train, epochs=epochs, batch_size=len(x_train), verbose=0).history["loss"]
            finals[name].append(losses[-1])
            firsts[name].append(losses[0])
    print(f"-- optimizers, full batch, {epochs} epochs ({(time.time() - start) / seeds / len(OPTIMIZERS):.1f} s "
          "per run); first loss (the same for all at one seed):")
    summary("   first loss", firsts["sgd 0.01"])
    for name in OPTIMIZERS:
        summary(f"   final loss {name}", finals[name])
    summary("   final loss ratio sgd 0.01 / adam 0.01", np.array(finals["sgd 0.01"]) / np.array(finals["adam 0.01"]))
    summary("   final loss ratio sgd 0.01 / momentum 0.01",
            np.array(finals["sgd 0.01"]) / np.array(finals["momentum 0.01"]))
    summary("   final loss ratio sgd 0.001 / sgd 0.01", np.array(finals["sgd 0.001"]) / np.array(finals["sgd 0.01"]))
    summary("   final / first, sgd 0.001", np.array(finals["sgd 0.001"]) / np.array(firsts["sgd 0.001"]))


def cancer(seeds, epochs=20):
    x, y = load_breast_cancer(return_X_y=True)
    x_train, x_val, x_test, y_train, y_val, y_test = three_way(x, y, 51, 52, stratify=True)
    majority = np.bincount(y_train).argmax()
    print(f"-- breast cancer: {len(x_train)} / {len(x_val)} / {len(x_test)}; majority baseline: validation "
          f"{np.mean(y_val == majority):.3f}, test {np.mean(y_test == majority):.3f}")
    scaled = (standardise(x_train, x_train), standardise(x_train, x_val), standardise(x_train, x_test),
              y_train, y_val, y_test)
    classification_runs(scaled, 30, [16], epochs, seeds, "cancer [16], standardised (thresholds)")
    raw = (x_train, x_val, x_test, y_train, y_val, y_test)
    classification_runs(raw, 30, [16], epochs, seeds, "cancer [16], raw features")


def circles(seeds):
    x, y = make_circles(n_samples=1000, factor=0.4, noise=0.3, random_state=2)
    data = three_way(x, y, 23, 24)
    for hidden in ([20, 10], [10], [2], []):
        classification_runs(data, 2, hidden, 20, seeds, f"circles {hidden}")


PARTS = {"regression": regression, "optimizers": optimizers, "cancer": cancer, "circles": circles}

if __name__ == "__main__":
    n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for part in sys.argv[2:] or list(PARTS):
        PARTS[part](n_seeds)
