"""Schematic pictures for the course: a neuron, a layer, a Keras model's graph, one example through backprop,
nested sets, where a window lands. Every helper returns a `plotly.graph_objects.Figure`; `course.plots` offers them too."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = ["backprop_graph", "layer_diagram", "model_graph", "nested_sets", "neuron_diagram", "window_positions"]


def _not_finished(value: Any, what: str) -> None:
    """A clear message when a plot is handed a blank answer (None or ...)."""
    if value is None or value is Ellipsis:
        raise TypeError(f"{what} is {'None' if value is None else '...'}: it looks unfinished. "
                        "Replace the `...` with your code, run its cell, then this one.")


def window_positions(n: int, k: int, layouts: Sequence[tuple[str, int]] = (("valid", 1), ("valid", 2),
                                                                          ("same", 1), ("same", 2))) -> go.Figure:
    """Where a k-wide window lands on n pixels, one panel per `(padding, stride)`: each row is one window
    position, that is one output value; zero padding is drawn in grey, the window in blue."""
    fig = make_subplots(rows=len(layouts), cols=1, vertical_spacing=0.09,
                        subplot_titles=[f'padding="{padding}", stride {stride}' for padding, stride in layouts])
    for row, (padding, stride) in enumerate(layouts, start=1):
        if padding == "valid":
            left, right, outputs = 0, 0, (n - k) // stride + 1
        elif padding == "same":
            outputs = -(-n // stride)
            total = max((outputs - 1) * stride + k - n, 0)
            left, right = total // 2, total - total // 2
        else:
            raise ValueError(f"padding must be 'valid' or 'same', not {padding!r}")
        width = left + n + right
        grid = np.zeros((outputs, width))
        grid[:, :left], grid[:, left + n:] = 0.15, 0.15  # padding
        for position in range(outputs):
            start = position * stride
            grid[position, start:start + k] += 0.7
        columns = [f"pad {i + 1}" for i in range(left)] + [str(i) for i in range(n)] + \
                  [f"pad {left + i + 1}" for i in range(right)]
        fig.add_trace(go.Heatmap(z=grid, x=columns, y=[f"output {i}" for i in range(outputs)], zmin=0, zmax=1,
                                 colorscale=[[0, "white"], [0.15, "#d9d9d9"], [0.7, "#6baed6"], [1, "#2171b5"]],
                                 showscale=False, xgap=2, ygap=2, hoverinfo="skip"), row=row, col=1)
        fig.update_yaxes(autorange="reversed", row=row, col=1)
    fig.update_layout(title=f"A window of {k} on {n} pixels: each row is one output position",
                      width=640, height=170 * len(layouts) + 80)
    return fig


def _layer_label(layer: Any) -> str:
    kind = type(layer).__name__
    activation = getattr(getattr(layer, "activation", None), "__name__", None)
    shape = tuple(layer.output.shape[1:]) if getattr(layer, "output", None) is not None else "?"
    text = f"<b>{layer.name}</b><br>{kind}" + (f" ({activation})" if activation and activation != "linear" else "")
    return text + f"<br>output {shape} · {layer.count_params()} params"


def model_graph(model: Any, title: str = "") -> go.Figure:
    """A Keras model drawn as a graph: one box per layer (name, type, output shape, parameters) and an arrow
    from each layer to the layers that read its output. Inputs are at the top. No graphviz needed."""
    _not_finished(model, "the model")
    if not hasattr(model, "layers"):
        raise TypeError(f"model_graph needs a Keras model, got {type(model).__name__}")
    layers = {layer.name: layer for layer in model.layers}
    config = model.get_config()
    parents: dict[str, list[str]] = {}
    if "input_layers" in config:  # Functional: follow each layer's inbound tensors

        def sources(value: Any) -> list[str]:
            if isinstance(value, dict):
                history = value.get("config", {}).get("keras_history") if value.get("class_name") == \
                    "__keras_tensor__" else None
                return [history[0]] if history else [name for item in value.values() for name in sources(item)]
            if isinstance(value, (list, tuple)):
                return [name for item in value for name in sources(item)]
            return []

        for entry in config["layers"]:
            parents[entry["name"]] = list(dict.fromkeys(sources(entry.get("inbound_nodes", []))))
        names = [entry["name"] for entry in config["layers"]]
    else:  # Sequential: a chain, after an input box
        names = ["input"] + [layer.name for layer in model.layers]
        parents = {name: ([names[k - 1]] if k else []) for k, name in enumerate(names)}
    depth: dict[str, int] = {}
    for name in names:  # the configs list layers after the layers they read
        depth[name] = 1 + max((depth[p] for p in parents[name] if p in depth), default=-1)
    rows: dict[int, list[str]] = {}
    for name in names:
        rows.setdefault(depth[name], []).append(name)
    position = {name: (k - (len(row) - 1) / 2, -level) for level, row in rows.items() for k, name in enumerate(row)}
    fig = go.Figure()
    for name in names:
        for parent in parents[name]:
            (x0, y0), (x1, y1) = position[parent], position[name]
            fig.add_annotation(x=x1, y=y1 + 0.22, ax=x0, ay=y0 - 0.22, xref="x", yref="y", axref="x", ayref="y",
                               showarrow=True, arrowhead=2, arrowwidth=1.5, arrowcolor="#555", text="")
    for name in names:
        x, y = position[name]
        if name in layers:
            text = _layer_label(layers[name])
        else:
            text = f"<b>input</b><br>shape {tuple(model.inputs[0].shape[1:])}"
        fig.add_annotation(x=x, y=y, text=text, showarrow=False, bgcolor="#eef3fb", bordercolor="#4a6fa5",
                           borderwidth=1.5, borderpad=6, font={"size": 12})
    widest = max(len(row) for row in rows.values())
    fig.add_trace(go.Scatter(x=[p[0] for p in position.values()], y=[p[1] for p in position.values()],
                             mode="markers", marker={"opacity": 0}, hoverinfo="skip", showlegend=False))
    fig.update_xaxes(visible=False, range=[-widest / 2 - 0.2, widest / 2 + 0.2])
    fig.update_yaxes(visible=False, range=[-max(rows) - 0.5, 0.5])
    fig.update_layout(title=title, width=max(420, 260 * widest), height=130 * (max(rows) + 1) + 80,
                      plot_bgcolor="white", margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig


def nested_sets(names: Sequence[str], notes: Sequence[str] | None = None, title: str = "") -> go.Figure:
    """Nested ellipses, outermost first, each set inside the one before (AI ⊃ machine learning ⊃ deep learning)."""
    colours = ["#eaf2f8", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6"]
    count = len(names)
    notes = list(notes) if notes is not None else [""] * count
    fig = go.Figure()
    for k, (name, note) in enumerate(zip(names, notes)):
        x0, x1, y0, y1 = 1.7 * k, 12 - 1.7 * k, 0.35 * k, 7 - 1.55 * k
        fig.add_shape(type="circle", x0=x0, x1=x1, y0=y0, y1=y1, line=dict(color="#2c3e50", width=1.5),
                      fillcolor=colours[k % len(colours)], layer="below")
        label = f"<b>{name}</b>" + (f"<br><span style='font-size:11px'>{note}</span>" if note else "")
        inner = k == count - 1
        fig.add_annotation(x=6, y=(y0 + y1) / 2 if inner else y1 - 0.75, text=label, showarrow=False,
                           font=dict(size=14, color="#1b2631"))
    fig.update_xaxes(visible=False, range=[-0.3, 12.3])
    fig.update_yaxes(visible=False, range=[-0.3, 7.3], scaleanchor="x")
    fig.update_layout(title=title, width=640, height=380, plot_bgcolor="white", margin=dict(l=10, r=10, t=50, b=10))
    return fig


def _arrow(fig: go.Figure, start: tuple[float, float], end: tuple[float, float], colour: str = "#555",
           width: float = 1.5) -> None:
    fig.add_annotation(x=end[0], y=end[1], ax=start[0], ay=start[1], xref="x", yref="y", axref="x", ayref="y",
                       showarrow=True, arrowhead=2, arrowsize=1, arrowwidth=width, arrowcolor=colour, text="")


def _diagram_layout(fig: go.Figure, title: str, width: int, height: int, x_range, y_range) -> go.Figure:
    fig.update_xaxes(visible=False, range=x_range)
    fig.update_yaxes(visible=False, range=y_range)
    fig.update_layout(title=title, width=width, height=height, showlegend=False, plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=50, b=10))
    return fig


def neuron_diagram(weights: Sequence[float], bias: float, activation: str = "f",
                   input_names: Sequence[str] | None = None, title: str = "One neuron") -> go.Figure:
    """One neuron: inputs, a weight on each edge, the sum plus the bias, the activation and the output."""
    weights = [float(w) for w in np.ravel(weights)]
    n = len(weights)
    names = list(input_names) if input_names is not None else [f"x{k + 1}" for k in range(n)]
    ys = np.linspace(n - 1, 0, n) - (n - 1) / 2
    fig = go.Figure()
    for y, name, w in zip(ys, names, weights):
        _arrow(fig, (0.35, y), (2.6, 0.0))
        fig.add_annotation(x=1.35, y=0.55 * y, text=f"w = {w:g}", showarrow=False, bgcolor="white",
                           font=dict(size=12, color="#1f618d"))
    _arrow(fig, (3.0, 1.45), (3.0, 0.45))
    fig.add_annotation(x=3.0, y=1.65, text=f"bias b = {float(bias):g}", showarrow=False, font=dict(size=12))
    _arrow(fig, (3.4, 0.0), (4.6, 0.0))
    fig.add_annotation(x=4.0, y=0.25, text="z", showarrow=False, font=dict(size=13))
    _arrow(fig, (5.4, 0.0), (6.6, 0.0))
    fig.add_trace(go.Scatter(x=[0.0] * n, y=ys, mode="markers+text", text=names, textposition="middle left",
                             marker=dict(size=26, color="#eaf2f8", line=dict(color="#2c3e50", width=1.5)),
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[3.0], y=[0.0], mode="markers+text", text=["Σ + b"], textfont=dict(size=13),
                             marker=dict(size=62, color="#fdebd0", line=dict(color="#2c3e50", width=1.5)),
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[5.0], y=[0.0], mode="markers+text", text=[activation], textfont=dict(size=13),
                             marker=dict(size=62, symbol="square", color="#d5f5e3",
                                         line=dict(color="#2c3e50", width=1.5)), hoverinfo="skip"))
    fig.add_annotation(x=7.0, y=0.0, text="output<br>f(z)", showarrow=False, font=dict(size=13))
    fig.add_annotation(x=3.5, y=ys.min() - 0.8, showarrow=False, font=dict(size=12),
                       text="z = " + " + ".join(f"w{k + 1}·{names[k]}" for k in range(n)) + " + b")
    return _diagram_layout(fig, title, 720, max(300, 60 * n + 150), [-1.2, 7.8], [ys.min() - 1.1, 2.0])


def layer_diagram(n_inputs: int, n_neurons: int, activation: str = "f", weights: Any = None,
                  title: str = "A layer: every neuron reads every input") -> go.Figure:
    """A dense layer: n_inputs inputs, each connected to each of n_neurons neurons (sum + bias, activation).

    With `weights` of shape (n_neurons, n_inputs), edges are coloured by sign (red negative, blue positive)
    and drawn thicker for larger weights."""
    ins = np.linspace(n_inputs - 1, 0, n_inputs) - (n_inputs - 1) / 2
    outs = np.linspace(n_neurons - 1, 0, n_neurons) - (n_neurons - 1) / 2
    scale = None if weights is None else float(np.abs(np.asarray(weights, dtype=float)).max()) or 1.0
    fig = go.Figure()
    for i, y_out in enumerate(outs):
        for j, y_in in enumerate(ins):
            colour, width = "#aab7b8", 1.2
            if weights is not None:
                w = float(np.asarray(weights, dtype=float)[i, j])
                colour, width = ("#2e86c1" if w >= 0 else "#cb4335"), 0.6 + 3.4 * abs(w) / scale
            fig.add_trace(go.Scatter(x=[0, 3], y=[y_in, y_out], mode="lines", line=dict(color=colour, width=width),
                                     hoverinfo="skip"))
        _arrow(fig, (3.45, y_out), (4.5, y_out))
    fig.add_trace(go.Scatter(x=[0.0] * n_inputs, y=ins, mode="markers+text", hoverinfo="skip",
                             text=[f"x{j + 1}" for j in range(n_inputs)], textposition="middle left",
                             marker=dict(size=26, color="#eaf2f8", line=dict(color="#2c3e50", width=1.5))))
    fig.add_trace(go.Scatter(x=[3.0] * n_neurons, y=outs, mode="markers+text", hoverinfo="skip",
                             text=[f"Σ+b{i + 1}, {activation}" for i in range(n_neurons)], textfont=dict(size=10),
                             marker=dict(size=58, color="#fdebd0", line=dict(color="#2c3e50", width=1.5))))
    fig.add_trace(go.Scatter(x=[4.85] * n_neurons, y=outs, mode="text", hoverinfo="skip",
                             text=[f"output {i + 1}" for i in range(n_neurons)], textposition="middle right"))
    low = min(ins.min(), outs.min())
    fig.add_annotation(x=2.8, y=low - 0.9, showarrow=False, font=dict(size=12),
                       text=f"row i of W holds neuron i's {n_inputs} weights: W has shape ({n_neurons}, {n_inputs}), "
                            f"b has shape ({n_neurons},)")
    return _diagram_layout(fig, title, 720, max(320, 75 * max(n_inputs, n_neurons) + 150),
                           [-1.0, 6.4], [low - 1.3, -low + 0.7])


def backprop_graph(x: Any, h: Any, y_pred: Any, y: Any, delta1: Any, delta2: Any, loss: float,
                   input_names: Sequence[str] | None = None,
                   title: str = "One example through the network: forward values and backward δ's") -> go.Figure:
    """A two-layer network as a computational graph for ONE example: inputs x (the last may be the bias input 1),
    hidden units (their activations h and their δ1) and output units (y_pred and δ2), then the loss against y.

    The notebook computes every number; this function only writes them on the graph: forward values in blue
    (left to right), backward δ's in red (right to left)."""
    for value, what in ((x, "x"), (h, "h"), (y_pred, "y_pred"), (delta1, "delta1"), (delta2, "delta2")):
        _not_finished(value, what)
    x, h, y_pred, y = (np.ravel(np.asarray(v, dtype=float)) for v in (x, h, y_pred, y))
    delta1, delta2 = np.ravel(np.asarray(delta1, dtype=float)), np.ravel(np.asarray(delta2, dtype=float))
    if len(delta1) != len(h) or len(delta2) != len(y_pred):
        raise ValueError(f"delta1 needs one value per hidden unit ({len(h)}) and delta2 one per output "
                         f"({len(y_pred)}); got {len(delta1)} and {len(delta2)}")
    names = list(input_names) if input_names is not None else [f"x{k + 1}" for k in range(len(x))]

    def column(count: int) -> np.ndarray:
        return np.linspace(count - 1, 0, count) * 1.6 - (count - 1) * 0.8

    ys_in, ys_hidden, ys_out = column(len(x)), column(len(h)), column(len(y_pred))
    blue, red = "#1f618d", "#b03a2e"
    fig = go.Figure()
    for layer_from, layer_to, x0, x1 in ((ys_in, ys_hidden, 0.0, 3.0), (ys_hidden, ys_out, 3.0, 6.0)):
        for y0 in layer_from:
            for y1 in layer_to:
                fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="skip",
                                         line=dict(color="#aab7b8", width=1.1)))
    for y0 in ys_out:
        _arrow(fig, (6.35, y0), (8.1, 0.0), colour="#555")
    nodes = [(0.0, ys_in, names, "#eaf2f8"), (3.0, ys_hidden, [f"h{j + 1}" for j in range(len(h))], "#fdebd0"),
             (6.0, ys_out, [f"ŷ{k + 1}" if len(y_pred) > 1 else "ŷ" for k in range(len(y_pred))], "#d5f5e3"),
             (8.6, np.array([0.0]), ["L"], "#f5eef8")]
    for x_pos, ys, labels, colour in nodes:
        fig.add_trace(go.Scatter(x=[x_pos] * len(ys), y=ys, mode="markers+text", text=labels, hoverinfo="skip",
                                 textfont=dict(size=13), marker=dict(size=44, color=colour,
                                                                     line=dict(color="#2c3e50", width=1.5))))
    for y0, value in zip(ys_in, x):
        fig.add_annotation(x=-0.45, y=y0, text=f"{value:.3g}", showarrow=False, xanchor="right",
                           font=dict(size=12, color=blue))
    for y0, value, delta in zip(ys_hidden, h, delta1):
        fig.add_annotation(x=3.0, y=y0 + 0.52, text=f"h = {value:.4f}", showarrow=False, font=dict(size=12, color=blue))
        fig.add_annotation(x=3.0, y=y0 - 0.52, text=f"δ1 = {delta:.4f}", showarrow=False,
                           font=dict(size=12, color=red))
    for y0, value, delta in zip(ys_out, y_pred, delta2):
        fig.add_annotation(x=6.0, y=y0 + 0.52, text=f"ŷ = {value:.4f}", showarrow=False, font=dict(size=12, color=blue))
        fig.add_annotation(x=6.0, y=y0 - 0.52, text=f"δ2 = {delta:.4f}", showarrow=False,
                           font=dict(size=12, color=red))
    targets = ", ".join(f"{value:g}" for value in y)
    fig.add_annotation(x=8.6, y=0.55, text=f"L = {float(loss):.4f}", showarrow=False, font=dict(size=12, color=blue))
    fig.add_annotation(x=8.6, y=-0.55, text=f"target y = {targets}", showarrow=False, font=dict(size=12))
    low, high = min(ys_in.min(), ys_hidden.min()), max(ys_in.max(), ys_hidden.max())
    fig.add_annotation(x=4.3, y=high + 1.05, showarrow=False, font=dict(size=13, color=blue),
                       text="forward: h = σ(x · w1), ŷ = σ(h · w2), L = ½(ŷ − y)²  →")
    fig.add_annotation(x=4.3, y=low - 1.05, showarrow=False, font=dict(size=13, color=red),
                       text="←  backward: δ2 = (ŷ − y)·ŷ(1 − ŷ), δ1 = (δ2 · w2) ⊙ h(1 − h)")
    return _diagram_layout(fig, title, 760, int(95 * max(len(x), len(h)) + 230), [-1.3, 9.4],
                           [low - 1.5, high + 1.5])
