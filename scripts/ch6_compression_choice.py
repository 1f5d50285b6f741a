"""Choose 第6章 6.1节's learning rate and largest training noise step on validation images.

The notebook trains its compression autoencoder with one learning rate and one
range of noise steps ``[STEP_MIN, STEP_MAX]``. This script makes that choice on
validation images only (training images 50,000-59,999, which no model trains
on; the test images play no part): it executes a copy of the notebook (in memory,
in a temporary working directory) for each setting of a small grid, with
``CH6_COMP_LR`` and ``CH6_COMP_STEP_MAX`` set, and captures ``val_score``, the
mean validation PSNR at matched rates of 32-128 bits per image (ideal code
length under the symbol model fitted on training codes). Only the cells up to
that score run: the rest of the page concerns the test images. The grid, the scores
and the winner go to ``book/ch06_applications/compression_choice.json``; the
notebook's defaults are set to the winner by hand and the notebook shows the
record. The stored notebook itself is not touched.

Usage (from the repository root; about 2 minutes per setting on 2 CPU cores)::

    AUTOENCODER_BOOK_DATA=/path/to/mirror .venv/bin/python scripts/ch6_compression_choice.py
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from long_runs import ROOT, run_notebook_copy, write_record

NOTEBOOK = ROOT / "book" / "ch06_applications" / "6_1_compression.ipynb"
# A frozen copy may be run instead (edits to the page during a run do not leak in).
SOURCE = Path(os.environ.get("LONG_RUN_NOTEBOOK", NOTEBOOK))
RECORD = NOTEBOOK.parent / "compression_choice.json"
LEARNING_RATES = (2e-3, 5e-3, 1e-2)
STEP_MAXES = (0.4, 1.6)


def main(argv: list[str]) -> int:
    if argv:
        print(__doc__)
        return 2
    nb = nbformat.read(SOURCE, as_version=4)
    last = next(i for i, c in enumerate(nb.cells) if 'glue("ch6_comp_val_score"' in c.source)
    nb.cells = nb.cells[:last + 1]
    head = Path(tempfile.mkdtemp()) / "choice.ipynb"
    nbformat.write(nb, head)
    grid, seconds, facts = [], 0.0, None
    for lr, step_max in itertools.product(LEARNING_RATES, STEP_MAXES):
        env = {"CH6_COMP_LR": repr(lr), "CH6_COMP_STEP_MAX": repr(step_max)}
        score, facts_run = run_notebook_copy(head, env, "val_score")
        grid.append({"learning_rate": lr, "step_max": step_max, "val_psnr": round(score, 4)})
        seconds += facts_run["total_seconds"]
        facts = facts or facts_run
        print(f"lr {lr:g}  step_max {step_max:g}  validation PSNR {score:.3f} dB", flush=True)
    best = max(grid, key=lambda r: r["val_psnr"])
    write_record(RECORD, {
        "recorded": facts["recorded"],
        "command": "scripts/ch6_compression_choice.py",
        "machine": facts["machine"],
        "total_seconds": round(seconds, 1),
        "versions": facts["versions"],
        "result": {"grid": grid, "chosen": best},
    })
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
