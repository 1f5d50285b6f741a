"""Tests of autoencoder_lib.compression: quantiser, symbol model, range coding, Pillow codecs."""

from __future__ import annotations

import numpy as np
import pytest

from autoencoder_lib import compression as C


def _iid_source(n=4000, k=3, seed=0):
    """Symbols of k independent dimensions, each with its own skewed distribution on -3 … 3."""
    rng = np.random.default_rng(seed)
    values = np.arange(-3, 4)
    probs = rng.dirichlet(np.full(values.size, 0.7), size=k)
    symbols = np.stack([rng.choice(values, size=n, p=p) for p in probs], axis=1).astype(np.int32)
    return symbols, C.SymbolModel(low=-3, probabilities=probs)


def test_quantiser_error_is_at_most_half_a_step():
    z = np.random.default_rng(1).normal(scale=3.0, size=(500, 8))
    for step in (0.01, 0.3, 2.5):
        q = C.quantize(z, step)
        assert q.dtype == np.int32
        assert np.max(np.abs(C.dequantize(q, step) - z)) <= step / 2 + 1e-6


def test_dequantize_of_floats_says_to_quantize_first():
    with pytest.raises(
        TypeError, match="symbols must be an integer array, got dtype float64; .* quantize"
    ):
        C.dequantize(np.zeros(3), 1.0)


def test_fitted_model_is_laplace_smoothed_counts():
    train = np.array([[0, 1], [0, 1], [1, 1]], dtype=np.int32)
    model = C.fit_symbol_model(train, low=0, high=2, smoothing=1.0)
    assert model.low == 0 and model.high == 2 and model.dims == 2
    np.testing.assert_allclose(model.probabilities[0], [3 / 6, 2 / 6, 1 / 6])
    np.testing.assert_allclose(model.probabilities[1], [1 / 6, 4 / 6, 1 / 6])
    default = C.fit_symbol_model(train, margin=1)
    assert (default.low, default.high) == (-1, 2)


def test_decode_of_encode_gives_back_the_symbols():
    symbols, model = _iid_source()
    data = C.encode(symbols, model)
    assert isinstance(data, bytes) and len(data) % 4 == 0
    np.testing.assert_array_equal(C.decode(data, model, len(symbols)), symbols)
    streams = C.encode_rows(symbols[:200], model)
    assert len(streams) == 200
    np.testing.assert_array_equal(C.decode_rows(streams, model), symbols[:200])


def test_coded_size_is_within_a_few_bytes_of_the_ideal_code_length():
    symbols, model = _iid_source()
    ideal_bytes = C.code_length_bits(symbols, model).sum() / 8
    real_bytes = len(C.encode(symbols, model))
    assert ideal_bytes > 1000  # a real test: thousands of bytes, not a handful
    assert ideal_bytes - 1 <= real_bytes <= ideal_bytes + 12, (real_bytes, ideal_bytes)


def test_ideal_code_length_of_a_model_fitted_on_the_same_source_approaches_its_entropy():
    symbols, true_model = _iid_source(n=20000)
    train, test = symbols[:10000], symbols[10000:]
    fitted = C.fit_symbol_model(train, low=-3, high=3)
    per_row = C.code_length_bits(test, fitted).mean()
    entropy = -(true_model.probabilities * np.log2(true_model.probabilities)).sum()
    assert abs(per_row - entropy) < 0.05
    assert abs(C.empirical_entropy_bits(test) - entropy) < 0.05
    # The fitted model can never beat the test data's own histogram by more than noise.
    assert per_row >= C.empirical_entropy_bits(test) - 1e-9


def test_symbols_outside_the_alphabet_are_rejected_before_anything_is_written():
    symbols, model = _iid_source(n=50)
    bad = symbols.copy()
    bad[7, 1] = model.high + 1
    for fn in (C.encode, C.encode_rows, C.code_length_bits):
        with pytest.raises(ValueError, match=r"outside the model's alphabet .* row 7, column 1"):
            fn(bad, model)
    assert model.outside(bad) == 1
    clipped = model.clip(bad)
    assert clipped[7, 1] == model.high and model.outside(clipped) == 0
    np.testing.assert_array_equal(C.decode(C.encode(clipped, model), model, 50), clipped)


def _tiny_images(n=6):
    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:16, 0:16]
    base = (np.sin(xx / 3.0) * np.cos(yy / 4.0) + 1) / 2
    imgs = np.clip(base[None] + rng.normal(scale=0.05, size=(n, 16, 16)), 0, 1)
    return np.rint(imgs * 255) / 255


@pytest.mark.parametrize("codec", ["png", "webp-lossless"])
def test_lossless_codecs_give_back_the_8_bit_images(codec):
    x = _tiny_images()[..., None]
    result = C.codec_roundtrip(x, codec)
    assert result.nbytes.shape == (len(x),) and np.all(result.nbytes > 0)
    assert result.decoded.shape == x.shape
    np.testing.assert_array_equal(C.to_uint8(result.decoded), C.to_uint8(x))
    tiled = C.tiled_codec_roundtrip(x, codec, columns=4)
    assert tiled.nbytes.shape == (1,)
    np.testing.assert_array_equal(C.to_uint8(tiled.decoded), C.to_uint8(x))


def test_jpeg_quality_trades_bytes_for_error_and_tiling_shares_the_header():
    from autoencoder_lib.metrics import psnr

    x = _tiny_images(n=16)
    low, high = (C.codec_roundtrip(x, "jpeg", quality=q) for q in (10, 90))
    assert low.bits_per_image < high.bits_per_image
    assert psnr(x, low.decoded).mean() < psnr(x, high.decoded).mean()
    tiled = C.tiled_codec_roundtrip(x, "jpeg", quality=90)
    assert tiled.bits_per_image < high.bits_per_image / 2  # one header instead of 16

