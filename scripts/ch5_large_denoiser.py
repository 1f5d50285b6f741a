"""Run the larger denoiser of 第5章 5.6节, once (`scripts/long_runs.py denoiser_large`).

The one entry point of the long runs is scripts/long_runs.py (see its docstring).
This script is kept because the book's text shows its command: it runs the same
long run and records the command as it was typed here (no options).
"""

from __future__ import annotations

import sys

from long_runs import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], prog="scripts/ch5_large_denoiser.py", name="denoiser_large"))
