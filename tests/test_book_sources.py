"""The book's sources hang together: toc, glossary (E13), citations, glue keys."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import site_tools

from .conftest import toc_files

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"


def _resolve(entry: str) -> Path | None:
    for suffix in (".md", ".ipynb"):
        candidate = ROOT / (entry + suffix)
        if candidate.is_file():
            return candidate
    return None


def _pages() -> list[Path]:
    return [
        p
        for p in (BOOK.rglob("*"))
        if p.suffix in (".md", ".ipynb")
        and "_static" not in p.parts
        and ".ipynb_checkpoints" not in p.parts
    ]


def _markdown_of(path: Path) -> str:
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_toc_lists_only_existing_pages():
    missing = [f for f in toc_files() if _resolve(f) is None]
    assert not missing, f"_toc.yml lists pages that do not exist: {missing}"


def test_every_page_under_book_is_in_the_toc():
    listed = {_resolve(f) for f in toc_files()}
    orphans = [str(p.relative_to(ROOT)) for p in _pages() if p not in listed]
    assert not orphans, f"pages not in _toc.yml (add them or delete them): {orphans}"


def _glossary_terms() -> list[list[str]]:
    """Each glossary entry as its list of alias lines (terms before the indented definition)."""
    return site_tools.glossary_entries()


def _term_references() -> set[str]:
    refs = set()
    for page in _pages():
        for target in re.findall(r"\{term\}`([^`]+)`", _markdown_of(page)):
            match = re.search(r"<([^>]+)>$", target)
            refs.add((match.group(1) if match else target).strip())
    return refs


def test_glossary_holds_only_terms_the_book_uses():
    """Each glossary entry is linked with {term} from at least one page."""
    entries = _glossary_terms()
    assert len(entries) >= 10
    refs = _term_references()
    unused = [e[0] for e in entries if not refs.intersection(e)]
    assert not unused, f"glossary terms never referenced with {{term}}: {unused}"


def test_citations_exist_in_the_bibliography():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    cited = set()
    for page in _pages():
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", _markdown_of(page)):
            cited.update(k.strip() for k in group.split(","))
    assert cited, "the book cites nothing"
    assert not cited - keys, f"cited but not in references.bib: {sorted(cited - keys)}"


def test_bibliography_entries_are_real_and_checkable():
    """Every entry has a year and a venue, DOI, arXiv id or URL to check it by."""
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    for entry in re.split(r"\n(?=@)", bib):
        if not entry.startswith("@"):
            continue
        key = re.match(r"@\w+\{([^,]+),", entry).group(1)
        assert re.search(r"year\s*=", entry), key
        assert re.search(r"(journal|booktitle|publisher|doi|eprint|howpublished)\s*=", entry), key


@pytest.mark.parametrize("path", sorted(BOOK.rglob("*.ipynb")), ids=lambda p: p.name)
def test_glued_keys_used_in_prose_are_glued_in_the_same_notebook(path):
    nb = nbformat.read(path, as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    used = {k.split(":")[0] for k in re.findall(r"\{glue(?::\w+)?\}`([^`]+)`", prose)}  # roles
    used |= set(re.findall(r"```\{glue(?::\w+)?\}\s+(\S+)", prose))  # directives
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    defined = set(re.findall(r"\bglue\w*\(\s*[\"']([^\"']+)[\"']", code))
    assert used <= defined, f"prose pastes keys never glued: {sorted(used - defined)}"
