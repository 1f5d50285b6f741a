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
CH6_10: list[Row] = []

# Chapter 8's new sections (8.4 onwards).
_TOY = "book/ch08_summary/8_4_sae_toy.ipynb"
_FEAT = "book/ch08_summary/8_5_sae_features.ipynb"
_HIGHER = ("高于", "低于", "分不出高下")
CH8: list[Row] = [
    # 8.4: per true feature (paired over the same truth), TopK SAE - dictionary learning.
    Row(_TOY, "ch8_toy_easy_cos_diff", "ch8_toy_easy_cos_low", "ch8_toy_easy_cos_high",
        "ch8_toy_easy_cos_word", _HIGHER, "test items"),
    # 8.4: FVU per evaluation sample, TopK SAE - dictionary learning.
    Row(_TOY, "ch8_toy_easy_fvu_diff", "ch8_toy_easy_fvu_low", "ch8_toy_easy_fvu_high",
        "ch8_toy_easy_fvu_word", _HIGHER, "test items"),
    # 8.4: recovered (0/1) per true feature at the hard point, TopK SAE - dictionary learning.
    Row(_TOY, "ch8_toy_hard_diff", "ch8_toy_hard_low", "ch8_toy_hard_high", "ch8_toy_hard_word",
        ("多", "少", "分不出多少"), "test items"),
    # 8.5: label purity per unit (Welch over units, unpaired), SAE latents - neurons / PCA.
    Row(_FEAT, "ch8_feat_pur_neuron_diff", "ch8_feat_pur_neuron_low", "ch8_feat_pur_neuron_high",
        "ch8_feat_pur_neuron_word", ("更高", "更低", "与之分不出高下"), "test items"),
    Row(_FEAT, "ch8_feat_pur_pca_diff", "ch8_feat_pur_pca_low", "ch8_feat_pur_pca_high",
        "ch8_feat_pur_pca_word", ("更高", "更低", "与之分不出高下"), "test items"),
    # 8.5: 0/1 correct per test image, SAE k-sparse probe - dense linear probe / neuron k-sparse.
    Row(_FEAT, "ch8_feat_probe_dense_diff", "ch8_feat_probe_dense_low",
        "ch8_feat_probe_dense_high", "ch8_feat_probe_dense_word", _HIGHER, "test items"),
    Row(_FEAT, "ch8_feat_probe_neu_diff", "ch8_feat_probe_neu_low", "ch8_feat_probe_neu_high",
        "ch8_feat_probe_neu_word", _HIGHER, "test items"),
]

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
