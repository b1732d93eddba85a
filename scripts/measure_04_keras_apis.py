"""Measure the accuracies behind the thresholds of 04_keras_apis (prints numbers; not a test).

Trains the notebook's reference models with the notebook's data, settings and splits, once per seed, and
prints the test accuracies:
- blobs: Dense(10, relu) -> Dense(1, sigmoid), Adam(0.01), 20 epochs, batch 32 (threshold 0.88);
- circles: hidden layers [20, 10] as in the notebook (threshold 0.75), and [10], [2], [] for the table in
  section 6, 20 epochs, batch 32, Adam(0.01).

Usage: .venv/bin/python scripts/measure_04_keras_apis.py [number of seeds, default 10]
"""
from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import make_blobs, make_circles  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402


def classifier(hidden_units):
    model = keras.Sequential([keras.Input(shape=(2,))]
                             + [keras.layers.Dense(h, activation="relu") for h in hidden_units]
                             + [keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def test_accuracy(data, hidden_units, seed, validation):
    x_train, x_test, y_train, y_test = data
    keras.utils.set_random_seed(seed)
    model = classifier(hidden_units)
    model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0,
              validation_data=(x_test, y_test) if validation else None)
    return float(np.mean((model.predict(x_test, verbose=0)[:, 0] > 0.5) == y_test))


def main(seeds: int) -> None:
    x, y = make_blobs(n_samples=1000, centers=2, n_features=2, cluster_std=2, random_state=54)
    blobs = train_test_split(x, y, test_size=0.2, random_state=23)
    x, y = make_circles(n_samples=1000, factor=0.4, noise=0.3, random_state=2)
    circles = train_test_split(x, y, test_size=0.2, random_state=23)
    runs = [("blobs [10] (threshold 0.88)", blobs, [10], True),
            ("circles [20, 10] (threshold 0.75)", circles, [20, 10], False),
            ("circles [10]", circles, [10], False),
            ("circles [2]", circles, [2], False),
            ("circles [] (no hidden layer)", circles, [], False)]
    for name, data, hidden_units, validation in runs:
        start = time.time()
        accuracies = [test_accuracy(data, hidden_units, seed, validation) for seed in range(seeds)]
        print(f"{name}: seeds 0-{seeds - 1}: min {min(accuracies):.3f}, mean {np.mean(accuracies):.3f}, "
              f"max {max(accuracies):.3f}  {[round(a, 3) for a in accuracies]}  "
              f"({(time.time() - start) / seeds:.1f} s per run)", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
