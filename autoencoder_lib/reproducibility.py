"""Seeding and quiet TensorFlow start-up.

Explained in 第2章 (a first autoencoder) and used by every notebook's first cell.

TensorFlow prints C++ log lines (oneDNN notices, CPU feature hints) when it is
imported. In a notebook those lines end up in the stored outputs, so both
environment variables below must be set *before* TensorFlow is imported.
"""

from __future__ import annotations

import os
import random
import sys
import warnings

import numpy as np

from . import _validation as _v

__all__ = ["quiet_tensorflow", "set_seed"]

#: Environment variables that silence TensorFlow's C++ start-up logs.
TF_QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    # oneDNN custom ops print a notice at import and make float results depend
    # on the CPU's instruction set; turning them off also helps reproducibility.
    "TF_ENABLE_ONEDNN_OPTS": "0",
}


def quiet_tensorflow() -> bool:
    """Silence TensorFlow's C++ logs and Python warnings for this process.

    Must run before ``import tensorflow`` (or ``import keras``) to affect the
    C++ start-up logs. Explained in 第2章.

    Returns
    -------
    bool
        ``True`` if TensorFlow was not imported yet (the settings take full
        effect), ``False`` if it was already imported (only the Python-side
        logger is silenced; a warning says so).
    """
    already = "tensorflow" in sys.modules
    for key, value in TF_QUIET_ENV.items():
        os.environ[key] = value
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if already:
        warnings.warn(
            "quiet_tensorflow() was called after TensorFlow was imported; "
            "its C++ start-up logs may already have been printed. Call it first.",
            RuntimeWarning,
            stacklevel=2,
        )
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
    return not already


def set_seed(seed: int = 0, *, tensorflow: bool = True) -> None:
    """Seed Python's ``random``, NumPy and (optionally) Keras/TensorFlow.

    With the same seed, the same machine and the same library versions, two
    trainings give bit-identical weights. Different CPUs can still differ in
    the last digits, so the book checks trained numbers with tolerances.
    Explained in 第2章.

    Parameters
    ----------
    seed : int, default 0
        Non-negative seed.
    tensorflow : bool, default True
        Also seed Keras and TensorFlow (imports them, after
        :func:`quiet_tensorflow`). Pass ``False`` in NumPy-only code.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).
    """
    seed = _v.check_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    if not isinstance(tensorflow, (bool, np.bool_)):
        raise TypeError(f"tensorflow must be True or False, got {type(tensorflow).__name__}")
    random.seed(seed)
    np.random.seed(seed)
    if tensorflow:
        quiet = "tensorflow" not in sys.modules
        if quiet:
            quiet_tensorflow()
        import keras

        keras.utils.set_random_seed(seed)
