"""autoencoder_lib._validation: the shared argument checks, and what the NumPy core may import."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autoencoder_lib import _validation as v

ROOT = Path(__file__).resolve().parent.parent


# --- the from-scratch core depends on NumPy and _validation only -----------------


@pytest.mark.parametrize("module", ["autoencoder_lib.numpy_ae", "autoencoder_lib.gradcheck"])
def test_importing_the_numpy_core_does_not_import_tensorflow_or_keras(module):
    code = (
        "import sys, importlib\n"
        f"importlib.import_module({module!r})\n"
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("filename", ["numpy_ae.py", "gradcheck.py"])
def test_the_numpy_core_imports_only_numpy_the_standard_library_and_validation(filename):
    tree = ast.parse((ROOT / "autoencoder_lib" / filename).read_text(encoding="utf-8"))
    allowed_top = {"__future__", "collections", "typing", "numpy", "keras"}  # keras: lazily, in to_keras only
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: only the shared checks
                assert node.module == "_validation" or [a.name for a in node.names] == ["_validation"], (
                    f"{filename} imports .{node.module}"
                )
                continue
            names = [node.module.split(".")[0]]
        else:
            continue
        assert set(names) <= allowed_top, f"{filename} imports {names}"
        if "keras" in names:
            assert filename == "numpy_ae.py" and node.col_offset > 0, "keras only inside a function"


@pytest.mark.parametrize("filename", sorted(p.name for p in (ROOT / "autoencoder_lib").glob("*.py")
                                            if p.name not in ("__init__.py", "_validation.py", "notebook.py")))
def test_every_module_uses_the_shared_checks(filename):
    text = (ROOT / "autoencoder_lib" / filename).read_text(encoding="utf-8")
    assert "from . import _validation as _v" in text


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
        (1.0, {"low": 0.0, "high": 1.0, "high_open": True}, ValueError, r"lr must be in \[0, 1\), got 1.0"),
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
        (np.array(["a"]), {}, TypeError, r"x must be a numeric \(integer or floating-point\) array, got dtype <U1"),
        (np.array([True]), {}, TypeError, "got dtype bool"),
        (np.array([1, 2]), {"kinds": "f"}, TypeError, "x must be a floating-point array, got dtype int64"),
        (np.zeros(3), {"ndim": 2}, ValueError, r"x must be a 2-D array, got shape \(3,\)"),
        (np.zeros(3), {"ndim": 2, "shape_text": "(N, D)"}, ValueError, r"x must have shape \(N, D\), got \(3,\)"),
        (np.zeros((0, 3)), {}, ValueError, r"x is empty \(shape \(0, 3\)\)"),
        (np.array([0.0, np.nan, np.inf]), {}, ValueError, r"x contains NaN or infinite values \(1 NaN, 1 inf of 3\)"),
        ([[1.0], [1.0, 2.0]], {}, TypeError, "x must be a numeric"),
    ],
)
def test_as_array_rejects_wrong_dtype_dimension_empty_and_non_finite(value, kwargs, error, match):
    with pytest.raises(error, match=match):
        v.as_array(value, "x", **kwargs)


def test_check_same_kind_rejects_integer_next_to_float_and_suggests_scaling():
    with pytest.raises(TypeError, match=r"x is an integer array \(uint8\) but x_hat is floating point.*/ 255"):
        v.check_same_kind(np.zeros(2, np.uint8), np.zeros(2, np.float32), "x", "x_hat")
    v.check_same_kind(np.zeros(2, np.uint8), np.zeros(2, np.int64), "x", "x_hat")  # both integer: fine


def test_check_in_range_reports_the_range_found_and_the_hint():
    with pytest.raises(ValueError, match=r"x must lie in \[0, 1\], got values in \[0, 255\]; pass data_range=255"):
        v.check_in_range(np.array([0.0, 255.0]), "x", 0.0, 1.0, hint="; pass data_range=255")
    v.check_in_range(np.array([1.0 + 1e-7]), "x", 0.0, 1.0, slack=1e-6)  # rounding tolerated
