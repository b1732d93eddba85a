"""Measure the thresholds used by the tests of 02_perceptron (prints numbers; not a test).

Runs the reference solution taken from source/02_perceptron/02_perceptron.ipynb on the perceptron data sets of
section 8 and prints the test accuracies the thresholds in the test cells are set from (ex8_accuracy,
ex8_retrain):
- the fixed data sets of the visible parts;
- the data the hidden parts draw when grading: two clouds 6 apart in a random direction, their midpoint 2 to 4
  from the origin along that direction (so the bias matters) and up to 1 across it, and the same centres again
  with the classes swapped. One fixed line scores a + (1 - a) on such a pair, so it cannot pass both.
A perceptron without a bias update and a fixed line are measured too, to show what the thresholds separate.

Usage (from the course root):  python scripts/measure_02_perceptron.py [draws]
"""
from __future__ import annotations

import json
import sys
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


def drawn_centers(rng: np.random.Generator) -> list[tuple[float, float]]:
    """The centres the hidden tests draw (the same lines as in the test cells)."""
    angle = rng.uniform(0, 2 * np.pi)
    along = np.array([np.cos(angle), np.sin(angle)])
    across = np.array([-along[1], along[0]])
    middle = along * rng.choice([-1.0, 1.0]) * rng.uniform(2.0, 4.0) + across * rng.uniform(-1.0, 1.0)
    return [tuple(middle - 3.0 * along), tuple(middle + 3.0 * along)]


def split(centers, seed: int, n_samples: int = 150, how: str = "split30"):
    X, y = make_blobs(n_samples=n_samples, centers=centers, cluster_std=0.7, random_state=seed)
    if how == "first80":
        return X[:80], X[80:], y[:80], y[80:]
    return train_test_split(X, y, test_size=0.3, random_state=seed)


def main(draws: int = 3000) -> None:
    train = reference_functions()["train_perceptron"]
    print("perceptron, epochs=10, eta=0.1, cluster_std=0.7")
    print("visible data sets:")
    for name, centers, n_samples, how, seed in (
            ("notebook data (ex8_accuracy)", [(1.0, 2.0), (4.0, 6.0)], 200, "split30", 0),
            ("classes swapped (ex8_retrain)", [(4.0, 6.0), (1.0, 2.0)], 120, "first80", 2)):
        X_tr, X_te, y_tr, y_te = split(centers, seed, n_samples, how)
        w, b = train(X_tr, y_tr, epochs=10, eta=0.1)
        print(f"  {name:32s} random_state {seed}: reference {accuracy(w, b, X_te, y_te):.3f}, "
              f"no bias {accuracy(*train_without_bias(X_tr, y_tr), X_te, y_te):.3f}")
        right = [accuracy(*train(*split(centers, s, n_samples, how)[::2], epochs=10, eta=0.1),
                          *split(centers, s, n_samples, how)[1::2]) for s in SEEDS]
        print(f"  {'':32s} random_state 0-9: min {min(right):.3f}, mean {np.mean(right):.3f}")
    print(f"hidden draws (centres and seeds drawn when grading), {draws} pairs:")
    right, no_bias, fixed = [], [], []
    for k in range(draws):
        rng = np.random.default_rng(k)
        centers, seed = drawn_centers(rng), int(rng.integers(2**31 - 1))
        X_tr, X_te, y_tr, y_te = split(centers, seed)
        X2_tr, X2_te, y2_tr, y2_te = split(centers[::-1], seed + 1)
        w, b = train(X_tr, y_tr, epochs=10, eta=0.1)
        right += [accuracy(w, b, X_te, y_te), accuracy(*train(X2_tr, y2_tr, epochs=10, eta=0.1), X2_te, y2_te)]
        no_bias.append(accuracy(*train_without_bias(X_tr, y_tr), X_te, y_te))
        fixed.append(min(accuracy(w, b, X_te, y_te), accuracy(w, b, X2_te, y2_te)))  # one line for both
    right, no_bias, fixed = map(np.array, (right, no_bias, fixed))
    print(f"  reference: min {right.min():.3f}, 1st percentile {np.percentile(right, 1):.3f}, mean {right.mean():.4f}; "
          f"below 0.75: {(right < 0.75).sum()} of {right.size}")
    print(f"  no bias update: mean {no_bias.mean():.3f} (often passes, so the visible fixed sets catch it)")
    print(f"  one fixed line on a pair: the worse of its two accuracies is at most {fixed.max():.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
