"""Run 5.4's latent-size sweep trained longer, once (`long_runs.py latent_sweep_long`).

The one entry point of the long runs is scripts/long_runs.py (see its docstring).
This script is kept because the book's text shows its command: it runs the same
long run and records the command as it was typed here. Options: --epochs N.
"""

from __future__ import annotations

import sys

from long_runs import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], prog="scripts/ch5_long_sweep.py", name="latent_sweep_long"))
