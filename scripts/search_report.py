"""Which pages the built site's search returns for every glossary term and title term.

Runs Sphinx's own search code (searchtools.js with the book's query splitter) in
headless Chromium on a built site, for each term typed as is, and prints what each
query finds and what it misses:

    .venv/bin/python scripts/search_report.py [_build/html]

The queries and the pages each must find are site_tools.search_expectations, the
same as tests/test_site_layout.py checks (the search dictionary was measured with
this script before and after it was added). The browser: scripts/find_browser.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from find_browser import BrowserNotFound, find_browser
from site_tools import CHROMIUM_FLAGS, JS_SEARCH, ROOT, search_expectations, serve


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    site = Path(argv[1]).resolve() if len(argv) > 1 else ROOT / "_build" / "html"
    expected = search_expectations(site)
    try:
        chromium = find_browser()
    except BrowserNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
        page = browser.new_page()
        page.goto(base + "search.html", wait_until="networkidle")
        page.wait_for_function("Search._index !== null")
        found = {q: page.evaluate(JS_SEARCH, q) for q in expected}
        browser.close()
    misses = 0
    for query, docs in sorted(expected.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lost = docs - set(found[query])
        misses += bool(lost)
        note = f"; missing {sorted(lost)}" if lost else ""
        print(f"{'MISS' if lost else 'ok  '} {query}: {len(found[query])} pages{note}")
    print(f"{misses} of {len(expected)} queries miss an expected page")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
