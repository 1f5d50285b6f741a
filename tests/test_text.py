"""autoencoder_lib.text and data.load_tang_poems (fixture files made here, never downloaded)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from autoencoder_lib import data, text

TITLE = "\x1b[32m《{}》\x1b[m"
AUTHOR = "\x1b[33m作者：{}\x1b[m"

POEMS = [
    ("静夜思", "李白", ["床前明月光，疑是地上霜。", "举头望明月，低头思故乡。"]),
    ("登鹳雀楼", "王之涣", ["白日依山尽，黄河入海流。", "欲穷千里目，更上一层楼。"]),
    ("序", "无名", ["舞剑器，壮其蔚跂，问其所师。", "  "]),  # a prose preface: skipped
    ("出塞", "王昌龄", ["秦时明月汉时关，万里长征人未还。", "但使龙城飞将在，不教胡马度阴山。"]),
    ("杂言", "佚名", ["君不见黄河之水天上来，奔流到海不复回。", "春眠不觉晓，处处闻啼鸟。"]),
]


def write_fortune(path, poems=POEMS, *, title=TITLE, author=AUTHOR):
    chunks = []
    for t, a, lines in poems:
        chunks.append("\n".join([title.format(t), author.format(a), *lines]) + "\n%\n")
    path.write_text("".join(chunks), encoding="utf-8")
    return path


@pytest.fixture
def fortune_file(tmp_path):
    return write_fortune(tmp_path / "tang300")


def all_verses(fortune_file, **kwargs):
    tv = data.load_tang_poems(path=fortune_file, **kwargs)
    return tv, tv.train + tv.test


# ------------------------------------------------------------------ loader

def test_loader_strips_escapes_titles_authors_and_splits_verses(fortune_file):
    tv, verses = all_verses(fortune_file, test_fraction=0.2)
    expected = {"床前明月光", "疑是地上霜", "举头望明月", "低头思故乡", "白日依山尽", "黄河入海流",
                "欲穷千里目", "更上一层楼", "秦时明月汉时关", "万里长征人未还", "但使龙城飞将在",
                "不教胡马度阴山", "春眠不觉晓", "处处闻啼鸟"}
    assert sorted(verses) == sorted(expected)
    assert tv.titles == ("静夜思", "登鹳雀楼", "序", "出塞", "杂言")
    assert tv.authors == ("李白", "王之涣", "无名", "王昌龄", "佚名")
    assert tv.n_lines_skipped == 2  # the preface and the 10+7 line; blank lines are not counted
    assert all("\x1b" not in v and len(v) in (5, 7) for v in verses)


def test_loader_holds_out_whole_poems_with_a_fixed_seed(fortune_file):
    a, _ = all_verses(fortune_file, test_fraction=0.25, seed=3)
    b, _ = all_verses(fortune_file, test_fraction=0.25, seed=3)
    assert a.test == b.test and a.train == b.train
    assert set(a.train_poem.tolist()).isdisjoint(a.test_poem.tolist())
    assert len(set(a.test_poem.tolist())) == 1  # round(0.25 * 5) = 1 poem
    assert len(a.train) == len(a.train_poem) and len(a.test) == len(a.test_poem)


def test_loader_rejects_a_file_without_coloured_titles(tmp_path):
    bad = write_fortune(tmp_path / "plain.txt", title="《{}》")
    with pytest.raises(ValueError, match=r"plain\.txt, line 1: expected a coloured title"):
        data.load_tang_poems(path=bad)


def test_loader_rejects_a_poem_without_author_line(tmp_path):
    bad = write_fortune(tmp_path / "noauthor", author="{}")
    with pytest.raises(ValueError, match=r"noauthor, line 2: expected a coloured author"):
        data.load_tang_poems(path=bad)


def test_loader_rejects_non_utf8_and_empty_files(tmp_path):
    gbk = tmp_path / "tang300.gbk"
    gbk.write_bytes("床前明月光".encode("gbk"))
    with pytest.raises(ValueError, match=r"tang300\.gbk: not UTF-8"):
        data.load_tang_poems(path=gbk)
    empty = tmp_path / "empty"
    empty.write_text("%\n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="empty: no poems"):
        data.load_tang_poems(path=empty)


def test_missing_file_offline_says_how_to_get_it(clean_env, monkeypatch):
    monkeypatch.setenv(data.OFFLINE_ENV, "1")
    with pytest.raises(data.DataUnavailableError, match="apt-get install fortunes-zh"):
        data.load_tang_poems()


def test_installed_debian_file_is_copied_into_the_cache(clean_env, register, fortune_file):
    # REMOTE_FILES points at Debian's install path with a file:// URL; stand in for it here.
    register("fortunes-zh/tang300", fortune_file)
    tv = data.load_tang_poems(test_fraction=0.2)
    assert (
        clean_env / "cache" / "fortunes-zh" / "tang300"
    ).read_bytes() == fortune_file.read_bytes()
    assert len(tv.train) + len(tv.test) == 14


def test_tang300_is_in_the_table_of_files():
    remote = data.REMOTE_FILES["fortunes-zh/tang300"]
    assert remote.size == 88927 and len(remote.sha256) == 64
    assert remote.url == "file:///usr/share/games/fortunes/tang300"


# ------------------------------------------------------------------ vocabulary

def test_vocabulary_round_trips_every_verse(fortune_file):
    _, verses = all_verses(fortune_file)
    vocab = text.Vocabulary.from_texts(verses)
    enc = vocab.encode(verses)
    assert enc.n_unknown == 0 and enc.unknown == Counter()
    assert [vocab.decode(ids) for ids in enc.ids] == verses
    assert vocab.tokens[:4] == (text.PAD, text.START, text.END, text.UNK)
    assert len(vocab) == 4 + len(set("".join(verses)))
    assert all(int(ids.min()) >= 4 for ids in enc.ids)


def test_vocabulary_orders_by_frequency_and_honours_min_count():
    vocab = text.Vocabulary.from_texts(["abccb", "c", "a", "d"], min_count=2)
    assert vocab.tokens[4:] == ("c", "a", "b")  # c:3, then the a:2, b:2 tie by first sight
    assert "d" not in vocab and "a" in vocab


def test_unknown_characters_map_to_unk_and_are_counted():
    vocab = text.Vocabulary.from_texts(["明月光"])
    enc = vocab.encode(["明月光", "明日光", "日日新"])
    assert enc.n_unknown == 4
    assert enc.unknown == Counter({"日": 3, "新": 1})
    assert enc.ids[1].tolist() == [vocab.encode(["明"]).ids[0][0], text.UNK_ID,
                                   vocab.encode(["光"]).ids[0][0]]
    assert vocab.decode(enc.ids[2]) == "□□□"
    assert vocab.decode(enc.ids[2], unknown="?") == "???"


def test_decode_stops_at_end_and_skips_padding_and_start():
    vocab = text.Vocabulary(list("春风"))
    ids = [text.START_ID, 4, text.PAD_ID, 5, text.END_ID, 4, 4]
    assert vocab.decode(ids) == "春风"


# ------------------------------------------------------------------ padding and batches

def test_pad_sequences_and_mask():
    ids, mask = text.pad_sequences([[5, 6, 7], [8]], length=4)
    assert ids.tolist() == [[5, 6, 7, 0], [8, 0, 0, 0]]
    assert mask.tolist() == [[1, 1, 1, 0], [1, 0, 0, 0]]
    assert ids.dtype == np.int32 and mask.dtype == np.float32


def test_seq2seq_batch_layout():
    vocab = text.Vocabulary(list("白日依山尽春眠"))
    b = text.make_seq2seq_batch(vocab, ["白日依山尽", "春眠"], length=6)
    s, e = text.START_ID, text.END_ID
    assert b.encoder_input.tolist() == [[4, 5, 6, 7, 8, 0, 0], [9, 10, 0, 0, 0, 0, 0]]
    assert b.decoder_input.tolist() == [[s, 4, 5, 6, 7, 8, 0], [s, 9, 10, 0, 0, 0, 0]]
    assert b.target.tolist() == [[4, 5, 6, 7, 8, e, 0], [9, 10, e, 0, 0, 0, 0]]
    assert b.mask.sum(axis=1).tolist() == [6, 3]
    assert b.n_unknown == 0
    assert text.make_seq2seq_batch(vocab, ["白云"]).n_unknown == 1


def test_masked_loss_matches_a_hand_computation():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 3, 6)).astype(np.float32)
    target = np.array([[4, 5, 2], [5, 2, 0]])
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    picked = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
    expected = -np.mean([logp[i, j, target[i, j]] for i, j in picked])
    assert float(text.masked_token_loss(target, logits)) == pytest.approx(expected, rel=1e-5)


def test_token_accuracy_counts_only_masked_positions():
    t = np.array([[4, 5, 2, 0]])
    p = np.array([[4, 6, 2, 9]])
    m = np.array([[1, 1, 1, 0]])
    assert text.token_accuracy(t, p, m) == pytest.approx(2 / 3)


# ------------------------------------------------------------------ the model

@pytest.fixture(scope="module")
def small_model():
    from autoencoder_lib.reproducibility import set_seed

    set_seed(0)
    vocab = text.Vocabulary(list("床前明月光疑是地上霜秦时汉关"))
    parts = text.build_sequence_autoencoder(len(vocab), code_dim=6, embed_dim=5, hidden_units=7)
    return vocab, parts


def test_padding_does_not_change_codes_or_loss(small_model):
    vocab, parts = small_model
    verses = ["床前明月光", "秦时明月汉时关", "疑是地上霜"]
    tight = text.make_seq2seq_batch(vocab, verses)             # padded to 7 (+1)
    loose = text.make_seq2seq_batch(vocab, verses, length=11)  # 4 more padding columns
    codes_t = parts.encoder.predict(tight.encoder_input, verbose=0)
    codes_l = parts.encoder.predict(loose.encoder_input, verbose=0)
    np.testing.assert_allclose(codes_t, codes_l, atol=1e-6)
    loss_t = float(text.masked_token_loss(
        tight.target, text.teacher_forced_logits(parts, tight), tight.mask))
    loss_l = float(text.masked_token_loss(
        loose.target, text.teacher_forced_logits(parts, loose), loose.mask))
    assert loss_l == pytest.approx(loss_t, rel=1e-5)
    # and equal to the per-character mean over each verse scored alone, unpadded
    per_char = []
    for v in verses:
        one = text.make_seq2seq_batch(vocab, [v])
        n = one.mask.sum()
        per_char.append(float(text.masked_token_loss(
            one.target, text.teacher_forced_logits(parts, one), one.mask)) * n)
    assert loss_t == pytest.approx(sum(per_char) / tight.mask.sum(), rel=1e-5)


def test_padding_is_what_masking_ignores(small_model):
    vocab, parts = small_model
    b = text.make_seq2seq_batch(vocab, ["床前明月光", "秦时明月汉时关"], length=9)
    logits = text.teacher_forced_logits(parts, b)
    noisy = logits.copy()
    noisy[b.mask == 0] += 50.0 * np.random.default_rng(1).normal(size=noisy[b.mask == 0].shape)
    assert float(text.masked_token_loss(b.target, noisy, b.mask)) == pytest.approx(
        float(text.masked_token_loss(b.target, logits, b.mask)), rel=1e-6)


def test_greedy_decoding_shape_and_termination(small_model):
    vocab, parts = small_model
    codes = 3.0 * np.random.default_rng(0).normal(size=(9, 6)).astype(np.float32)
    out = text.greedy_decode(parts, codes, max_len=5)
    assert out.shape == (9, 6) and out.dtype == np.int32
    for row in out.tolist():
        assert row.count(text.END_ID) == 1, row
        end = row.index(text.END_ID)
        assert all(i == text.PAD_ID for i in row[end + 1:])
        assert all(i not in (text.PAD_ID, text.START_ID) for i in row[:end])
        assert len(vocab.decode(row)) == end <= 5
    with pytest.raises(ValueError, match=r"codes must have shape \(N, 6\), got \(9, 3\)"):
        text.greedy_decode(parts, codes[:, :3], max_len=5)  # the width comes from the model


def test_fixed_length_model_agrees_with_the_dynamic_one(small_model):
    vocab, parts = small_model
    fixed = text.build_sequence_autoencoder(len(vocab), code_dim=6, embed_dim=5, hidden_units=7,
                                            length=8)
    fixed.autoencoder.set_weights(parts.autoencoder.get_weights())
    b = text.make_seq2seq_batch(vocab, ["床前明月光", "秦时明月汉时关"])
    np.testing.assert_allclose(text.teacher_forced_logits(fixed, b),
                               text.teacher_forced_logits(parts, b), atol=1e-5)

