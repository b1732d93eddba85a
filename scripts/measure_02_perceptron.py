"""Measure the thresholds used by the tests of 02_perceptron (prints numbers; not a test).

Runs the reference solution taken from source/02_perceptron/02_perceptron.ipynb on the perceptron data sets of
section 7, for several random seeds, and prints the test accuracies the thresholds in the test cells are set
from (ex8_accuracy, ex8_retrain). A perceptron without a bias update is measured too, to show the threshold
separates it from a right answer.

Usage (from the course root):  python scripts/measure_02_perceptron.py
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.datasets import make_blobs
from sklearn.model_selection import train_test_split

NOTEBOOK = Path(__file__).resolve().parents[1] / "source" / "02_perceptron" / "02_perceptron.ipynb"
SEEDS = range(10)


def reference_functions() -> dict:
    """Execute the solution cells of the source notebook and return the functions they define."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    namespace: dict = {"np": np}
    for cell in cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if cell["cell_type"] == "code" and grade_id in {"ex2_activations", "ex8_perceptron"}:
            exec("".join(cell["source"]), namespace)
    return namespace


def train_without_bias(X: np.ndarray, y: np.ndarray, epochs: int = 10, eta: float = 0.1):
    """The plausible wrong answer: the perceptron rule with the bias update left out."""
    w = np.zeros(X.shape[1])
    for _ in range(epochs):
        for x_i, y_i in zip(X, y):
            w = w + eta * (y_i - int(x_i @ w > 0)) * x_i
    return w, 0.0


def accuracy(w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((X @ w + b > 0).astype(int) == y))


def main() -> None:
    ref = reference_functions()
    train = ref["train_perceptron"]
    setups = {
        # name: (centers, n_samples, how the test split is made)
        "notebook data (ex8_accuracy)": ([(1.0, 2.0), (4.0, 6.0)], 200, "split30"),
        "visible retrain (ex8_retrain)": ([(1.0, 2.0), (4.0, 6.0)], 120, "first80"),
        "hidden retrain A": ([(0.5, 0.5), (3.5, 2.5)], 150, "split30"),
        "hidden retrain B": ([(0.0, 0.0), (-4.0, -3.0)], 150, "split30"),
    }
    print(f"perceptron, epochs=10, eta=0.1, cluster_std=0.7; make_blobs random_state = {list(SEEDS)}")
    for name, (centers, n_samples, split) in setups.items():
        right, no_bias = [], []
        for seed in SEEDS:
            X, y = make_blobs(n_samples=n_samples, centers=centers, cluster_std=0.7, random_state=seed)
            if split == "first80":
                X_tr, X_te, y_tr, y_te = X[:80], X[80:], y[:80], y[80:]
            else:
                X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=seed)
            right.append(accuracy(*train(X_tr, y_tr, epochs=10, eta=0.1), X_te, y_te))
            no_bias.append(accuracy(*train_without_bias(X_tr, y_tr), X_te, y_te))
        print(f"  {name:32s} reference: min {min(right):.3f} mean {np.mean(right):.3f} "
              f"| no bias: {min(no_bias):.3f}-{max(no_bias):.3f}")
    # The exact runs inside the test cells (fixed random_state each).
    print("the runs the test cells make:")
    # ex8_accuracy calls train_perceptron(X, y) with its defaults, which are epochs=10, eta=0.1.
    for name, seed in (("notebook data (ex8_accuracy)", 0), ("notebook data (ex8_accuracy)", 7),
                       ("visible retrain (ex8_retrain)", 3), ("hidden retrain A", 11), ("hidden retrain B", 13)):
        centers, n_samples, split = setups[name]
        X, y = make_blobs(n_samples=n_samples, centers=centers, cluster_std=0.7, random_state=seed)
        if split == "first80":
            X_tr, X_te, y_tr, y_te = X[:80], X[80:], y[:80], y[80:]
        else:
            X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=seed)
        print(f"  {name:32s} random_state {seed:2d}: "
              f"reference {accuracy(*train(X_tr, y_tr, epochs=10, eta=0.1), X_te, y_te):.3f}, "
              f"no bias {accuracy(*train_without_bias(X_tr, y_tr), X_te, y_te):.3f}")


if __name__ == "__main__":
    main()
