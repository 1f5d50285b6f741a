"""The built site (`make book`) in headless Chromium, served on 127.0.0.1 only.

Every page must load with no failed request and no request to another host,
typeset its formulas, load its images and render its diagrams; the Chinese
search must find 编码器. The browser: CHROMIUM, else a system Chromium/Chrome,
else Playwright's own (scripts/find_browser.py; `make test` finds or fetches it).
The fixtures `site`, `base_url` and `browser` are in tests/conftest.py; a test
that uses one is in the `browser` tier (conftest.py at the repository root).

The repository and launch buttons: the default build follows the setting, and a
tiny book with the book's own settings, built with the setting on and off (a
few seconds, tier `slow`), shows that one setting turns them all on or off.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest
import yaml
from site_tools import ROOT, Visit, toc_files

PAGES = [page + ".html" for page in toc_files()]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_everything_locally(browser, base_url, path):
    v = Visit(browser, base_url, path)
    try:
        page = v.page
        assert page.locator("h1").count() >= 1, "page has no title"
        if page.locator(".math").count():
            page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
            assert page.locator("mjx-container").count() >= page.locator(".math").count()
            errors = page.locator("mjx-merror, .MathJax_Error").count()
            assert errors == 0, "MathJax reported a TeX error"
        if page.locator("pre.mermaid, div.mermaid").count():
            page.wait_for_selector(".mermaid svg", timeout=20_000)
        broken = page.evaluate(
            "Array.from(document.images)"
            ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
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


def _tiny_book(where: Path) -> Path:
    """The book's own _config.yml, extensions and static files around two tiny pages.

    The same settings and the same ``bookconf`` rule as the real book, so the buttons
    come out as they would, at a fraction of a full build: the Markdown root page and
    a notebook at the path of the book's first notebook (with its metadata).
    """
    src = where / "src"
    (src / "book").mkdir(parents=True)
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, src / name)
    for folder in ("_ext", "_static"):
        (src / "book" / folder).symlink_to(ROOT / "book" / folder, target_is_directory=True)
    (src / "_toc.yml").write_text(
        f"format: jb-book\nroot: book/index\nchapters:\n  - file: {NOTEBOOK_PAGE}\n",
        encoding="utf-8")
    (src / "book" / "index.md").write_text("# 一本很小的书\n\n只有两页。\n", encoding="utf-8")
    real = nbformat.read(ROOT / (NOTEBOOK_PAGE + ".ipynb"), as_version=4)
    nb = nbformat.v4.new_notebook(metadata=real.metadata)
    nb.cells = [nbformat.v4.new_markdown_cell("# 第一个笔记本\n\n一个代码格。"),
                nbformat.v4.new_code_cell("print(1 + 1)", outputs=[
                    nbformat.v4.new_output("stream", name="stdout", text="2\n")])]
    page = src / (NOTEBOOK_PAGE + ".ipynb")
    page.parent.mkdir(parents=True)
    nbformat.write(nb, page)
    return src


@pytest.fixture(scope="module")
def tiny_sites(tmp_path_factory) -> dict[str, Path]:
    """A tiny book with the real settings, built twice at once: repository on and off."""
    src = _tiny_book(tmp_path_factory.mktemp("tiny_book"))
    jb = Path(sys.executable).with_name("jupyter-book")
    builds = {}
    for state, repository in (("on", TEST_REPOSITORY), ("off", "off")):
        out = src.parent / state
        env = {**os.environ, "AUTOENCODER_BOOK_REPOSITORY": repository,
               "AUTOENCODER_BOOK_BRANCH": "test-branch"}
        builds[state] = (out, subprocess.Popen(
            [str(jb), "build", str(src), "--path-output", str(out), "--warningiserror",
             "--nitpick", "--keep-going", "--quiet"],
            cwd=src, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    sites = {}
    for state, (out, build) in builds.items():
        log, _ = build.communicate(timeout=600)
        assert build.returncode == 0, f"tiny book, repository {state}:\n{log[-3000:]}"
        sites[state] = out / "_build" / "html"
    return sites


def test_repository_setting_decides_the_buttons_of_the_default_build(site):
    """`make book` follows _config.yml (or its override): no URL, no repository/launch buttons."""
    repo = (os.environ.get("AUTOENCODER_BOOK_REPOSITORY") or _configured_repository()).strip()
    repo = "" if repo.lower() in {"off", "none"} else repo
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    branch = (os.environ.get("AUTOENCODER_BOOK_BRANCH") or config["repository"].get("branch")
              or "main")
    page = site / (NOTEBOOK_PAGE + ".html")
    if repo:
        _assert_buttons(page, repo, branch)
    else:
        _assert_no_buttons(page)
        _assert_no_buttons(site / "book" / "index.html")


def test_one_setting_turns_all_buttons_on_or_off(tiny_sites):
    """The book's settings with a repository: every button; without: none (both states)."""
    on, off = tiny_sites["on"], tiny_sites["off"]
    page = on / (NOTEBOOK_PAGE + ".html")
    _assert_buttons(page, TEST_REPOSITORY, "test-branch")
    index_links = _hrefs(on / "book" / "index.html")
    assert TEST_REPOSITORY in index_links, "a Markdown page gets the repository button too"
    assert not any("mybinder.org" in h for h in index_links), (
        "launch buttons only on notebook pages")
    # The buttons are links the reader clicks: the page still loads nothing from another host.
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    assert not [u for u in parser.urls if re.match(r"^(https?:)?//", u)]
    _assert_no_buttons(off / (NOTEBOOK_PAGE + ".html"))
    _assert_no_buttons(off / "book" / "index.html")
