"""Run the longer VAE training of 第6章 6.4节, once (`scripts/long_runs.py vae_long`).

The one entry point of the long runs is scripts/long_runs.py (see its docstring).
This script is kept because the book's text shows its command: it runs the same
long run and records the command as it was typed here. Options: --epochs N.
"""

from __future__ import annotations

import sys

from long_runs import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], prog="scripts/ch6_vae_long.py", name="vae_long"))
