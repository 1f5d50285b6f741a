"""Which pages the built site's search returns for every glossary term and title term.

Runs Sphinx's own search code (searchtools.js with the book's query splitter) in
headless Chromium on a built site, for each term typed as is, and prints what each
query finds and what it misses:

    .venv/bin/python scripts/search_report.py [_build/html]

The queries and the pages each must find are those of
tests/test_site_layout.py (issue 12 §1 was measured with this script before and
after the search dictionary).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_site_layout import JS_SEARCH, search_expectations  # noqa: E402


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    site = Path(argv[1]).resolve() if len(argv) > 1 else ROOT / "_build" / "html"
    expected = search_expectations(site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search.html", wait_until="networkidle")
            page.wait_for_function("Search._index !== null")
            found = {q: page.evaluate(JS_SEARCH, q) for q in expected}
            browser.close()
    finally:
        server.shutdown()
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
