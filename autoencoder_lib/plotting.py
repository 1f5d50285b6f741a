"""Figures used across chapters: CJK font set-up, image grids, training curves.

Explained in 第2章 (first use). Every function returns the Matplotlib
``Figure`` it drew on, so a notebook can ``glue`` it or save it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
import numpy as np

from . import _validation as _v

__all__ = ["use_chinese_font", "plot_image_rows", "plot_reconstructions", "plot_history"]

#: The font shipped by the PyPI package ``mplfonts`` (Noto Sans CJK SC, SIL OFL 1.1).
CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"


def use_chinese_font() -> str:
    """Make Matplotlib draw Chinese labels with Noto Sans CJK SC.

    The font file comes from the pip package ``mplfonts`` (installed with the
    book's requirements), so no system font is needed. The font is registered
    with Matplotlib's font manager for this process only; nothing is written
    into Matplotlib's installation. Explained in 第2章.

    Returns
    -------
    str
        The family name now first in ``font.sans-serif``.

    Raises
    ------
    FileNotFoundError
        If ``mplfonts`` is installed without its font file.
    """
    import mplfonts
    from matplotlib import font_manager

    path = Path(mplfonts.__file__).parent / "fonts" / CJK_FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"CJK font not found at {path.name} inside mplfonts; reinstall mplfonts"
        )
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False  # the CJK font has no U+2212 minus
    return family


def _as_images(a: np.ndarray, image_shape: tuple[int, int] | None, arg: str) -> np.ndarray:
    a = _v.as_array(a, arg)  # numeric, not empty, no NaN or inf
    if a.ndim == 4 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim == 2:
        if image_shape is None:
            side = int(round(np.sqrt(a.shape[1])))
            if side * side != a.shape[1]:
                raise ValueError(
                    f"{arg}: cannot guess the image shape of {a.shape[1]} features; "
                    "pass image_shape"
                )
            image_shape = (side, side)
        if int(np.prod(image_shape)) != a.shape[1]:
            raise ValueError(
                f"{arg}: image_shape {image_shape} does not match {a.shape[1]} features"
            )
        a = a.reshape(-1, *image_shape)
    if a.ndim != 3:
        raise ValueError(
            f"{arg} must have shape (N, H*W), (N, H, W) or (N, H, W, 1), got {np.shape(a)}"
        )
    return a


def plot_image_rows(
    rows: Sequence[np.ndarray],
    labels: Sequence[str],
    *,
    n: int = 8,
    image_shape: tuple[int, int] | None = None,
    titles: Sequence[str] | None = None,
    cmap: str = "gray",
    vmin: float = 0.0,
    vmax: float = 1.0,
):
    """Draw several rows of grey-scale images, one row per array.

    Parameters
    ----------
    rows : sequence of arrays
        Each of shape ``(N, H*W)``, ``(N, H, W)`` or ``(N, H, W, 1)``; the first
        ``n`` images of each are drawn.
    labels : sequence of str
        One label per row, written at the left.
    n : int, default 8
        Images per row.
    image_shape : (int, int), optional
        Needed for flat rows that are not square.
    titles : sequence of str, optional
        One title per column (e.g. class names).
    cmap : str, default "gray"
    vmin, vmax : float, default 0.0 and 1.0
        Pixel values drawn black and white.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    import matplotlib.pyplot as plt

    rows = _v.check_sequence(rows, "rows", of="image arrays", min_len=1)
    labels = _v.check_sequence(labels, "labels", of="str")
    if len(rows) != len(labels):
        raise ValueError(
            f"rows and labels must have the same length, got {len(rows)} and {len(labels)}"
        )
    n = _v.check_int(n, "n")
    if image_shape is not None:
        image_shape = tuple(_v.check_int_sequence(image_shape, "image_shape"))
        if len(image_shape) != 2:
            raise ValueError(f"image_shape must be (height, width), got {image_shape}")
    vmin, vmax = _v.check_number(vmin, "vmin"), _v.check_number(vmax, "vmax")
    if not vmin < vmax:
        raise ValueError(f"vmin must be below vmax, got vmin={vmin:g}, vmax={vmax:g}")
    images = [_as_images(r, image_shape, f"rows[{i}]") for i, r in enumerate(rows)]
    for i, im in enumerate(images):
        # A small overshoot (a linear decoder's 1.05) is fine; a whole range beyond is a wrong
        # scale.
        if im.max() > vmax + (vmax - vmin) or im.min() < vmin - (vmax - vmin):
            raise ValueError(
                f"rows[{i}] has values in [{im.min():g}, {im.max():g}], "
                f"far outside vmin={vmin:g}, "
                f"vmax={vmax:g}: every pixel would show as black or white; scale the images "
                "(e.g. / 255) or pass vmin and vmax"
            )
    if titles is not None:
        titles = _v.check_sequence(titles, "titles", of="str")
        if len(titles) < min(n, *(len(im) for im in images)):
            raise ValueError(f"titles must have one entry per column drawn "
                             f"({min(n, *(len(im) for im in images))}), got {len(titles)}")
    n = min(n, *(len(im) for im in images))
    width = 0.95 * n + 1.0
    # Titles and row labels stay >= 12 CSS px (9 pt) on a page that shows the
    # figure about 700 px wide.
    text_pt = max(11.0, 12.5 * 72 * width / 700)
    fig, axes = plt.subplots(
        len(images), n, figsize=(width, 1.2 * len(images) + 0.3), squeeze=False
    )
    for r, (row, label) in enumerate(zip(images, labels)):
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(row[c], cmap=cmap, vmin=vmin, vmax=vmax)
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
            if r == 0 and titles is not None:
                ax.set_title(titles[c], fontsize=text_pt)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=text_pt)
    fig.tight_layout()
    return fig


def plot_reconstructions(
    originals: np.ndarray,
    reconstructions: np.ndarray,
    *,
    n: int = 8,
    image_shape: tuple[int, int] | None = None,
    titles: Sequence[str] | None = None,
    labels: tuple[str, str] = ("原图", "重构"),
):
    """Draw originals (top row) above their reconstructions (bottom row).

    Explained in 第2章 2.5节.

    Parameters
    ----------
    originals, reconstructions : numpy.ndarray
        Same shape, ``(N, H*W)``, ``(N, H, W)`` or ``(N, H, W, 1)``, values in [0, 1].
    n : int, default 8
        Number of image pairs.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    if np.shape(originals) != np.shape(reconstructions):
        raise ValueError(
            f"originals and reconstructions must have the same shape, got "
            f"{np.shape(originals)} and {np.shape(reconstructions)}"
        )
    labels = _v.check_sequence(labels, "labels", of="str")
    if len(labels) != 2:
        raise ValueError(
            f"labels must be a pair (originals' label, reconstructions' label), got {labels!r}"
        )
    return plot_image_rows(
        [originals, reconstructions], list(labels), n=n, image_shape=image_shape, titles=titles
    )


def plot_history(
    history,
    *,
    keys: Sequence[str] = ("loss", "val_loss"),
    names: Mapping[str, str] | None = None,
    ylabel: str = "损失",
    logy: bool = False,
    ax=None,
):
    """Plot training curves (one line per metric) against the epoch number.

    Explained in 第2章 2.5节.

    Parameters
    ----------
    history : keras.callbacks.History or mapping of str to sequence of float
        What ``model.fit`` returns, or its ``.history`` dict.
    keys : sequence of str
        Metrics to draw; keys absent from ``history`` are skipped, but at
        least one must be present.
    names : mapping, optional
        Legend text per key; default ``{"loss": "训练集", "val_loss": "验证集"}``.
    ylabel : str
        Label of the y axis; include the unit (e.g. "MSE（每像素）").

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    import matplotlib.pyplot as plt

    data = getattr(history, "history", history)
    if not isinstance(data, Mapping):
        raise TypeError(
            f"history must be a keras History or a mapping, got {type(history).__name__}"
        )
    keys = _v.check_sequence(keys, "keys", of="str")
    present = [k for k in keys if k in data]
    if not present:
        raise ValueError(f"none of keys {list(keys)} is in history (it has {sorted(data)})")
    names = {"loss": "训练集", "val_loss": "验证集", **(names or {})}
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 3.5))
    else:
        fig = ax.figure
    for key in present:
        values = _v.as_array(data[key], f"history[{key!r}]", ndim=1, finite=False).astype(float)
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", ms=3, label=names.get(key, key))
    ax.set_xlabel("轮次（epoch）")
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig
