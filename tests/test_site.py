"""The built site (`make book`) in headless Chromium, served on 127.0.0.1 only.

Every page must load with no failed request and no request to another host,
typeset its formulas, load its images and render its diagrams; the Chinese
search must find 编码器. The browser: CHROMIUM, else a system Chromium/Chrome,
else Playwright's own (scripts/find_browser.py; `make test` finds or fetches it).
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import toc_files

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]

pytestmark = pytest.mark.browser


PAGES = [page + ".html" for page in toc_files()]


@pytest.fixture(scope="module")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail("the site is not built: run `make book` first (make test does it for you)")
    return SITE


@pytest.fixture(scope="module")
def base_url(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _chromium() -> str:
    """CHROMIUM, else a system Chromium/Chrome, else Playwright's (see scripts/find_browser.py)."""
    find = load_find_browser()
    try:
        return find.find_browser()
    except find.BrowserNotFound as exc:
        pytest.fail(str(exc), pytrace=False)


def load_find_browser():
    """Import scripts/find_browser.py (the one implementation the Makefile also runs)."""
    spec = importlib.util.spec_from_file_location("find_browser", ROOT / "scripts" / "find_browser.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_FLAGS)
        yield b
        b.close()


class Visit:
    """Open one page and record every request it makes."""

    def __init__(self, browser, base_url: str, path: str):
        self.base = base_url
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(base_url + path, wait_until="networkidle")

    def external(self) -> list[str]:
        return [u for u in self.requests if not u.startswith((self.base, "data:", "blob:", "about:"))]

    def close(self):
        self.context.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_everything_locally(browser, base_url, path):
    v = Visit(browser, base_url, path)
    try:
        page = v.page
        assert page.locator("h1").count() >= 1, "page has no title"
        if page.locator(".math").count():
            page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
            assert page.locator("mjx-container").count() >= page.locator(".math").count()
            assert page.locator("mjx-merror, .MathJax_Error").count() == 0, "MathJax reported a TeX error"
        if page.locator("pre.mermaid, div.mermaid").count():
            page.wait_for_selector(".mermaid svg", timeout=20_000)
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        assert not broken, f"images that did not load: {broken}"
        page.wait_for_load_state("networkidle")
        assert not v.failed, f"failed requests: {v.failed}"
        assert not v.external(), f"requests to other hosts: {v.external()}"
        assert not v.errors, f"JavaScript errors: {v.errors}"
    finally:
        v.close()


def test_math_is_typeset_on_the_concepts_page(browser, base_url):
    v = Visit(browser, base_url, "book/ch02_core_concepts/index.html")
    try:
        v.page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
        assert v.page.locator("mjx-container").count() >= 10
    finally:
        v.close()


def test_architecture_diagram_is_rendered(browser, base_url):
    v = Visit(browser, base_url, "book/ch02_core_concepts/index.html")
    try:
        v.page.wait_for_selector(".mermaid svg", timeout=20_000)
        v.page.wait_for_load_state("networkidle")
        # Mermaid may replace its first SVG while it finishes laying out: query afresh
        # instead of holding the first element handle, which can end up detached.
        svg = v.page.locator(".mermaid svg").first
        svg.wait_for(state="visible", timeout=20_000)
        text = svg.text_content()
        for label in ("编码器", "解码器", "损失"):
            assert label in text
        box = svg.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 50
        assert not v.external()
    finally:
        v.close()


def test_chinese_search_finds_the_word_encoder(browser, base_url):
    v = Visit(browser, base_url, "search.html?q=" + quote("编码器"))
    try:
        v.page.wait_for_selector("ul.search li", timeout=20_000)
        hits = v.page.locator("ul.search li").count()
        assert hits >= 3, f"only {hits} search hits for 编码器"
        assert not v.external()
    finally:
        v.close()


class _Loads(HTMLParser):
    """Collect URLs the browser would fetch on its own (not plain links)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "video", "audio") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("href") and a.get("rel") not in ("canonical",):
            self.urls.append(a["href"])


def test_no_page_references_another_host(site):
    offenders = []
    for html in site.rglob("*.html"):
        parser = _Loads()
        parser.feed(html.read_text(encoding="utf-8"))
        remote = [u for u in parser.urls if re.match(r"^(https?:)?//", u)]
        offenders += [f"{html.relative_to(site)}: {u}" for u in remote]
    assert not offenders, offenders[:10]


def test_no_repository_buttons_without_a_repository(site):
    html = (site / "book" / "index.html").read_text(encoding="utf-8")
    assert "executablebooks/jupyter-book" not in html
    assert "github.com" not in html
    assert "download" in html.lower(), "the download-notebook button is expected"


# --- Repository and launch buttons: one setting turns them all on (book/_ext/bookconf.py) ---

TEST_REPOSITORY = "https://github.com/example-org/autoencoder-book"
NOTEBOOK_PAGE = "book/ch02_core_concepts/first_autoencoder"
BUTTON_MARKERS = ("github.com", "mybinder.org", "colab.research.google.com", "/edit/", "/issues")


def _configured_repository() -> str:
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return ((config.get("repository") or {}).get("url") or "").strip()


def _hrefs(html_file: Path) -> list[str]:
    return re.findall(r'href="([^"]+)"', html_file.read_text(encoding="utf-8"))


def _expected_buttons(repo: str, branch: str) -> list[str]:
    org_repo = repo.removeprefix("https://github.com/")
    nb = NOTEBOOK_PAGE + ".ipynb"
    return [
        repo,                                                          # repository
        f"{repo}/issues/new?",                                         # issues (prefix)
        f"{repo}/edit/{branch}/{nb}",                                  # edit this page
        f"https://mybinder.org/v2/gh/{org_repo}/{branch}?urlpath=tree/{nb}",
        f"https://colab.research.google.com/github/{org_repo}/blob/{branch}/{nb}",
    ]


def _assert_buttons(html_file: Path, repo: str, branch: str) -> None:
    hrefs = _hrefs(html_file)
    for want in _expected_buttons(repo, branch):
        assert any(h == want or (want.endswith("?") and h.startswith(want)) for h in hrefs), (
            f"{html_file.name}: no button linking to {want}"
        )


def _assert_no_buttons(html_file: Path) -> None:
    hrefs = [h for h in _hrefs(html_file) if any(m in h for m in BUTTON_MARKERS)]
    assert not hrefs, f"{html_file.name}: repository/launch links without a repository: {hrefs}"


@pytest.fixture(scope="module")
def site_flipped():
    """The book built a second time with the repository setting flipped (AUTOENCODER_BOOK_*)."""
    import subprocess
    import sys

    out = ROOT / "_build" / "site_flipped"
    shutil.rmtree(out, ignore_errors=True)
    flipped = "off" if _configured_repository() else TEST_REPOSITORY
    env = {**os.environ, "AUTOENCODER_BOOK_REPOSITORY": flipped, "AUTOENCODER_BOOK_BRANCH": "test-branch"}
    jb = Path(sys.executable).with_name("jupyter-book")
    build = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(out), "--warningiserror", "--nitpick",
         "--keep-going", "--quiet"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert build.returncode == 0, (build.stdout + build.stderr)[-3000:]
    return out / "_build" / "html"


def test_repository_setting_decides_the_buttons_of_the_default_build(site):
    """`make book` follows _config.yml (or its override): no URL, no repository/launch buttons."""
    import yaml

    repo = (os.environ.get("AUTOENCODER_BOOK_REPOSITORY") or _configured_repository()).strip()
    repo = "" if repo.lower() in {"off", "none"} else repo
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    branch = os.environ.get("AUTOENCODER_BOOK_BRANCH") or config["repository"].get("branch") or "main"
    page = site / (NOTEBOOK_PAGE + ".html")
    if repo:
        _assert_buttons(page, repo, branch)
    else:
        _assert_no_buttons(page)
        _assert_no_buttons(site / "book" / "index.html")


def test_one_setting_turns_all_buttons_on_or_off(site_flipped):
    page = site_flipped / (NOTEBOOK_PAGE + ".html")
    if _configured_repository():
        _assert_no_buttons(page)
        return
    _assert_buttons(page, TEST_REPOSITORY, "test-branch")
    index_links = _hrefs(site_flipped / "book" / "index.html")
    assert TEST_REPOSITORY in index_links, "a Markdown page gets the repository button too"
    assert not any("mybinder.org" in h for h in index_links), "launch buttons only on notebook pages"
    # The buttons are links the reader clicks: the page still loads nothing from another host.
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    assert not [u for u in parser.urls if re.match(r"^(https?:)?//", u)]
