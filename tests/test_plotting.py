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
    assert not any(spine.get_visible() for ax in fig.axes for spine in ax.spines.values()), (
        "images get no frame"
    )


def test_image_rows_draw_non_square_vectors_with_a_shape():
    fig = plotting.plot_image_rows([np.zeros((3, 10))], ["x"], image_shape=(2, 5))
    assert len(fig.axes) == 3


def test_history_plot_draws_one_line_per_present_key():
    fig = plotting.plot_history(
        {"loss": [3.0, 2.0, 1.0], "val_loss": [3.5, 2.5, 2.0], "lr": [1, 1, 1]}
    )
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])


# --- bad input ---------------------------------------------------------------------


def test_a_small_overshoot_of_a_linear_decoder_is_still_drawn():
    x = np.random.default_rng(0).random((3, 16)) * 1.2 - 0.1   # in [-0.1, 1.1]
    assert plotting.plot_image_rows([x], ["PCA"]) is not None


def test_history_with_nan_after_divergence_is_still_drawn():
    assert plotting.plot_history({"loss": [1.0, 0.5, np.nan]}) is not None


def test_8_bit_rows_are_rejected_with_a_scaling_hint():
    x = np.random.default_rng(0).random((3, 16))
    with pytest.raises(
        ValueError,
        match=r"rows\[0\] has values in \[[0-9.e-]+, 2[0-9.]+\], far outside "
        r"vmin=0, vmax=1.*/ 255",
    ):
        plotting.plot_image_rows([x * 255], ["a"])
