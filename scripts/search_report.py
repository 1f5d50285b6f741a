"""Which pages the built site's search returns for every glossary term and title term.

Runs Sphinx's own search code (searchtools.js with the book's splitter) in headless
Chromium on a built site, for each term typed as is, and prints the misses:

    .venv/bin/python scripts/search_report.py [_build/html]

A term is expected to find the glossary (for a glossary term) and every page whose
title holds it. Used to measure issue 12 §1 before and after; tests/test_site_layout.py
asserts the same.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY_DOC = "book/ch01_background/glossary"
# Words a reader types that neither the glossary nor jieba's reading of a title
# yields on its own (issue 12: 去噪 found 0 pages).
EXTRA_QUERIES = ("去噪", "自编码器", "反向传播算法", "去噪自编码器")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_BREAK = re.compile(r"[^\u4e00-\u9fff]+|[与和及的]")


def glossary_terms(root: Path = ROOT) -> list[str]:
    text = (root / "book" / "ch01_background" / "glossary.md").read_text(encoding="utf-8")
    terms = []
    for block in re.findall(r"```\{glossary\}\n(.*?)```", text, flags=re.S):
        terms += [line.strip() for line in block.splitlines() if line.strip() and not line[0].isspace()]
    return terms


def load_index(site: Path) -> dict:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def expectations(site: Path, root: Path = ROOT) -> dict[str, set[str]]:
    """Query -> docnames it must return: the glossary for a glossary term, plus every
    page whose title holds the query. Title terms are the phrases of each page title
    (split at punctuation, Latin text and 与/和/及/的) and the words jieba finds in them."""
    import jieba

    index = load_index(site)
    titles = dict(zip(index["docnames"], index["titles"]))
    queries: dict[str, set[str]] = {t: {GLOSSARY_DOC} for t in glossary_terms(root)}
    for title in titles.values():
        for phrase in _BREAK.split(title):
            if len(phrase) >= 2:
                queries.setdefault(phrase, set())
        for word in jieba.lcut(title):
            if _HAN_RUN.fullmatch(word):
                queries.setdefault(word, set())
    for query in EXTRA_QUERIES:
        queries.setdefault(query, set())
    for query, docs in queries.items():
        docs |= {doc for doc, title in titles.items() if query in title}
    return queries


JS_SEARCH = """(q) => {
  const [query, terms, excluded, highlight, objects] = Search._parseQuery(q);
  return Search._performSearch(query, terms, excluded, highlight, objects).map((r) => r[0]);
}"""


def run_queries(page, queries) -> dict[str, list[str]]:
    return {q: page.evaluate(JS_SEARCH, q) for q in queries}


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    site = Path(argv[1]) if len(argv) > 1 else ROOT / "_build" / "html"
    expected = expectations(site)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search.html", wait_until="networkidle")
            page.wait_for_function("Search._index !== null")
            found = run_queries(page, expected)
            browser.close()
    finally:
        server.shutdown()
    misses = 0
    for query, docs in sorted(expected.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lost = docs - set(found[query])
        misses += bool(lost)
        mark = "MISS" if lost else "ok  "
        print(f"{mark} {query}: {len(found[query])} pages" + (f"; missing {sorted(lost)}" if lost else ""))
    print(f"{misses} of {len(expected)} queries miss an expected page")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
