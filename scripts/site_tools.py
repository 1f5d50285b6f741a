"""Shared helpers of the site tests and the scripts that drive a browser or read the book.

One home for what used to be written two or three times:

- :data:`ROOT` and :func:`toc_files`: the pages ``_toc.yml`` lists, read by the
  book's own Sphinx extension ``book/_ext/apiref.py`` (one walker for the build,
  the tests and the scripts), and :func:`toc_chapters`, its top-level chapters;
- :func:`serve`: a quiet HTTP server on 127.0.0.1 for a built site
  (``tests/test_site.py``, ``scripts/build_pdf.py``, ``scripts/search_report.py``);
- :data:`CHROMIUM_FLAGS`: the headless Chromium flags of the site test and the PDF;
- :func:`glossary_entries` / :func:`glossary_terms`: the glossary's terms;
- :func:`title_phrases`: a page title cut into phrases by the rule of the search
  dictionary in ``book/_ext/zh_search.py``.

Tests import it as ``site_tools`` (pytest's ``pythonpath`` holds ``scripts`` and
``book/_ext``); a script next to it imports it the same way, its folder being on
``sys.path``. Nothing here imports from ``tests``.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The book's own Sphinx extensions (``apiref``, ``bookconf``, ``zh_search``, ...).
EXTENSIONS = ROOT / "book" / "_ext"
GLOSSARY = ROOT / "book" / "ch01_background" / "glossary.md"

#: Headless Chromium as the site test and ``make pdf`` start it: nothing leaves the machine.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
)


def _book_extension(name: str):
    """Import one of the book's Sphinx extensions (``book/_ext`` on ``sys.path``)."""
    if str(EXTENSIONS) not in sys.path:
        sys.path.append(str(EXTENSIONS))
    return __import__(name)


def toc_files(root: Path = ROOT) -> list[str]:
    """Every page ``_toc.yml`` lists (root first), as paths without suffix, in reading order."""
    return _book_extension("apiref").toc_docnames(root)


def toc_chapters(root: Path = ROOT) -> list[str]:
    """The top-level chapters of ``_toc.yml`` (without the root page), in reading order."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [chapter["file"] for chapter in toc["chapters"]]


def title_phrases(title: str) -> list[str]:
    """The phrases of a page title that the search dictionary keeps whole (two characters or more).

    The title is cut at punctuation, spaces, digits, Latin text and the joining
    words 与/和/及/的, by the very rule of ``book/_ext/zh_search.py``.
    """
    breaks = _book_extension("zh_search")._PHRASE_BREAK
    return [phrase for phrase in breaks.split(title) if len(phrase) >= 2]


def glossary_entries(path: Path = GLOSSARY) -> list[list[str]]:
    """Each glossary entry as its list of term lines (aliases), in the order of the page.

    A term line is an unindented line inside a ```` ```{glossary} ```` block; the
    indented lines after it are its definition; ``:option:`` lines are skipped.
    """
    text = Path(path).read_text(encoding="utf-8")
    entries: list[list[str]] = []
    for block in re.findall(r"```\{glossary\}\n(.*?)```", text, flags=re.S):
        current: list[str] = []
        for line in block.splitlines():
            if not line.strip() or line.startswith(":"):
                continue
            if line.startswith((" ", "\t")):
                if current:
                    entries.append(current)
                    current = []
            else:
                current.append(line.strip())
        if current:
            entries.append(current)
    return entries


def glossary_terms(path: Path = GLOSSARY) -> list[str]:
    """Every glossary term and alias, in the order of the page."""
    return [term for entry in glossary_entries(path) for term in entry]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that logs nothing and ignores a client that hangs up."""

    def log_message(self, *args):
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass


@contextlib.contextmanager
def serve(directory: Path, handler: type[QuietHandler] = QuietHandler) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) in a thread; yield its base URL.

    Examples
    --------
    >>> with serve(ROOT / "_build" / "html") as base:  # doctest: +SKIP
    ...     print(base)
    http://127.0.0.1:40123/
    """
    bound = functools.partial(handler, directory=str(Path(directory).resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), bound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class Visit:
    """Open one page of a served site in a fresh browser context and record every request.

    ``failed`` holds failed requests and HTTP errors, ``errors`` JavaScript errors,
    ``console`` the console messages; :meth:`external` the requests to other hosts.
    """

    def __init__(self, browser, base_url: str, path: str, *, width: int | None = None):
        self.base = base_url
        viewport = {"viewport": {"width": width, "height": 900}} if width else {}
        self.context = browser.new_context(**viewport)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400
                     and self.failed.append(f"{r.url} (HTTP {r.status})"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.console.append(m.text))
        self.page.goto(base_url + path, wait_until="networkidle")

    def external(self) -> list[str]:
        """Requests that left the served site (``data:``, ``blob:`` and ``about:`` stay local)."""
        local = (self.base, "data:", "blob:", "about:")
        return [u for u in self.requests if not u.startswith(local)]

    def close(self):
        self.context.close()


# ------------------------------------------------------------------ search

GLOSSARY_DOC = "book/ch01_background/glossary"
# Words a reader types that neither the glossary nor jieba's reading of a title
# yields on its own (去噪 once found no page).
EXTRA_QUERIES = ("去噪", "自编码器", "反向传播算法", "去噪自编码器")
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")

# Sphinx's own search (searchtools.js, with the book's query splitter), minus
# the drawing of the result list; returns the docnames in result order. The one
# place that calls Sphinx's private search functions (Sphinx 7.4): if they are
# gone, it fails loudly instead of finding nothing.
JS_SEARCH = """(q) => {
  if (typeof Search._parseQuery !== "function" || typeof Search._performSearch !== "function") {
    throw new Error("Sphinx's Search._parseQuery/_performSearch are gone (written for "
      + "Sphinx 7.4): update scripts/site_tools.py JS_SEARCH, or read search.html?q=...");
  }
  const [query, terms, excluded, highlight, objects] = Search._parseQuery(q);
  return Search._performSearch(query, terms, excluded, highlight, objects).map((r) => r[0]);
}"""


def search_index(site_dir: Path) -> dict:
    """The built site's search index (``searchindex.js``) as a dict."""
    text = (Path(site_dir) / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def search_expectations(site_dir: Path) -> dict[str, set[str]]:
    """Query -> the docnames it must return.

    Queries: every glossary term; every phrase of a page title (:func:`title_phrases`)
    and every word jieba finds in it; :data:`EXTRA_QUERIES`. Each must return every
    page whose title holds it, and a glossary term also the glossary.
    """
    import jieba

    index = search_index(site_dir)
    titles = dict(zip(index["docnames"], index["titles"]))
    queries: dict[str, set[str]] = {term: {GLOSSARY_DOC} for term in glossary_terms()}
    for title in titles.values():
        words = title_phrases(title)
        words += [w for w in jieba.lcut(title) if _HAN_WORD.fullmatch(w)]
        for word in words:
            queries.setdefault(word, set())
    for word in EXTRA_QUERIES:
        queries.setdefault(word, set())
    for query, docs in queries.items():
        docs |= {doc for doc, title in titles.items() if query in title}
    return queries
