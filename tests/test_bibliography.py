"""references.bib is a real bibliography: every entry is cited, complete
and checkable; every citation resolves."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
BIB = (ROOT / "references.bib").read_text(encoding="utf-8")
VENUE = r"(journal|booktitle|publisher|howpublished|school|institution|[aA]rchive[pP]refix)"
IDENTIFIER = r"(doi|eprint|isbn|url)\s*=|howpublished\s*=\s*\{[^\n]*\\url\{"


def _entries() -> dict[str, str]:
    entries = {}
    for chunk in re.split(r"\n(?=@)", BIB):
        match = re.match(r"@(\w+)\{([^,]+),", chunk.strip())
        if match:
            assert match.group(2) not in entries, f"duplicate key {match.group(2)}"
            entries[match.group(2)] = chunk
    return entries


def _cited_keys() -> set[str]:
    cited = set()
    for page in BOOK.rglob("*"):
        if page.suffix == ".md":
            text = page.read_text(encoding="utf-8")
        elif page.suffix == ".ipynb" and ".ipynb_checkpoints" not in page.parts:
            nb = nbformat.read(page, as_version=4)
            text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        else:
            continue
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text):
            cited.update(k.strip() for k in group.split(","))
    return cited


ENTRIES = _entries()


def test_every_citation_resolves():
    missing = _cited_keys() - set(ENTRIES)
    assert not missing, f"cited but not in references.bib: {sorted(missing)}"


def test_every_entry_is_cited_somewhere():
    """第10章 prints the bibliography: an entry that nothing cites does not belong in it."""
    uncited = set(ENTRIES) - _cited_keys()
    assert not uncited, (
        "entries never cited (cite them, e.g. in 第7章 or 第10章, or remove them): "
        f"{sorted(uncited)}"
    )


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_entry_has_author_title_year_venue_and_identifier(key):
    entry = ENTRIES[key]
    for field in ("author", "title", "year"):
        assert re.search(rf"\b{field}\s*=", entry), f"{key}: no {field}"
    assert re.search(rf"\b{VENUE}\s*=", entry), (
        f"{key}: no venue (journal, booktitle, publisher or howpublished)"
    )
    assert re.search(IDENTIFIER, entry), (
        f"{key}: no DOI, arXiv id, ISBN or stable URL to check it by"
    )
    year = int(re.search(r"\byear\s*=\s*\{?(\d{4})", entry).group(1))
    assert 1940 <= year <= 2026, f"{key}: implausible year {year}"


@pytest.mark.parametrize(
    "key", sorted(k for k, e in ENTRIES.items() if re.search(r"\beprint\s*=", e))
)
def test_arxiv_ids_are_well_formed(key):
    eprint = re.search(r"\beprint\s*=\s*\{([^}]*)\}", ENTRIES[key]).group(1)
    assert re.fullmatch(r"\d{4}\.\d{4,5}", eprint), f"{key}: eprint {eprint!r} is not an arXiv id"


@pytest.mark.parametrize(
    "key", sorted(k for k, e in ENTRIES.items() if re.search(r"\bdoi\s*=", e))
)
def test_dois_are_well_formed(key):
    doi = re.search(r"\bdoi\s*=\s*\{([^}]*)\}", ENTRIES[key]).group(1)
    assert re.fullmatch(r"10\.\d{4,9}/\S+", doi), f"{key}: DOI {doi!r} is malformed"


def test_the_bibliography_is_printed_in_chapter_10():
    from .conftest import toc_files

    files = toc_files()
    assert "book/references" in files
    chapter10 = files.index("book/ch10_further_reading/index")
    assert files.index("book/references") == chapter10 + 1, (
        "the references page is a section of 第10章"
    )
    assert "```{bibliography}" in (BOOK / "references.md").read_text(encoding="utf-8")
