"""Measure the numbers behind the tests and texts of 03_xor_net (prints numbers; not a test).

Runs the reference solution taken from source/03_xor_net/03_xor_net.ipynb:
  1. the quick XOR net (w1 (3, 3), w2 (3, 1)): how many random starts learn XOR with eta 40 and 5,000 epochs,
     and whether the seeds used by the notebook and its tests (1, 3, 17) converge for nearby settings too;
  2. NeuralNetwork on XOR: a 2-2-1 net (gets stuck about 1 time in 5) against the 2-8-1 net the notebook uses,
     in batch and SGD mode, and whether the trained 2-8-1 nets put 20 points within 0.15 of the corners right;
  3. the gradient check: relative error between backprop and centred differences on random networks;
  4. the digits: accuracy of a 64-32-16-10 NeuralNetwork over several seeds on the notebook's test split of the
     first 1,500 images and on the 297 images kept back (and of the 20-batch-epoch wrong answer);
  5. with --keras: the Keras sigmoid and ReLU networks of section 5 over several seeds.

Usage (from the course root):  python scripts/measure_03_xor_net.py [--quick] [--keras] [--blanks]
(--quick uses fewer seeds; the full run with --keras took about 8 minutes on this 2-core machine.)
With --blanks it measures only what one blank exercise costs: for each solution cell, the notebook is graded
through the real checker (tests/notebook_kernel.py) with that cell replaced by its release stub, and the points
lost are printed per section (about a minute per blank).
"""
from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

NOTEBOOK = Path(__file__).resolve().parents[1] / "source" / "03_xor_net" / "03_xor_net.ipynb"
QUICK = "--quick" in sys.argv

X_XOR = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
Y_XOR = np.array([[0], [1], [1], [0]], dtype=float)
XB_XOR = np.hstack([X_XOR, np.ones((4, 1))])


def reference() -> dict:
    """Execute the given helper cell and the numpy solution cells of the notebook; return their namespace."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    namespace: dict = {"np": np}
    for cell in cells:
        source = "".join(cell["source"])
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if cell["cell_type"] != "code":
            continue
        if "def half_mse(" in source or grade_id in {"ex1_xor", "ex3_network", "ex2_numgrad", "ex4_encode"}:
            exec(source.replace("print(Xb_xor)", ""), namespace)
    return namespace


REF = reference()


def quick_net_error(seed: int, eta: float = 40.0, epochs: int = 5000, noise: float = 0.0) -> float:
    """Largest |y_pred - y| of the quick XOR net after training from `seed` (>= 0.5 means a wrong case)."""
    rng = np.random.default_rng(seed)
    w1, w2 = rng.normal(size=(3, 3)), rng.normal(size=(3, 1))
    if noise:
        w1 = w1 + noise * np.random.default_rng(1000 + seed).normal(size=w1.shape)
    w1, w2, _ = REF["train_xor"](XB_XOR, Y_XOR, w1, w2, eta=eta, epochs=epochs)
    _, y_pred = REF["forward"](XB_XOR, w1, w2)
    return float(np.abs(y_pred - Y_XOR).max())


def class_xor_error(args: tuple) -> float:
    layers, eta, epochs, method, seed = args
    net = REF["NeuralNetwork"](layers, eta=eta, seed=seed).fit(X_XOR, Y_XOR, epochs=epochs, method=method)
    return float(np.abs(net.predict(X_XOR) - Y_XOR).max())


def class_xor_noisy(args: tuple) -> int:
    """How many of 20 points within 0.15 of the XOR corners a trained net gets right (noise drawn per seed)."""
    layers, eta, epochs, method, seed = args
    net = REF["NeuralNetwork"](layers, eta=eta, seed=seed).fit(X_XOR, Y_XOR, epochs=epochs, method=method)
    noisy = np.repeat(X_XOR, 5, axis=0) + np.random.default_rng(5000 + seed).uniform(-0.15, 0.15, size=(20, 2))
    return int(np.sum((net.predict(noisy) > 0.5) == (np.repeat(Y_XOR, 5, axis=0) > 0.5)))


def pool_map(function, items: list) -> list:
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(function, items, chunksize=8))


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def main() -> None:
    start = time.time()
    # 1. The quick net.
    seeds = range(60 if QUICK else 200)
    errors = [quick_net_error(seed) for seed in seeds]
    stuck = [seed for seed, error in zip(seeds, errors) if error >= 0.5]
    print(f"1. quick XOR net, eta 40, 5,000 epochs: {len(seeds) - len(stuck)} of {len(seeds)} seeds learn XOR "
          f"(stuck: {stuck})")
    for seed in (1, 3, 17):
        grid = {(eta, epochs): quick_net_error(seed, eta, epochs)
                for eta in (30.0, 40.0, 50.0) for epochs in (5000, 10000, 20000)}
        perturbed = quick_net_error(seed, noise=1e-6)
        print(f"   seed {seed:2d}: largest error at eta 40 / 5,000 epochs {grid[(40.0, 5000)]:.4f}; worst over eta "
              f"30-50 x 5,000-20,000 epochs {max(grid.values()):.4f}; start perturbed by 1e-6: {perturbed:.4f}")

    # 2. NeuralNetwork on XOR.
    n_small, n_large = (100, 100) if QUICK else (500, 1000)
    for layers, eta, epochs, method, n_seeds in (([2, 2, 1], 5.0, 1000, "batch", n_small),
                                                  ([2, 8, 1], 5.0, 1000, "batch", n_large),
                                                  ([2, 8, 1], 5.0, 500, "sgd", n_large)):
        errors = pool_map(class_xor_error, [(layers, eta, epochs, method, seed) for seed in range(n_seeds)])
        ok = [e for e in errors if e < 0.5]
        print(f"2. NeuralNetwork({layers}, eta={eta}), {epochs} {method} epochs: {len(ok)} of {n_seeds} seeds learn XOR"
              f" (largest error among those: {max(ok):.3f})")
        if layers == [2, 8, 1]:
            right = pool_map(class_xor_noisy, [(layers, eta, epochs, method, seed) for seed in range(n_seeds // 4)])
            print(f"   noisy corners (20 points, +-0.15): all right for {sum(r == 20 for r in right)} of {len(right)} "
                  f"seeds (fewest right: {min(right)})")

    # 3. Gradient check.
    rng = np.random.default_rng(0)
    found = []
    for trial in range(20):
        layers = [int(n) for n in rng.integers(1, 7, size=int(rng.integers(2, 5)))]
        net = REF["NeuralNetwork"](layers, seed=trial)
        X, y = rng.normal(size=(int(rng.integers(1, 9)), layers[0])), rng.uniform(size=(1, layers[-1]))
        y = np.repeat(y, len(X), axis=0)
        backprop = net.back_propagation(X, y)
        numeric = REF["numerical_gradients"](net, X, y)
        found += [relative_error(a, b) for a, b in zip(backprop, numeric) if np.linalg.norm(a) + np.linalg.norm(b) > 0]
    print(f"3. gradient check on 20 random networks: relative error {min(found):.1e} to {max(found):.1e} (bound 1e-7)")

    # 4. Digits.
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X_all, y_all = digits.data / 16.0, digits.target
    X_train, X_test, y_train, y_test = train_test_split(X_all[:1500], y_all[:1500], test_size=0.25,
                                                        random_state=0, stratify=y_all[:1500])
    X_kept, y_kept = X_all[1500:], y_all[1500:]
    Y_train = REF["one_hot"](y_train, 10)
    for method, eta, epochs, seeds in (("sgd", 1.0, 20, range(5 if QUICK else 10)), ("sgd", 0.8, 15, range(5)),
                                       ("sgd", 1.0, 10, range(5)), ("sgd", 2.0, 10, range(3)),
                                       ("sgd", 3.0, 5, range(3)), ("batch", 1.0, 20, range(3))):
        accuracies, kept, seconds = [], [], []
        for seed in seeds:
            began = time.time()
            net = REF["NeuralNetwork"]([64, 32, 16, 10], eta=eta, seed=seed).fit(X_train, Y_train, epochs=epochs,
                                                                                 method=method)
            seconds.append(time.time() - began)
            accuracies.append(float(np.mean(np.argmax(net.predict(X_test), axis=1) == y_test)))
            kept.append(float(np.mean(np.argmax(net.predict(X_kept), axis=1) == y_kept)))
        print(f"4. digits 64-32-16-10, {method}, eta {eta}, {epochs} epochs, seeds {list(seeds)}: test accuracy "
              f"{min(accuracies):.3f}-{max(accuracies):.3f} (mean {np.mean(accuracies):.3f}; seed 0 "
              f"{accuracies[0]:.3f}), kept-back accuracy {min(kept):.3f}-{max(kept):.3f} (seed 0 {kept[0]:.3f}), "
              f"{np.mean(seconds):.1f} s per run")

    # 5. Keras (optional: slow to import).
    if "--keras" in sys.argv:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import keras

        for activation in ("sigmoid", "relu"):
            losses5, losses20, accuracies = [], [], []
            for seed in range(5):
                keras.utils.set_random_seed(seed)
                model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(32, activation=activation),
                                          keras.layers.Dense(16, activation=activation),
                                          keras.layers.Dense(10, activation="softmax")])
                model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="categorical_crossentropy",
                              metrics=["accuracy"])
                history = model.fit(X_train, Y_train, epochs=20, batch_size=64, verbose=0).history
                losses5.append(history["loss"][4])
                losses20.append(history["loss"][-1])
                accuracies.append(model.evaluate(X_test, REF["one_hot"](y_test, 10), verbose=0)[1])
            print(f"5. Keras {activation:7s} SGD 0.5, batch 64, seeds 0-4: training loss after 5 epochs "
                  f"{min(losses5):.2f}-{max(losses5):.2f}, after 20 {min(losses20):.2f}-{max(losses20):.2f}; "
                  f"test accuracy {min(accuracies):.3f}-{max(accuracies):.3f}")
    print(f"done in {time.time() - start:.0f} s")


def blanks() -> None:
    """Grade the solved notebook, then one blank at a time, through the real checker; print what each blank costs."""
    import shutil
    import tempfile

    import nbformat

    sys.path.insert(0, str(NOTEBOOK.parents[2] / "tests"))
    from notebook_kernel import NotebookRun, grade_id, starts_section  # noqa: E402 (the tests' own harness)

    release = nbformat.read(NOTEBOOK.parents[2] / "release" / "03_xor_net" / "03_xor_net.ipynb", as_version=4)
    stubs = {grade_id(c): c.source for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")}

    def graded(replace: str | None) -> dict:
        folder = Path(tempfile.mkdtemp(prefix="blank-03-"))
        nb = nbformat.read(NOTEBOOK, as_version=4)
        for cell in nb.cells:
            if replace is not None and grade_id(cell) == replace:
                cell.source = stubs[replace]
        nbformat.write(nb, folder / NOTEBOOK.name)
        with NotebookRun(folder / NOTEBOOK.name) as run:
            scores, section, by_section = dict(run.scores), "", {}
            for cell in run.nb.cells:
                section = cell.source.splitlines()[0][3:] if starts_section(cell) else section
                if grade_id(cell) in scores:
                    by_section.setdefault(section.split(" (")[0], []).append(scores[grade_id(cell)])
        shutil.rmtree(folder, ignore_errors=True)
        return {name: (sum(p for p, _ in cells), sum(m for _, m in cells)) for name, cells in by_section.items()}

    solved = graded(None)
    print("solved:", {name: got for name, (got, _) in solved.items()})
    for solution_id in stubs:
        began = time.time()
        found = graded(solution_id)
        lost = {name: solved[name][0] - got for name, (got, _) in found.items() if got != solved[name][0]}
        print(f"blank {solution_id}: points lost per section {lost} ({time.time() - began:.0f} s)", flush=True)


if __name__ == "__main__":
    if "--blanks" in sys.argv:
        blanks()
    else:
        main()
