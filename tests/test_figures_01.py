"""Do 01_tensors' figures draw what they say: flattening row by row, and the channel axis?"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from course import plots


def test_does_the_flattened_vector_keep_each_pixel_with_its_row_colour_and_index():
    image = np.arange(12).reshape(3, 4) * 10
    figure = plots.flattening(image)
    assert isinstance(figure, go.Figure)
    grid, vector = figure.data
    assert np.array_equal(np.asarray(grid.z), [[0] * 4, [1] * 4, [2] * 4]), "one colour (z) per image row"
    assert np.asarray(vector.z).shape == (1, 12)
    assert np.array_equal(np.asarray(vector.z).ravel(), np.asarray(grid.z).ravel()), "rows laid end to end"
    labels = np.asarray(vector.text).ravel()
    assert list(labels) == [f"{value}<br>#{k}" for k, value in enumerate(image.ravel())]
    assert np.array_equal(np.asarray(grid.text).ravel(), labels), "the grid and the vector label a pixel alike"
    assert "(3, 4)" in figure.layout.annotations[0].text and "(12,)" in figure.layout.annotations[1].text


@pytest.mark.parametrize("bad", [np.zeros((2, 3, 3)), np.zeros((11, 10))])
def test_does_flattening_refuse_what_it_cannot_draw(bad):
    with pytest.raises(ValueError, match="shape|too many"):
        plots.flattening(bad)


def test_does_flattening_say_an_unfinished_answer_is_unfinished():
    with pytest.raises(TypeError, match="unfinished"):
        plots.flattening(None)


def test_are_the_three_channel_planes_the_photos_own_and_the_grey_image_one_plane():
    rng = np.random.default_rng(0)
    photo = rng.integers(0, 256, size=(40, 50, 3), dtype=np.uint8)
    grey = rng.integers(0, 256, size=(28, 28), dtype=np.uint8)
    figure = plots.channel_planes(photo, grey)
    assert isinstance(figure, go.Figure)
    kinds = [trace.type for trace in figure.data]
    assert kinds == ["image", "heatmap", "heatmap", "heatmap", "heatmap"]
    for k in range(3):
        assert np.array_equal(np.asarray(figure.data[1 + k].z), photo[..., k]), f"plane {k} is photo[..., {k}]"
    assert np.array_equal(np.asarray(figure.data[4].z), grey)
    titles = [annotation.text for annotation in figure.layout.annotations]
    assert "(40, 50, 3)" in titles[0] and "(28, 28, 1)" in titles[4]
    # an image that already has its channel axis is drawn the same
    again = plots.channel_planes(photo, grey[..., np.newaxis])
    assert np.array_equal(np.asarray(again.data[4].z), grey)


def test_is_a_large_photo_drawn_smaller_with_its_real_shape_in_the_title():
    photo = np.zeros((427, 640, 3), dtype=np.uint8)
    figure = plots.channel_planes(photo, np.zeros((28, 28)), largest=160)
    assert max(np.asarray(figure.data[1].z).shape) <= 160
    assert "(427, 640, 3)" in figure.layout.annotations[0].text


@pytest.mark.parametrize(("photo", "grey"), [(np.zeros((5, 5)), np.zeros((5, 5))),
                                             (np.zeros((5, 5, 3)), np.zeros((2, 5, 5)))])
def test_does_channel_planes_refuse_wrong_shapes(photo, grey):
    with pytest.raises(ValueError, match="shape"):
        plots.channel_planes(photo, grey)
