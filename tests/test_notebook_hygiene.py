"""Every stored notebook is one clean top-to-bottom run, safe to publish.

The book renders the outputs stored in the .ipynb files, so they must be the
outputs of one real run in a fresh kernel (`make execute`), with nothing from
the author's machine in them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(
    p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)

# Absolute paths of a machine: home and temp folders, the repo's own location, venvs.
MACHINE_PATH = re.compile(
    r"(/root/|/home/\w|/Users/\w|/tmp/|/work/|/var/folders/|[A-Za-z]:\\\\Users|site-packages|\.venv/)"
)
# Lines TensorFlow/absl print at start-up or on device placement.
TF_NOISE = re.compile(
    r"(oneDNN custom operations|TF_ENABLE_ONEDNN_OPTS|cpu_feature_guard|rebuild TensorFlow|"
    r"^[IWE]0000 |absl::InitializeLog|tensorflow/core/|cuda|XLA service|Unable to register cu)",
    re.MULTILINE | re.IGNORECASE,
)


def _text_of(output: dict) -> str:
    if output.get("output_type") == "stream":
        return "".join(output.get("text", ""))
    if output.get("output_type") == "error":
        return (
            output.get("ename", "")
            + ": "
            + output.get("evalue", "")
            + "\n"
            + "\n".join(output.get("traceback", []))
        )
    parts = []
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") or mime.endswith("json"):
            parts.append(value if isinstance(value, str) else json.dumps(value))
    return "\n".join(parts)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_one_clean_run(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    assert "jupytext" not in nb.metadata, "tool metadata must be stripped (make execute does it)"

    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"execution counts {counts}: not one clean top-to-bottom run"
    )

    for i, cell in enumerate(code, start=1):
        tags = set(cell.metadata.get("tags", []))
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if "raises-exception" in tags:
            assert errors, f"cell {i} is tagged raises-exception but stored no error"
        else:
            assert not errors, f"cell {i} stored an error: {errors[0].get('ename')}"
        for out in cell.outputs:
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"cell {i} stored stderr output (warnings or logs): {''.join(out.text)[:200]!r}"
            )
            text = _text_of(out)
            assert not MACHINE_PATH.search(text), (
                f"cell {i} shows a machine path: {MACHINE_PATH.search(text).group(0)!r}"
            )
            assert not TF_NOISE.search(text), (
                f"cell {i} shows TensorFlow log noise: {TF_NOISE.search(text).group(0)!r}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_starts_with_a_title_and_stays_small(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), (
        "first cell: '# title'"
    )
    assert path.stat().st_size < 3_000_000, (
        "stored outputs over 3 MB: use fewer or smaller figures"
    )
