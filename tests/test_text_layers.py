"""autoencoder_lib.text_layers: the sequence autoencoder's Keras layers save and load."""

from __future__ import annotations

import keras
import numpy as np

from autoencoder_lib import text, text_layers
from autoencoder_lib.reproducibility import set_seed


def test_a_sequence_autoencoder_round_trips_through_a_keras_file(tmp_path):
    set_seed(0)
    vocab = text.Vocabulary(list("床前明月光疑是地上霜"))
    parts = text.build_sequence_autoencoder(
        len(vocab), code_dim=4, embed_dim=3, hidden_units=5, token_dropout=0.2
    )
    batch = text.make_seq2seq_batch(vocab, ["床前明月光", "疑是地上霜", "明月"])
    path = tmp_path / "seq_ae.keras"
    parts.autoencoder.save(path)
    loaded = keras.saving.load_model(path)
    inputs = [batch.encoder_input, batch.decoder_input]
    expected = parts.autoencoder.predict(inputs, verbose=0)
    np.testing.assert_array_equal(loaded.predict(inputs, verbose=0), expected)
    np.testing.assert_array_equal(text.teacher_forced_logits(parts, batch), expected)
    dropout = loaded.get_layer("token_dropout")
    assert isinstance(dropout, text_layers.TokenDropout) and dropout.rate == 0.2


def test_every_layer_rebuilds_from_its_config():
    for layer in (
        text_layers.TokenDropout(0.3, seed=7, name="drop"),
        text_layers.ConcatCode(name="concat"),
        text_layers.NotPadding(name="mask"),
        text_layers.TiedEmbedding(9, 4, name="table"),
    ):
        config = keras.saving.serialize_keras_object(layer)
        assert config["registered_name"] == f"autoencoder_lib>{type(layer).__name__}"
        clone = keras.saving.deserialize_keras_object(config)
        assert type(clone) is type(layer) and clone.get_config() == layer.get_config()


def test_tied_embedding_scores_against_its_own_table():
    layer = text_layers.TiedEmbedding(6, 3)
    ids = np.array([[4, 5, 0]], dtype="int32")
    vectors = np.asarray(layer(ids))
    table, bias = (np.asarray(w) for w in (layer.table, layer.bias))
    np.testing.assert_array_equal(vectors[0], table[[4, 5, 0]])
    logits = np.asarray(layer(vectors, reverse=True))
    np.testing.assert_allclose(logits, vectors @ table.T + bias, rtol=1e-6)
    assert logits.shape == (1, 3, 6)


def test_token_dropout_only_replaces_real_characters_in_training():
    layer = text_layers.TokenDropout(0.5, seed=0)
    ids = np.array([[1, 4, 5, 6, 7, 8, 9, 2, 0, 0]] * 50, dtype="int32")
    out = np.asarray(layer(ids, training=True))
    changed = out != ids
    assert changed.any() and np.all(out[changed] == text.UNK_ID)
    assert not changed[:, [0, 7, 8, 9]].any()  # START, END, padding kept
    assert 0.35 < changed[:, 1:7].mean() < 0.65
    np.testing.assert_array_equal(np.asarray(layer(ids, training=False)), ids)
