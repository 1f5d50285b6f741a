"""autoencoder_lib.plotting: CJK glyphs render, figures are drawn, bad input is rejected."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from autoencoder_lib import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_chinese_labels_render_without_missing_glyphs():
    family = plotting.use_chinese_font()
    assert "CJK" in family
    fig, ax = plt.subplots()
    ax.set_title("自动编码器的重构误差")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" would raise here
        fig.canvas.draw()


def test_reconstruction_grid_has_two_rows_of_n_images():
    x = np.random.default_rng(0).random((10, 784))
    fig = plotting.plot_reconstructions(x, x[::-1], n=6)
    assert len(fig.axes) == 12
    assert fig.axes[0].get_ylabel() == "原图" and fig.axes[6].get_ylabel() == "重构"
    assert not any(spine.get_visible() for ax in fig.axes for spine in ax.spines.values()), "images get no frame"


def test_reconstruction_grid_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        plotting.plot_reconstructions(np.zeros((4, 784)), np.zeros((4, 783)))


def test_image_rows_need_a_shape_for_non_square_vectors():
    with pytest.raises(ValueError, match="image_shape"):
        plotting.plot_image_rows([np.zeros((3, 10))], ["x"])
    fig = plotting.plot_image_rows([np.zeros((3, 10))], ["x"], image_shape=(2, 5))
    assert len(fig.axes) == 3


def test_history_plot_draws_one_line_per_present_key():
    fig = plotting.plot_history({"loss": [3.0, 2.0, 1.0], "val_loss": [3.5, 2.5, 2.0], "lr": [1, 1, 1]})
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])


def test_history_plot_rejects_missing_keys_and_wrong_types():
    with pytest.raises(ValueError, match="none of keys"):
        plotting.plot_history({"accuracy": [0.5]})
    with pytest.raises(TypeError, match="history"):
        plotting.plot_history([1.0, 2.0])
