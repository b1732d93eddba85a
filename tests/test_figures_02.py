"""Do the figures of 02_perceptron (course.plots.descent_paths, boundary_per_epoch) draw what the notebook says,
and refuse an unfinished answer with a clear message? (no notebooks run)"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from course import plots


def loss(w):
    return (np.asarray(w, dtype=float) - 3) ** 2


def path(rate: float, steps: int = 12) -> list[float]:
    visited = [0.0]
    for _ in range(steps):
        visited.append(visited[-1] - rate * 2 * (visited[-1] - 3))
    return visited


def test_does_descent_paths_draw_one_panel_per_learning_rate_with_every_step():
    paths = {"small": path(0.05), "right": path(0.4), "large": path(1.05)}
    fig = plots.descent_paths(loss, paths, w_range=(-7.0, 13.0))
    assert isinstance(fig, go.Figure)
    assert [a.text for a in fig.layout.annotations] == ["small", "right", "large"]
    steps = [trace for trace in fig.data if trace.mode == "lines+markers+text"]
    assert len(steps) == 3 and all(len(trace.x) == 13 for trace in steps)
    assert list(steps[0].text[:3]) == ["0", "1", "2"]
    np.testing.assert_allclose(steps[1].x, paths["right"])
    np.testing.assert_allclose(steps[1].y, loss(paths["right"]))


def test_does_descent_paths_say_how_many_steps_left_the_chart():
    fig = plots.descent_paths(loss, {"diverges": path(1.3, steps=10)}, w_range=(-7.0, 13.0))
    shown = next(trace for trace in fig.data if trace.mode == "lines+markers+text")
    outside = int(np.sum(np.isnan(np.asarray(shown.x, dtype=float))))
    assert outside > 0 and f"({outside} steps off the chart)" in fig.layout.annotations[0].text


def test_does_descent_paths_refuse_an_unfinished_path():
    with pytest.raises(TypeError, match="unfinished"):
        plots.descent_paths(loss, {"blank": None}, w_range=(0.0, 1.0))


def test_does_boundary_per_epoch_draw_one_line_per_epoch_behind_a_slider():
    points = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    labels = np.array([0, 0, 1, 1])
    lines = [(np.array([1.0, 1.0]), -1.0), (np.array([0.0, 2.0]), -1.0), (np.array([3.0, 0.0]), -1.5)]
    fig = plots.boundary_per_epoch(lines, points, labels, accuracies=[0.5, 0.75, 0.5], title="XOR")
    line_traces = fig.data[2:]
    assert len(line_traces) == 3 and [t.visible for t in line_traces] == [True, False, False]
    # each drawn line satisfies w . x + b = 0, including a vertical one (w2 = 0)
    for (w, b), trace in zip(lines, line_traces):
        np.testing.assert_allclose(w[0] * np.asarray(trace.x) + w[1] * np.asarray(trace.y) + b, 0, atol=1e-12)
    steps = fig.layout.sliders[0].steps
    assert len(steps) == 3
    assert steps[1].args[0]["visible"] == [True, True, False, True, False]
    assert "epoch 2, accuracy 0.75" in steps[1].args[1]["title.text"]


def test_does_boundary_per_epoch_say_when_there_is_no_line_yet():
    fig = plots.boundary_per_epoch([(np.zeros(2), 0.0)], np.eye(2), np.array([0, 1]))
    assert "no line yet" in fig.layout.title.text


def test_does_boundary_per_epoch_refuse_an_unfinished_training():
    with pytest.raises(TypeError, match="unfinished"):
        plots.boundary_per_epoch([None], np.eye(2), np.array([0, 1]))
