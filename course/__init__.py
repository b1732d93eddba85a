"""Helpers for the Deep Learning Basics notebooks.

- `course.data`: datasets (MNIST through Keras, with an offline override; bundled scikit-learn data).
- `course.plots`: plotly figures; every helper returns a `Figure` and the notebook shows it.
- `course.checks`: assertions for test cells that explain what was checked and how to fix it.

There are no solutions in this package.
"""
__all__ = ["checks", "data", "plots"]
