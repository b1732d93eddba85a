"""Measure the numbers behind the thresholds of 05_training §6-8, overfitting (prints numbers; not a test).

The notebook's data: make_moons(840, noise=0.3, random_state=5): the first 40 points train, the next 400 validate,
the last 400 test. The notebook's network: Dense(units, relu) twice -> Dense(1, sigmoid), Adam(0.01), binary
cross-entropy, mini-batches of 20. Per seed, for the plain network, with L2 on the hidden kernels, with Dropout
after each hidden layer, and plain with EarlyStopping(val_loss, patience, restore_best_weights=True):
- the epoch (from 0) of the lowest validation loss, the final training and validation loss and their gap;
- the validation and test accuracy at the end (EarlyStopping: of the restored weights, at most 200 epochs), and the
  epochs run; and for section 8's model (plain, 10 epochs, no validation) the validation and test accuracy.
Prints min-max (mean) over the seeds, and the seconds each fit took.

Usage: .venv/bin/python scripts/measure_05_training_overfitting.py [seeds, default 5] [epochs, default 30] [units, default 64]
"""
from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import make_moons  # noqa: E402

L2, DROPOUT, PATIENCE, BATCH, FINAL_EPOCHS = 0.01, 0.5, 10, 20, 10


def moons(seed: int = 5):
    x, y = make_moons(840, noise=0.3, random_state=seed)
    return x[:40], y[:40], x[40:440], y[40:440], x[440:], y[440:]


def build(units: int, l2: float = 0.0, dropout: float = 0.0) -> keras.Model:
    model = keras.Sequential([keras.Input(shape=(2,))])
    for _ in range(2):
        model.add(keras.layers.Dense(units, activation="relu",
                                     kernel_regularizer=keras.regularizers.L2(l2) if l2 else None))
        if dropout:
            model.add(keras.layers.Dropout(dropout))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def data_loss(model, x, y) -> float:
    p = np.clip(model.predict(x, verbose=0)[:, 0], 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def accuracy(model, x, y) -> float:
    return float(np.mean((model.predict(x, verbose=0)[:, 0] > 0.5) == y))


def main() -> None:
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    units = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    x_train, y_train, x_val, y_val, x_test, y_test = moons()
    rows: dict[str, dict[str, list[float]]] = {}
    for seed in range(seeds):
        for name, options in {"plain": {}, "l2": {"l2": L2}, "dropout": {"dropout": DROPOUT}, "early": {},
                              "final (10 epochs, no validation)": {}}.items():
            keras.utils.set_random_seed(seed)
            model = build(units, **options)
            callbacks = ([keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE,
                                                        restore_best_weights=True)] if name == "early" else [])
            start = time.time()
            if name.startswith("final"):
                history = model.fit(x_train, y_train, epochs=FINAL_EPOCHS, batch_size=BATCH, verbose=0).history
                history["val_loss"] = [0.0]
            else:
                history = model.fit(x_train, y_train, epochs=200 if name == "early" else epochs, batch_size=BATCH,
                                    validation_data=(x_val, y_val), callbacks=callbacks, verbose=0).history
            seconds = time.time() - start
            train, val = data_loss(model, x_train, y_train), data_loss(model, x_val, y_val)
            row = rows.setdefault(name, {})
            for key, value in {"best epoch": int(np.argmin(history["val_loss"])), "epochs run": len(history["loss"]),
                               "train loss (data)": train, "val loss (data)": val, "gap": val - train,
                               "reported train loss": history["loss"][-1],
                               "val acc": accuracy(model, x_val, y_val), "test acc": accuracy(model, x_test, y_test),
                               "seconds": seconds}.items():
                row.setdefault(key, []).append(value)
        print(f"seed {seed} done", flush=True)
    for name, row in rows.items():
        print(name)
        for key, values in row.items():
            print(f"  {key:>20}: {min(values):.3f}-{max(values):.3f} ({np.mean(values):.3f})  {np.round(values, 3).tolist()}")
    plain, l2 = np.array(rows["plain"]["reported train loss"]), np.array(rows["l2"]["reported train loss"])
    print("L2's reported training loss minus the plain one's:", np.round(l2 - plain, 3).tolist())


if __name__ == "__main__":
    main()
