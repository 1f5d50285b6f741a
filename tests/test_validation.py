"""Validation, once at the door: the shared checks' wording, one table that every public
function names its bad argument, and what the TensorFlow-free modules may import."""

from __future__ import annotations

import ast
import functools
import importlib
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autoencoder_lib import (
    _validation as v,
)
from autoencoder_lib import (
    baselines,
    compare,
    compression,
    data,
    detection,
    features,
    gradcheck,
    learned_codec,
    metrics,
    models,
    noise,
    notebook,
    numpy_ae,
    plotting,
    privacy,
    regularizers,
    reproducibility,
    sae_metrics,
    sparse_ae,
    tables,
    text,
    text_layers,
    vae,
)

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "autoencoder_lib"

# --- what imports TensorFlow ---------------------------------------------------------

#: Modules that import without TensorFlow or Keras (Keras only lazily, inside a builder).
TENSORFLOW_FREE = [
    "_validation",
    "numpy_ae",
    "gradcheck",
    "metrics",
    "data",
    "tables",
    "text",
    "baselines",
    "detection",
    "features",
    "compression",
    "plotting",
    "reproducibility",
    "notebook",
    "models",
    "compare",
    "sae_metrics",
]


def test_the_tensorflow_free_modules_import_without_tensorflow_or_keras():
    code = (
        "import importlib, sys\n"
        f"for name in {TENSORFLOW_FREE!r}:\n"
        "    importlib.import_module('autoencoder_lib.' + name)\n"
        "    loaded = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
        "    if loaded:\n"
        "        sys.exit(f'importing autoencoder_lib.{name} imported {loaded}')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr[-2000:]


def _imports(filename: str):
    tree = ast.parse((LIBRARY / filename).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield node, [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            yield (
                node,
                [node.module or ""]
                if node.level == 0
                else ["." + (node.module or alias.name) for alias in node.names],
            )


@pytest.mark.parametrize("filename", ["numpy_ae.py", "gradcheck.py"])
def test_the_numpy_core_imports_only_numpy_the_standard_library_and_validation(filename):
    allowed = {"__future__", "collections", "typing", "numpy", "._validation"}
    for node, names in _imports(filename):
        names = {n.split(".")[0] if not n.startswith(".") else n for n in names}
        if names == {".models"}:  # to_keras: the Keras side, imported inside the function
            assert filename == "numpy_ae.py" and node.col_offset > 0
            continue
        assert names <= allowed, f"{filename} imports {names}"


@pytest.mark.parametrize("filename", [f"{name}.py" for name in TENSORFLOW_FREE])
def test_the_tensorflow_free_modules_import_keras_only_inside_functions(filename):
    for node, names in _imports(filename):
        if {"keras", "tensorflow"} & set(names):
            assert node.col_offset > 0, (
                f"{filename}: line {node.lineno} imports {names} at the top"
            )


# --- the library's shape -------------------------------------------------------------

LIBRARY_FILES = sorted(p.name for p in LIBRARY.glob("*.py"))


@pytest.mark.parametrize(
    "filename", sorted(set(LIBRARY_FILES) - {"__init__.py", "_validation.py", "notebook.py"})
)
def test_every_module_uses_the_shared_checks(filename):
    text = (LIBRARY / filename).read_text(encoding="utf-8")
    assert "from . import _validation as _v" in text


@pytest.mark.parametrize("filename", LIBRARY_FILES)
def test_no_aliases_of_the_shared_checks_no_classes_made_at_run_time(filename):
    tree = ast.parse((LIBRARY / filename).read_text(encoding="utf-8"))
    for node in tree.body:  # `_check_int = _v.check_int`: a second name for the same check
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute):
            value = node.value
            assert not (isinstance(value.value, ast.Name) and value.value.id == "_v"), (
                f"{filename}: line {node.lineno} aliases _v.{value.attr}; call it directly"
            )
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner = [n for n in ast.walk(node) if isinstance(n, ast.ClassDef)]
            assert not inner, f"{filename}: {node.name}() defines class {inner[0].name}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "globals", f"{filename}: line {node.lineno} calls globals()"


# --- the helpers themselves -------------------------------------------------------


@pytest.mark.parametrize(
    "value, kwargs, error, match",
    [
        (True, {}, TypeError, "n must be an int, got bool"),
        (2.0, {}, TypeError, "n must be an int, got float"),
        (0, {}, ValueError, "n must be positive, got 0"),
        (-1, {"minimum": 0}, ValueError, "n must be >= 0, got -1"),
        (11, {"maximum": 10}, ValueError, "n must be between 1 and 10, got 11"),
    ],
)
def test_check_int_rejects_non_integers_and_out_of_range_values(value, kwargs, error, match):
    with pytest.raises(error, match=match):
        v.check_int(value, "n", **kwargs)


def test_check_int_accepts_numpy_integers_and_returns_python_ints():
    assert v.check_int(np.int64(3), "n") == 3 and type(v.check_int(np.int64(3), "n")) is int


@pytest.mark.parametrize(
    "value, kwargs, error, match",
    [
        ("1", {}, TypeError, "lr must be a number, got str"),
        (True, {}, TypeError, "lr must be a number, got bool"),
        (float("nan"), {}, ValueError, "lr must be a finite number, got nan"),
        (float("inf"), {"low": 0.0, "low_open": True}, ValueError, "lr must be positive, got inf"),
        (0.0, {"low": 0.0, "low_open": True}, ValueError, "lr must be positive, got 0.0"),
        (-0.5, {"low": 0.0}, ValueError, "lr must be a finite number >= 0, got -0.5"),
        (
            1.0,
            {"low": 0.0, "high": 1.0, "high_open": True},
            ValueError,
            r"lr must be in \[0, 1\), got 1.0",
        ),
    ],
)
def test_check_number_rejects_non_numbers_non_finite_and_out_of_range(value, kwargs, error, match):
    with pytest.raises(error, match=match):
        v.check_number(value, "lr", **kwargs)


def test_check_choice_lists_the_options():
    with pytest.raises(ValueError, match=r"mode must be one of \['a', 'b'\], got 'c'"):
        v.check_choice("c", ("a", "b"), "mode")
    with pytest.raises(ValueError, match="mode must be one of"):
        v.check_choice(["a"], {"a", "b"}, "mode")  # unhashable value, set of choices


def test_check_sequence_rejects_strings_and_short_sequences():
    with pytest.raises(TypeError, match="sizes must be a sequence of ints, got str"):
        v.check_int_sequence("12", "sizes")
    with pytest.raises(ValueError, match="sizes must have at least 2 entries, got 1"):
        v.check_int_sequence([3], "sizes", min_len=2)
    with pytest.raises(ValueError, match=r"sizes\[1\] must be positive, got 0"):
        v.check_int_sequence([3, 0], "sizes")


@pytest.mark.parametrize(
    "value, kwargs, error, match",
    [
        (
            np.array(["a"]),
            {},
            TypeError,
            r"x must be a numeric \(integer or floating-point\) array, got dtype <U1",
        ),
        (np.array([True]), {}, TypeError, "got dtype bool"),
        (
            np.array([1, 2]),
            {"kinds": "f"},
            TypeError,
            "x must be a floating-point array, got dtype int64",
        ),
        (np.zeros(3), {"ndim": 2}, ValueError, r"x must be a 2-D array, got shape \(3,\)"),
        (
            np.zeros(3),
            {"ndim": 2, "shape_text": "(N, D)"},
            ValueError,
            r"x must have shape \(N, D\), got \(3,\)",
        ),
        (np.zeros((0, 3)), {}, ValueError, r"x is empty \(shape \(0, 3\)\)"),
        (
            np.array([0.0, np.nan, np.inf]),
            {},
            ValueError,
            r"x contains NaN or infinite values \(1 NaN, 1 inf of 3\)",
        ),
        ([[1.0], [1.0, 2.0]], {}, TypeError, "x must be a numeric"),
    ],
)
def test_as_array_rejects_wrong_dtype_dimension_empty_and_non_finite(value, kwargs, error, match):
    with pytest.raises(error, match=match):
        v.as_array(value, "x", **kwargs)


def test_check_same_kind_rejects_integer_next_to_float_and_suggests_scaling():
    with pytest.raises(
        TypeError, match=r"x is an integer array \(uint8\) but x_hat is floating point.*/ 255"
    ):
        v.check_same_kind(np.zeros(2, np.uint8), np.zeros(2, np.float32), "x", "x_hat")
    v.check_same_kind(
        np.zeros(2, np.uint8), np.zeros(2, np.int64), "x", "x_hat"
    )  # both integer: fine


def test_check_in_range_reports_the_range_found_and_the_hint():
    with pytest.raises(
        ValueError, match=r"x must lie in \[0, 1\], got values in \[0, 255\]; pass data_range=255"
    ):
        v.check_in_range(np.array([0.0, 255.0]), "x", 0.0, 1.0, hint="; pass data_range=255")
    v.check_in_range(np.array([1.0 + 1e-7]), "x", 0.0, 1.0, slack=1e-6)  # rounding tolerated


def test_check_seed_accepts_a_generator_only_when_asked():
    with pytest.raises(TypeError, match="seed must be an int, got float"):
        v.check_seed(1.5)
    with pytest.raises(ValueError, match="seed must be >= 0, got -1"):
        v.check_seed(-1)
    with pytest.raises(TypeError, match="seed must be an int or a numpy Generator, got str"):
        v.check_seed("0", as_generator=True)
    rng = np.random.default_rng(1)
    assert v.check_seed(rng, as_generator=True) is rng
    assert v.check_seed(np.int64(3)) == 3
    assert v.check_seed(3, as_generator=True).integers(100) == np.random.default_rng(3).integers(
        100
    )


def test_check_pair_wants_two_ordered_finite_numbers():
    with pytest.raises(TypeError, match=r"clip must be a pair \(low, high\), got float"):
        v.check_pair(1.0, "clip")
    with pytest.raises(ValueError, match=r"clip must be a pair \(low, high\), got 3 values"):
        v.check_pair((0, 1, 2), "clip")
    with pytest.raises(
        ValueError, match=r"clip must be \(low, high\) with low < high, got \(1, 0\)"
    ):
        v.check_pair((1.0, 0.0), "clip")
    with pytest.raises(ValueError, match=r"sigma\[0\] must be a finite number >= 0, got -0.1"):
        v.check_pair((-0.1, 0.2), "sigma", low=0.0)
    assert v.check_pair(np.array([0.2, 0.2]), "sigma", equal_ok=True) == (0.2, 0.2)


# --- every public function names its bad argument (one table) ----------------------
#
# One row per bad argument: the call, the error type and the argument the message must
# name. Rows replace the per-function `match=` copies that used to live in each module's
# tests; the wording itself is checked once, above. Arrays are tiny, so the whole table
# runs in about a second (the Keras builders fail before building anything).

_RNG = np.random.default_rng(0)
IMG = _RNG.random((3, 16, 16))  # float64 images in [0, 1]
IMG32 = IMG.astype(np.float32)
MAT = _RNG.random((10, 5))  # float64 rows x features
LABELS = np.array([0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
P = np.zeros(2)


def _dense(n_in=4, n_out=2):
    return numpy_ae.Dense(np.ones((n_in, n_out)), np.zeros(n_out))


def _ae(sizes=(6, 2), **kwargs):
    return numpy_ae.make_autoencoder(sizes, **kwargs)


class _Encoder:
    def __call__(self, x, training=False):
        return x[:, :2]


def _symbol_model():
    return compression.fit_symbol_model(SYMBOLS)


BAD = [
    # numpy_ae
    ("numpy_ae.sigmoid", lambda: numpy_ae.sigmoid(np.array([0.0, np.nan])), ValueError, "a"),
    ("numpy_ae.sigmoid", lambda: numpy_ae.sigmoid(np.array(["x"])), TypeError, "a"),
    ("numpy_ae.activate", lambda: numpy_ae.activate(P, "tanh"), ValueError, "activation"),
    ("numpy_ae.activate", lambda: numpy_ae.activate(np.array([True]), "relu"), TypeError, "a"),
    ("numpy_ae.activation_derivative",
     lambda: numpy_ae.activation_derivative(P, np.zeros(3), "relu"),
     ValueError, "a and h"),
    ("numpy_ae.activation_derivative", lambda: numpy_ae.activation_derivative(P, P, "nope"),
     ValueError, "activation"),
    ("numpy_ae.activation_derivative",
     lambda: numpy_ae.activation_derivative(P, np.array(["x", "y"]), "relu"),
     TypeError, "h"),
    ("numpy_ae.activate", lambda: numpy_ae.activate(np.array([np.nan]), "relu"), ValueError, "a"),
    ("numpy_ae.Dense", lambda: numpy_ae.Dense(np.ones(3), np.zeros(3)), ValueError, "W"),
    ("numpy_ae.Dense", lambda: numpy_ae.Dense(np.ones((2, 3)), np.zeros(2)), ValueError, "b"),
    ("numpy_ae.Dense", lambda: numpy_ae.Dense(np.ones((2, 3)), np.zeros(3), "tanh"),
     ValueError, "activation"),
    ("numpy_ae.Dense", lambda: numpy_ae.Dense(np.full((2, 3), np.nan), np.zeros(3)),
     ValueError, "W"),
    ("numpy_ae.Dense", lambda: numpy_ae.Dense(np.zeros((0, 2)), np.zeros(2)), ValueError, "W"),
    ("numpy_ae.Dense", lambda: numpy_ae.Dense(np.array([[np.inf, 0.0]]), np.zeros(2)),
     ValueError, "W"),
    ("numpy_ae.Dense", lambda: numpy_ae.Dense(np.zeros((1, 2)), np.array([0.0, np.inf])),
     ValueError, "b"),
    ("numpy_ae.Dense.forward", lambda: _dense().forward(np.ones((3, 5))), ValueError, "x"),
    ("numpy_ae.Dense.forward", lambda: _dense(3).forward(np.zeros((0, 3))), ValueError, "x"),
    ("numpy_ae.mse", lambda: numpy_ae.mse(np.zeros((2, 3)), np.zeros((3, 2))),
     ValueError, "x and x_hat"),
    ("numpy_ae.mse", lambda: numpy_ae.mse(np.zeros((0, 3)), np.zeros((0, 3))), ValueError, "x"),
    ("numpy_ae.mse", lambda: numpy_ae.mse(np.array([[True]]), np.zeros((1, 1))), TypeError, "x"),
    ("numpy_ae.mse", lambda: numpy_ae.mse(np.zeros((1, 2)), np.array([[0.0, np.nan]])),
     ValueError, "x_hat"),
    ("numpy_ae.mse_grad", lambda: numpy_ae.mse_grad(np.array([[np.nan]]), np.zeros((1, 1))),
     ValueError, "x"),
    ("numpy_ae.bce_with_logits",
     lambda: numpy_ae.bce_with_logits(np.zeros((2, 3)), np.zeros((2, 4))),
     ValueError, "x and logits"),
    ("numpy_ae.bce_with_logits",
     lambda: numpy_ae.bce_with_logits(np.array([[0.5, 1.5]]), np.zeros((1, 2))),
     ValueError, "x"),
    ("numpy_ae.bce_with_logits",
     lambda: numpy_ae.bce_with_logits(np.array([[np.nan]]), np.zeros((1, 1))),
     ValueError, "x"),
    ("numpy_ae.bce_with_logits",
     lambda: numpy_ae.bce_with_logits(np.zeros((0, 3)), np.zeros((0, 3))),
     ValueError, "x"),
    ("numpy_ae.bce_with_logits",
     lambda: numpy_ae.bce_with_logits(np.array([[True]]), np.zeros((1, 1))),
     TypeError, "x"),
    ("numpy_ae.mse_grad", lambda: numpy_ae.mse_grad(np.zeros((1, 1)), np.array([[np.inf]])),
     ValueError, "x_hat"),
    ("numpy_ae.bce_with_logits_grad",
     lambda: numpy_ae.bce_with_logits_grad(np.array([[np.nan]]), np.zeros((1, 1))),
     ValueError, "x"),
    ("numpy_ae.bce_with_logits_grad",
     lambda: numpy_ae.bce_with_logits_grad(np.zeros((1, 2)), np.array([[np.inf, 0.0]])),
     ValueError, "logits"),
    ("numpy_ae.glorot_variance", lambda: numpy_ae.glorot_variance(0, 3), ValueError, "n_in"),
    ("numpy_ae.he_variance", lambda: numpy_ae.he_variance(2.0), TypeError, "n_in"),
    ("numpy_ae.draw_weights", lambda: numpy_ae.draw_weights(3, 2, 0.0, rng=_RNG),
     ValueError, "variance"),
    ("numpy_ae.draw_weights",
     lambda: numpy_ae.draw_weights(3, 2, 1.0, rng=_RNG, distribution="cauchy"),
     ValueError, "distribution"),
    ("numpy_ae.draw_weights", lambda: numpy_ae.draw_weights(3, 2, 1.0, rng=0), TypeError, "rng"),
    ("numpy_ae.SGD", lambda: numpy_ae.SGD(-0.1), ValueError, "learning_rate"),
    ("numpy_ae.SGD", lambda: numpy_ae.SGD(float("inf")), ValueError, "learning_rate"),
    ("numpy_ae.SGD", lambda: numpy_ae.SGD("0.1"), TypeError, "learning_rate"),
    ("numpy_ae.SGD.step", lambda: numpy_ae.SGD().step([np.zeros(2)], [np.zeros(3)]),
     ValueError, "grads[0]"),
    ("numpy_ae.SGD.step", lambda: numpy_ae.SGD().step([np.ones(3, np.int64)], [np.ones(3)]),
     TypeError, "params[0]"),
    ("numpy_ae.SGD.step", lambda: numpy_ae.SGD().step([[1.0, 2.0]], [np.ones(2)]),
     TypeError, "params[0]"),
    ("numpy_ae.Adam", lambda: numpy_ae.Adam(learning_rate=0.0), ValueError, "learning_rate"),
    ("numpy_ae.Adam", lambda: numpy_ae.Adam(beta1=1.0), ValueError, "beta1"),
    ("numpy_ae.Adam", lambda: numpy_ae.Adam(beta2=-0.1), ValueError, "beta2"),
    ("numpy_ae.Adam", lambda: numpy_ae.Adam(beta1="0.9"), TypeError, "beta1"),
    ("numpy_ae.Adam", lambda: numpy_ae.Adam(eps=0), ValueError, "eps"),
    ("numpy_ae.Adam.step", lambda: numpy_ae.Adam().step([P], [np.zeros(3)]),
     ValueError, "grads[0]"),
    ("numpy_ae.Autoencoder", lambda: numpy_ae.Autoencoder(_dense(2, 2), [_dense(2, 2)]),
     TypeError, "encoder"),
    ("numpy_ae.Autoencoder.decode", lambda: _ae().decode(np.zeros((1, 6))), ValueError, "z"),
    ("numpy_ae.Autoencoder.loss", lambda: _ae().loss(np.zeros((2, 6)), "mae"), ValueError, "loss"),
    ("numpy_ae.Autoencoder.loss_and_gradients",
     lambda: _ae().loss_and_gradients(np.full((2, 6), 2.0), "bce"),
     ValueError, "x"),
    ("numpy_ae.make_autoencoder", lambda: _ae((64,)), ValueError, "layer_sizes"),
    ("numpy_ae.make_autoencoder", lambda: _ae("64"), TypeError, "layer_sizes"),
    ("numpy_ae.make_autoencoder", lambda: _ae((64, 0)), ValueError, "layer_sizes[1]"),
    ("numpy_ae.make_autoencoder", lambda: _ae(seed=-1), ValueError, "seed"),
    ("numpy_ae.make_autoencoder", lambda: _ae(seed=1.5), TypeError, "seed"),
    ("numpy_ae.make_autoencoder", lambda: _ae(init="lecun"), ValueError, "init"),
    ("numpy_ae.train", lambda: numpy_ae.train("m", MAT, optimizer=None, epochs=1),
     TypeError, "model"),
    ("numpy_ae.train", lambda: numpy_ae.train(_ae(), MAT, optimizer="adam", epochs=1),
     TypeError, "optimizer"),
    ("numpy_ae.train", lambda: numpy_ae.train(_ae(), MAT, optimizer=_sgd(), epochs=1),
     ValueError, "x"),
    ("numpy_ae.train", lambda: _train(epochs=0), ValueError, "epochs"),
    ("numpy_ae.train", lambda: _train(epochs=2.0), TypeError, "epochs"),
    ("numpy_ae.train", lambda: _train(batch_size=0), ValueError, "batch_size"),
    ("numpy_ae.train", lambda: _train(seed=-3), ValueError, "seed"),
    ("numpy_ae.train", lambda: _train(loss="mae"), ValueError, "loss"),
    ("numpy_ae.train", lambda: _train(x_val=np.full((2, 6), np.nan)), ValueError, "x_val"),
    ("numpy_ae.train", lambda: _train(x_val=np.zeros((0, 6))), ValueError, "x_val"),
    ("numpy_ae.train", lambda: _train(x_val=np.full((2, 6), 2.0), loss="bce"),
     ValueError, "x_val"),
    ("numpy_ae.train", lambda: _train(x=np.zeros((0, 6))), ValueError, "x"),
    ("numpy_ae.to_keras", lambda: numpy_ae.to_keras("not a model"), TypeError, "model"),
    # gradcheck
    ("gradcheck.numerical_gradient", lambda: gradcheck.numerical_gradient("loss", P.copy()),
     TypeError, "f"),
    ("gradcheck.numerical_gradient",
     lambda: gradcheck.numerical_gradient(lambda: 0.0, P.copy(), eps=0.0),
     ValueError, "eps"),
    ("gradcheck.numerical_gradient",
     lambda: gradcheck.numerical_gradient(lambda: 0.0, P.copy(), eps="1e-6"),
     TypeError, "eps"),
    ("gradcheck.numerical_gradient",
     lambda: gradcheck.numerical_gradient(lambda: 0.0, np.array([np.nan])),
     ValueError, "param"),
    ("gradcheck.numerical_gradient",
     lambda: gradcheck.numerical_gradient(lambda: 0.0, P.astype(np.float32)),
     TypeError, "param"),
    ("gradcheck.relative_error", lambda: gradcheck.relative_error(np.array([np.nan]), np.zeros(1)),
     ValueError, "a"),
    ("gradcheck.relative_error", lambda: gradcheck.relative_error(np.zeros(1), np.array(["x"])),
     TypeError, "b"),
    ("gradcheck.relative_error", lambda: gradcheck.relative_error(P, np.zeros(3)),
     ValueError, "a and b"),
    ("gradcheck.check_gradients",
     lambda: gradcheck.check_gradients(lambda: 0.0, [P], [np.full(2, np.inf)]),
     ValueError, "p0"),
    ("gradcheck.check_gradients",
     lambda: gradcheck.check_gradients(lambda: 0.0, [P], [np.zeros(3)]),
     ValueError, "p0"),
    ("gradcheck.check_gradients",
     lambda: gradcheck.check_gradients(lambda: 0.0, [P], [P], tol=-1.0),
     ValueError, "tol"),
    ("gradcheck.check_gradients", lambda: gradcheck.check_gradients(lambda: 0.0, P, [P]),
     TypeError, "params"),
    ("gradcheck.check_gradients",
     lambda: gradcheck.check_gradients(lambda: 0.0, [P], [P], names="W"),
     TypeError, "names"),
    # metrics
    ("metrics.per_image_sse", lambda: metrics.per_image_sse(IMG, IMG[:2]),
     ValueError, "x and x_hat"),
    ("metrics.per_image_sse", lambda: metrics.per_image_sse(IMG[0, 0], IMG[0, 0]),
     ValueError, "x"),
    ("metrics.per_image_mse", lambda: metrics.per_image_mse(IMG[:0], IMG[:0]), ValueError, "x"),
    ("metrics.per_image_mse", lambda: metrics.per_image_mse(IMG > 0.5, IMG), TypeError, "x"),
    ("metrics.per_image_mse", lambda: metrics.per_image_mse(IMG, IMG * np.nan),
     ValueError, "x_hat"),
    ("metrics.per_image_sse", lambda: metrics.per_image_sse(IMG * np.nan, IMG), ValueError, "x"),
    ("metrics.per_image_sse", lambda: metrics.per_image_sse(IMG[:0], IMG[:0]), ValueError, "x"),
    ("metrics.per_image_sse", lambda: metrics.per_image_sse(IMG > 0.5, IMG), TypeError, "x"),
    ("metrics.psnr", lambda: metrics.psnr(IMG, IMG * np.inf), ValueError, "x_hat"),
    ("metrics.psnr", lambda: metrics.psnr(IMG[:0], IMG[:0]), ValueError, "x"),
    ("metrics.psnr", lambda: metrics.psnr(IMG > 0.5, IMG), TypeError, "x"),
    ("metrics.ssim", lambda: metrics.ssim(IMG, np.where(IMG > 0.5, np.nan, IMG)),
     ValueError, "x_hat"),
    ("metrics.ssim", lambda: metrics.ssim(IMG * np.inf, IMG), ValueError, "x"),
    ("metrics.ssim", lambda: metrics.ssim(IMG[:0], IMG[:0]), ValueError, "x"),
    ("metrics.ssim", lambda: metrics.ssim(IMG > 0.5, IMG), TypeError, "x"),
    ("metrics.psnr", lambda: metrics.psnr(IMG, IMG, data_range=-1), ValueError, "data_range"),
    ("metrics.psnr", lambda: metrics.psnr(IMG, IMG, data_range="1"), TypeError, "data_range"),
    ("metrics.psnr", lambda: metrics.psnr(np.inf * IMG, IMG), ValueError, "x"),
    ("metrics.ssim", lambda: metrics.ssim(IMG, IMG, data_range=0), ValueError, "data_range"),
    ("metrics.ssim", lambda: metrics.ssim(IMG, IMG, data_range=float("nan")),
     ValueError, "data_range"),
    ("metrics.ssim", lambda: metrics.ssim(IMG, IMG, filter_size=29), ValueError, "filter_size"),
    ("metrics.ssim", lambda: metrics.ssim(IMG, IMG, filter_size=2.0), TypeError, "filter_size"),
    ("metrics.ssim", lambda: metrics.ssim(IMG, IMG, filter_sigma=0), ValueError, "filter_sigma"),
    ("metrics.ssim", lambda: metrics.ssim(IMG, IMG, filter_sigma=float("inf")),
     ValueError, "filter_sigma"),
    ("metrics.ssim", lambda: metrics.ssim(IMG, IMG, k1=-0.01), ValueError, "k1"),
    ("metrics.ssim", lambda: metrics.ssim(IMG, IMG, k2="0.03"), TypeError, "k2"),
    ("metrics.ssim", lambda: metrics.ssim(IMG.reshape(3, -1), IMG.reshape(3, -1)),
     ValueError, "x"),
    ("metrics.ssim", lambda: metrics.ssim(IMG, IMG[:2]), ValueError, "x and x_hat"),
    # baselines
    ("baselines.pca_reconstruct", lambda: baselines.pca_reconstruct(MAT, MAT, 0), ValueError, "k"),
    ("baselines.pca_reconstruct", lambda: baselines.pca_reconstruct(MAT, MAT, 7), ValueError, "k"),
    ("baselines.pca_reconstruct", lambda: baselines.pca_reconstruct(MAT, MAT, 2.0),
     TypeError, "k"),
    ("baselines.pca_reconstruct", lambda: baselines.pca_reconstruct(MAT, MAT, 2, seed=-1),
     ValueError, "seed"),
    ("baselines.pca_reconstruct", lambda: baselines.pca_reconstruct(MAT, MAT, 2, seed="0"),
     TypeError, "seed"),
    ("baselines.pca_reconstruct", lambda: baselines.pca_reconstruct(MAT, MAT[:, :3], 2),
     ValueError, "x"),
    ("baselines.pca_reconstruct", lambda: baselines.pca_reconstruct(MAT * np.nan, MAT, 2),
     ValueError, "x_train"),
    ("baselines.pca_reconstruct", lambda: baselines.pca_reconstruct(MAT, MAT * np.nan, 2),
     ValueError, "x"),
    ("baselines.pca_reconstruct", lambda: baselines.pca_reconstruct(MAT, MAT[:0], 2),
     ValueError, "x"),
    ("baselines.mean_reconstruct", lambda: baselines.mean_reconstruct(MAT, MAT[:0]),
     ValueError, "x"),
    ("baselines.mean_reconstruct", lambda: baselines.mean_reconstruct(MAT, MAT * np.nan),
     ValueError, "x"),
    ("baselines.mean_reconstruct", lambda: baselines.mean_reconstruct(MAT * np.inf, MAT),
     ValueError, "x_train"),
    ("baselines.mean_reconstruct", lambda: baselines.mean_reconstruct(MAT, MAT.ravel()),
     ValueError, "x"),
    ("baselines.gaussian_denoise", lambda: baselines.gaussian_denoise(IMG, -1.0),
     ValueError, "sigma"),
    ("baselines.gaussian_denoise", lambda: baselines.gaussian_denoise(IMG, float("inf")),
     ValueError, "sigma"),
    ("baselines.gaussian_denoise", lambda: baselines.gaussian_denoise(IMG, "1"),
     TypeError, "sigma"),
    ("baselines.gaussian_denoise", lambda: baselines.gaussian_denoise(IMG.reshape(3, -1), 1.0),
     ValueError, "x"),
    ("baselines.gaussian_denoise",
     lambda: baselines.gaussian_denoise(np.where(IMG > 0.5, np.nan, IMG), 1.0),
     ValueError, "x"),
    ("baselines.median_denoise", lambda: baselines.median_denoise(IMG, 0), ValueError, "size"),
    ("baselines.median_denoise", lambda: baselines.median_denoise(IMG, 3.0), TypeError, "size"),
    ("baselines.median_denoise", lambda: baselines.median_denoise(IMG.astype(np.uint8), 3),
     TypeError, "x"),
    ("baselines.median_denoise", lambda: baselines.median_denoise(IMG[:0], 3), ValueError, "x"),
    ("baselines.tune_denoiser", lambda: _tune(candidates=[]), ValueError, "candidates"),
    ("baselines.tune_denoiser", lambda: _tune(denoise="median"), TypeError, "denoise"),
    ("baselines.tune_denoiser", lambda: _tune(x_clean=IMG[:2]), ValueError, "x_clean"),
    ("baselines.tune_denoiser", lambda: _tune(candidates=[[3]]), TypeError, "candidates"),
    ("baselines.tune_denoiser", lambda: _tune(candidates=[3, 3]), ValueError, "candidates"),
    ("baselines.tune_denoiser", lambda: _tune(denoise=lambda a, c: a[:, :4]),
     ValueError, "denoise"),
    ("baselines.tune_denoiser", lambda: _tune(denoise=lambda a, c: a * 255), ValueError, "x_hat"),
    # compare
    ("compare.paired_bootstrap", lambda: compare.paired_bootstrap(P, np.zeros(3)),
     ValueError, "a and b"),
    ("compare.paired_bootstrap", lambda: compare.paired_bootstrap(P, P, confidence=1.0),
     ValueError, "confidence"),
    ("compare.paired_bootstrap", lambda: compare.paired_bootstrap(P, P, n_resamples=10),
     ValueError, "n_resamples"),
    ("compare.paired_bootstrap", lambda: compare.paired_bootstrap(P, P, random_state=-1),
     ValueError, "random_state"),
    ("compare.paired_bootstrap", lambda: compare.paired_bootstrap(np.array([np.nan, 0.0]), P),
     ValueError, "a"),
    ("compare.paired_metric_bootstrap",
     lambda: compare.paired_metric_bootstrap(LABELS, MAT[:, 0], MAT[:, 1], metric="f1"),
     ValueError, "metric"),
    ("compare.paired_metric_bootstrap",
     lambda: compare.paired_metric_bootstrap(LABELS, MAT[:, 0], MAT[:3, 1]),
     ValueError, "score_b"),
    ("compare.seed_difference", lambda: compare.seed_difference(P, P, paired="yes"),
     TypeError, "paired"),
    ("compare.seed_difference", lambda: compare.seed_difference(P[:1], P[:1]),
     ValueError, "a and b"),
    # noise
    ("noise.add_gaussian_noise", lambda: noise.add_gaussian_noise(IMG32, -0.1),
     ValueError, "sigma"),
    ("noise.add_gaussian_noise", lambda: noise.add_gaussian_noise(IMG32, float("inf")),
     ValueError, "sigma"),
    ("noise.add_gaussian_noise", lambda: noise.add_gaussian_noise(IMG32, "0.1"),
     TypeError, "sigma"),
    ("noise.add_gaussian_noise", lambda: noise.add_gaussian_noise(IMG32, np.array([0.1, 0.2])),
     ValueError, "sigma"),
    ("noise.add_gaussian_noise",
     lambda: noise.add_gaussian_noise(IMG32[:2], np.array([0.1, -0.2])),
     ValueError, "sigma"),
    ("noise.add_gaussian_noise", lambda: noise.add_gaussian_noise(IMG32, 0.1, seed=1.5),
     TypeError, "seed"),
    ("noise.add_gaussian_noise", lambda: noise.add_gaussian_noise(IMG32, 0.1, seed=-1),
     ValueError, "seed"),
    ("noise.add_gaussian_noise", lambda: noise.add_gaussian_noise(IMG32, 0.1, clip=(1.0, 0.0)),
     ValueError, "clip"),
    ("noise.add_gaussian_noise", lambda: noise.add_gaussian_noise(IMG32, 0.1, clip=1.0),
     TypeError, "clip"),
    ("noise.add_gaussian_noise",
     lambda: noise.add_gaussian_noise(IMG32, 0.1, clip=(0.0, float("nan"))),
     ValueError, "clip[1]"),
    ("noise.add_gaussian_noise", lambda: noise.add_gaussian_noise(IMG32, 0.1, clip=(0.0, "1")),
     TypeError, "clip[1]"),
    ("noise.add_gaussian_noise", lambda: noise.add_gaussian_noise(IMG32.astype(np.uint8), 0.1),
     TypeError, "x"),
    ("noise.add_gaussian_noise", lambda: noise.add_gaussian_noise(IMG32 * np.nan, 0.1),
     ValueError, "x"),
    ("noise.noisy_pairs", lambda: noise.noisy_pairs(IMG32, 0.1, batch_size=0),
     ValueError, "batch_size"),
    ("noise.noisy_pairs", lambda: noise.noisy_pairs(IMG32, 0.1, batch_size=2.0),
     TypeError, "batch_size"),
    ("noise.noisy_pairs", lambda: noise.noisy_pairs(IMG32, 0.1, seed=-1), ValueError, "seed"),
    ("noise.noisy_pairs", lambda: noise.noisy_pairs(np.zeros(5, np.float32), 0.1),
     ValueError, "x"),
    ("noise.noisy_pairs", lambda: noise.noisy_pairs(IMG32[:0], 0.1), ValueError, "x"),
    ("noise.noisy_pairs", lambda: noise.noisy_pairs(IMG32, (0.3, 0.1)), ValueError, "sigma"),
    ("noise.noisy_pairs", lambda: noise.noisy_pairs(IMG32, (0.1, 0.2, 0.3)), ValueError, "sigma"),
    ("noise.noisy_pairs", lambda: noise.noisy_pairs(IMG32, (-0.1, 0.2)), ValueError, "sigma[0]"),
    ("noise.noisy_pairs", lambda: noise.noisy_pairs(IMG32, ("a", 0.2)), TypeError, "sigma[0]"),
    ("noise.noisy_pairs", lambda: noise.noisy_pairs(IMG32 * np.nan, 0.1), ValueError, "x"),
    # models (Keras builders: the checks run before any layer is built)
    ("models.build_dense_autoencoder", lambda: _dense_ae(input_dim=0), ValueError, "input_dim"),
    ("models.build_dense_autoencoder", lambda: _dense_ae(input_dim="784"), TypeError, "input_dim"),
    ("models.build_dense_autoencoder", lambda: _dense_ae(latent_dim=2.0), TypeError, "latent_dim"),
    ("models.build_dense_autoencoder", lambda: _dense_ae(latent_dim=True),
     TypeError, "latent_dim"),
    ("models.build_dense_autoencoder", lambda: _dense_ae(hidden_units="64"),
     TypeError, "hidden_units"),
    ("models.build_dense_autoencoder", lambda: _dense_ae(hidden_units=[64, -1]),
     ValueError, "hidden_units[1]"),
    ("models.build_dense_autoencoder", lambda: _dense_ae(hidden_units=[8.5]),
     TypeError, "hidden_units[0]"),
    ("models.build_dense_autoencoder", lambda: _dense_ae(activation="no-such-act"),
     ValueError, "activation"),
    ("models.build_dense_autoencoder", lambda: _dense_ae(output_activation="nope"),
     ValueError, "output_activation"),
    ("models.build_dense_autoencoder", lambda: _dense_ae(name=""), TypeError, "name"),
    ("models.build_conv_autoencoder", lambda: _conv_ae((28, 28)), ValueError, "input_shape"),
    ("models.build_conv_autoencoder", lambda: _conv_ae("28x28"), TypeError, "input_shape"),
    ("models.build_conv_autoencoder", lambda: _conv_ae(latent_dim=0), ValueError, "latent_dim"),
    ("models.build_conv_autoencoder", lambda: _conv_ae(latent_dim=8.0), TypeError, "latent_dim"),
    ("models.build_conv_autoencoder", lambda: _conv_ae(filters=()), ValueError, "filters"),
    ("models.build_conv_autoencoder", lambda: _conv_ae(filters=32), TypeError, "filters"),
    ("models.build_conv_autoencoder", lambda: _conv_ae(filters=(8, -1)), ValueError, "filters[1]"),
    ("models.build_conv_autoencoder", lambda: _conv_ae(upsampling="deconv"),
     ValueError, "upsampling"),
    ("models.build_conv_autoencoder", lambda: _conv_ae(kernel_size=0), ValueError, "kernel_size"),
    ("models.build_conv_autoencoder", lambda: _conv_ae(kernel_size=3.0), TypeError, "kernel_size"),
    ("models.build_conv_autoencoder", lambda: _conv_ae(output_activation="nope"),
     ValueError, "output_activation"),
    ("models.build_conv_autoencoder", lambda: _conv_ae(name=5), TypeError, "name"),
    ("models.dense_from_numpy", lambda: models.dense_from_numpy([np.ones((2, 2))], []),
     ValueError, "weights"),
    ("models.dense_from_numpy",
     lambda: models.dense_from_numpy([np.ones((2, 2)), np.zeros(2)], ["tanh"]),
     ValueError, "activations[0]"),
    ("models.dense_from_numpy",
     lambda: models.dense_from_numpy([np.ones(2), np.zeros(2)], ["relu"]),
     ValueError, "weights[0]"),
    # data (checked before any file is looked for)
    ("data.fetch_file", lambda: data.fetch_file("no/such/file"), ValueError, "name"),
    ("data.fetch_file", lambda: _fetch(timeout=0), ValueError, "timeout"),
    ("data.fetch_file", lambda: _fetch(timeout="60"), TypeError, "timeout"),
    ("data.fetch_file", lambda: _fetch(download="no"), TypeError, "download"),
    ("data.load_fashion_mnist", lambda: _fashion(split="validation"), ValueError, "split"),
    ("data.load_fashion_mnist", lambda: _fashion(shape="square"), ValueError, "shape"),
    ("data.load_fashion_mnist", lambda: _fashion(n=0), ValueError, "n"),
    ("data.load_fashion_mnist", lambda: _fashion(n=2.5), TypeError, "n"),
    ("data.load_fashion_mnist", lambda: _fashion(n=5, seed=-1), ValueError, "seed"),
    ("data.load_fashion_mnist", lambda: _fashion(n=5, seed=0.5), TypeError, "seed"),
    ("data.load_ecg5000", lambda: _ecg(val_fraction=0.0), ValueError, "val_fraction"),
    ("data.load_ecg5000", lambda: _ecg(val_fraction=0.5, test_fraction=0.5),
     ValueError, "val_fraction"),
    ("data.load_ecg5000", lambda: _ecg(val_fraction="0.1"), TypeError, "val_fraction"),
    ("data.load_ecg5000", lambda: _ecg(test_fraction=float("nan")), ValueError, "test_fraction"),
    ("data.load_ecg5000", lambda: _ecg(seed=-2), ValueError, "seed"),
    ("data.load_digits", lambda: data.load_digits(dtype=np.int32), TypeError, "dtype"),
    ("data.load_digits", lambda: data.load_digits(shape="square"), ValueError, "shape"),
    ("data.load_tang_poems", lambda: data.load_tang_poems(test_fraction=0),
     ValueError, "test_fraction"),
    ("data.load_tang_poems", lambda: data.load_tang_poems(test_fraction=1.0),
     ValueError, "test_fraction"),
    ("data.load_tang_poems", lambda: data.load_tang_poems(test_fraction=True),
     TypeError, "test_fraction"),
    # tables
    ("tables.markdown_table", lambda: tables.markdown_table([], []), ValueError, "header"),
    ("tables.markdown_table", lambda: tables.markdown_table(["a", "b"], [[1]]),
     ValueError, "rows[0]"),
    ("tables.markdown_table", lambda: tables.markdown_table(["a"], [[1]], formats=[".2f", None]),
     ValueError, "formats"),
    ("tables.markdown_table", lambda: tables.markdown_table(["a"], [[1]], align="x"),
     ValueError, "align"),
    ("tables.markdown_table", lambda: tables.markdown_table(["a"], [["t"]], formats=[".2f"]),
     ValueError, "rows[0][0]"),
    ("tables.markdown_table", lambda: tables.markdown_table("ab", []), TypeError, "header"),
    ("tables.markdown_table", lambda: tables.markdown_table(["a", "b"], ["xy"]),
     TypeError, "rows[0]"),
    ("tables.markdown_table", lambda: tables.markdown_table(["a"], [[1]], formats=".2f"),
     TypeError, "formats"),
    ("tables.markdown_table", lambda: tables.markdown_table(["a"], [[1]], formats=[2]),
     TypeError, "formats[0]"),
    ("tables.markdown_table", lambda: tables.markdown_table(["a"], [[1]], align=["l"]),
     TypeError, "align"),
    ("tables.MarkdownTable", lambda: tables.MarkdownTable(["| a |"]), TypeError, "text"),
    # detection
    ("detection.select_threshold", lambda: detection.select_threshold([0.1, 0.2], [0, 2]),
     ValueError, "y_true"),
    ("detection.select_threshold", lambda: detection.select_threshold([0.1, 0.2], [1, 1]),
     ValueError, "y_true"),
    ("detection.select_threshold", lambda: detection.select_threshold([0.1, np.nan], [0, 1]),
     ValueError, "scores"),
    ("detection.select_threshold", lambda: detection.select_threshold([0.1, 0.2, 0.3], [0, 1]),
     ValueError, "scores"),
    ("detection.select_threshold",
     lambda: detection.select_threshold([0.1, 0.2], [0, 1], criterion="accuracy"),
     ValueError, "criterion"),
    ("detection.select_threshold",
     lambda: detection.select_threshold([0.1, 0.2], [0, 1], positive=2),
     ValueError, "positive"),
    ("detection.select_threshold",
     lambda: detection.select_threshold([0.1, 0.2], [0, 1], positive=1.0),
     TypeError, "positive"),
    ("detection.select_threshold", lambda: detection.select_threshold(["a", "b"], [0, 1]),
     TypeError, "scores"),
    ("detection.detector_metrics",
     lambda: detection.detector_metrics([0, 1], [0.1, 0.2], float("nan")),
     ValueError, "threshold"),
    ("detection.detector_metrics", lambda: detection.detector_metrics([0, 1], [0.1, 0.2], "0.15"),
     TypeError, "threshold"),
    ("detection.detector_metrics", lambda: detection.detector_metrics([0, 1, 1], [0.1, 0.2], 0.15),
     ValueError, "scores"),
    ("detection.metrics_tables", lambda: detection.metrics_tables({"x": {}}, digits=-1),
     ValueError, "digits"),
    ("detection.metrics_tables", lambda: detection.metrics_tables({}), ValueError, "results"),
    ("detection.metrics_tables", lambda: detection.metrics_tables({"x": {"f1": 1.0}}),
     ValueError, "results['x']"),
    ("detection.detector_metrics", lambda: detection.detector_metrics([0, 2], [0.1, 0.2], 0.15),
     ValueError, "y_true"),
    ("detection.detector_metrics", lambda: detection.detector_metrics([1, 1], [0.1, 0.2], 0.15),
     ValueError, "y_true"),
    ("detection.detector_metrics", lambda: detection.detector_metrics([0, 1], [0.1, np.nan], 0.15),
     ValueError, "scores"),
    # features
    ("features.encode", lambda: features.encode("not a model", MAT), TypeError, "encoder"),
    ("features.encode", lambda: features.encode(_Encoder(), np.zeros(5)), ValueError, "x"),
    ("features.encode", lambda: features.encode(_Encoder(), MAT[:0]), ValueError, "x"),
    ("features.encode", lambda: features.encode(_Encoder(), np.array([["a", "b"]])),
     TypeError, "x"),
    ("features.encode", lambda: features.encode(_Encoder(), MAT, batch_size=0),
     ValueError, "batch_size"),
    ("features.encode", lambda: features.encode(_Encoder(), MAT, batch_size=2.0),
     TypeError, "batch_size"),
    ("features.precision_at_k", lambda: _pk(k=11), ValueError, "k"),
    ("features.precision_at_k", lambda: _pk(z_base=MAT[:, :3]), ValueError, "z_base"),
    ("features.precision_at_k", lambda: _pk(y_base=LABELS[:2]), ValueError, "y_base"),
    ("features.precision_at_k", lambda: _pk(z_query=MAT * np.nan), ValueError, "z_query"),
    ("features.linear_probe", lambda: _probe(n_labels=1), ValueError, "n_labels"),
    ("features.linear_probe", lambda: _probe(n_labels=11), ValueError, "n_labels"),
    ("features.linear_probe", lambda: _probe(n_labels=4.0), TypeError, "n_labels"),
    ("features.linear_probe", lambda: _probe(z_test=MAT[:, :2]), ValueError, "z_test"),
    ("features.linear_probe", lambda: _probe(y_train=LABELS[:5]), ValueError, "y_train"),
    ("features.linear_probe", lambda: _probe(C=0.0), ValueError, "C"),
    ("features.linear_probe", lambda: _probe(C="1"), TypeError, "C"),
    ("features.linear_probe", lambda: _probe(z_train=MAT[:, 0]), ValueError, "z_train"),
    # compression
    ("compression.quantize", lambda: compression.quantize(np.zeros(3), 0.0), ValueError, "step"),
    ("compression.quantize", lambda: compression.quantize(np.zeros(3), "1"), TypeError, "step"),
    ("compression.quantize", lambda: compression.quantize(np.array([np.nan]), 1.0),
     ValueError, "z"),
    ("compression.dequantize", lambda: compression.dequantize(np.zeros(3), 1.0),
     TypeError, "symbols"),
    ("compression.fit_symbol_model", lambda: _fit(smoothing="1"), TypeError, "smoothing"),
    ("compression.fit_symbol_model", lambda: _fit(low=0.5, high=2), TypeError, "low"),
    ("compression.fit_symbol_model", lambda: _fit(margin=-1), ValueError, "margin"),
    ("compression.fit_symbol_model", lambda: _fit(symbols=np.zeros((0, 2), np.int32)),
     ValueError, "symbols"),
    ("compression.fit_symbol_model", lambda: _fit(low=1, high=2), ValueError, "symbols"),
    ("compression.code_length_bits",
     lambda: compression.code_length_bits(np.zeros((2, 3), np.int32), _symbol_model()),
     ValueError, "symbols"),
    ("compression.empirical_entropy_bits", lambda: compression.empirical_entropy_bits(np.zeros(3)),
     TypeError, "symbols"),
    ("compression.encode", lambda: compression.encode(np.zeros((2, 1), np.int32), _symbol_model()),
     ValueError, "symbols"),
    ("compression.encode", lambda: compression.encode(np.zeros((2, 2)), _symbol_model()),
     TypeError, "symbols"),
    ("compression.decode", lambda: compression.decode(b"abc", _symbol_model(), 1),
     ValueError, "data"),
    ("compression.decode", lambda: compression.decode(b"", _symbol_model(), 1.0),
     TypeError, "n_rows"),
    ("compression.encode_rows", lambda: compression.encode_rows(np.zeros((2, 2)), _symbol_model()),
     TypeError, "symbols"),
    ("compression.decode_rows", lambda: compression.decode_rows(b"ab", _symbol_model()),
     TypeError, "streams[0]"),
    ("compression.to_uint8", lambda: compression.to_uint8(IMG * 2), ValueError, "images"),
    ("compression.codec_roundtrip", lambda: compression.codec_roundtrip(IMG, "gif"),
     ValueError, "codec"),
    ("compression.codec_roundtrip", lambda: compression.codec_roundtrip(IMG, "jpeg"),
     ValueError, "quality"),
    ("compression.codec_roundtrip", lambda: compression.codec_roundtrip(IMG, "jpeg", quality=50.0),
     TypeError, "quality"),
    ("compression.codec_roundtrip", lambda: compression.codec_roundtrip(IMG, "webp", quality=101),
     ValueError, "quality"),
    ("compression.codec_roundtrip", lambda: compression.codec_roundtrip(IMG, "png", quality=50),
     ValueError, "quality"),
    ("compression.codec_roundtrip", lambda: compression.codec_roundtrip(IMG * 2, "png"),
     ValueError, "images"),
    ("compression.codec_roundtrip", lambda: compression.codec_roundtrip(IMG.reshape(3, -1), "png"),
     ValueError, "images"),
    ("compression.tiled_codec_roundtrip",
     lambda: compression.tiled_codec_roundtrip(IMG, "png", columns=1.5),
     TypeError, "columns"),
    ("compression.codec_roundtrip",
     lambda: compression.codec_roundtrip(IMG, "webp", quality=100.5), ValueError, "quality"),
    ("compression.quantizer_sweep", lambda: _qsweep(steps=[0.5, 0.0]), ValueError, "steps[1]"),
    ("compression.quantizer_sweep", lambda: _qsweep(steps=0.5), TypeError, "steps"),
    ("compression.quantizer_sweep", lambda: _qsweep(codes_test=MAT[:, :4]), ValueError,
     "codes_test"),
    ("compression.quantizer_sweep", lambda: _qsweep(images=MAT[:4]), ValueError, "images"),
    ("compression.quantizer_sweep", lambda: _qsweep(decode="pca"), TypeError, "decode"),
    ("compression.quantizer_sweep", lambda: _qsweep(decode=lambda z: z[:2]), ValueError,
     "decode"),
    ("compression.codec_sweep", lambda: compression.codec_sweep(IMG, "jpeg"), ValueError,
     "qualities"),
    ("compression.codec_sweep", lambda: compression.codec_sweep(IMG, "jpeg", [10, 2.5]),
     TypeError, "qualities[1]"),
    ("compression.codec_sweep", lambda: compression.codec_sweep(IMG, "png", [10]), ValueError,
     "qualities"),
    ("compression.codec_sweep", lambda: compression.codec_sweep(IMG, "png", files=1),
     TypeError, "files"),
    ("compression.psnr_at_rate", lambda: compression.psnr_at_rate([], 1.0), ValueError, "points"),
    ("compression.psnr_at_rate", lambda: compression.psnr_at_rate([(1.0, P)], 1.0), TypeError,
     "points[0]"),
    ("compression.psnr_at_rate", lambda: compression.psnr_at_rate(_rate_points(), -1.0),
     ValueError, "bits"),
    ("compression.psnr_at_rate",
     lambda: compression.psnr_at_rate(_rate_points(), 1.0, rate="bytes"), ValueError, "rate"),
    ("compression.psnr_at_rate",
     lambda: compression.psnr_at_rate(_rate_points() + [compression.RatePoint(0, 2.0, P[:1])],
                                      1.0),
     ValueError, "points"),
    # plotting
    ("plotting.plot_image_rows", lambda: plotting.plot_image_rows([], []), ValueError, "rows"),
    ("plotting.plot_image_rows", lambda: _rows(titles=["t"]), ValueError, "titles"),
    ("plotting.plot_image_rows", lambda: _rows(vmin=1.0, vmax=0.0), ValueError, "vmin"),
    ("plotting.plot_image_rows", lambda: _rows(rows=[np.where(MAT > 0.5, np.nan, MAT)]),
     ValueError, "rows[0]"),
    ("plotting.plot_image_rows", lambda: _rows(rows=[MAT[:0]]), ValueError, "rows[0]"),
    ("plotting.plot_image_rows", lambda: _rows(image_shape=(4, 0)), ValueError, "image_shape[1]"),
    ("plotting.plot_image_rows", lambda: _rows(rows=[np.zeros((3, 10))]),
     ValueError, "image_shape"),
    ("plotting.plot_image_rows", lambda: _rows(labels="a"), TypeError, "labels"),
    ("plotting.plot_reconstructions",
     lambda: plotting.plot_reconstructions(np.zeros((4, 784)), np.zeros((4, 783))),
     ValueError, "originals and reconstructions"),
    ("plotting.plot_reconstructions",
     lambda: plotting.plot_reconstructions(MAT, MAT, labels=("a",)),
     ValueError, "labels"),
    ("plotting.plot_history", lambda: plotting.plot_history({"accuracy": [0.5]}),
     ValueError, "keys"),
    ("plotting.plot_history", lambda: plotting.plot_history([1.0, 2.0]), TypeError, "history"),
    ("plotting.plot_history", lambda: plotting.plot_history({"loss": []}),
     ValueError, "history['loss']"),
    ("plotting.plot_history", lambda: plotting.plot_history({"loss": ["a"]}),
     TypeError, "history['loss']"),
    # reproducibility and notebook
    ("reproducibility.set_seed", lambda: reproducibility.set_seed(-1, tensorflow=False),
     ValueError, "seed"),
    ("reproducibility.set_seed", lambda: reproducibility.set_seed(2**32, tensorflow=False),
     ValueError, "seed"),
    ("reproducibility.set_seed", lambda: reproducibility.set_seed(1.5, tensorflow=False),
     TypeError, "seed"),
    ("reproducibility.set_seed", lambda: reproducibility.set_seed(True, tensorflow=False),
     TypeError, "seed"),
    ("reproducibility.set_seed", lambda: reproducibility.set_seed(0, tensorflow="no"),
     TypeError, "tensorflow"),
    ("notebook.setup", lambda: notebook.setup(-1, tensorflow=False), ValueError, "seed"),
    # text
    ("text.Vocabulary", lambda: text.Vocabulary(["a", "a"]), ValueError, "chars"),
    ("text.Vocabulary", lambda: text.Vocabulary(["ab"]), ValueError, "chars"),
    ("text.Vocabulary.from_texts", lambda: text.Vocabulary.from_texts("床前明月光"),
     TypeError, "texts"),
    ("text.Vocabulary.from_texts", lambda: text.Vocabulary.from_texts(["a", 3]),
     TypeError, "texts"),
    ("text.Vocabulary.from_texts", lambda: text.Vocabulary.from_texts(["a"], min_count=0),
     ValueError, "min_count"),
    ("text.Vocabulary.decode", lambda: text.Vocabulary(["a"]).decode([99]), ValueError, "ids"),
    ("text.pad_sequences", lambda: text.pad_sequences([[1, 2, 3]], length=2),
     ValueError, "length"),
    ("text.pad_sequences", lambda: text.pad_sequences([]), ValueError, "sequences"),
    ("text.pad_sequences", lambda: text.pad_sequences(5), TypeError, "sequences"),
    ("text.make_seq2seq_batch", lambda: text.make_seq2seq_batch(["a"], ["a"]), TypeError, "vocab"),
    ("text.make_seq2seq_batch",
     lambda: text.make_seq2seq_batch(text.Vocabulary(["a"]), ["aaa"], length=2),
     ValueError, "length"),
    ("text.token_accuracy", lambda: text.token_accuracy(P, np.zeros(3), P),
     ValueError, "target, predicted and mask"),
    ("text.token_accuracy", lambda: text.token_accuracy(P, P, P), ValueError, "mask"),
    ("text.build_sequence_autoencoder", lambda: text.build_sequence_autoencoder(4),
     ValueError, "vocab_size"),
    ("text.build_sequence_autoencoder", lambda: text.build_sequence_autoencoder(10, code_dim=2.5),
     TypeError, "code_dim"),
    ("text.build_sequence_autoencoder",
     lambda: text.build_sequence_autoencoder(10, token_dropout=1.0),
     ValueError, "token_dropout"),
    ("text.build_sequence_autoencoder",
     lambda: text.build_sequence_autoencoder(10, token_dropout="0.1"),
     TypeError, "token_dropout"),
    ("text.teacher_forced_logits", lambda: text.teacher_forced_logits(None, None, batch_size=0),
     ValueError, "batch_size"),
    ("text.greedy_decode", lambda: text.greedy_decode(None, None, max_len=0),
     ValueError, "max_len"),
    ("text_layers.TokenDropout", lambda: text_layers.TokenDropout(1.5), ValueError, "rate"),
    ("text_layers.TiedEmbedding", lambda: text_layers.TiedEmbedding(0, 3),
     ValueError, "vocab_size"),
    # regularizers and vae
    ("regularizers.KLSparsity", lambda: regularizers.KLSparsity(rho=0.0), ValueError, "rho"),
    ("regularizers.KLSparsity", lambda: regularizers.KLSparsity(rho=1.0), ValueError, "rho"),
    ("regularizers.KLSparsity", lambda: regularizers.KLSparsity(rho="0.1"), TypeError, "rho"),
    ("regularizers.KLSparsity", lambda: regularizers.KLSparsity(beta=-1.0), ValueError, "beta"),
    ("regularizers.KLSparsity", lambda: regularizers.KLSparsity(beta=float("nan")),
     ValueError, "beta"),
    ("regularizers.kl_sparsity", lambda: regularizers.kl_sparsity(np.zeros((2, 2)), 1.5),
     ValueError, "rho"),
    ("regularizers.ContractiveDense", lambda: regularizers.ContractiveDense(0),
     ValueError, "units"),
    ("regularizers.ContractiveDense", lambda: regularizers.ContractiveDense(2.5),
     TypeError, "units"),
    ("regularizers.ContractiveDense", lambda: regularizers.ContractiveDense(4, lam=-0.1),
     ValueError, "lam"),
    ("regularizers.contractive_norms",
     lambda: regularizers.contractive_norms(np.zeros((2, 3)), np.zeros((4, 2)), np.zeros(2)),
     ValueError, "W"),
    ("regularizers.contractive_norms",
     lambda: regularizers.contractive_norms(np.full((1, 2), np.nan), np.eye(2), np.zeros(2)),
     ValueError, "x"),
    ("vae.kl_divergence_normal",
     lambda: vae.kl_divergence_normal(np.zeros((2, 3)), np.zeros((2, 2))),
     ValueError, "mean and log_var"),
    ("vae.kl_divergence_normal", lambda: vae.kl_divergence_normal(np.zeros(3), np.zeros(3)),
     ValueError, "mean and log_var"),
    ("vae.binarize", lambda: vae.binarize(np.array([0.5, 1.5])), ValueError, "x"),
    ("vae.build_dense_vae", lambda: vae.build_dense_vae(10, 0), ValueError, "latent_dim"),
    ("vae.build_dense_vae", lambda: vae.build_dense_vae(10, 2, hidden_units=8),
     TypeError, "hidden_units"),
    ("vae.VAE", lambda: _vae(beta=-1.0), ValueError, "beta"),
    ("vae.VAE", lambda: _vae(beta="1"), TypeError, "beta"),
    ("vae.VAE", lambda: vae.VAE(lambda x: x, None), TypeError, "encoder"),
    ("vae.iwae_bound", lambda: vae.iwae_bound(object(), MAT, 2), TypeError, "model"),
    ("vae.iwae_bound", lambda: vae.iwae_bound(_toy(), MAT[:, :3], 0), ValueError, "k"),
    ("vae.iwae_bound", lambda: vae.iwae_bound(_toy(), MAT[:, :3], 2.5), TypeError, "k"),
    ("vae.iwae_bound", lambda: vae.iwae_bound(_toy(), MAT[:, :3], 2, batch_size=0),
     ValueError, "batch_size"),
    ("vae.iwae_bound", lambda: vae.iwae_bound(_toy(), MAT[0, :3], 2), ValueError, "x"),
    ("vae.LinearGaussianToy", lambda: vae.LinearGaussianToy(np.zeros((3, 2)), np.zeros(2), 1.0),
     ValueError, "W"),
    ("vae.LinearGaussianToy", lambda: vae.LinearGaussianToy(np.zeros((3, 2)), np.zeros(3), 0.0),
     ValueError, "noise_std"),
    ("vae.LinearGaussianToy",
     lambda: vae.LinearGaussianToy(np.zeros((3, 2)), np.zeros(3), 1.0, std_scale=-1.0),
     ValueError, "std_scale"),
    # sae_metrics and sparse_ae (第8章 8.4-8.5)
    ("sae_metrics.make_superposition_data",
     lambda: sae_metrics.make_superposition_data(10, p=0.0), ValueError, "p"),
    ("sae_metrics.max_cosine_similarity",
     lambda: sae_metrics.max_cosine_similarity(np.eye(2), np.eye(3)), ValueError,
     "true_dirs and learned_dirs"),
    ("sae_metrics.mmcs", lambda: sae_metrics.mmcs(np.ones(2), np.eye(2)), ValueError,
     "true_dirs"),
    ("sae_metrics.recovery_fraction",
     lambda: sae_metrics.recovery_fraction(np.eye(2), np.eye(2), threshold=2.0),
     ValueError, "threshold"),
    ("sae_metrics.l0_per_example", lambda: sae_metrics.l0_per_example(np.ones(3)),
     ValueError, "codes"),
    ("sae_metrics.dead_latents", lambda: sae_metrics.dead_latents(np.ones((2, 2)), tol=-1.0),
     ValueError, "tol"),
    ("sae_metrics.fraction_of_variance_unexplained",
     lambda: sae_metrics.fraction_of_variance_unexplained(np.ones((3, 2)), np.ones((3, 3))),
     ValueError, "x and x_hat"),
    ("sae_metrics.top_activation_purity",
     lambda: sae_metrics.top_activation_purity(np.ones((3, 2)), np.array([0, 1, 1]), k=4),
     ValueError, "k"),
    ("sparse_ae.TopK", lambda: sparse_ae.TopK(0), ValueError, "k"),
    ("sparse_ae.L1Penalty", lambda: sparse_ae.L1Penalty(-1.0), ValueError, "l1"),
    ("sparse_ae.build_sparse_autoencoder",
     lambda: sparse_ae.build_sparse_autoencoder(4, 8, kind="gated"), ValueError, "kind"),
    ("sparse_ae.fit_sparse_autoencoder",
     lambda: sparse_ae.fit_sparse_autoencoder(object(), MAT), TypeError, "parts"),
    ("sparse_ae.encode", lambda: sparse_ae.encode(object(), MAT), TypeError, "parts"),
    ("sparse_ae.decoder_directions", lambda: sparse_ae.decoder_directions(None), TypeError,
     "parts"),
]

# 第8章 8.6节: the privacy module, and compare.metric_bootstrap.
BAD += [
    ("compare.metric_bootstrap", lambda: compare.metric_bootstrap([0, 1], [0.1, 0.2, 0.3]),
     ValueError, "score"),
    ("compare.metric_bootstrap",
     lambda: compare.metric_bootstrap([0, 1], [0.1, 0.2], reference="0.5"), TypeError,
     "reference"),
    ("privacy.membership_scores",
     lambda: privacy.membership_scores(np.zeros((2, 3)), np.zeros((2, 4))), ValueError, "x"),
    ("privacy.roc_auc", lambda: privacy.roc_auc([0, 2], [0.1, 0.2]), ValueError, "is_member"),
    ("privacy.tpr_at_fpr", lambda: privacy.tpr_at_fpr([0, 1], [0.1, 0.2], fpr=0.0),
     ValueError, "fpr"),
    ("privacy.dense_layers", lambda: privacy.dense_layers("ae"), TypeError, "model"),
    ("privacy.per_example_gradients",
     lambda: privacy.per_example_gradients(None, MAT, method="pfor"), ValueError, "method"),
    ("privacy.clip_gradients", lambda: privacy.clip_gradients([np.ones((2, 3))], 0.0),
     ValueError, "l2_norm_clip"),
    ("privacy.dp_sgd_gradient",
     lambda: privacy.dp_sgd_gradient(None, MAT, l2_norm_clip=1.0, noise_multiplier=1.0,
                                     expected_batch_size=0.0),
     ValueError, "expected_batch_size"),
    ("privacy.poisson_batches", lambda: next(privacy.poisson_batches(10, 1.5, 3)), ValueError,
     "sampling_rate"),
    ("privacy.dp_sgd_train",
     lambda: privacy.dp_sgd_train(None, MAT, None, sampling_rate=0.5, noise_multiplier=-1.0,
                                  steps=1, l2_norm_clip=1.0),
     ValueError, "noise_multiplier"),
    ("privacy.epsilon", lambda: privacy.epsilon(1.0, 0.1, 10, 1.0), ValueError, "delta"),
]

# 第8章 8.7节: the learned codec.
BAD += [
    ("learned_codec.GDN", lambda: learned_codec.GDN(inverse="yes"), TypeError, "inverse"),
    ("learned_codec.scale_indices", lambda: learned_codec.scale_indices("1.0"), TypeError,
     "scales"),
    ("learned_codec.scale_indices", lambda: learned_codec.scale_indices([0.5, np.nan]),
     ValueError, "scales"),
    ("learned_codec.gaussian_pmf_table", lambda: learned_codec.gaussian_pmf_table(0),
     ValueError, "radius"),
    ("learned_codec.HyperpriorCodec", lambda: learned_codec.HyperpriorCodec(lam=0), ValueError,
     "lam"),
    ("learned_codec.HyperpriorCodec", lambda: learned_codec.HyperpriorCodec(1.0, filters=0),
     ValueError, "filters"),
    ("learned_codec.HyperpriorCodec",
     lambda: learned_codec.HyperpriorCodec(1.0, latent_channels=2.0), TypeError,
     "latent_channels"),
    ("learned_codec.HyperpriorCodec",
     lambda: learned_codec.HyperpriorCodec(1.0, nonlinearity="tanh"), ValueError,
     "nonlinearity"),
    ("learned_codec.HyperpriorCodec",
     lambda: learned_codec.HyperpriorCodec(1.0, decoder_rounding=1), TypeError,
     "decoder_rounding"),
    ("learned_codec.HyperpriorCodec.compress", lambda: _codec().compress(np.zeros((2, 28, 28, 3))),
     ValueError, "images"),
    ("learned_codec.HyperpriorCodec.compress", lambda: _codec().compress(np.zeros((28, 28))),
     ValueError, "images"),
    ("learned_codec.HyperpriorCodec.compress",
     lambda: _codec().compress(np.full((1, 28, 28), 2.0)), ValueError, "images"),
    ("learned_codec.HyperpriorCodec.compress",
     lambda: _codec().compress(np.full((1, 28, 28), np.nan)), ValueError, "images"),
    ("learned_codec.HyperpriorCodec.decompress", lambda: _codec().decompress("abcd", 1),
     TypeError, "data"),
    ("learned_codec.HyperpriorCodec.decompress", lambda: _codec().decompress(b"abc", 1),
     ValueError, "data"),
    ("learned_codec.HyperpriorCodec.decompress", lambda: _codec().decompress(b"", -1),
     ValueError, "n_images"),
]


@functools.cache
def _codec():
    """One tiny learned codec, built on first use, for the rows that call its methods."""
    codec = learned_codec.HyperpriorCodec(1.0, filters=4, latent_channels=2, hyper_channels=2)
    codec.build()
    return codec


def _sgd():
    return numpy_ae.SGD(0.1)


def _train(**kwargs):
    args = {"x": np.full((4, 6), 0.5), "optimizer": _sgd(), "epochs": 1} | kwargs
    return numpy_ae.train(_ae(), args.pop("x"), **args)


def _tune(**kwargs):
    args = {
        "denoise": baselines.median_denoise,
        "x_noisy": IMG,
        "x_clean": IMG,
        "candidates": [3],
    } | kwargs
    return baselines.tune_denoiser(**args)


def _dense_ae(**kwargs):
    return models.build_dense_autoencoder(**({"input_dim": 10, "latent_dim": 2} | kwargs))


def _conv_ae(input_shape=(28, 28, 1), latent_dim=8, **kwargs):
    return models.build_conv_autoencoder(input_shape, latent_dim, **kwargs)


def _fetch(**kwargs):
    return data.fetch_file("fashion-mnist/t10k-labels-idx1-ubyte.gz", **kwargs)


def _fashion(**kwargs):
    return data.load_fashion_mnist(**({"mirror": "/nonexistent"} | kwargs))


def _ecg(**kwargs):
    return data.load_ecg5000(**({"mirror": "/nonexistent"} | kwargs))


def _pk(**kwargs):
    args = {"z_query": MAT, "y_query": LABELS, "z_base": MAT, "y_base": LABELS, "k": 1} | kwargs
    return features.precision_at_k(**args)


def _probe(**kwargs):
    args = {
        "z_train": MAT,
        "y_train": LABELS,
        "z_test": MAT,
        "y_test": LABELS,
        "n_labels": 4,
    } | kwargs
    return features.linear_probe(**args)


SYMBOLS = np.array([[0, 1], [1, 0]], dtype=np.int32)


def _fit(symbols=SYMBOLS, **kwargs):
    return compression.fit_symbol_model(symbols, **kwargs)


def _qsweep(**kwargs):
    args = {"codes_train": MAT, "codes_test": MAT, "images": MAT, "steps": [0.5],
            "decode": lambda z: np.clip(z, 0, 1)} | kwargs
    return compression.quantizer_sweep(**args)


def _rate_points():
    return [compression.RatePoint(1, 10.0, P)]


def _rows(rows=None, labels=("a",), **kwargs):
    return plotting.plot_image_rows(rows if rows is not None else [MAT[:3, :4]], labels, **kwargs)


def _vae(**kwargs):
    encoder, decoder = vae.build_dense_vae(4, 2, hidden_units=[3])
    return vae.VAE(encoder, decoder, **kwargs)


def _toy():
    return vae.LinearGaussianToy(np.ones((3, 2)), np.zeros(3), 1.0)


def _names_argument(message: str, arg: str) -> bool:
    return re.search(rf"(?<![\w\[]){re.escape(arg)}(?![\w\[])", message) is not None


@pytest.mark.parametrize(
    "name, call, error, arg",
    [pytest.param(*row, id=f"{row[0]}-{row[3]}-{i}") for i, row in enumerate(BAD)],
)
def test_every_public_function_names_its_bad_argument(name, call, error, arg):
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error, f"{name}: {type(info.value).__name__}: {info.value}"
    assert _names_argument(str(info.value), arg), f"{name}: {arg!r} not named in {info.value}"


#: Public names with nothing to validate (no argument, records, exceptions, or Keras
#: layers whose inputs are tensors), each with the reason.
NOTHING_TO_VALIDATE = {
    "data.cache_dir": "no argument",
    "data.read_idx": "a path; a bad file is reported by name (tests/test_data.py)",
    "data.read_ecg_csv": "a path; a bad file is reported by file and line (tests/test_data.py)",
    "plotting.use_chinese_font": "no argument",
    "reproducibility.quiet_tensorflow": "no argument",
    "text.masked_token_loss": "tensors inside Keras training: Keras checks them",
    "vae.log_mean_exp": "a NumPy reduction: NaN in, NaN out, as numpy.mean",
    "vae.Sampling": "a Keras layer: its inputs are tensors",
    "noise.NoisyPairs": "built by noisy_pairs, which checks the arguments",
    "text_layers.ConcatCode": "no argument of its own",
    "text_layers.NotPadding": "no argument of its own",
    "sparse_ae.sum_squared_error": "tensors inside Keras training: Keras checks them",
    "learned_codec.FactorizedPrior": "no argument of its own",
    "learned_codec.gaussian_likelihood": "tensors inside Keras training: Keras checks them",
}


def test_the_table_covers_every_public_function():
    import inspect

    covered = {row[0].split(".")[0] + "." + row[0].split(".")[1] for row in BAD}
    missing = []
    for module_name in sorted(
        p.stem for p in (ROOT / "autoencoder_lib").glob("*.py") if not p.stem.startswith("_")
    ):
        module = importlib.import_module(f"autoencoder_lib.{module_name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            records = (BaseException, tuple)
            if inspect.isclass(obj) and (issubclass(obj, records) or _is_dataclass(obj)):
                continue  # exceptions, named tuples and dataclasses: records, nothing to check
            if not callable(obj) or f"{module_name}.{name}" in NOTHING_TO_VALIDATE:
                continue
            if f"{module_name}.{name}" not in covered:
                missing.append(f"{module_name}.{name}")
    assert not missing, f"public functions without a row in BAD: {missing}"


def _is_dataclass(cls) -> bool:
    import dataclasses

    return dataclasses.is_dataclass(cls)
