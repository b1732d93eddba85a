"""Plotly figures for the course. Every helper returns a `plotly.graph_objects.Figure`;
the notebook decides whether to `.show()` it."""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# The schematic pictures live in course.diagrams; notebooks reach them here too, as plots.<name>.
from course.diagrams import _not_finished, layer_diagram, model_graph, nested_sets, neuron_diagram, window_positions

__all__ = [
    "accuracy_vs_parameters",
    "confusion_heatmap",
    "curve_panels",
    "decision_boundary",
    "function_curves",
    "image",
    "image_grid",
    "image_with_probabilities",
    "layer_diagram",
    "line_curves",
    "model_graph",
    "nested_sets",
    "neuron_diagram",
    "output_map",
    "scatter_classes",
    "training_history",
    "window_positions",
]


def _hide_axes(fig: go.Figure) -> go.Figure:
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def image(pixels: np.ndarray, title: str = "", size: int = 360) -> go.Figure:
    """Show one image: greyscale (H, W) or (H, W, 1), or colour (H, W, 3)."""
    pixels = np.asarray(pixels)
    if pixels.ndim == 3 and pixels.shape[-1] == 1:
        pixels = pixels[..., 0]
    if pixels.ndim == 2:
        fig = px.imshow(pixels, color_continuous_scale="gray", title=title)
        fig.update_layout(coloraxis_showscale=False)
    else:
        fig = px.imshow(pixels, title=title)
    fig.update_layout(width=size, height=size, margin=dict(l=10, r=10, t=40, b=10))
    return _hide_axes(fig)


def image_grid(images: np.ndarray, titles: Sequence[str] | None = None, columns: int = 8,
               cell_size: int = 110) -> go.Figure:
    """Show a batch of greyscale images (N, H, W) or (N, H, W, 1) in a grid, with optional titles."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    count = len(images)
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=list(titles) if titles is not None else None,
                        horizontal_spacing=0.01, vertical_spacing=0.08 / max(rows, 1))
    for index, pixels in enumerate(images):
        fig.add_trace(go.Heatmap(z=pixels[::-1], colorscale="gray", showscale=False, hoverinfo="skip"),
                      row=index // columns + 1, col=index % columns + 1)
    fig.update_layout(width=columns * cell_size + 40, height=rows * (cell_size + 20) + 40,
                      margin=dict(l=10, r=10, t=40, b=10))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    return fig


def image_with_probabilities(pixels: np.ndarray, probabilities: Sequence[float], true_label: int | None = None,
                             class_names: Sequence[str] | None = None) -> go.Figure:
    """An image next to a bar chart of a model's predicted class probabilities."""
    pixels = np.asarray(pixels)
    if pixels.ndim == 3 and pixels.shape[-1] == 1:
        pixels = pixels[..., 0]
    probabilities = np.asarray(probabilities, dtype=float)
    names = list(class_names) if class_names is not None else [str(i) for i in range(len(probabilities))]
    predicted = int(np.argmax(probabilities))
    title = f"predicted {names[predicted]} ({probabilities[predicted]:.0%})"
    if true_label is not None:
        title += f", true {names[true_label]}"
    colours = ["indianred" if i == predicted else "lightslategray" for i in range(len(probabilities))]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.4, 0.6])
    fig.add_trace(go.Heatmap(z=pixels[::-1], colorscale="gray", showscale=False, hoverinfo="skip"), row=1, col=1)
    fig.add_trace(go.Bar(x=names, y=probabilities, marker_color=colours), row=1, col=2)
    fig.update_xaxes(visible=False, row=1, col=1)
    fig.update_yaxes(visible=False, scaleanchor="x", row=1, col=1)
    fig.update_yaxes(range=[0, 1], title_text="probability", row=1, col=2)
    fig.update_layout(title=title, width=700, height=320, showlegend=False, margin=dict(t=50, b=30))
    return fig


def scatter_classes(features: np.ndarray, labels: np.ndarray, title: str = "") -> go.Figure:
    """Scatter plot of 2-D points coloured by class."""
    features = np.asarray(features)
    fig = px.scatter(x=features[:, 0], y=features[:, 1], color=np.asarray(labels).astype(str),
                     labels={"x": "x1", "y": "x2", "color": "class"}, title=title)
    fig.update_layout(width=640, height=480)
    return fig


def decision_boundary(predict: Callable[[np.ndarray], np.ndarray], features: np.ndarray, labels: np.ndarray,
                      title: str = "Decision boundary", resolution: int = 150) -> go.Figure:
    """Colour the plane by `predict` (class scores or probabilities for an (M, 2) grid) and overlay the data."""
    features = np.asarray(features)
    pad = 0.5
    x_values = np.linspace(features[:, 0].min() - pad, features[:, 0].max() + pad, resolution)
    y_values = np.linspace(features[:, 1].min() - pad, features[:, 1].max() + pad, resolution)
    grid_x, grid_y = np.meshgrid(x_values, y_values)
    scores = np.asarray(predict(np.c_[grid_x.ravel(), grid_y.ravel()]), dtype=float).reshape(grid_x.shape)
    fig = scatter_classes(features, labels, title)
    fig.add_trace(go.Contour(x=x_values, y=y_values, z=scores, colorscale="RdBu", opacity=0.35,
                             showscale=False, hoverinfo="skip", line_width=0))
    fig.data = fig.data[-1:] + fig.data[:-1]  # draw the regions under the points
    return fig


def line_curves(curves: Mapping[str, Sequence[float]], title: str = "", x_title: str = "epoch",
                y_title: str = "value") -> go.Figure:
    """One line per named series, all against the same x (1, 2, 3, ...)."""
    fig = go.Figure()
    for name, values in curves.items():
        fig.add_trace(go.Scatter(x=np.arange(1, len(values) + 1), y=list(values), mode="lines", name=name))
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, width=720, height=420)
    return fig


def training_history(history: Any, title: str = "Training history") -> go.Figure:
    """Plot loss, val_loss and every accuracy metric ("accuracy", "acc", "binary_accuracy", ... and their val_
    curves) against epochs.

    `history` is what `model.fit` returns, or its `.history` dict.
    """
    curves = getattr(history, "history", history)
    present = {name: curves[name] for name in ["loss", "val_loss"] if name in curves}
    present |= {name: values for name, values in curves.items() if "acc" in name}
    if not present:
        raise ValueError(f"no loss or accuracy in the history; it has {sorted(curves)}. "
                         "Pass what model.fit returned, with metrics=['accuracy'] in compile.")
    fig = line_curves(present, title=title, y_title="loss / accuracy")
    fig.update_traces(mode="lines+markers")
    return fig


def confusion_heatmap(matrix: np.ndarray, class_names: Sequence[str] | None = None,
                      title: str = "Confusion matrix") -> go.Figure:
    """Heatmap of a confusion matrix: rows are true classes, columns predicted classes."""
    matrix = np.asarray(matrix)
    names = list(class_names) if class_names is not None else [str(i) for i in range(len(matrix))]
    fig = px.imshow(matrix, x=names, y=names, text_auto=True, color_continuous_scale="Blues",
                    labels={"x": "predicted", "y": "true", "color": "count"}, title=title)
    fig.update_layout(width=560, height=520)
    return fig


def accuracy_vs_parameters(results: Mapping[str, tuple[int, float]], title: str = "",
                           accuracy_title: str = "accuracy") -> go.Figure:
    """One labelled point per model: parameter count (log scale) against accuracy. `results` maps a model's
    name to `(parameters, accuracy)`."""
    names = list(results)
    fig = go.Figure(go.Scatter(x=[results[name][0] for name in names], y=[results[name][1] for name in names],
                               mode="markers+text", text=names, textposition="top center",
                               marker={"size": 11}))
    fig.update_layout(title=title, width=720, height=440, xaxis={"title": "parameters", "type": "log"},
                      yaxis={"title": accuracy_title})
    return fig


def function_curves(x: Sequence[float], curves: Mapping[str, Sequence[float]], title: str = "",
                    x_title: str = "x", y_title: str = "y") -> go.Figure:
    """One line per named series, all against the same x values (e.g. a loss as a function of p)."""
    fig = go.Figure()
    for name, values in curves.items():
        _not_finished(values, f"the curve {name!r}")
        fig.add_trace(go.Scatter(x=list(x), y=list(values), mode="lines", name=name))
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, width=720, height=420)
    return fig


def curve_panels(panels: Mapping[str, Mapping[str, Sequence[float]]], title: str = "", x_title: str = "epoch",
                 y_title: str = "loss", log_y: bool = False) -> go.Figure:
    """Side-by-side line charts, one panel per entry of `panels` (panel title -> {series name -> values}).
    Values that are not finite (a loss that overflowed) are left out of the line."""
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=list(panels), horizontal_spacing=0.08)
    for column, curves in enumerate(panels.values(), start=1):
        for name, values in curves.items():
            _not_finished(values, f"the curve {name!r}")
            values = np.asarray(values, dtype=float)
            shown = np.where(np.isfinite(values) & (values < 1e30), values, np.nan)
            fig.add_trace(go.Scatter(x=np.arange(1, len(values) + 1), y=shown, mode="lines", name=name,
                                     legendgroup=str(column)), row=1, col=column)
        fig.update_xaxes(title_text=x_title, row=1, col=column)
        fig.update_yaxes(title_text=y_title if column == 1 else None, type="log" if log_y else None,
                         row=1, col=column)
    fig.update_layout(title=title, width=460 * len(panels), height=440, legend={"groupclick": "toggleitem"})
    return fig


def output_map(predict: Callable[[np.ndarray], np.ndarray], features: np.ndarray, labels: np.ndarray,
               title: str = "The network's output over the plane", resolution: int = 101,
               pad: float = 0.5) -> go.Figure:
    """Heatmap of a model's output in [0, 1] over the plane of 2-D inputs, the 0.5 contour (the decision
    boundary) as a line, and the data points on top, one marker per class."""
    features = np.asarray(features, dtype=float)
    labels = np.asarray(labels).ravel()
    x_values = np.linspace(features[:, 0].min() - pad, features[:, 0].max() + pad, resolution)
    y_values = np.linspace(features[:, 1].min() - pad, features[:, 1].max() + pad, resolution)
    grid_x, grid_y = np.meshgrid(x_values, y_values)
    scores = predict(np.c_[grid_x.ravel(), grid_y.ravel()])
    if scores is None or scores is Ellipsis:
        raise ValueError("the predict function returned nothing: finish the exercise it calls first "
                         "(replace the `...` with your code).")
    scores = np.asarray(scores, dtype=float).reshape(grid_x.shape)
    fig = go.Figure(go.Heatmap(x=x_values, y=y_values, z=scores, zmin=0, zmax=1, colorscale="RdBu_r", opacity=0.85,
                               colorbar=dict(title="output"), hovertemplate="x1 %{x:.2f}<br>x2 %{y:.2f}<br>"
                                                                            "output %{z:.3f}<extra></extra>"))
    fig.add_trace(go.Contour(x=x_values, y=y_values, z=scores, contours=dict(start=0.5, end=0.5, coloring="none"),
                             line=dict(color="black", width=2, dash="dash"), showscale=False, hoverinfo="skip",
                             name="output = 0.5"))
    for value, colour, symbol in zip(np.unique(labels), ["white", "black", "#f1c40f", "#7d3c98"],
                                     ["circle", "x", "diamond", "square"]):
        chosen = features[labels == value]
        fig.add_trace(go.Scatter(x=chosen[:, 0], y=chosen[:, 1], mode="markers", name=f"class {value:g}",
                                 marker=dict(size=15, color=colour, symbol=symbol,
                                             line=dict(color="black", width=1.5))))
    fig.update_layout(title=title, xaxis_title="x1", yaxis_title="x2", width=620, height=560,
                      legend=dict(orientation="h", y=-0.15))
    fig.update_yaxes(scaleanchor="x")
    return fig
