"""Retrain 第6章 6.2节's autoencoder and redraw its labels with several seeds, once, and record.

CI runs the notebook with one seed: one trained encoder and one set of label
draws. This script asks whether the probes' verdicts survive retraining: it
executes a copy of the notebook (in memory, in a temporary working directory)
once per seed with ``CH6_FE_SEED`` set (the seed of the autoencoder's training
and of the label draws), captures ``probe_record`` (every draw's test accuracy
and the ``C`` that validation chose for it) and writes all of them, with library
versions, date and run time, to ``book/ch06_applications/features_seeds.json``.
The run with the first seed also sets ``CH6_FE_ALL_LABELS=1``: the probes on all
50,000 labelled images (the raw-pixel one takes minutes, too long for CI). The
notebook shows the record in a section of its own, apart from CI's numbers. The
stored notebook itself is not touched.

Usage (from the repository root; a few minutes per seed on 2 CPU cores)::

    AUTOENCODER_BOOK_DATA=/path/to/mirror .venv/bin/python scripts/ch6_features_seeds.py --seeds 5
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from long_runs import ROOT, run_notebook_copy, write_record

NOTEBOOK = ROOT / "book" / "ch06_applications" / "6_2_features.ipynb"
# A frozen copy may be run instead (edits to the page during a run do not leak in).
SOURCE = Path(os.environ.get("LONG_RUN_NOTEBOOK", NOTEBOOK))
RECORD = NOTEBOOK.parent / "features_seeds.json"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0 .. n-1 (default 5)")
    args = parser.parse_args(argv)
    if args.seeds < 2:
        parser.error(f"--seeds must be at least 2, got {args.seeds}")

    runs, seconds, facts = {}, 0.0, None
    # The short runs first; the first seed, with all labels, last.
    for seed in [*range(1, args.seeds), 0]:
        env = {"CH6_FE_SEED": str(seed), "CH6_FE_ALL_LABELS": "1" if seed == 0 else "0"}
        record, facts_run = run_notebook_copy(SOURCE, env, "probe_record")
        runs[seed] = record
        seconds += facts_run["total_seconds"]
        facts = facts or facts_run
        means = {k: sum(v) / len(v) for k, v in record["accuracies"].items()}
        print(f"seed {seed}: " + "  ".join(f"{k} {v:.4f}" for k, v in means.items()),
              flush=True)
    write_record(RECORD, {
        "recorded": facts["recorded"],
        "command": f"scripts/ch6_features_seeds.py --seeds {args.seeds}",
        "machine": facts["machine"],
        "total_seconds": round(seconds, 1),
        "versions": facts["versions"],
        "result": [runs[s] for s in sorted(runs)],
    })
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
