"""One call that prepares a chapter notebook: quiet logs, seeds, fonts, figure style.

Every notebook of the book starts with a hidden cell::

    from autoencoder_lib.notebook import setup
    setup(seed=0)

Explained in 第2章 (the first notebook that uses it).
"""

from __future__ import annotations

import matplotlib

from .plotting import use_chinese_font
from .reproducibility import quiet_tensorflow, set_seed

__all__ = ["setup"]


def setup(seed: int = 0, *, tensorflow: bool = True) -> None:
    """Prepare a notebook: silence TensorFlow, seed everything, set the CJK font.

    Parameters
    ----------
    seed : int, default 0
        Passed to :func:`autoencoder_lib.reproducibility.set_seed`.
    tensorflow : bool, default True
        Import and seed TensorFlow/Keras too; ``False`` for NumPy-only notebooks.
    """
    if tensorflow:
        quiet_tensorflow()
    set_seed(seed, tensorflow=tensorflow)
    use_chinese_font()
    matplotlib.rcParams.update({
        # 150 dpi: image grids stay sharp when the page scales them to its column.
        "figure.dpi": 150,
        "savefig.dpi": 150,
        "figure.figsize": (6.0, 3.8),
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
