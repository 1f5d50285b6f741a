"""Character-level text helpers and a GRU sequence autoencoder.

A verse is encoded as a sequence of character ids; four ids are reserved:
``0`` padding, ``1`` start, ``2`` end, ``3`` unknown. The sequence
autoencoder reads a verse with a GRU encoder, squeezes it into one
fixed-size code vector, and a GRU decoder writes the verse back one
character at a time: during training it is fed the true previous character
(teacher forcing); at use time it is fed its own previous guess (greedy,
free-running decoding).

Explained in 第6章 6.5节.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from . import _validation as _v  # NumPy only: importing this module stays TensorFlow-free

__all__ = [
    "PAD", "START", "END", "UNK",
    "PAD_ID", "START_ID", "END_ID", "UNK_ID",
    "Vocabulary",
    "EncodedTexts",
    "Seq2SeqBatch",
    "pad_sequences",
    "make_seq2seq_batch",
    "masked_token_loss",
    "token_accuracy",
    "SequenceAutoencoderParts",
    "build_sequence_autoencoder",
    "teacher_forced_logits",
    "greedy_decode",
]

PAD, START, END, UNK = "<pad>", "<s>", "</s>", "<unk>"
PAD_ID, START_ID, END_ID, UNK_ID = 0, 1, 2, 3
_RESERVED = (PAD, START, END, UNK)


def _text_list(texts, arg: str) -> list[str]:
    """``texts`` as a list after checking that it is a sequence (or generator) of str."""
    texts = _v.check_sequence(texts, arg, of="str", iterable=True)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"{arg} must hold only str, got {type(t).__name__} at index {i}")
    return texts


class EncodedTexts(NamedTuple):
    """What :meth:`Vocabulary.encode` returns.

    ``ids`` is a list of int arrays, one per text (no start/end symbols);
    ``n_unknown`` counts the characters mapped to ``UNK_ID``;
    ``unknown`` is a :class:`collections.Counter` of those characters.
    """

    ids: list
    n_unknown: int
    unknown: Counter


class Vocabulary:
    """A character vocabulary with four reserved symbols.

    Ids ``0..3`` are ``PAD``, ``START``, ``END``, ``UNK``; the characters
    follow, most frequent first (ties in order of first appearance).

    Explained in 第6章 6.5节.

    Parameters
    ----------
    chars : sequence of str
        The characters, each a single-character string, without duplicates.
    """

    def __init__(self, chars: Sequence[str]):
        chars = list(chars)
        for c in chars:
            if not isinstance(c, str) or len(c) != 1:
                raise ValueError(f"chars must be single characters, got {c!r}")
        if len(set(chars)) != len(chars):
            raise ValueError("chars must not contain duplicates")
        self.tokens = _RESERVED + tuple(chars)
        self._index = {c: i for i, c in enumerate(self.tokens) if i >= len(_RESERVED)}

    @classmethod
    def from_texts(cls, texts: Iterable[str], *, min_count: int = 1) -> Vocabulary:
        """Build the vocabulary of every character seen ``min_count`` times or more.

        Returns
        -------
        Vocabulary
        """
        texts = _text_list(texts, "texts")
        min_count = _v.check_int(min_count, "min_count")
        counts = Counter("".join(texts))
        order = {c: i for i, c in enumerate(dict.fromkeys("".join(texts)))}
        chars = sorted((c for c, n in counts.items() if n >= min_count),
                       key=lambda c: (-counts[c], order[c]))
        return cls(chars)

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, char: str) -> bool:
        return char in self._index

    def __repr__(self) -> str:
        return f"Vocabulary({len(self) - len(_RESERVED)} characters + 4 reserved)"

    def encode(self, texts: Iterable[str]) -> EncodedTexts:
        """Map each text to an array of ids; unknown characters become ``UNK_ID``.

        The number of unknown characters is *returned* (``n_unknown``, and
        which ones in ``unknown``), not warned about: the caller decides
        whether it matters.

        Parameters
        ----------
        texts : list of str

        Returns
        -------
        EncodedTexts
            ``ids`` (list of int32 arrays of shape ``(len(text),)``),
            ``n_unknown`` and ``unknown``.
        """
        texts = _text_list(texts, "texts")
        unknown: Counter = Counter()
        ids = []
        for text in texts:
            row = np.empty(len(text), dtype=np.int32)
            for j, c in enumerate(text):
                i = self._index.get(c)
                if i is None:
                    unknown[c] += 1
                    i = UNK_ID
                row[j] = i
            ids.append(row)
        return EncodedTexts(ids, int(sum(unknown.values())), unknown)

    def decode(self, ids: Iterable[int], *, unknown: str = "□") -> str:
        """Turn ids back into text: stop at the first ``END``, skip ``PAD``/``START``.

        Parameters
        ----------
        ids : iterable of int
        unknown : str, default "□"
            What to write for ``UNK_ID``.

        Returns
        -------
        str
        """
        out = []
        for i in np.asarray(ids, dtype=np.int64).ravel().tolist():
            if not 0 <= i < len(self.tokens):
                raise ValueError(f"ids must be in [0, {len(self.tokens)}), got {i}")
            if i == END_ID:
                break
            if i in (PAD_ID, START_ID):
                continue
            out.append(unknown if i == UNK_ID else self.tokens[i])
        return "".join(out)


def pad_sequences(
    sequences: Sequence[Sequence[int]], *, length: int | None = None, pad_id: int = PAD_ID
) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad id sequences to one length and return the mask of real positions.

    Explained in 第6章 6.5节.

    Parameters
    ----------
    sequences : sequence of sequences of int
    length : int, optional
        Padded length; default the longest sequence. Must not be shorter.
    pad_id : int, default 0

    Returns
    -------
    ids : numpy.ndarray of int32, shape ``(N, length)``
    mask : numpy.ndarray of float32, shape ``(N, length)``
        1 where ``ids`` holds a real symbol, 0 on padding.
    """
    sequences = _v.check_sequence(sequences, "sequences", of="id sequences", iterable=True)
    pad_id = _v.check_int(pad_id, "pad_id", minimum=0)
    seqs = [np.asarray(s, dtype=np.int32).ravel() for s in sequences]
    if not seqs:
        raise ValueError("sequences must not be empty")
    longest = max(len(s) for s in seqs)
    if length is None:
        length = longest
    length = _v.check_int(length, "length")
    if length < longest:
        raise ValueError(f"length={length} is shorter than the longest sequence ({longest})")
    return _pad(seqs, length, pad_id)


def _pad(seqs: list[np.ndarray], length: int, pad_id: int = PAD_ID) -> tuple[np.ndarray, ...]:
    ids = np.full((len(seqs), length), pad_id, dtype=np.int32)
    mask = np.zeros((len(seqs), length), dtype=np.float32)
    for k, s in enumerate(seqs):
        ids[k, : len(s)] = s
        mask[k, : len(s)] = 1.0
    return ids, mask


class Seq2SeqBatch(NamedTuple):
    """Arrays for training and scoring a sequence autoencoder on texts.

    For a text ``c1 … cn``: ``encoder_input`` is ``c1 … cn`` then padding;
    ``decoder_input`` is ``START c1 … cn`` then padding (teacher forcing);
    ``target`` is ``c1 … cn END`` then padding; ``mask`` is 1 on the
    ``n + 1`` real target positions. All int32 of shape ``(N, length + 1)``
    except ``mask`` (float32). ``n_unknown`` counts characters mapped to UNK.
    """

    encoder_input: np.ndarray
    decoder_input: np.ndarray
    target: np.ndarray
    mask: np.ndarray
    n_unknown: int


def make_seq2seq_batch(
    vocab: Vocabulary, texts: Sequence[str], *, length: int | None = None
) -> Seq2SeqBatch:
    """Encode texts and build encoder input, decoder input, target and mask.

    Explained in 第6章 6.5节.

    Parameters
    ----------
    vocab : Vocabulary
    texts : list of str
    length : int, optional
        Longest text length to allow (arrays get ``length + 1`` columns);
        default the longest text.

    Returns
    -------
    Seq2SeqBatch
    """
    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab must be a Vocabulary, got {type(vocab).__name__}")
    enc = vocab.encode(texts)
    if not enc.ids:
        raise ValueError("texts must not be empty")
    longest = max(len(s) for s in enc.ids)
    length = longest if length is None else _v.check_int(length, "length")
    if length < longest:
        raise ValueError(f"length={length} is shorter than the longest text ({longest})")
    enc_in, _ = _pad(enc.ids, length + 1)
    dec_in, _ = _pad([np.r_[START_ID, s].astype(np.int32) for s in enc.ids], length + 1)
    target, mask = _pad([np.r_[s, END_ID].astype(np.int32) for s in enc.ids], length + 1)
    return Seq2SeqBatch(enc_in, dec_in, target, mask, enc.n_unknown)


def masked_token_loss(target, logits, mask=None):
    """Mean cross-entropy per real character (padding excluded), in nats.

    ``sum(mask * ce) / sum(mask)`` over the whole batch, so adding padding
    columns, or padding a batch differently, does not change the value.
    Works on NumPy arrays and on tensors inside Keras training.

    Explained in 第6章 6.5节.

    Parameters
    ----------
    target : int array, shape ``(N, T)``
    logits : float array, shape ``(N, T, V)``
    mask : float array, shape ``(N, T)``, optional
        Default: ``target != PAD_ID``.

    Returns
    -------
    scalar tensor
    """
    from keras import ops

    target = ops.cast(target, "int32")
    if mask is None:
        mask = ops.cast(ops.not_equal(target, PAD_ID), "float32")
    mask = ops.cast(mask, "float32")
    ce = ops.sparse_categorical_crossentropy(target, logits, from_logits=True)
    return ops.sum(ce * mask) / ops.maximum(ops.sum(mask), 1.0)


def token_accuracy(target: np.ndarray, predicted: np.ndarray, mask: np.ndarray) -> float:
    """Fraction of real (mask = 1) positions where ``predicted == target``.

    Explained in 第6章 6.5节.

    Returns
    -------
    float
    """
    target, predicted, mask = np.asarray(target), np.asarray(predicted), np.asarray(mask)
    if not target.shape == predicted.shape == mask.shape:
        raise ValueError(
            f"target, predicted and mask must have one shape, got "
            f"{target.shape}, {predicted.shape}, {mask.shape}"
        )
    if mask.sum() == 0:
        raise ValueError("mask selects no position")
    return float(((predicted == target) * mask).sum() / mask.sum())


class SequenceAutoencoderParts(NamedTuple):
    """The models :func:`build_sequence_autoencoder` returns (shared layers).

    - ``encoder``: ids ``(N, T)`` → code ``(N, code_dim)``;
    - ``decoder``: ``[code, decoder_input]`` → logits ``(N, T, V)``, teacher forced;
    - ``autoencoder``: ``[encoder_input, decoder_input]`` → logits (train this);
    - ``initial_state``: code → GRU state ``(N, hidden_units)``;
    - ``step``: ``[ids (N, 1), state, code]`` → ``[logits (N, 1, V), new state]``,
      one character of free-running decoding.
    """

    encoder: object
    decoder: object
    autoencoder: object
    initial_state: object
    step: object


def build_sequence_autoencoder(
    vocab_size: int,
    *,
    code_dim: int = 64,
    embed_dim: int = 64,
    hidden_units: int = 128,
    token_dropout: float = 0.0,
    length: int | None = None,
    name: str = "seq_ae",
) -> SequenceAutoencoderParts:
    """Build a GRU encoder → fixed-size code → GRU decoder autoencoder for text.

    One character table (``embed_dim`` numbers per symbol) is shared by the
    encoder's input, the decoder's input and the output layer ("tied"
    embeddings), so writing a character back means pointing at the same
    vector that reading it used, even for characters seen only a few times.
    Encoder: table lookup (padding masked) → bidirectional GRU → dense layer
    to the code (linear). Decoder: a dense layer maps the code to the GRU's
    initial state, and the code is also appended to every step's input; the
    GRU reads the previous characters (``START`` first, optionally with some
    replaced by ``UNK`` during training, ``token_dropout``), and each step's
    state is projected to ``embed_dim`` and scored against the table
    (plus a bias) to give logits over the vocabulary. The code is the only
    path from input to output, so everything the decoder knows about the
    verse beyond its own previous characters must pass through it.

    Explained in 第6章 6.5节.

    Parameters
    ----------
    vocab_size : int
        ``len(vocab)``, reserved symbols included.
    code_dim, embed_dim, hidden_units : int
        Sizes of the code, the character embeddings and the GRU states
        (the encoder's GRU has ``hidden_units`` per direction).
    token_dropout : float, default 0
        Training-time probability of replacing a decoder input character by
        ``UNK`` (word dropout, Bowman et al. 2016).
    length : int, optional
        Fixed sequence length (text length + 1); the GRUs are then unrolled,
        which is faster on a CPU for short sequences. ``None``: any length.
    name : str

    Returns
    -------
    SequenceAutoencoderParts
    """
    vocab_size = _v.check_int(vocab_size, "vocab_size")
    if vocab_size <= len(_RESERVED):
        raise ValueError(
            f"vocab_size must exceed the {len(_RESERVED)} reserved ids, got {vocab_size}"
        )
    code_dim = _v.check_int(code_dim, "code_dim")
    embed_dim = _v.check_int(embed_dim, "embed_dim")
    hidden_units = _v.check_int(hidden_units, "hidden_units")
    if length is not None:
        length = _v.check_int(length, "length")
    unroll = length is not None  # short fixed-length sequences: unrolled GRUs are faster
    token_dropout = _v.check_number(
        token_dropout, "token_dropout", low=0.0, high=1.0, high_open=True
    )
    import keras  # lazily: importing this module stays TensorFlow-free
    from keras import layers

    from . import text_layers

    # Unseeded initialisers take their seeds from the global seed in the order the
    # layers are created and built: keep this order, or set_seed(0) gives other weights.
    table = text_layers.TiedEmbedding(vocab_size, embed_dim, name="char_table")
    enc_ids = keras.Input((length,), dtype="int32", name="encoder_ids")
    enc_gru = layers.Bidirectional(layers.GRU(hidden_units, unroll=unroll), name="enc_bigru")
    table.build()
    not_padding = text_layers.NotPadding(name="not_padding")
    to_code = layers.Dense(code_dim, name="code")
    to_state = layers.Dense(hidden_units, activation="tanh", name="code_to_state")
    drop = text_layers.TokenDropout(token_dropout, name="token_dropout")
    with_code = text_layers.ConcatCode(name="concat_code")
    dec_gru = layers.GRU(hidden_units, return_sequences=True, return_state=True,
                         unroll=unroll, name="dec_gru")
    to_embed = layers.Dense(embed_dim, name="state_to_embedding")

    def run_encoder(ids_t):
        return to_code(enc_gru(table(ids_t), mask=not_padding(ids_t)))

    def run_decoder(code_t, ids_t, state_t):
        x = with_code([table(drop(ids_t)), code_t])
        return dec_gru(x, initial_state=state_t)

    def to_logits(seq_t):
        return table(to_embed(seq_t), reverse=True)

    encoder = keras.Model(enc_ids, run_encoder(enc_ids), name=f"{name}_encoder")

    code_in = keras.Input((code_dim,), name="code_in")
    state0 = to_state(code_in)
    initial_state = keras.Model(code_in, state0, name=f"{name}_initial_state")

    dec_ids = keras.Input((length,), dtype="int32", name="decoder_ids")
    seq, _ = run_decoder(code_in, dec_ids, state0)
    decoder = keras.Model([code_in, dec_ids], to_logits(seq), name=f"{name}_decoder")

    step_ids = keras.Input((1,), dtype="int32", name="step_ids")
    state_in = keras.Input((hidden_units,), name="state_in")
    step_code = keras.Input((code_dim,), name="step_code")
    step_seq, step_state = run_decoder(step_code, step_ids, state_in)
    step = keras.Model([step_ids, state_in, step_code], [to_logits(step_seq), step_state],
                       name=f"{name}_step")

    # One flat graph of the same layers (no nested models): it saves as a .keras file
    # and loads back with keras.saving.load_model (the layers are in text_layers).
    ae_enc_ids = keras.Input((length,), dtype="int32", name="ae_encoder_ids")
    ae_dec_ids = keras.Input((length,), dtype="int32", name="ae_decoder_ids")
    ae_code = run_encoder(ae_enc_ids)
    ae_seq, _ = run_decoder(ae_code, ae_dec_ids, to_state(ae_code))
    autoencoder = keras.Model([ae_enc_ids, ae_dec_ids], to_logits(ae_seq), name=name)
    return SequenceAutoencoderParts(encoder, decoder, autoencoder, initial_state, step)


def teacher_forced_logits(parts: SequenceAutoencoderParts, batch: Seq2SeqBatch,
                          *, codes=None, batch_size: int = 512) -> np.ndarray:
    """Logits of the teacher-forced decoder on a batch.

    Explained in 第6章 6.5节.

    Parameters
    ----------
    parts : SequenceAutoencoderParts
    batch : Seq2SeqBatch
    codes : float array, shape ``(N, code_dim)``, optional
        Replaces the encoder's codes (e.g. codes of other verses, to see how
        much the decoder guesses without the right code).
    batch_size : int, default 512

    Returns
    -------
    numpy.ndarray of float32, shape ``(N, T, V)``
        Unnormalised scores; ``argmax(-1)`` gives each step's best character.
    """
    batch_size = _v.check_int(batch_size, "batch_size")
    if codes is None:
        codes = parts.encoder.predict(batch.encoder_input, batch_size=batch_size, verbose=0)
    return parts.decoder.predict([codes, batch.decoder_input], batch_size=batch_size,
                                 verbose=0)


def greedy_decode(
    parts: SequenceAutoencoderParts, codes: np.ndarray, *, max_len: int
) -> np.ndarray:
    """Decode codes free-running: feed back the most probable character each step.

    Decoding starts from ``START``; ``PAD`` and ``START`` are never chosen.
    A row stops at its first ``END`` (later positions are ``PAD``); a row
    still going after ``max_len`` characters gets ``END`` as its last symbol,
    so every row holds exactly one ``END``.

    Explained in 第6章 6.5节.

    Parameters
    ----------
    parts : SequenceAutoencoderParts
    codes : float array, shape ``(N, code_dim)``
    max_len : int
        Longest text to produce (the output has room for its ``END``).

    Returns
    -------
    numpy.ndarray of int32, shape ``(N, max_len + 1)``
        Ids of the produced characters, ``END`` and padding; turn a row into
        text with :meth:`Vocabulary.decode`.
    """
    max_len = _v.check_int(max_len, "max_len")
    code_dim = parts.initial_state.inputs[0].shape[-1]
    codes = _v.as_array(codes, "codes", ndim=2, shape_text=f"(N, {code_dim})", nonempty=False,
                        dtype=np.float32)
    if codes.shape[1] != code_dim:
        raise ValueError(f"codes must have shape (N, {code_dim}), got {codes.shape}")
    n = codes.shape[0]
    state = np.asarray(parts.initial_state(codes, training=False))
    prev = np.full((n, 1), START_ID, dtype=np.int32)
    out = np.full((n, max_len + 1), PAD_ID, dtype=np.int32)
    done = np.zeros(n, dtype=bool)
    for t in range(max_len + 1):
        logits, state = parts.step([prev, state, codes], training=False)
        logits = np.asarray(logits)[:, 0, :].copy()
        logits[:, [PAD_ID, START_ID]] = -np.inf  # never emit padding or start
        if t == max_len:
            nxt = np.full(n, END_ID, dtype=np.int32)  # out of room: end here
        else:
            nxt = logits.argmax(axis=1).astype(np.int32)
        nxt[done] = PAD_ID
        out[:, t] = nxt
        done |= nxt == END_ID
        if done.all():
            break
        prev = nxt[:, None]
        state = np.asarray(state)
    return out
