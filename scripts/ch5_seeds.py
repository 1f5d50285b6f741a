"""Chapter 5's choices on validation images, and its headline comparisons over training seeds.

Two jobs, each writing one JSON record next to the chapter's notebooks in the
project's long-run layout ``{recorded, command, machine, total_seconds,
versions, result}``:

``choose``
    Picks the learning rate of 5.3, 5.4, 5.5 (each model) and 5.6 on
    *validation* images: the shuffled training images 50,000-59,999, which no
    model of chapter 5 trains on. Each candidate is trained once (seed 0) with
    the notebook's CI setting; the lowest validation error wins. Writes
    ``book/ch05_practice/validation_choices.json``. The test set is not read.

``seeds NAME`` (NAME: ``sweep``, ``conv`` or ``denoise``)
    Retrains the comparison of 5.4 (AE vs PCA, k = 2, 8, 32, 64: four of the
    sweep's six code sizes, to fit a shared 2-core machine), 5.5 (conv vs dense
    AE) or 5.6 (DAE vs the validation-tuned filters) with seeds 0-4 at the
    chosen learning rate and the CI setting, and records each seed's mean test
    score. Seed 0 is the notebook's own seed. The notebooks turn these into
    intervals over seeds with ``autoencoder_lib.compare.seed_difference`` and
    show them apart from CI's numbers. Writes ``book/ch05_practice/seeds_NAME.json``
    after every seed, so an interrupted run still leaves what it finished.

Usage (from the repository root; on a quiet 2-core CPU about 15 minutes for
``choose`` and 8-12 minutes for each ``seeds`` job)::

    AUTOENCODER_BOOK_DATA=/path/to/mirror .venv/bin/python scripts/ch5_seeds.py choose
    AUTOENCODER_BOOK_DATA=/path/to/mirror .venv/bin/python scripts/ch5_seeds.py seeds denoise
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from importlib.metadata import version

from long_runs import ROOT, tf_version

OUT = ROOT / "book" / "ch05_practice"
CHOICES = OUT / "validation_choices.json"
SEEDS = (0, 1, 2, 3, 4)

# The CI settings of the notebooks (the notebooks assert that they match).
DENSE = {"epochs": 10, "batch": 256, "hidden": [512], "k": 32, "patience": 2}  # 5.3
SWEEP = {"ks": (2, 8, 32, 64), "epochs": 2, "batch": 256, "hidden": [512]}  # 5.4
CONV = {"n_train": 20_000, "epochs": 4, "batch": 128, "k": 32, "filters": (32, 64)}  # 5.5
DENOISE = {"n_train": 40_000, "epochs": 2, "batch": 32, "kernel": 3,
           "sigma_range": (0.1, 0.5), "sigmas": (0.1, 0.3, 0.5)}  # 5.6
GAUSS_GRID = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
MEDIAN_GRID = (2, 3, 4, 5, 6, 7)
LR_GRID = {"dense": (2e-3, 5e-3, 1e-2), "sweep": (2e-3, 5e-3, 1e-2),
           "conv": (2e-3, 5e-3, 1e-2),
           "denoise": (1e-3, 2e-3, 5e-3)}


def _facts(start: float, load_before: float, command: str) -> dict:
    return {
        "recorded": datetime.date.today().isoformat(),
        "command": command,
        "machine": (f"{os.cpu_count()} 个 CPU 核（{platform.machine()}），运行前后 1 分钟平均负载 "
                    f"{load_before:.1f} / {os.getloadavg()[0]:.1f}（与其他任务共用）"),
        "total_seconds": round(time.perf_counter() - start, 1),
        "versions": {"tensorflow": tf_version(),
                     **{n: version(n) for n in ("keras", "numpy", "scikit-learn")}},
    }


def _write(path, record) -> None:
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- training pieces
def _data(shape="flat"):
    from autoencoder_lib import data
    x_all, _ = data.load_fashion_mnist("train", shape=shape, n=60_000, seed=0)
    return x_all


def _dense_model(k, lr, seed, hidden):
    import keras

    from autoencoder_lib import models
    keras.utils.set_random_seed(seed)
    ae = models.build_dense_autoencoder(784, k, hidden_units=hidden).autoencoder
    ae.compile(optimizer=keras.optimizers.Adam(lr), loss="mse")
    return ae


def _sse(ae, x):
    from autoencoder_lib import metrics
    x_hat = ae.predict(x, batch_size=1024, verbose=0).reshape(x.shape)
    return float(metrics.per_image_sse(x, x_hat).mean())


def train_dense_53(lr, seed, x_all):
    """5.3: 784-512-32-512-784, early stopping on images 50,000-59,999."""
    import keras
    ae = _dense_model(DENSE["k"], lr, seed, DENSE["hidden"])
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=DENSE["patience"],
                                         min_delta=1e-5, restore_best_weights=True)
    x_train, x_val = x_all[:50_000], x_all[50_000:]
    ae.fit(x_train, x_train, validation_data=(x_val, x_val), epochs=DENSE["epochs"],
           batch_size=DENSE["batch"], callbacks=[stop], verbose=0)
    return ae


def train_sweep(k, lr, seed, x_all):
    """5.4: one model of the sweep; the notebook seeds model k with k (seed 0)."""
    ae = _dense_model(k, lr, 100 * seed + k, SWEEP["hidden"])
    ae.fit(x_all[:50_000], x_all[:50_000], epochs=SWEEP["epochs"], batch_size=SWEEP["batch"],
           verbose=0)
    return ae


def train_conv(kind, lr, seed, x_img):
    """5.5: the conv AE or the dense AE on the first 20,000 shuffled images."""
    import keras

    from autoencoder_lib import models
    x = x_img[:CONV["n_train"]]
    keras.utils.set_random_seed(seed)
    if kind == "conv":
        ae = models.build_conv_autoencoder((28, 28, 1), CONV["k"],
                                           filters=CONV["filters"]).autoencoder
    else:
        ae = models.build_dense_autoencoder(784, CONV["k"], hidden_units=[512]).autoencoder
        x = x.reshape(len(x), 784)
    ae.compile(optimizer=keras.optimizers.Adam(lr), loss="mse")
    start = time.perf_counter()
    ae.fit(x, x, epochs=CONV["epochs"], batch_size=CONV["batch"], verbose=0)
    return ae, time.perf_counter() - start


def _conv_sse(kind, ae, x_img):
    x = x_img if kind == "conv" else x_img.reshape(len(x_img), 784)
    return _sse(ae, x)


def train_denoise(lr, seed, x_img):
    """5.6: the blind DAE, noise redrawn every epoch."""
    import keras

    from autoencoder_lib import models, noise
    keras.utils.set_random_seed(seed)
    dae = models.build_conv_autoencoder((28, 28, 1), None, filters=(32, 64),
                                        kernel_size=DENOISE["kernel"], name="dae").autoencoder
    dae.compile(optimizer=keras.optimizers.Adam(lr), loss="mse")
    start = time.perf_counter()
    dae.fit(noise.noisy_pairs(x_img[:DENOISE["n_train"]], DENOISE["sigma_range"],
                              batch_size=DENOISE["batch"], seed=seed),
            epochs=DENOISE["epochs"], verbose=0)
    return dae, time.perf_counter() - start


def _val_psnr(dae, x_val):
    """Mean validation PSNR over 5.6's three noise levels (images 53,000-54,999)."""
    from autoencoder_lib import metrics, noise
    out = []
    for i, s in enumerate(DENOISE["sigmas"]):
        noisy = noise.add_gaussian_noise(x_val, s, seed=300 + i)
        out.append(float(metrics.psnr(x_val, dae.predict(noisy, batch_size=1000,
                                                         verbose=0)).mean()))
    return sum(out) / len(out)


# --------------------------------------------------------------------------- jobs
def choose(command: str) -> dict:
    import numpy as np
    x_all = _data("flat")
    x_val = x_all[50_000:]
    result = {"validation_images": "shuffled training images 50,000-59,999 (seed 0)",
              "grid": {k: list(v) for k, v in LR_GRID.items()}}

    scores = {}
    for lr in LR_GRID["dense"]:
        scores[lr] = _sse(train_dense_53(lr, 0, x_all), x_val)
        print(f"5.3 lr={lr:g}: validation SSE {scores[lr]:.3f}", flush=True)
    result["dense"] = {"validation_sse": {str(k): v for k, v in scores.items()},
                       "chosen_lr": min(scores, key=scores.get)}

    scores = {}
    for lr in LR_GRID["sweep"]:
        per_k = {k: _sse(train_sweep(k, lr, 0, x_all), x_val) for k in SWEEP["ks"]}
        scores[lr] = float(np.exp(np.mean(np.log(list(per_k.values())))))
        print(f"5.4 lr={lr:g}: validation SSE per k {per_k}, geometric mean {scores[lr]:.3f}",
              flush=True)
    result["sweep"] = {"ks": list(SWEEP["ks"]),
                       "validation_sse_geomean": {str(k): v for k, v in scores.items()},
                       "chosen_lr": min(scores, key=scores.get)}

    x_img = x_all.reshape(-1, 28, 28, 1)
    result["conv"] = {}
    for kind in ("conv", "dense"):
        scores = {}
        for lr in LR_GRID["conv"]:
            ae, _ = train_conv(kind, lr, 0, x_img)
            scores[lr] = _conv_sse(kind, ae, x_img[50_000:])
            print(f"5.5 {kind} lr={lr:g}: validation SSE {scores[lr]:.3f}", flush=True)
        result["conv"][kind] = {"validation_sse": {str(k): v for k, v in scores.items()},
                                "chosen_lr": min(scores, key=scores.get)}

    scores = {}
    for lr in LR_GRID["denoise"]:
        dae, _ = train_denoise(lr, 0, x_img)
        scores[lr] = _val_psnr(dae, x_img[53_000:55_000])
        print(f"5.6 lr={lr:g}: validation PSNR {scores[lr]:.3f}", flush=True)
    result["denoise"] = {"validation_psnr": {str(k): v for k, v in scores.items()},
                         "chosen_lr": max(scores, key=scores.get)}
    return result


def seeds(name: str, choices: dict, record_path, facts) -> dict:
    from autoencoder_lib import baselines, data, metrics, noise
    x_all = _data("flat")
    x_test, _ = data.load_fashion_mnist("test")
    rows = []
    if name == "sweep":
        lr = choices["sweep"]["chosen_lr"]
        pca = {k: float(metrics.per_image_sse(
            x_test, baselines.pca_reconstruct(x_all[:50_000], x_test, k)).mean())
            for k in SWEEP["ks"]}
        result = {"settings": {**SWEEP, "ks": list(SWEEP["ks"]), "lr": lr}, "pca": pca}
    elif name == "conv":
        lrs = {kind: choices["conv"][kind]["chosen_lr"] for kind in ("conv", "dense")}
        result = {"settings": {**CONV, "filters": list(CONV["filters"]), "lr": lrs}}
    else:
        lr = choices["denoise"]["chosen_lr"]
        x_img = x_all.reshape(-1, 28, 28, 1)
        x_test_img = x_test.reshape(-1, 28, 28, 1)
        x_tune = x_img[52_000:53_000]
        filters = {}
        for i, s in enumerate(DENOISE["sigmas"]):
            tune_noisy = noise.add_gaussian_noise(x_tune, s, seed=200 + i)
            g, _ = baselines.tune_denoiser(baselines.gaussian_denoise, tune_noisy, x_tune,
                                           GAUSS_GRID)
            m, _ = baselines.tune_denoiser(baselines.median_denoise, tune_noisy, x_tune,
                                           MEDIAN_GRID)
            test_noisy = noise.add_gaussian_noise(x_test_img, s, seed=100 + i)
            filters[str(s)] = {
                "gaussian_sigma": g, "median_size": m,
                "gaussian": float(metrics.psnr(
                    x_test_img, baselines.gaussian_denoise(test_noisy, g)).mean()),
                "median": float(metrics.psnr(
                    x_test_img, baselines.median_denoise(test_noisy, m)).mean()),
            }
        result = {"settings": {**DENOISE, "sigma_range": list(DENOISE["sigma_range"]),
                               "sigmas": list(DENOISE["sigmas"]), "lr": lr,
                               "median_grid": list(MEDIAN_GRID)},
                  "filters": filters}
    result["seeds"] = rows
    for seed in SEEDS:
        if name == "sweep":
            row = {"seed": seed, "ae": {str(k): _sse(train_sweep(k, lr, seed, x_all), x_test)
                                        for k in SWEEP["ks"]}}
        elif name == "conv":
            row = {"seed": seed}
            for kind in ("conv", "dense"):
                ae, sec = train_conv(kind, lrs[kind], seed, x_all.reshape(-1, 28, 28, 1))
                row[kind] = _conv_sse(kind, ae, x_test.reshape(-1, 28, 28, 1))
                row[f"{kind}_seconds"] = round(sec, 1)
        else:
            dae, sec = train_denoise(lr, seed, x_img)
            row = {"seed": seed, "train_seconds": round(sec, 1), "dae": {
                str(s): float(metrics.psnr(x_test_img, dae.predict(
                    noise.add_gaussian_noise(x_test_img, s, seed=100 + i), batch_size=1000,
                    verbose=0)).mean()) for i, s in enumerate(DENOISE["sigmas"])}}
        rows.append(row)
        print(json.dumps(row), flush=True)
        _write(record_path, {**facts(), "result": result})
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("job", choices=("choose", "seeds"))
    parser.add_argument("name", nargs="?", choices=("sweep", "conv", "denoise"))
    args = parser.parse_args(argv)
    if (args.job == "seeds") != (args.name is not None):
        parser.error("seeds needs a NAME (sweep, conv or denoise); choose takes none")
    from autoencoder_lib.notebook import setup
    setup(seed=0)
    start, load = time.perf_counter(), os.getloadavg()[0]
    command = "scripts/ch5_seeds.py " + " ".join(argv)
    if args.job == "choose":
        result = choose(command)
        _write(CHOICES, {**_facts(start, load, command), "result": result})
        print(f"wrote {CHOICES.relative_to(ROOT)}")
    else:
        choices = json.loads(CHOICES.read_text(encoding="utf-8"))["result"]
        path = OUT / f"seeds_{args.name}.json"
        seeds(args.name, choices, path, lambda: _facts(start, load, command))
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
