"""Shared runner for the "measured once" runs that chapter 5 reports apart from CI.

A long run executes an in-memory copy of a chapter notebook (in a temporary
working directory, so nothing is written back) with one environment switch
changed, then reads one JSON-serialisable variable out of the kernel. The
scripts that use it (``ch5_long_sweep.py``, ``ch5_large_denoiser.py``) write
that value, with the settings, library versions, machine load and run time, to
a JSON record next to the notebook, which the notebook displays in a section
of its own, apart from the numbers CI checks.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
#: Cells that display a recorded long run are left out of the long run itself.
SKIP_TAG = "long-run-display"


def run_notebook_copy(notebook: Path, env: dict[str, str], capture: str) -> tuple[object, dict]:
    """Execute a copy of ``notebook`` with ``env`` set; return ``json.loads`` of ``capture``, and run facts."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [c for c in nb.cells if SKIP_TAG not in c.metadata.get("tags", [])]
    nb.cells.append(nbformat.v4.new_code_cell(f"import json\nprint(json.dumps({capture}))"))
    os.environ.update(env)
    load_before = os.getloadavg()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        NotebookClient(nb, timeout=None, kernel_name="python3", resources={"metadata": {"path": tmp}}).execute()
    elapsed = time.perf_counter() - start
    load_after = os.getloadavg()
    facts = {
        "recorded": datetime.date.today().isoformat(),
        "machine": (
            f"{os.cpu_count()} 个 CPU 核（{platform.machine()}），"
            f"运行前后 1 分钟平均负载 {load_before[0]:.1f} / {load_after[0]:.1f}"
        ),
        "total_seconds": round(elapsed, 1),
        "versions": {"tensorflow": tf_version(), **{n: version(n) for n in ("keras", "numpy", "scikit-learn")}},
    }
    return json.loads(nb.cells[-1].outputs[0]["text"]), facts


def write_record(path: Path, record: dict) -> None:
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} after {record['total_seconds'] / 60:.1f} min")


def tf_version() -> str:
    """Version of TensorFlow, installed as ``tensorflow-cpu`` on Linux x86-64, else ``tensorflow``."""
    for name in ("tensorflow-cpu", "tensorflow"):
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return "unknown"
