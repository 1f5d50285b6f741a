"""The wider record of 第8章 8.6节: more noise levels, several seeds, gradient timings.

The book's numbers come from the notebook as CI runs it (one seed, three noise
multipliers). This script executes copies of the *same* notebook (in memory,
in a temporary directory; see ``long_runs.py``) once per seed, with the
notebook's two switches ``CH8_PRIV_SEED`` (data split, initial weights,
batches and noise) and ``CH8_PRIV_SIGMAS`` (the noise multipliers) set, and
captures each run's ``priv_summary``. It adds the PLD accountant's epsilon
beside the RDP one for the same (q, sigma, steps), and times the three ways
of computing per-example gradients (``tf.vectorized_map``, a batched
Jacobian, the analytic formula for dense layers) inside ``tf.function``,
counting the warnings each prints. Everything goes to
``book/ch08_summary/privacy_long.json``, which the notebook displays apart
from the numbers CI checks. The stored notebook itself is not touched.

Usage (from the repository root)::

    AUTOENCODER_BOOK_DATA=/path/to/mirror .venv/bin/python scripts/ch8_privacy_long.py \
        --seeds 0 1 2 --sigmas 0.02 0.05 0.1 0.2 0.5 1 2 --jobs 3
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import statistics
import sys
import time
import warnings

from long_runs import ROOT, run_notebook_copy, write_record

NOTEBOOK = ROOT / "book" / "ch08_summary" / "8_6_privacy.ipynb"
RECORD = NOTEBOOK.parent / "privacy_long.json"


def time_per_example_methods(batch_sizes=(100,), repeats=5) -> list[dict]:
    """Seconds per call of each per-example-gradient method, compiled with tf.function."""
    from autoencoder_lib.reproducibility import quiet_tensorflow

    quiet_tensorflow()
    import keras
    import numpy as np
    import tensorflow as tf

    from autoencoder_lib import models, privacy

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__()
            self.messages = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    handler = Collect()
    tf.get_logger().addHandler(handler)
    keras.utils.set_random_seed(0)
    model = models.build_dense_autoencoder(784, 32, hidden_units=[128]).autoencoder
    rows = []
    for batch in batch_sizes:
        x = tf.constant(np.random.default_rng(0).random((batch, 784)), tf.float32)
        for method in ("analytic", "vectorized_map", "jacobian"):
            fn = tf.function(lambda v, m=method: privacy._per_example(model, v, m),
                             input_signature=[tf.TensorSpec([None, 784], tf.float32)])
            handler.messages.clear()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                start = time.perf_counter()
                fn(x)
                first = time.perf_counter() - start
                times = []
                for _ in range(repeats):
                    start = time.perf_counter()
                    [g.numpy() for g in fn(x)]
                    times.append(time.perf_counter() - start)
            rows.append({"method": method, "batch": batch, "first_call_s": round(first, 3),
                         "median_s": round(statistics.median(times), 4),
                         "warnings": len(caught) + len(handler.messages),
                         "warning_text": sorted({str(w.message)[:120] for w in caught}
                                                | {m[:120] for m in handler.messages})})
        start = time.perf_counter()
        for _ in range(3):
            [g.numpy() for g in privacy.per_example_gradients(model, x.numpy(), method="loop")]
        rows.append({"method": "loop (eager)", "batch": batch, "first_call_s": None,
                     "median_s": round((time.perf_counter() - start) / 3, 4), "warnings": 0,
                     "warning_text": []})
        # The clipped sum DP-SGD needs, without storing per-example gradients.
        step = tf.function(lambda v: privacy._clipped_sum_analytic(model, v, 0.1),
                           input_signature=[tf.TensorSpec([None, 784], tf.float32)])
        step(x)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            [g.numpy() for g in step(x)[0]]
            times.append(time.perf_counter() - start)
        rows.append({"method": "analytic clipped sum", "batch": batch, "first_call_s": None,
                     "median_s": round(statistics.median(times), 4), "warnings": 0,
                     "warning_text": []})
    tf.get_logger().removeHandler(handler)
    return rows


def _one_seed(job):
    seed, sigmas = job
    return run_notebook_copy(NOTEBOOK, {"CH8_PRIV_SEED": str(seed), "CH8_PRIV_SIGMAS": sigmas},
                             "priv_summary")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--sigmas", type=float, nargs="+",
                        default=[0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0])
    parser.add_argument("--jobs", type=int, default=1, help="seeds run side by side")
    parser.add_argument("--pld-min-sigma", type=float, default=0.2,
                        help="PLD epsilon only from this sigma up (smaller ones take hours)")
    args = parser.parse_args(argv)
    if any(s < 0 for s in args.seeds) or any(s <= 0 for s in args.sigmas) or args.jobs < 1:
        parser.error("seeds must be >= 0, sigmas > 0 and jobs >= 1")
    sigmas = ",".join(f"{s:g}" for s in sorted(args.sigmas))
    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
        results = pool.map(_one_seed, [(seed, sigmas) for seed in args.seeds])
    runs = [summary for summary, _ in results]
    facts = results[-1][1]
    for seed, (summary, f) in zip(args.seeds, results):
        print(f"seed {seed}: main AUC {summary['main']['auc']:.3f} "
              f"({f['total_seconds']:.0f} s)", flush=True)
    from autoencoder_lib import privacy

    first = runs[0]
    pld = {f"{s:g}": (privacy.epsilon(s, first["q"], first["steps"], first["delta"],
                                      accountant="pld") if s >= args.pld_min_sigma else None)
           for s in sorted(args.sigmas)}
    timing = time_per_example_methods()
    record = {
        "recorded": facts["recorded"],
        "command": "scripts/ch8_privacy_long.py --seeds "
                   + " ".join(map(str, args.seeds)) + " --sigmas "
                   + " ".join(f"{s:g}" for s in sorted(args.sigmas))
                   + f" --jobs {args.jobs} --pld-min-sigma {args.pld_min_sigma:g}",
        "machine": facts["machine"],
        "total_seconds": round(time.perf_counter() - start, 1),
        "versions": facts["versions"],
        "result": {"runs": runs, "eps_pld": pld, "per_example_timing": timing},
    }
    write_record(RECORD, record)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
