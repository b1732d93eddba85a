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
    "boundary_per_epoch",  # 02
    "channel_planes",  # 01
    "confusion_heatmap",
    "conv_filters",  # 06
    "feature_maps",  # 06
    "curve_panels",
    "decision_boundary",
    "descent_paths",  # 02
    "flattening",  # 01
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


# 01_tensors: flattening and the channel axis, drawn (plots.flattening, plots.channel_planes).
def _row_colourscale(count: int) -> list[list]:
    """A stepwise colour scale with one solid colour per integer 0 … count-1 (for zmin=-0.5, zmax=count-0.5)."""
    colours = px.colors.qualitative.Plotly
    scale = []
    for row in range(count):
        colour = colours[row % len(colours)]
        scale += [[row / count, colour], [(row + 1) / count, colour]]
    return scale


def flattening(pixels: np.ndarray, title: str = "Flattening an image row by row") -> go.Figure:
    """A small greyscale image (H, W) drawn as a grid, and below it the vector of H*W values that flattening
    row by row gives (`pixels.reshape(-1)`). Each pixel shows its value and, after #, its index in the vector;
    each image row has its own colour, so the rows can be followed into the vector, laid end to end."""
    _not_finished(pixels, "the image")
    pixels = np.asarray(pixels)
    if pixels.ndim != 2:
        raise ValueError(f"flattening draws one greyscale image of shape (H, W); got shape {pixels.shape}.")
    height, width = pixels.shape
    if height * width > 100:
        raise ValueError(f"a {height}x{width} image has too many pixels to label; pass a small one (at most 100 "
                         "pixels), such as a 4x4 patch of a digit.")
    rows = np.repeat(np.arange(height), width).reshape(height, width)
    labels = np.array([[f"{value:g}<br>#{row * width + column}" for column, value in enumerate(line)]
                       for row, line in enumerate(pixels.tolist())])
    fig = make_subplots(rows=2, cols=1, row_heights=[0.78, 0.22], vertical_spacing=0.16,
                        subplot_titles=[f"the image: shape ({height}, {width}), one colour per row",
                                        f"flattened: shape ({height * width},), row 0, then row 1, …"])
    common = dict(colorscale=_row_colourscale(height), zmin=-0.5, zmax=height - 0.5, showscale=False,
                  texttemplate="%{text}", xgap=2, ygap=2)
    fig.add_trace(go.Heatmap(z=rows, text=labels, hovertemplate="row %{y}, column %{x}<extra></extra>", **common),
                  row=1, col=1)
    fig.add_trace(go.Heatmap(z=rows.reshape(1, -1), text=labels.reshape(1, -1),
                             hovertemplate="index %{x}<extra></extra>", **common), row=2, col=1)
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain", dtick=1, title_text="row",
                     row=1, col=1)
    fig.update_xaxes(constrain="domain", dtick=1, title_text="column", row=1, col=1)
    fig.update_yaxes(visible=False, row=2, col=1)
    fig.update_xaxes(dtick=1, title_text="index in the vector", row=2, col=1)
    fig.update_layout(title=title, width=max(520, 46 * height * width + 80), height=640,
                      margin=dict(l=60, r=20, t=90, b=50))
    return fig


def channel_planes(photo: np.ndarray, grey: np.ndarray, title: str = "The channel axis",
                   largest: int = 160) -> go.Figure:
    """A colour image (H, W, 3) beside its three channel planes `photo[..., 0]`, `[..., 1]` and `[..., 2]` (red,
    green, blue), and a greyscale image (h, w) with its added channel axis: shape (h, w, 1), a single plane.
    Images larger than `largest` pixels are drawn with every k-th pixel; the titles give the real shapes."""
    _not_finished(photo, "the colour image")
    _not_finished(grey, "the greyscale image")
    photo, grey = np.asarray(photo), np.asarray(grey)
    if photo.ndim != 3 or photo.shape[-1] != 3:
        raise ValueError(f"the colour image must have shape (H, W, 3); got {photo.shape}.")
    if grey.ndim == 3 and grey.shape[-1] == 1:
        grey = grey[..., 0]
    if grey.ndim != 2:
        raise ValueError(f"the greyscale image must have shape (H, W) or (H, W, 1); got {grey.shape}.")
    height, width = photo.shape[:2]
    step = max(1, -(-max(height, width) // largest))
    shown = photo[::step, ::step]
    names = ["red", "green", "blue"]
    titles = [f"photo: ({height}, {width}, 3)"]
    titles += [f"photo[..., {k}], {name}: ({height}, {width})" for k, name in enumerate(names)]
    titles += [f"grey[..., np.newaxis]: ({grey.shape[0]}, {grey.shape[1]}, 1)"]
    fig = make_subplots(rows=1, cols=5, subplot_titles=titles, horizontal_spacing=0.02)
    fig.add_trace(go.Image(z=shown, hoverinfo="skip"), row=1, col=1)
    for k, name in enumerate(names):
        fig.add_trace(go.Heatmap(z=shown[..., k], colorscale=[[0, "black"], [1, name]], zmin=0,
                                 zmax=255 if photo.dtype == np.uint8 else None, showscale=False,
                                 hovertemplate=f"{name} %{{z}}<extra></extra>"), row=1, col=k + 2)
    fig.add_trace(go.Heatmap(z=grey, colorscale="gray", showscale=False, hovertemplate="grey %{z}<extra></extra>"),
                  row=1, col=5)
    for column in range(1, 6):
        fig.update_yaxes(autorange="reversed", scaleanchor=f"x{column if column > 1 else ''}", visible=False,
                         row=1, col=column)
        fig.update_xaxes(visible=False, row=1, col=column)
    fig.update_annotations(font_size=11)
    fig.update_layout(title=title, width=1100, height=300, margin=dict(l=10, r=10, t=80, b=10))
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
    A series name that appears in several panels has one colour and one legend entry. Values that are not
    finite (a loss that overflowed) are left out of the line."""
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=list(panels), horizontal_spacing=0.08)
    palette = px.colors.qualitative.Plotly
    colours: dict[str, str] = {}
    for column, curves in enumerate(panels.values(), start=1):
        for name, values in curves.items():
            _not_finished(values, f"the curve {name!r}")
            values = np.asarray(values, dtype=float)
            shown = np.where(np.isfinite(values) & (values < 1e30), values, np.nan)
            first = name not in colours
            colour = colours.setdefault(name, palette[len(colours) % len(palette)])
            fig.add_trace(go.Scatter(x=np.arange(1, len(values) + 1), y=shown, mode="lines", name=name,
                                     legendgroup=name, showlegend=first, line={"color": colour}), row=1, col=column)
        fig.update_xaxes(title_text=x_title, row=1, col=column)
        fig.update_yaxes(title_text=y_title if column == 1 else None, type="log" if log_y else None,
                         row=1, col=column)
    fig.update_layout(title=title, width=460 * len(panels), height=440, legend={"groupclick": "togglegroup"})
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


# --- 02_perceptron: gradient descent on a one-weight loss, and the perceptron's line epoch by epoch ---

def descent_paths(loss: Callable[[np.ndarray], np.ndarray], paths: Mapping[str, Sequence[float]],
                  w_range: tuple[float, float], title: str = "Gradient descent on the loss curve") -> go.Figure:
    """One panel per named path: the curve of `loss` over `w_range`, and the weights w_0, w_1, ... that gradient
    descent visited, joined in order and numbered. Steps that leave `w_range` are left out of the drawing."""
    grid = np.linspace(w_range[0], w_range[1], 201)
    curve = np.asarray(loss(grid), dtype=float)
    fig = make_subplots(rows=1, cols=len(paths), subplot_titles=list(paths), horizontal_spacing=0.06)
    for column, (name, visited) in enumerate(paths.items(), start=1):
        _not_finished(visited, f"the path {name!r}")
        visited = np.asarray(visited, dtype=float)
        inside = np.isfinite(visited) & (visited >= w_range[0]) & (visited <= w_range[1])
        shown = np.where(inside, visited, np.nan)
        fig.add_trace(go.Scatter(x=grid, y=curve, mode="lines", line=dict(color="lightgrey", width=3),
                                 name="loss L(w)", showlegend=column == 1, hoverinfo="skip"), row=1, col=column)
        fig.add_trace(go.Scatter(x=shown, y=np.asarray(loss(shown), dtype=float), mode="lines+markers+text",
                                 text=[str(k) for k in range(len(visited))], textposition="top center",
                                 marker=dict(size=8), line=dict(width=1.5), name=f"{name}: w_0, w_1, ...",
                                 showlegend=False), row=1, col=column)
        left = int(np.sum(~inside))
        if left:
            fig.layout.annotations[column - 1].text += f" ({left} steps off the chart)"
        fig.update_xaxes(title_text="w", range=list(w_range), row=1, col=column)
        fig.update_yaxes(title_text="L(w)" if column == 1 else None, range=[-0.05 * curve.max(), 1.1 * curve.max()],
                         row=1, col=column)
    fig.update_layout(title=title, width=380 * len(paths), height=420)
    return fig


def boundary_per_epoch(lines: Sequence[tuple[Sequence[float], float]], features: np.ndarray, labels: np.ndarray,
                       title: str = "The perceptron's line after each epoch",
                       accuracies: Sequence[float] | None = None, pad: float = 0.5) -> go.Figure:
    """The 2-D data points and the line w . x + b = 0 of each `(w, b)` in `lines` (one per epoch); a slider picks
    the epoch (it switches traces on and off, so it works in Colab and in a saved notebook alike). A `w` of
    zeros has no line yet; the step's label says so."""
    _not_finished(lines, "the list of (w, b) pairs")
    features = np.asarray(features, dtype=float)
    labels = np.asarray(labels).ravel()
    x_low, x_high = features[:, 0].min() - pad, features[:, 0].max() + pad
    y_low, y_high = features[:, 1].min() - pad, features[:, 1].max() + pad
    fig = go.Figure()
    for value, colour, symbol in zip(np.unique(labels), ["#1f77b4", "#d62728", "#2ca02c"], ["circle", "x", "diamond"]):
        chosen = features[labels == value]
        fig.add_trace(go.Scatter(x=chosen[:, 0], y=chosen[:, 1], mode="markers", name=f"class {value:g}",
                                 marker=dict(size=10, color=colour, symbol=symbol)))
    points = len(fig.data)
    names = []
    for epoch, pair in enumerate(lines, start=1):
        _not_finished(pair, f"the (w, b) of epoch {epoch}")
        w, b = np.asarray(pair[0], dtype=float).ravel(), float(pair[1])
        if abs(w[1]) > abs(w[0]):  # solve for x2 along x1
            xs = np.array([x_low, x_high])
            ys = -(w[0] * xs + b) / w[1]
        elif w[0] != 0:  # solve for x1 along x2 (a steep or vertical line)
            ys = np.array([y_low, y_high])
            xs = -(w[1] * ys + b) / w[0]
        else:
            xs = ys = np.array([np.nan, np.nan])
        label = f"epoch {epoch}" + ("" if np.isfinite(xs).all() else " (w = 0: no line yet)")
        if accuracies is not None:
            label += f", accuracy {float(accuracies[epoch - 1]):.2f}"
        names.append(label)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="black", width=3),
                                 name="w . x + b = 0", visible=epoch == 1))
    steps = []
    for k, label in enumerate(names):
        visible = [True] * points + [j == k for j in range(len(names))]
        steps.append(dict(method="update", label=str(k + 1),
                          args=[{"visible": visible}, {"title.text": f"{title}: {label}"}]))
    fig.update_layout(title=f"{title}: {names[0]}" if names else title, width=640, height=560,
                      xaxis=dict(title="x1", range=[x_low, x_high]), yaxis=dict(title="x2", range=[y_low, y_high]),
                      sliders=[dict(active=0, currentvalue=dict(prefix="epoch "), steps=steps, pad=dict(t=40))])
    return fig


# 06_cnn_mnist: inside a trained CNN, its first layer's kernels and the feature maps they make (plots.conv_filters,
# plots.feature_maps).
def _heatmap_grid(planes: np.ndarray, titles: Sequence[str], title: str, columns: int, cell_size: int,
                  colorscale: str, symmetric: bool) -> go.Figure:
    count = len(planes)
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=list(titles), horizontal_spacing=0.01,
                        vertical_spacing=0.1 / max(rows, 1))
    for index, plane in enumerate(planes):
        limit = float(np.max(np.abs(plane))) or 1.0
        low, high = (-limit, limit) if symmetric else (float(np.min(plane)), float(np.max(plane)) or 1.0)
        fig.add_trace(go.Heatmap(z=plane[::-1], colorscale=colorscale, zmin=low, zmax=high, showscale=False,
                                 hovertemplate="row %{y}, column %{x}: %{z:.3f}<extra></extra>"),
                      row=index // columns + 1, col=index % columns + 1)
    fig.update_layout(title=title, width=columns * cell_size + 40, height=rows * (cell_size + 24) + 70,
                      margin=dict(l=10, r=10, t=70, b=10))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    return fig


def conv_filters(kernel: np.ndarray, title: str = "First-layer filters", columns: int = 8,
                 cell_size: int = 80) -> go.Figure:
    """Draw the kernels of a Conv2D layer on greyscale images: `kernel` is its weight array, shape (k, k, 1, filters).

    Each filter is one heatmap, red for positive weights and blue for negative ones, on a scale of its own
    that is symmetric about 0 (white).
    """
    _not_finished(kernel, "the kernel")
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 4 or kernel.shape[2] != 1:
        raise ValueError(f"expected a Conv2D kernel of shape (k, k, 1, filters) for greyscale images, got shape "
                         f"{kernel.shape}; use layer.get_weights()[0] of the first Conv2D layer.")
    planes = np.moveaxis(kernel[:, :, 0, :], -1, 0)
    return _heatmap_grid(planes, [f"filter {i}" for i in range(len(planes))], title, columns, cell_size,
                         "RdBu_r", symmetric=True)


def feature_maps(maps: np.ndarray, title: str = "Feature maps", columns: int = 8, cell_size: int = 100,
                 highlight: int | None = None) -> go.Figure:
    """Draw the feature maps of one image, shape (height, width, filters): one heatmap per filter, dark for 0.

    `highlight` marks one filter's title (for example the one that responds most).
    """
    _not_finished(maps, "the feature maps")
    maps = np.asarray(maps, dtype=float)
    if maps.ndim == 4 and maps.shape[0] == 1:
        maps = maps[0]
    if maps.ndim != 3:
        raise ValueError(f"expected the feature maps of one image, shape (height, width, filters), got shape "
                         f"{maps.shape}; take one image's maps, e.g. maps[0].")
    planes = np.moveaxis(maps, -1, 0)
    titles = [f"filter {i}" + (" (strongest)" if i == highlight else "") for i in range(len(planes))]
    return _heatmap_grid(planes, titles, title, columns, cell_size, "viridis", symmetric=False)
