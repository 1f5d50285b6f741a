"""Run the denoising experiment of 第5章 5.6节 once with the larger model, and record it.

CI runs the notebook with its small default model (3×3 kernels, 2 epochs), which
fits the 90-second budget. This script executes a copy of the *same* notebook
(in memory, in a temporary working directory) with its one switch
``CH5_DAE_SIZE=large`` (5×5 kernels, batch 128, 4 epochs), and writes the scores
it computed, with settings, versions and run time, to
``book/ch05_practice/denoiser_large.json``. The notebook shows that record in
its section "更大的模型（单独运行一次）", apart from the numbers CI checks.

Usage (from the repository root; about 4 minutes on 2 CPU cores)::

    AUTOENCODER_BOOK_DATA=/path/to/mirror .venv/bin/python scripts/ch5_large_denoiser.py
"""

from __future__ import annotations

import sys

from long_runs import ROOT, run_notebook_copy, write_record

NOTEBOOK = ROOT / "book" / "ch05_practice" / "5_6_denoising.ipynb"
RECORD = NOTEBOOK.parent / "denoiser_large.json"


def main(argv: list[str]) -> int:
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    summary, facts = run_notebook_copy(NOTEBOOK, {"CH5_DAE_SIZE": "large"}, "dae_summary")
    write_record(RECORD, {**facts, "command": "scripts/ch5_large_denoiser.py", "result": summary})
    for sigma, row in summary["psnr"].items():
        print(f"sigma={sigma}: noisy {row['带噪输入']:.2f} dB -> DAE {row['去噪自动编码器']:.2f} dB")
    print(f"training: {summary['train_seconds']:.0f} s, settings {summary['settings']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
