"""Measure the accuracies behind the thresholds of 06_cnn_mnist (prints numbers; not a test).

Trains the notebook's two reference models exactly as the notebook does (the first 7,000 training images scaled
to [0, 1], the next 1,000 as validation data; the first 2,000 test images for the final test), once per seed,
and prints the validation accuracy after every epoch, the final validation and test accuracy as the graded tests
compute them (argmax of predict) and the training time:
- classic CNN: 7 epochs, batch 128 (threshold 0.975, test);
- "design your own" reference: Conv16-Pool-Conv32-Pool-Flatten-Dropout-Dense64-Dense10 (56,714 parameters),
  10 epochs, batch 64 (thresholds 0.97 validation, 0.97 test);
- section 4's stand-in for an unfinished build_classic_cnn: Conv32-Pool-Conv64-Pool-Flatten-Dense128-Dropout-Dense10, 7 epochs of 128;
- section 6's GlobalAveragePooling2D design: Conv32-Pool-Conv64-Pool-Conv64-GAP-Dense10, 10 epochs of 64 or of 32;
- the MLPs of section 7 (Flatten, Dense layers of 32, 128, or 256 and 128 ReLU units, Dense 10): 10 epochs, batch 128.

Usage (offline): COURSE_MNIST_NPZ=../shared/data/mnist/mnist-offline.npz \
    .venv/bin/python scripts/measure_06_cnn_mnist.py [seeds, default 5] [classic|mine|mlp32|...|both|all]
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


def stand_in():
    """Section 4's stand-in, trained when build_classic_cnn is unfinished: not the classic CNN, over the budget."""
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
        layers.Dense(128, activation="relu"), layers.Dropout(0.5), layers.Dense(10, activation="softmax"),
    ])


def global_pooling():
    """Section 6's other suggested design: GlobalAveragePooling2D in place of Flatten and the hidden Dense layer."""
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"), layers.GlobalAveragePooling2D(),
        layers.Dense(10, activation="softmax"),
    ])


def mlp(*hidden):
    def build():
        return keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Flatten(),
                                 *[layers.Dense(units, activation="relu") for units in hidden],
                                 layers.Dense(10, activation="softmax")])
    return build


# name: (builder, epochs, batch size, threshold in the notebook's test)
RUNS = {"classic": (classic, 7, 128, 0.975), "mine": (mine, 10, 64, 0.97),
        "stand_in": (stand_in, 7, 128, 0.975), "global_pooling": (global_pooling, 10, 64, 0.97),
        "global_pooling_32": (global_pooling, 10, 32, 0.97),
        "mlp32": (mlp(32), 10, 128, None), "mlp128": (mlp(128), 10, 128, None),
        "mlp256_128": (mlp(256, 128), 10, 128, 0.93)}


def main(seeds: int, which: list[str]) -> None:
    (x_all, y_all), (x_test, y_test) = data.load_mnist()
    x_all = (x_all[:8000].astype("float32") / 255.0)[..., None]
    x_train, y_train, x_val, y_val = x_all[:7000], y_all[:7000], x_all[7000:8000], y_all[7000:8000]
    x_test, y_test = (x_test[:2000].astype("float32") / 255.0)[..., None], y_test[:2000]
    print(f"train {x_train.shape}, validation {x_val.shape}, test {x_test.shape}", flush=True)

    def accuracy(model, x, y):
        return float(np.mean(np.argmax(model.predict(x, verbose=0), axis=1) == y))

    for name in which:
        build, epochs, batch_size, threshold = RUNS[name]
        finals = {"validation": [], "test": []}
        for seed in range(seeds):
            keras.utils.set_random_seed(seed)
            model = build()
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            start = time.time()
            history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                                validation_data=(x_val, y_val), verbose=0)
            seconds = time.time() - start
            finals["validation"].append(accuracy(model, x_val, y_val))
            finals["test"].append(accuracy(model, x_test, y_test))
            per_epoch = [round(v, 4) for v in history.history["val_accuracy"]]
            print(f"{name} ({model.count_params():,} parameters) seed {seed}: validation accuracy per epoch "
                  f"{per_epoch}, final validation {finals['validation'][-1]:.4f}, test {finals['test'][-1]:.4f}, "
                  f"{seconds:.0f} s", flush=True)
        for split, values in finals.items():
            print(f"{name}: final {split} accuracy over seeds 0-{seeds - 1}: min {min(values):.4f}, "
                  f"mean {np.mean(values):.4f}, max {max(values):.4f} (threshold {threshold})", flush=True)


if __name__ == "__main__":
    choice = sys.argv[2] if len(sys.argv) > 2 else "both"
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5,
         {"both": ["classic", "mine"], "all": list(RUNS)}.get(choice, choice.split(",")))
