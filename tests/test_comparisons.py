"""The inventory of comparisons: every sentence "A is better / worse / level with B".

Each row names a notebook and the glue keys of one comparison: the difference,
the interval's two ends and the verdict word glued from that interval (with
``autoencoder_lib.compare``), the three words the verdict can take (for an
interval above 0, below 0, covering 0) and what the interval covers. The test
reads the stored outputs of the notebook (one clean run, checked elsewhere)
and fails if a key is missing, the interval does not hold the difference, or
the word disagrees with the side of zero the interval lies on. Chapters 3-4's
deterministic comparisons (exact arithmetic, bounds that hold) need none.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import NamedTuple

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


class Row(NamedTuple):
    notebook: str  # path from the repository root
    difference: str  # glue key of A - B
    low: str  # glue key of the interval's lower end
    high: str  # glue key of the upper end
    verdict: str  # glue key of the word glued from the interval
    words: tuple[str, str, str]  # the word when the interval is above 0, below 0, covers 0
    covers: str  # "test items" (paired bootstrap) or "seeds" (t interval over retraining)


# Chapters 2-5 (and the FAQ).
CH2_5: list[Row] = []

# Chapters 6-10 and the appendix.
VAE = "book/ch06_applications/6_4_vae.ipynb"
POEMS = "book/ch06_applications/6_5_text_autoencoder.ipynb"
TIPS = "book/ch09_faq/9_4_training_tips.ipynb"
CH6_10: list[Row] = [
    # 6.4: beta values and latent size, -ELBO per test image, paired on the same images.
    Row(VAE, "ch6_vae_half_diff", "ch6_vae_half_low", "ch6_vae_half_high",
        "ch6_vae_half_word", ("高于", "低于", "与之分不出高下"), "test items"),
    Row(VAE, "ch6_vae_four_diff", "ch6_vae_four_low", "ch6_vae_four_high",
        "ch6_vae_four_word", ("高于", "低于", "与之分不出高下"), "test items"),
    Row(VAE, "ch6_vae_dim_diff", "ch6_vae_dim_low", "ch6_vae_dim_high",
        "ch6_vae_dim_word", ("高于", "低于", "与之分不出高下"), "test items"),
    # 6.5: teacher forcing with the own / mean / shuffled code, free-running; characters
    # in any position vs in place; nearest neighbours vs random pairs (per test verse).
    Row(POEMS, "ch6_tang_code_vs_mean_diff", "ch6_tang_code_vs_mean_low",
        "ch6_tang_code_vs_mean_high", "ch6_tang_code_vs_mean_word",
        ("高于", "低于", "不能确定地高于或低于"), "test items"),
    Row(POEMS, "ch6_tang_mean_vs_shuffled_diff", "ch6_tang_mean_vs_shuffled_low",
        "ch6_tang_mean_vs_shuffled_high", "ch6_tang_mean_vs_shuffled_word",
        ("高于", "低于", "不能确定地高于或低于"), "test items"),
    Row(POEMS, "ch6_tang_greedy_vs_tf_diff", "ch6_tang_greedy_vs_tf_low",
        "ch6_tang_greedy_vs_tf_high", "ch6_tang_greedy_vs_tf_word",
        ("高于", "低于", "不能确定地高于或低于"), "test items"),
    Row(POEMS, "ch6_tang_bag_vs_pos_diff", "ch6_tang_bag_vs_pos_low",
        "ch6_tang_bag_vs_pos_high", "ch6_tang_bag_vs_pos_word",
        ("高于", "低于", "不能确定地高于或低于"), "test items"),
    Row(POEMS, "ch6_tang_shared_vs_rand_diff", "ch6_tang_shared_vs_rand_low",
        "ch6_tang_shared_vs_rand_high", "ch6_tang_shared_vs_rand_word",
        ("高于", "低于", "不能确定地高于或低于"), "test items"),
    Row(POEMS, "ch6_tang_len_vs_rand_diff", "ch6_tang_len_vs_rand_low",
        "ch6_tang_len_vs_rand_high", "ch6_tang_len_vs_rand_word",
        ("高于", "低于", "不能确定地高于或低于"), "test items"),
    # 9.4: each variant minus the constant learning rate, paired by seed (t, 2 df).
    Row(TIPS, "ch9_step_diff", "ch9_step_low", "ch9_step_high", "ch9_step_word",
        ("更高", "更低", "分不出"), "seeds"),
    Row(TIPS, "ch9_exp_diff", "ch9_exp_low", "ch9_exp_high", "ch9_exp_word",
        ("更高", "更低", "分不出"), "seeds"),
    Row(TIPS, "ch9_plateau_diff", "ch9_plateau_low", "ch9_plateau_high", "ch9_plateau_word",
        ("更高", "更低", "分不出"), "seeds"),
    Row(TIPS, "ch9_cosine_diff", "ch9_cosine_low", "ch9_cosine_high", "ch9_cosine_word",
        ("更高", "更低", "分不出"), "seeds"),
    Row(TIPS, "ch9_bn_diff", "ch9_bn_low", "ch9_bn_high", "ch9_bn_word",
        ("更高", "更低", "分不出"), "seeds"),
    Row(TIPS, "ch9_dropout_diff", "ch9_dropout_low", "ch9_dropout_high", "ch9_dropout_word",
        ("更高", "更低", "分不出"), "seeds"),
]

# Chapter 8's new sections (8.4 onwards).
CH8: list[Row] = []

INVENTORY = CH2_5 + CH6_10 + CH8


def glued_values(path: Path) -> dict[str, str]:
    """Every glued key of a notebook and the plain-text value stored for it."""
    values = {}
    for cell in nbformat.read(path, as_version=4).cells:
        for out in cell.get("outputs", []):
            scrap = out.get("metadata", {}).get("scrapbook")
            if scrap:
                data = out.get("data", {})
                text = data.get(scrap.get("mime_prefix", "") + "text/plain",
                                data.get("text/plain"))
                values[scrap["name"]] = text
    return values


def _number(text: str) -> float:
    return float(ast.literal_eval(text))


def _word(text: str) -> str:
    return ast.literal_eval(text)


@pytest.mark.parametrize("row", INVENTORY, ids=lambda r: f"{Path(r.notebook).stem}:{r.difference}")
def test_verdict_word_agrees_with_its_interval(row):
    values = glued_values(ROOT / row.notebook)
    missing = [k for k in (row.difference, row.low, row.high, row.verdict) if k not in values]
    assert not missing, f"{row.notebook} glues no {missing}"
    diff, low, high = (_number(values[k]) for k in (row.difference, row.low, row.high))
    assert low <= diff <= high, f"{row.difference}={diff} outside [{low}, {high}]"
    expected = row.words[0] if low > 0 else row.words[1] if high < 0 else row.words[2]
    assert _word(values[row.verdict]) == expected
    assert row.covers in ("test items", "seeds")


def test_glued_values_reads_a_known_key():
    values = glued_values(ROOT / "book/ch06_applications/6_3_anomaly_detection.ipynb")
    assert _number(values["ch6_ad_n_total"]) == 4998
