"""Do course.plots.conv_filters and course.plots.feature_maps (06 §8) draw one heatmap per filter, and say what
they need when they are handed something else?"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from course import plots


def test_does_conv_filters_draw_each_kernel_centred_on_zero():
    kernel = np.random.default_rng(0).normal(size=(3, 3, 1, 6))
    fig = plots.conv_filters(kernel, columns=4)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 6 and all(isinstance(trace, go.Heatmap) for trace in fig.data)
    for index, trace in enumerate(fig.data):
        assert np.allclose(np.asarray(trace.z)[::-1], kernel[:, :, 0, index])
        assert trace.zmin == -trace.zmax  # white is a weight of 0
    assert [a.text for a in fig.layout.annotations] == [f"filter {i}" for i in range(6)]


def test_does_feature_maps_draw_each_map_and_mark_the_highlighted_one():
    maps = np.random.default_rng(1).uniform(size=(26, 26, 5))
    fig = plots.feature_maps(maps[np.newaxis], highlight=2)  # a batch of one is accepted too
    assert len(fig.data) == 5
    assert np.allclose(np.asarray(fig.data[4].z)[::-1], maps[:, :, 4])
    titles = [a.text for a in fig.layout.annotations]
    assert titles[2] == "filter 2 (strongest)" and titles[1] == "filter 1"


@pytest.mark.parametrize("bad", [np.zeros((3, 3, 32, 64)), np.zeros((3, 3, 8))])
def test_does_conv_filters_refuse_other_shapes_with_a_hint(bad):
    with pytest.raises(ValueError, match=r"\(k, k, 1, filters\)"):
        plots.conv_filters(bad)


def test_do_the_helpers_say_an_answer_is_unfinished():
    with pytest.raises(TypeError, match="unfinished"):
        plots.feature_maps(None)
    with pytest.raises(ValueError, match="one image"):
        plots.feature_maps(np.zeros((2, 5, 5, 3)))
