"""Every notebook that draws a figure stores it: a run under a non-interactive
matplotlib backend (MPLBACKEND=Agg) silently drops all plots from the outputs."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

BOOK = Path(__file__).resolve().parent.parent / "book"
DRAWS = re.compile(r"plt\.(subplots|figure|imshow|plot)\(|plotting\.plot_\w+\(|\.plot\(")


@pytest.mark.parametrize("path", sorted(BOOK.rglob("*.ipynb")), ids=lambda p: p.name)
def test_cells_that_draw_store_an_image(path):
    nb = nbformat.read(path, as_version=4)
    missing = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not DRAWS.search(cell.source):
            continue
        if "remove-cell" in cell.metadata.get("tags", []):
            continue
        if not any("image/png" in out.get("data", {}) or "image/svg+xml" in out.get("data", {})
                   for out in cell.outputs):
            missing.append(i)
    assert not missing, (
        f"cells that draw but store no figure (re-run with make execute): {missing}"
    )
