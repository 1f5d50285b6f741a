"""The PDF edition (`make pdf` -> _build/pdf/book.pdf): every chapter, formulas, figures.

Marked `pdf` (the tier hook in the root conftest.py) and left out of `make test`
(pyproject's addopts deselect it): `make test-pdf` builds the PDF, then runs these
tests. pypdfium2 turns the pages into text and one page into pixels.
"""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest
from site_tools import ROOT, toc_chapters, toc_files

PDF = ROOT / "_build" / "pdf" / "book.pdf"


def _title(entry: str) -> str:
    md, nb = ROOT / (entry + ".md"), ROOT / (entry + ".ipynb")
    if md.is_file():
        text = md.read_text(encoding="utf-8")
    else:
        text = nbformat.read(nb, as_version=4).cells[0].source
    title = re.search(r"^# (.+)$", text, flags=re.M).group(1).strip()
    return title.replace("`", "")  # inline code marks do not print


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdf():
    import pypdfium2 as pdfium

    if not PDF.is_file():
        pytest.fail(f"{PDF.relative_to(ROOT)} not found: run `make pdf` (or `make test-pdf`)",
                    pytrace=False)
    doc = pdfium.PdfDocument(str(PDF))
    yield doc
    doc.close()


@pytest.fixture(scope="module")
def pages_text(pdf) -> list[str]:
    return [_squash(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]


def test_the_pdf_is_newer_than_every_page_it_prints():
    built = PDF.stat().st_mtime if PDF.is_file() else 0
    stale = [f for f in toc_files() for p in (ROOT / (f + ".md"), ROOT / (f + ".ipynb"))
             if p.is_file() and p.stat().st_mtime > built]
    assert not stale, f"pages changed after the PDF was built (run make pdf): {stale}"


def test_every_chapter_title_is_in_the_pdf(pages_text):
    text = "".join(pages_text)
    titles = [_title(c) for c in toc_chapters()]
    assert len(titles) >= 7
    missing = [t for t in titles if _squash(t) not in text]
    assert not missing, f"chapter titles not found in the PDF text: {missing}"


def test_the_book_is_chinese_and_long(pdf, pages_text):
    assert len(pdf) >= 50
    cjk = sum(len(re.findall(r"[\u4e00-\u9fff]", p)) for p in pages_text)
    assert cjk > 20_000, f"only {cjk} Chinese characters in the text layer"


def test_formulas_are_typeset_and_their_tex_is_searchable(pages_text):
    """The first display formula of chapter 2, as TeX in the PDF's text layer; no raw $$."""
    source = (ROOT / "book" / "ch02_core_concepts" / "index.md").read_text(encoding="utf-8")
    formula = _squash(re.search(r"^\$\$\n(.+?)\n\$\$", source, flags=re.S | re.M).group(1))
    text = "".join(pages_text)
    assert formula in text, f"formula not in the PDF text: {formula}"
    raw = [d for d in ("$$", "\\(", "\\]") if d in text]  # MyST's and Sphinx's math delimiters
    assert not raw, f"a formula was printed as raw TeX (found {raw})"


def test_a_page_with_a_figure_renders_to_a_non_blank_image(pdf):
    """The first page that holds a picture (a notebook's figure) is rendered to pixels."""
    import pypdfium2.raw as raw

    page_no = next(i for i in range(len(pdf))
                   if any(o.type == raw.FPDF_PAGEOBJ_IMAGE for o in pdf[i].get_objects()))
    image = np.asarray(pdf[page_no].render(scale=1.0).to_pil().convert("L"), dtype=float)
    assert image.shape[0] > 800 and image.shape[1] > 500  # A4 at 72 dpi: 842 x 595
    dark = (image < 128).mean()
    assert 0.01 < dark < 0.6, f"page {page_no + 1}: {dark:.1%} dark pixels (blank or black?)"
    assert image.std() > 20, "the page is one flat colour"
