"""Re-execute the book's notebooks in place, each in a fresh kernel, top to bottom.

This is how stored outputs are refreshed (`make execute`): one clean run per
notebook, execution counts 1, 2, 3, ..., the working directory set to the
notebook's folder. Cells tagged `raises-exception` may fail; any other error
stops the run and leaves the notebook file untouched.

Usage: python scripts/execute_notebooks.py [NOTEBOOK ...]   (default: every notebook under book/)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_PER_CELL = 600


def _merge_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) chunks into one output, as a reader sees them."""
    merged: list = []
    for out in outputs:
        if (
            out.get("output_type") == "stream"
            and merged
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == out.get("name")
        ):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(out)
    return merged


# The Makefile exports MPLBACKEND=Agg for tests and scripts; a kernel that inherits it
# draws no figure at all, so the stored notebook would lose every plot.
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_PER_CELL,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    # Keep the stored notebook small and free of machine- or tool-specific details.
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = _merge_streams(cell.outputs)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted((ROOT / "book").rglob("*.ipynb"))
    paths = [p for p in paths if ".ipynb_checkpoints" not in p.parts]
    failed = 0
    for path in paths:
        rel = os.path.relpath(path, ROOT)
        print(f"executing {rel} ...", flush=True)
        try:
            elapsed = execute(path)
        except CellExecutionError as exc:
            failed += 1
            print(f"FAILED {rel}: the file was not changed\n{exc}", file=sys.stderr)
            continue
        print(f"  ok in {elapsed:.1f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
