# Colab, or any kernel without the book's library: install autoencoder_lib
# from the repository first. Where it is importable (local runs, CI, Binder)
# this cell does nothing. Paste it above a notebook's `setup()` cell.
import importlib.util
import subprocess
import sys

BOOK_REPOSITORY = "https://github.com/OWNER/REPO"  # the book's repository
BOOK_BRANCH = "main"

if importlib.util.find_spec("autoencoder_lib") is None:
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    # The two pinned packages Colab lacks; keep Colab's own TensorFlow.
    subprocess.run(pip + ["mplfonts==0.0.11", "constriction==0.5.0"],
                   check=True)
    subprocess.run(pip + ["--no-deps",
                          f"git+{BOOK_REPOSITORY}@{BOOK_BRANCH}"],
                   check=True)
