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


_VS_PCA = ("高于 PCA", "低于 PCA", "与 PCA 分不出高下")
_SWEEP = "book/ch05_practice/5_4_latent_sweep.ipynb"
_DENOISE = "book/ch05_practice/5_6_denoising.ipynb"

# Chapters 2-5 (and the FAQ).
CH2_5: list[Row] = [
    Row("book/ch02_core_concepts/first_autoencoder.ipynb", "ch2_ae_pca_diff", "ch2_ae_pca_low",
        "ch2_ae_pca_high", "ch2_ae_pca_word", ("高于 PCA", "低于 PCA", "与 PCA 分不出高下"),
        "test items"),
    Row("book/ch02_core_concepts/first_autoencoder.ipynb", "ch2_ae_mean_diff", "ch2_ae_mean_low",
        "ch2_ae_mean_high", "ch2_ae_mean_word", ("高于平均图", "低于平均图", "与平均图分不出高下"),
        "test items"),
    *(Row("book/ch03_algorithm/3_4_training.ipynb", f"ch3_{o}_pca_diff", f"ch3_{o}_pca_low",
          f"ch3_{o}_pca_high", f"ch3_{o}_pca_word",
          ("高于 8 维 PCA", "低于 8 维 PCA", "与 8 维 PCA 分不出高下"), "test items")
      for o in ("adam", "sgd")),
    Row("book/ch05_practice/5_2_article_program.ipynb", "ch5_knn_diff", "ch5_knn_low",
        "ch5_knn_high", "ch5_knn_word",
        ("比 PCA 分得更开", "比 PCA 分得更差", "与 PCA 分不出高下"), "test items"),
    Row("book/ch05_practice/5_3_dense_autoencoder.ipynb", "ch5_dense_pca_diff",
        "ch5_dense_pca_low", "ch5_dense_pca_high", "ch5_dense_pca_word", _VS_PCA, "test items"),
    *(Row(_SWEEP, f"ch5_sweep_diff_{k}", f"ch5_sweep_low_{k}", f"ch5_sweep_high_{k}",
          f"ch5_sweep_word_{k}", _VS_PCA, "test items") for k in (2, 4, 8, 16, 32, 64)),
    *(Row(_SWEEP, f"ch5_seeds_sweep_diff_{k}", f"ch5_seeds_sweep_low_{k}",
          f"ch5_seeds_sweep_high_{k}", f"ch5_seeds_sweep_word_{k}", _VS_PCA, "seeds")
      for k in (2, 8, 32, 64)),
    *(Row("book/ch05_practice/5_5_conv_autoencoder.ipynb", f"ch5_{p}_diff", f"ch5_{p}_low",
          f"ch5_{p}_high", f"ch5_{p}_word",
          ("高于全连接模型", "低于全连接模型", "与全连接模型分不出高下"), covers)
      for p, covers in (("conv_dense", "test items"), ("seeds_conv", "seeds"))),
    *(Row(_DENOISE, f"ch5_dn_vs_{f}_{s}_diff", f"ch5_dn_vs_{f}_{s}_low", f"ch5_dn_vs_{f}_{s}_high",
          f"ch5_dn_vs_{f}_{s}_word", (f"高于{name}", f"低于{name}", f"与{name}分不出高下"),
          "test items")
      for f, name in (("gauss", "高斯滤波"), ("median", "中值滤波")) for s in ("01", "03", "05")),
    Row(_DENOISE, "ch5_seeds_dn_gauss_01_diff", "ch5_seeds_dn_gauss_01_low",
        "ch5_seeds_dn_gauss_01_high", "ch5_seeds_dn_gauss_01_word",
        ("高于高斯滤波", "低于高斯滤波", "与高斯滤波分不出高下"), "seeds"),
]

# Chapters 6-10 and the appendix.
VAE = "book/ch06_applications/6_4_vae.ipynb"
POEMS = "book/ch06_applications/6_5_text_autoencoder.ipynb"
TIPS = "book/ch09_faq/9_4_training_tips.ipynb"
_COMP = "book/ch06_applications/6_1_compression.ipynb"
_FE = "book/ch06_applications/6_2_features.ipynb"
_AD = "book/ch06_applications/6_3_anomaly_detection.ipynb"


def _row(notebook, key, words, covers):
    return Row(notebook, key, f"{key}_low", f"{key}_high", f"{key}_word", words, covers)


_FE_WORDS = {
    "ae_pca": ("自动编码器编码更好", "PCA 编码更好", "分不出高下"),
    "ae_px": ("自动编码器编码更好", "原始像素更好", "分不出高下"),
    "pca_px": ("PCA 编码更好", "原始像素更好", "分不出高下"),
}
_AD_WORDS = ("高于它", "低于它", "与它分不出高下")

CH6_10: list[Row] = [
    # 6.1: per-image PSNR (dB) of the AE minus a rival, paired over the test images; at matched
    # rates (time-sharing mix of the two settings around the rate) or at actual settings.
    *[_row(_COMP, f"ch6_comp_{k}", ("更好", "更差", "与它分不出高下"), "test items")
      for k in ("vs_pca_32", "vs_pca_128", "vs_jpeg_min", "vs_jpeg_next", "vs_webp_min")],
    # 6.2: probe accuracy; 100 and 1,000 labels over the same 5 label draws (t, 4 df), 10,000
    # labels over test images (one draw); precision@10 over test queries; the seed record.
    *[_row(_FE, f"ch6_fe_vs_{k}_{n}", _FE_WORDS[k], "seeds" if n < 10_000 else "test items")
      for k in _FE_WORDS for n in (100, 1_000, 10_000)],
    *[_row(_FE, f"ch6_fe_p10_vs_{k}", _FE_WORDS[k], "test items") for k in _FE_WORDS],
    *[_row(_FE, f"ch6_fe_seeds_vs_{k}_{n}", _FE_WORDS[k], "seeds")
      for k in _FE_WORDS for n in (100, 1_000, 10_000)],
    # 6.3: test ROC-AUC of the AE minus each rival, paired over the test heartbeats;
    # the seed record.
    *[_row(_AD, f"ch6_ad_vs_{k}", _AD_WORDS, "test items")
      for k in ("tut", "pca", "knn", "ocsvm", "iso", "best")],
    _row(_AD, "ch6_ad_first_vs_pca", ("高于 PCA", "低于 PCA", "与 PCA 分不出高下"),
         "test items"),
    *[_row(_AD, f"ch6_ad_seeds_vs_{k}", _AD_WORDS, "seeds") for k in ("pca", "knn")],
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
_TOY = "book/ch08_summary/8_4_sae_toy.ipynb"
_FEAT = "book/ch08_summary/8_5_sae_features.ipynb"
_HIGHER = ("高于", "低于", "分不出高下")
_NB86 = "book/ch08_summary/8_6_privacy.ipynb"
_NB87 = "book/ch08_summary/8_7_learned_codec.ipynb"
_PSNR87 = ("高于", "低于", "与它分不出高下")
_BITS87 = ("更费比特", "更省比特", "与它分不出高下")
_CHANCE86 = ("高于", "低于", "与瞎猜分不出高下")  # AUC or TPR against chance
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
    # 8.6: attack AUC of the overfit AE minus chance.
    Row(_NB86, "ch8_priv_auc_gap", "ch8_priv_auc_gap_lo", "ch8_priv_auc_gap_hi",
        "ch8_priv_auc_word", _CHANCE86, "test items"),
    # 8.6: TPR at 1 % FPR minus chance (0.01).
    Row(_NB86, "ch8_priv_tpr_gap", "ch8_priv_tpr_gap_lo", "ch8_priv_tpr_gap_hi",
        "ch8_priv_tpr_word", _CHANCE86, "test items"),
    # 8.6: early-stopped model: AUC minus chance.
    Row(_NB86, "ch8_priv_es_gap", "ch8_priv_es_gap_lo", "ch8_priv_es_gap_hi",
        "ch8_priv_es_word", ("仍然高于", "低于", "与瞎猜分不出高下"), "test items"),
    # 8.6: clipping without noise: AUC minus chance.
    Row(_NB86, "ch8_priv_clip0_gap", "ch8_priv_clip0_gap_lo", "ch8_priv_clip0_gap_hi",
        "ch8_priv_clip0_word", _CHANCE86, "test items"),
    # 8.6: DP-SGD at the first sigma that reaches chance: AUC minus chance.
    Row(_NB86, "ch8_priv_star_gap", "ch8_priv_star_gap_lo", "ch8_priv_star_gap_hi",
        "ch8_priv_star_word", _CHANCE86, "test items"),
    # 8.6: test MSE of that DP model minus clipping-only.
    Row(_NB86, "ch8_priv_cost", "ch8_priv_cost_lo", "ch8_priv_cost_hi",
        "ch8_priv_cost_word", ("高于", "低于", "与之分不出高下"), "test items"),
    # 8.6: overfit AE over seeds: AUC minus chance.
    Row(_NB86, "ch8_priv_long_main_gap", "ch8_priv_long_main_gap_lo",
        "ch8_priv_long_main_gap_hi", "ch8_priv_long_main_word", _CHANCE86, "seeds"),
    # 8.7: the CI codec's bits, scale hyperprior (y + z) - factorized prior, same latents.
    Row(_NB87, "ch8_codec_ci_hyper_vs_fact", "ch8_codec_ci_hyper_vs_fact_low",
        "ch8_codec_ci_hyper_vs_fact_high", "ch8_codec_ci_hyper_vs_fact_word", _BITS87,
        "test items"),
    # 8.7: the CI codec's PSNR minus each rival's at the same rate.
    *(Row(_NB87, f"ch8_codec_ci_vs_{r}", f"ch8_codec_ci_vs_{r}_low", f"ch8_codec_ci_vs_{r}_high",
          f"ch8_codec_ci_vs_{r}_word", _PSNR87, "test items") for r in ("jpeg", "webp", "ae")),
    # 8.7, long run: a setting's PSNR minus a rival's at the same rate; the long
    # curve at the CI point's rate minus the CI point (training length).
    *(Row(_NB87, f"ch8_codec_{k}", f"ch8_codec_{k}_low", f"ch8_codec_{k}_high",
          f"ch8_codec_{k}_word", _PSNR87, "test items")
      for k in ("long_lo_vs_ae", "long_mid_vs_webp", "long_mid_vs_jpeg", "long_hi_vs_webp",
                "len_gain")),
    # 8.7, long run: validation objective R + lambda D of a variant minus the chosen one.
    *(Row(_NB87, f"ch8_codec_choice_{k}", f"ch8_codec_choice_{k}_low",
          f"ch8_codec_choice_{k}_high", f"ch8_codec_choice_{k}_word",
          ("更差", "更好", "与它分不出高下"), "test items") for k in ("noise", "relu")),
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
