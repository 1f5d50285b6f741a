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



# --- rate-distortion curves ---------------------------------------------------------


def _toy_codes(n=300, k=4, seed=5):
    """Images that an invertible map turns into codes in [-1, 1]: no bottleneck, only the
    quantiser loses information."""
    images = np.random.default_rng(seed).random((n, k))
    return images, 2 * images - 1


def _toy_decode(z):
    return (z + 1) / 2


def test_quantizer_sweep_is_the_step_by_step_pipeline():
    images, codes = _toy_codes()
    train, test, x = codes[:200], codes[200:], images[200:]
    (point,) = C.quantizer_sweep(train, test, x, [0.25], _toy_decode)
    model = C.fit_symbol_model(C.quantize(train, 0.25))
    q = model.clip(C.quantize(test, 0.25))
    stream = C.encode(q, model)
    from autoencoder_lib.metrics import psnr

    assert point.setting == 0.25 and point.outside == model.outside(C.quantize(test, 0.25))
    assert point.bits == 8 * len(stream) / len(test)
    assert point.ideal_bits == pytest.approx(C.code_length_bits(q, model).mean())
    expected = psnr(x, np.clip(_toy_decode(C.dequantize(q, 0.25)), 0, 1))
    np.testing.assert_allclose(point.items, expected)
    assert point.items.shape == (100,) and point.psnr == pytest.approx(expected.mean())
    assert point.file_bits is None and point.file_psnr is None


def test_finer_quantiser_steps_cost_more_bits_and_give_higher_psnr():
    images, codes = _toy_codes()
    curve = C.quantizer_sweep(codes[:200], codes[200:], images[200:], [1.0, 0.5, 0.1],
                              _toy_decode)
    assert [p.setting for p in curve] == [1.0, 0.5, 0.1]
    bits, psnrs = [p.bits for p in curve], [p.psnr for p in curve]
    assert bits == sorted(bits) and psnrs == sorted(psnrs)
    for p in curve:  # one stream: within 32 bits of the ideal code length, over 100 images
        assert 0 <= p.bits - p.ideal_bits <= 64 / 100 + 1e-9


def test_quantizer_sweep_clamps_test_codes_outside_the_training_alphabet():
    images, codes = _toy_codes()
    train = codes[:200] * 0.5  # training codes span only [-0.5, 0.5]
    (point,) = C.quantizer_sweep(train, codes[200:], images[200:], [0.1], _toy_decode)
    assert point.outside > 0  # counted, clamped, and still decoded exactly


def test_quantizer_sweep_reshapes_flat_decoder_output_to_the_images():
    images, codes = _toy_codes(k=4)
    square = images.reshape(-1, 2, 2)
    (flat,) = C.quantizer_sweep(codes, codes, images, [0.2], _toy_decode)
    (grid,) = C.quantizer_sweep(codes, codes, square, [0.2], _toy_decode)
    np.testing.assert_allclose(flat.items, grid.items)
    with pytest.raises(ValueError, match="decode must return"):
        C.quantizer_sweep(codes, codes, images, [0.2], lambda z: z[:, :2])


def test_codec_sweep_is_the_tiled_file_with_the_per_image_files_beside_it():
    from autoencoder_lib.metrics import psnr

    x = _tiny_images(n=9)
    curve = C.codec_sweep(x, "jpeg", [10, 90])
    assert [p.setting for p in curve] == [10, 90]
    for p, quality in zip(curve, (10, 90)):
        tiled = C.tiled_codec_roundtrip(x, "jpeg", quality=quality)
        single = C.codec_roundtrip(x, "jpeg", quality=quality)
        assert p.bits == tiled.bits_per_image and p.file_bits == single.bits_per_image
        np.testing.assert_allclose(p.items, psnr(x, tiled.decoded))
        np.testing.assert_allclose(p.file_items, psnr(x, single.decoded))
    assert curve[0].bits < curve[1].bits and curve[0].psnr < curve[1].psnr
    assert curve[0].file_bits > curve[0].bits  # a header per image
    cheap = C.codec_sweep(x, "jpeg", [10], files=False)[0]
    assert cheap.bits == curve[0].bits and cheap.file_bits is None and cheap.file_items is None


def test_codec_sweep_of_a_lossless_codec_is_one_exact_point():
    x = _tiny_images().astype(np.float32)  # as the codec gives them back: k / 255 in float32
    (point,) = C.codec_sweep(x, "png")
    assert point.setting is None and point.bits > 0
    assert np.all(np.isinf(point.items)) and point.file_psnr == np.inf


def test_webp_takes_fractional_qualities_between_its_integer_settings():
    x = _tiny_images(n=64)
    curve = C.codec_sweep(x, "webp", [0, 0.5, 1], files=False)
    assert [p.setting for p in curve] == [0.0, 0.5, 1.0]
    bits = [p.bits for p in curve]
    assert bits[0] < bits[2] and bits[0] <= bits[1] <= bits[2]


def _curve():
    return [
        C.RatePoint(2, 200.0, np.array([30.0, 32.0]), ideal_bits=190.0),
        C.RatePoint(1, 100.0, np.array([20.0, 22.0]), ideal_bits=90.0),
        C.RatePoint(3, 400.0, np.array([np.inf, 40.0]), ideal_bits=390.0),
    ]


def test_psnr_at_rate_mixes_the_two_settings_around_the_rate():
    curve = _curve()
    np.testing.assert_allclose(C.psnr_at_rate(curve, 150.0), [25.0, 27.0])
    np.testing.assert_allclose(C.psnr_at_rate(curve, 125.0), [22.5, 24.5])
    # Its mean is the linear interpolation of the settings' mean PSNR.
    means = sorted((p.bits, p.psnr) for p in curve[:2])
    assert C.psnr_at_rate(curve, 180.0).mean() == pytest.approx(
        np.interp(180.0, *zip(*means)))


def test_psnr_at_rate_is_none_below_the_cheapest_and_the_dearest_above_it():
    curve = _curve()
    assert C.psnr_at_rate(curve, 99.9) is None
    np.testing.assert_array_equal(C.psnr_at_rate(curve, 100.0), [20.0, 22.0])
    np.testing.assert_array_equal(C.psnr_at_rate(curve, 200.0), [30.0, 32.0])  # no inf * 0
    np.testing.assert_array_equal(C.psnr_at_rate(curve, 1e6), [np.inf, 40.0])


def test_psnr_at_rate_can_interpolate_on_the_ideal_code_length():
    curve = _curve()
    np.testing.assert_allclose(C.psnr_at_rate(curve, 140.0, rate="ideal_bits"), [25.0, 27.0])
    with pytest.raises(ValueError, match="ideal_bits"):
        C.psnr_at_rate([C.RatePoint(0, 1.0, np.zeros(2))], 1.0, rate="ideal_bits")
