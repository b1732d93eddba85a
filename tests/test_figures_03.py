"""Does course.diagrams.backprop_graph (03 §1) write the numbers it is given on a plotly figure?"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from course import diagrams


def one_example():
    x = np.array([0.0, 1.0, 1.0])
    h = np.array([0.2, 0.5, 0.7])
    y_pred, y = np.array([0.6]), np.array([1.0])
    delta2 = (y_pred - y) * y_pred * (1 - y_pred)
    delta1 = np.array([0.4, 0.3, 0.6]) * delta2 * h * (1 - h)
    return x, h, y_pred, y, delta1, delta2, 0.5 * float(np.sum((y_pred - y) ** 2))


def texts(fig: go.Figure) -> str:
    return " ".join(str(a.text) for a in fig.layout.annotations) + " " + " ".join(
        " ".join(map(str, trace.text)) for trace in fig.data if getattr(trace, "text", None) is not None)


def test_does_the_graph_show_every_forward_value_and_delta():
    x, h, y_pred, y, delta1, delta2, loss = one_example()
    fig = diagrams.backprop_graph(x, h, y_pred, y, delta1, delta2, loss, input_names=["x1", "x2", "1"])
    assert isinstance(fig, go.Figure)
    shown = texts(fig)
    for value in h:
        assert f"h = {value:.4f}" in shown
    for value in delta1:
        assert f"δ1 = {value:.4f}" in shown
    assert f"ŷ = {y_pred[0]:.4f}" in shown and f"δ2 = {delta2[0]:.4f}" in shown and f"L = {loss:.4f}" in shown
    assert "x1" in shown and "x2" in shown


def test_are_all_edges_drawn_for_other_sizes():
    rng = np.random.default_rng(0)
    fig = diagrams.backprop_graph(rng.normal(size=4), rng.uniform(size=5), rng.uniform(size=2), [0, 1],
                                  rng.normal(size=5), rng.normal(size=2), 0.3)
    lines = [trace for trace in fig.data if trace.mode == "lines"]
    assert len(lines) == 4 * 5 + 5 * 2


def test_does_a_blank_or_mismatched_answer_get_a_clear_error():
    x, h, y_pred, y, delta1, delta2, loss = one_example()
    with pytest.raises(TypeError, match="unfinished"):
        diagrams.backprop_graph(x, h, y_pred, y, None, delta2, loss)
    with pytest.raises(ValueError, match="one value per hidden unit"):
        diagrams.backprop_graph(x, h, y_pred, y, delta1[:2], delta2, loss)


def test_is_it_offered_in_the_public_surface():
    assert "backprop_graph" in diagrams.__all__
