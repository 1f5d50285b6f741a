"""More seeds and a bigger grid for the toy superposition model of 第8章 8.4节, run once.

The notebook ``book/ch08_summary/8_4_sae_toy.ipynb`` trains each method once per
setting (CI's time budget). This script answers "does the comparison hold
across retraining?" with the notebook's setting (d = 32, 10,000 training and
5,000 evaluation samples per world, SAEs with 2n latents, Adam 1e-3, batch
128, 12 epochs) on a grid of n/d and feature probability p, with several test
seeds per point:

1. choices on the validation world (seed 101, n = 128, p = 0.03), as in the
   notebook: TopK's k from {3, 6, 12} and the L1 weight from
   {0.03, 0.1, 0.3} by MMCS; here also dictionary learning's alpha from
   {0.05, 0.1, 0.2} by MMCS, with ``--dl-epochs`` passes (the notebook: 1,
   alpha fixed);
2. on every grid point and test seed, TopK SAE, L1/ReLU SAE and
   ``MiniBatchDictionaryLearning`` are trained on the same world; recovery
   fraction (cos > 0.9) and MMCS against the truth are recorded;
3. per point, the difference TopK − dictionary learning in recovery with a
   paired t interval over seeds (:func:`autoencoder_lib.compare.seed_difference`).

It writes ``book/ch08_summary/sae_toy_long.json`` (layout ``{recorded, command,
machine, total_seconds, versions, result}``), which the notebook displays in
its section "更长的运行", apart from the numbers CI checks.

Usage (from the repository root)::

    PYTHONPATH=. .venv/bin/python scripts/ch8_sae_long.py --seeds 3
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
import warnings
from importlib.metadata import version

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from long_runs import ROOT, tf_version, write_record

RECORD = ROOT / "book" / "ch08_summary" / "sae_toy_long.json"
DIM, N_TRAIN, N_EVAL, EPOCHS, BATCH, LR = 32, 10_000, 5_000, 12, 128, 1e-3
VAL_SEED = 101


def make_world(seed, n, p):
    from autoencoder_lib import sae_metrics

    train = sae_metrics.make_superposition_data(N_TRAIN, dim=DIM, n_features=n, p=p, seed=seed)
    evals = sae_metrics.make_superposition_data(N_EVAL, dim=DIM, n_features=n, p=p,
                                                seed=seed + 1, features=train.features)
    return train, evals


def train_sae(world, kind, value, n_latents, seed=0):
    import keras

    from autoencoder_lib import sae_metrics, sparse_ae

    train, _ = world
    keras.utils.set_random_seed(seed)
    opts = {"k": value} if kind == "topk" else {"l1": value}
    parts = sparse_ae.build_sparse_autoencoder(DIM, n_latents, kind=kind, seed=seed, **opts)
    sparse_ae.fit_sparse_autoencoder(parts, train.x, epochs=EPOCHS, batch_size=BATCH,
                                     learning_rate=LR)
    dirs = sparse_ae.decoder_directions(parts)
    return (sae_metrics.recovery_fraction(train.features, dirs),
            sae_metrics.mmcs(train.features, dirs))


def train_dictionary(world, alpha, n_atoms, epochs):
    from sklearn.decomposition import MiniBatchDictionaryLearning

    from autoencoder_lib import sae_metrics

    train, _ = world
    dl = MiniBatchDictionaryLearning(n_components=n_atoms, alpha=alpha, batch_size=256,
                                     max_iter=epochs, random_state=0).fit(train.x)
    return (sae_metrics.recovery_fraction(train.features, dl.components_, signed=False),
            sae_metrics.mmcs(train.features, dl.components_, signed=False))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3, help="test seeds per grid point")
    parser.add_argument("--dl-epochs", type=int, default=2, help="passes of dictionary learning")
    parser.add_argument("--grid-n", type=int, nargs="+", default=[128, 256])
    parser.add_argument("--grid-p", type=float, nargs="+", default=[0.03, 0.06, 0.12])
    args = parser.parse_args(argv)
    if args.seeds < 2:
        parser.error(f"--seeds must be at least 2 for an interval, got {args.seeds}")
    warnings.filterwarnings("ignore")
    from autoencoder_lib import compare

    load_before = os.getloadavg()
    start = time.perf_counter()
    val = make_world(VAL_SEED, 128, 0.03)
    k_best = max([3, 6, 12], key=lambda k: train_sae(val, "topk", k, 256)[1])
    l1_best = max([0.03, 0.1, 0.3], key=lambda a: train_sae(val, "relu", a, 256)[1])
    alpha_best = max([0.05, 0.1, 0.2],
                     key=lambda a: train_dictionary(val, a, 256, args.dl_epochs)[1])
    k_ratio = k_best / (128 * 0.03)
    print(f"validation: k={k_best} l1={l1_best} alpha={alpha_best}", flush=True)

    cells = []
    for n in args.grid_n:
        for p in args.grid_p:
            k = max(1, round(k_ratio * n * p))
            per = {"topk": [], "relu": [], "dl": []}
            for s in range(args.seeds):
                world = make_world(1000 * (s + 1), n, p)
                per["topk"].append(train_sae(world, "topk", k, 2 * n, seed=s)[0])
                per["relu"].append(train_sae(world, "relu", l1_best, 2 * n, seed=s)[0])
                per["dl"].append(train_dictionary(world, alpha_best, 2 * n, args.dl_epochs)[0])
            c = compare.seed_difference(per["topk"], per["dl"])
            cells.append({"n": n, "p": p, "k": k, **per, "topk_minus_dl": c.difference,
                          "low": c.low, "high": c.high, "verdict": c.verdict})
            print(cells[-1], f"{(time.perf_counter() - start) / 60:.1f} min", flush=True)

    def pct(values):
        return f"{100 * sum(values) / len(values):.1f}"

    header = ["n/d", "p", "k", "TopK 恢复（%）", "L1/ReLU 恢复（%）", "字典学习恢复（%）",
              "TopK − 字典学习（百分点，95 % t 区间）"]
    table = [[f"{c['n'] // DIM}", f"{c['p']:g}", c["k"], pct(c["topk"]), pct(c["relu"]),
              pct(c["dl"]), (f"{100 * c['topk_minus_dl']:+.1f} "
                             f"[{100 * c['low']:+.1f}, {100 * c['high']:+.1f}]")]
             for c in cells]
    elapsed = time.perf_counter() - start
    load_after = os.getloadavg()
    record = {
        "recorded": datetime.date.today().isoformat(),
        "command": "scripts/ch8_sae_long.py " + " ".join(argv),
        "machine": (f"{os.cpu_count()} 个 CPU 核（{platform.machine()}），"
                    f"运行前后 1 分钟平均负载 {load_before[0]:.1f} / {load_after[0]:.1f}"),
        "total_seconds": round(elapsed, 1),
        "versions": {"tensorflow": tf_version(),
                     **{n: version(n) for n in ("keras", "numpy", "scikit-learn")}},
        "result": {"seeds": args.seeds, "dl_epochs": args.dl_epochs, "k_best": k_best,
                   "l1_best": l1_best, "alpha_best": alpha_best, "cells": cells,
                   "header": header, "table": table},
    }
    write_record(RECORD, record)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
