"""Run the latent-size sweep of 第5章 5.4节 with longer training, once, and record the result.

The book's numbers come from the notebook as CI runs it (a few epochs per code
size). This script answers "what does longer training reach?" with the *same*
notebook: it executes a copy (in memory, in a temporary working directory) with the notebook's one switch,
``CH5_SWEEP_EPOCHS``, set higher, captures the table the notebook computed, and
writes it, with the settings, library versions, date and run time, to
``book/ch05_practice/latent_sweep_long.json``. The notebook displays that file
in its section "更长的训练", clearly apart from the numbers CI checks.
The stored notebook itself is not touched.

Usage (from the repository root; takes about half an hour on 2 CPU cores)::

    AUTOENCODER_BOOK_DATA=/path/to/mirror .venv/bin/python scripts/ch5_long_sweep.py --epochs 30
"""

from __future__ import annotations

import argparse
import sys

from long_runs import ROOT, run_notebook_copy, write_record

NOTEBOOK = ROOT / "book" / "ch05_practice" / "5_4_latent_sweep.ipynb"
RECORD = NOTEBOOK.parent / "latent_sweep_long.json"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=30, help="training epochs per code size (default 30)")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be positive, got {args.epochs}")

    rows, facts = run_notebook_copy(NOTEBOOK, {"CH5_SWEEP_EPOCHS": str(args.epochs)}, "rows")
    record = {
        "recorded": facts["recorded"],
        "epochs": args.epochs,
        "command": f"scripts/ch5_long_sweep.py --epochs {args.epochs}",
        "machine": facts["machine"],
        "total_seconds": facts["total_seconds"],
        "versions": facts["versions"],
        "rows": [{**r, "seconds": round(r["seconds"], 1)} for r in rows],
    }
    write_record(RECORD, record)
    for r in rows:
        print(f"k={r['k']:>2}  AE {r['ae']:6.2f}  PCA {r['pca']:6.2f}  ratio {r['ae'] / r['pca']:.3f}  {r['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
