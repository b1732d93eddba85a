"""Measure the accuracies behind the thresholds of 05_cnn_mnist (prints numbers; not a test).

Trains the notebook's two reference models exactly as the notebook does (the first 8,000 training images scaled
to [0, 1]; the first 2,000 test images as validation data), once per seed, and prints the test accuracy after
every epoch, the final test accuracy as the graded test computes it (argmax of predict) and the training time:
- classic CNN: 7 epochs, batch 128 (threshold 0.98);
- "design your own" reference: Conv16-Pool-Conv32-Pool-Flatten-Dropout-Dense64-Dense10 (56,714 parameters),
  10 epochs, batch 64 (threshold 0.975).

Usage (offline): COURSE_MNIST_NPZ=../shared/data/mnist/mnist-offline.npz \
    .venv/bin/python scripts/measure_05_cnn_mnist.py [seeds, default 5] [classic|mine|both]
"""
from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from course import data  # noqa: E402

layers = keras.layers


def classic():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"), layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2), layers.Dropout(0.25), layers.Flatten(),
        layers.Dense(128, activation="relu"), layers.Dropout(0.5), layers.Dense(10, activation="softmax"),
    ])


def mine():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dropout(0.3),
        layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax"),
    ])


# name: (builder, epochs, batch size, threshold in the notebook's test)
RUNS = {"classic": (classic, 7, 128, 0.98), "mine": (mine, 10, 64, 0.975)}


def main(seeds: int, which: list[str]) -> None:
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    x_train = (x_train[:8000].astype("float32") / 255.0)[..., None]
    x_test = (x_test[:2000].astype("float32") / 255.0)[..., None]
    y_train, y_test = y_train[:8000], y_test[:2000]
    print(f"train {x_train.shape}, test {x_test.shape}", flush=True)

    for name in which:
        build, epochs, batch_size, threshold = RUNS[name]
        finals = []
        for seed in range(seeds):
            keras.utils.set_random_seed(seed)
            model = build()
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            start = time.time()
            history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                                validation_data=(x_test, y_test), verbose=0)
            seconds = time.time() - start
            probabilities = model.predict(x_test, verbose=0)
            finals.append(float(np.mean(np.argmax(probabilities, axis=1) == y_test)))
            per_epoch = [round(v, 4) for v in history.history["val_accuracy"]]
            print(f"{name} ({model.count_params():,} parameters) seed {seed}: test accuracy per epoch {per_epoch}, "
                  f"final {finals[-1]:.4f}, {seconds:.0f} s", flush=True)
        print(f"{name}: final test accuracy over seeds 0-{seeds - 1}: min {min(finals):.4f}, "
              f"mean {np.mean(finals):.4f}, max {max(finals):.4f} (threshold {threshold})", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5,
         ["classic", "mine"] if len(sys.argv) < 3 or sys.argv[2] == "both" else [sys.argv[2]])
