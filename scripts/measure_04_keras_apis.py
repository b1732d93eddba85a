"""Measure the numbers behind the thresholds of 04_keras_apis (prints numbers; not a test).

Trains the notebook's reference models with the notebook's data, settings and splits (training / validation /
test), once per seed, and prints min, mean and max over the seeds:
- blobs: Dense(10, relu) -> Dense(1, sigmoid), Adam(0.01), 20 epochs of 32: validation and test accuracy;
- zeros (04 section 5's prediction): the 2-4-1 sigmoid network started from all-zero weights, trained as its test
  trains it (SGD(1.0), 20 full-batch epochs on 100 points drawn per seed): the number of different hidden units and
  the largest spread between the hidden kernel's columns.

Usage: .venv/bin/python scripts/measure_04_keras_apis.py [number of seeds, default 10] [part ...]
(parts: blobs, zeros; default all). The thresholds of the sections that moved to 05_training are measured
by scripts/measure_05_training.py.
"""
from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import make_blobs  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402


def three_way(x, y, test_seed, val_seed, stratify=False):
    """The notebook's splits: 20 % test, then 20 % of the rest for validation."""
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=0.2, random_state=test_seed,
                                                      stratify=y if stratify else None)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.2, random_state=val_seed,
                                                      stratify=y_rest if stratify else None)
    return x_train, x_val, x_test, y_train, y_val, y_test


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


def blobs(seeds):
    x, y = make_blobs(n_samples=1000, centers=2, n_features=2, cluster_std=2, random_state=54)
    classification_runs(three_way(x, y, 23, 24), 2, [10], 20, seeds, "blobs [10] (thresholds 0.88)")


def zeros(seeds):
    counts, spreads = [], []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        x = rng.normal(loc=1.0, size=(100, 2))
        y = (x[:, 0] - 2 * x[:, 1] > 0).astype("float32")
        model = keras.Sequential([keras.Input(shape=(2,)),
                                  keras.layers.Dense(4, activation="sigmoid", kernel_initializer="zeros"),
                                  keras.layers.Dense(1, activation="sigmoid", kernel_initializer="zeros")])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="binary_crossentropy")
        model.fit(x, y, epochs=20, batch_size=100, verbose=0)
        kernel = model.get_weights()[0]
        kept = []  # grouped as the test groups them (np.unique(..., axis=1) splits equal float32 columns here)
        for column in kernel.T:
            if not any(np.allclose(column, other, rtol=1e-3, atol=1e-4) for other in kept):
                kept.append(column)
        counts.append(len(kept))
        spreads.append(float(np.ptp(kernel, axis=1).max()))
    print("-- zeros: 2-4-1 from all-zero weights, SGD(1.0), 20 full-batch epochs")
    summary("   different hidden units", counts, ".0f")
    summary("   largest spread between columns", spreads, ".2e")


PARTS = {"blobs": blobs, "zeros": zeros}

if __name__ == "__main__":
    n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for part in sys.argv[2:] or list(PARTS):
        PARTS[part](n_seeds)
