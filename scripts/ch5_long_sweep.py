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
import datetime
import json
import os
import platform
import sys
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "book" / "ch05_practice" / "5_4_latent_sweep.ipynb"
RECORD = NOTEBOOK.parent / "latent_sweep_long.json"
# Cells that display the recorded long run are left out of the long run itself.
SKIP_TAG = "long-run-display"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=30, help="training epochs per code size (default 30)")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be positive, got {args.epochs}")

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells = [c for c in nb.cells if SKIP_TAG not in c.metadata.get("tags", [])]
    nb.cells.append(nbformat.v4.new_code_cell("import json\nprint(json.dumps(rows))"))

    os.environ["CH5_SWEEP_EPOCHS"] = str(args.epochs)
    load_before = os.getloadavg()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:  # the kernel's working directory; nothing is written back
        NotebookClient(nb, timeout=None, kernel_name="python3", resources={"metadata": {"path": tmp}}).execute()
    elapsed = time.perf_counter() - start
    load_after = os.getloadavg()

    rows = json.loads(nb.cells[-1].outputs[0]["text"])
    record = {
        "recorded": datetime.date.today().isoformat(),
        "epochs": args.epochs,
        "command": f"scripts/ch5_long_sweep.py --epochs {args.epochs}",
        "machine": (
            f"{os.cpu_count()} 个 CPU 核（{platform.machine()}），"
            f"运行前后 1 分钟平均负载 {load_before[0]:.1f} / {load_after[0]:.1f}"
        ),
        "total_seconds": round(elapsed, 1),
        "versions": {"tensorflow": _tf_version(), **{name: version(name) for name in ("keras", "numpy", "scikit-learn")}},
        "rows": [{**r, "seconds": round(r["seconds"], 1)} for r in rows],
    }
    RECORD.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RECORD.relative_to(ROOT)} after {elapsed / 60:.1f} min")
    for r in rows:
        print(f"k={r['k']:>2}  AE {r['ae']:6.2f}  PCA {r['pca']:6.2f}  ratio {r['ae'] / r['pca']:.3f}  {r['seconds']:.0f} s")
    return 0


def _tf_version() -> str:
    """Version of TensorFlow, installed as ``tensorflow-cpu`` on Linux x86-64, else ``tensorflow``."""
    for name in ("tensorflow-cpu", "tensorflow"):
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return "unknown"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
