"""The built site as a reader meets it, in headless Chromium.

- Chinese search finds every glossary term and every page-title term typed as
  is, with no spaces: the glossary for a glossary term, and every page whose
  title holds the term.
- At 1280 px no code line (code cell, its output, code block) is wider than the
  column and no display formula is wider than the text column.
- At 390 px (a phone) no page is wider than the screen.
- No page logs "Got invalid theme mode" or fails a request (the favicon
  included), and the top bar does not repeat the sidebar's search field.

Needs `make book` first and Debian's `chromium`, like tests/test_site.py.
"""

from __future__ import annotations

from urllib.parse import quote, urlparse

import pytest
from site_tools import GLOSSARY_DOC, JS_SEARCH, Visit, search_expectations, toc_files

PAGES = [page + ".html" for page in toc_files()]
# The house rule for code and printed output (README, "Writing a chapter").
CODE_COLUMNS = 79
DESKTOP, PHONE = 1280, 390


# ---------------------------------------------------------------- search
# The queries and the pages each must find: site_tools.search_expectations
# (scripts/search_report.py prints the same for a built site).


def test_search_finds_every_glossary_and_title_term(browser, base_url, site):
    expected = search_expectations(site)
    assert len(expected) > 40
    v = Visit(browser, base_url, "search.html")
    try:
        v.page.wait_for_function("typeof Search !== 'undefined' && Search._index !== null")
        misses = {}
        for query, docs in expected.items():
            found = set(v.page.evaluate(JS_SEARCH, query))
            if docs - found:
                misses[query] = sorted(docs - found)
        assert not misses, f"search misses expected pages: {misses}"
    finally:
        v.close()


# A few terms through the real search page, as a reader types them.
@pytest.mark.parametrize(
    "query, pages",
    [
        ("反向传播", [GLOSSARY_DOC, "book/ch03_algorithm/3_3_backprop"]),
        ("梯度下降", [GLOSSARY_DOC, "book/ch03_algorithm/3_3_backprop"]),
        ("去噪", ["book/ch05_practice/5_6_denoising"]),
        ("自动编码器", [GLOSSARY_DOC, "book/ch05_practice/5_6_denoising",
                   "book/ch04_math/4_6_linear_ae_pca"]),
        ("转置卷积", [GLOSSARY_DOC, "book/ch05_practice/5_5_conv_autoencoder"]),
        ("峰值信噪比", [GLOSSARY_DOC]),
    ],
)
def test_search_page_finds_whole_terms(browser, base_url, query, pages):
    v = Visit(browser, base_url, "search.html?q=" + quote(query))
    try:
        v.page.wait_for_function("Search.status && Search.status.innerText.trim().length > 0",
                                 timeout=20_000)
        hrefs = v.page.eval_on_selector_all("ul.search li > a", "els => els.map(a => a.href)")
        found = {urlparse(h).path.lstrip("/").removesuffix(".html") for h in hrefs}
        assert set(pages) <= found, (
            f"{query}: missing {sorted(set(pages) - found)}; found {sorted(found)}")
        problems = (v.failed, v.external(), v.errors)
        assert not any(problems), problems
    finally:
        v.close()


# ---------------------------------------------------------------- layout


class SizedVisit(Visit):
    """A first visit (fresh browser context) at a given window width, typeset, fonts loaded."""

    def __init__(self, browser, base_url: str, path: str, width: int):  # noqa: D107
        super().__init__(browser, base_url, path, width=width)
        self.page.evaluate("""async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise)
              await MathJax.startup.promise;
            await document.fonts.ready;
        }""")


# Every code line (code cell input, its output, code block) whose rendered width
# exceeds its box; blocks that wrap (tracebacks) cannot overflow and are skipped.
# Hidden inputs ("显示代码") are opened first: a reader can open them.
JS_LONG_CODE_LINES = """() => {
  document.querySelectorAll("article details").forEach((d) => (d.open = true));
  const long = [];
  let narrowest = Infinity;
  for (const pre of document.querySelectorAll("article.bd-article pre")) {
    const cs = getComputedStyle(pre);
    if (pre.classList.contains("mermaid") || cs.whiteSpace !== "pre") continue;
    const inner = pre.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const text = pre.textContent.replace(/\\n$/, "");
    const probe = document.createElement("span");
    pre.appendChild(probe);
    probe.textContent = "0".repeat(100);
    const charWidth = probe.getBoundingClientRect().width / 100;
    const holds = Math.floor(inner / charWidth + 1e-6);
    if (pre.closest(".cell_input")) narrowest = Math.min(narrowest, holds);
    const where = pre.closest(".cell_output") ? "output" : "code";
    for (const line of text.split("\\n")) {
      probe.textContent = line;
      const width = probe.getBoundingClientRect().width;
      if (width > inner + 0.5)
        long.push(`${where} line of ${Math.round(width / charWidth)} columns `
          + `(column holds ${holds}): ${line.trim().slice(0, 60)}`);
    }
    probe.remove();
  }
  return {long, narrowest};
}"""

# Display formulas whose typeset width exceeds the text column.
JS_WIDE_FORMULAS = """() => {
  const wide = [];
  const items = window.MathJax && MathJax.startup && MathJax.startup.document
    ? Array.from(MathJax.startup.document.math) : [];
  for (const item of items) {
    if (!item.display || !item.typesetRoot) continue;
    const box = item.typesetRoot;
    const column = box.parentElement.clientWidth;
    if (box.scrollWidth > column + 1)
      wide.push(`${box.scrollWidth} px in a ${column} px column: `
        + item.math.trim().replace(/\\s+/g, " ").slice(0, 70));
  }
  return wide;
}"""

# Elements that stick out of the screen, not counting what sits inside a box
# that scrolls sideways on its own (a formula or table container).
JS_OVERFLOW = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    let p = el.parentElement, clipped = false;
    while (p && p !== document.body) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden") { clipped = true; break; }
      p = p.parentElement;
    }
    if (!clipped)
      out.push(`${el.tagName.toLowerCase()}.${el.className}: `
        + `right edge ${Math.round(r.right)} px`);
  }
  return out.slice(0, 8);
}"""

_DESKTOP: dict[str, dict] = {}


def _desktop(browser, base_url, path) -> dict:
    """Visit a page once at 1280 px and measure everything the desktop tests need."""
    if path not in _DESKTOP:
        v = SizedVisit(browser, base_url, path, DESKTOP)
        try:
            v.page.wait_for_load_state("networkidle")
            icon = v.page.evaluate("() => { const l = document.querySelector('link[rel~=icon]');"
                                   " return l && l.href; }")
            _DESKTOP[path] = {
                "wide": v.page.evaluate(JS_WIDE_FORMULAS),
                "code": v.page.evaluate(JS_LONG_CODE_LINES),
                "console": list(v.console),
                "failed": list(v.failed),
                "icon": icon,
                "icon_status": v.context.request.get(icon).status if icon else None,
                "top_bar": v.page.locator("#pst-header .search-button-field").count(),
                "search_fields": v.page.evaluate(
                    "() => [...document.querySelectorAll('.search-button-field, .search-button')]"
                    ".filter((e) => e.offsetParent !== null).length"
                ),
            }
        finally:
            v.close()
    return _DESKTOP[path]


@pytest.mark.parametrize("path", PAGES)
def test_code_lines_fit_the_column(browser, base_url, path):
    code = _desktop(browser, base_url, path)["code"]
    assert not code["long"], (
        f"{len(code['long'])} code/output lines wider than the column at {DESKTOP} px "
        f"(keep them within {CODE_COLUMNS} characters):\n" + "\n".join(code["long"])
    )


def test_the_column_holds_the_house_line_length(browser, base_url):
    """At 1280 px a code cell holds the 79 characters the house style allows."""
    code = _desktop(browser, base_url, "book/ch03_algorithm/3_3_backprop.html")["code"]
    assert code["narrowest"] >= CODE_COLUMNS, (
        f"a code cell holds only {code['narrowest']} characters")


@pytest.mark.parametrize("path", PAGES)
def test_display_formulas_fit_the_column(browser, base_url, path):
    wide = _desktop(browser, base_url, path)["wide"]
    assert not wide, f"display formulas wider than the column at {DESKTOP} px:\n" + "\n".join(wide)


@pytest.mark.parametrize("path", PAGES)
def test_first_visit_is_clean(browser, base_url, path):
    seen = _desktop(browser, base_url, path)
    assert not [m for m in seen["console"] if "invalid theme mode" in m.lower()], seen["console"]
    assert not [m for m in seen["console"] if "failed to load resource" in m.lower()], (
        seen["console"])
    assert not seen["failed"], seen["failed"]
    assert seen["icon"] and seen["icon_status"] == 200, (
        f"favicon {seen['icon']}: HTTP {seen['icon_status']}")
    assert seen["top_bar"] == 0, "the top bar repeats the sidebar's search field"
    assert seen["search_fields"] == 1, (
        f"{seen['search_fields']} visible search entry points, expected 1")


@pytest.mark.parametrize("path", PAGES)
def test_page_fits_a_phone(browser, base_url, path):
    v = SizedVisit(browser, base_url, path, PHONE)
    try:
        width = v.page.evaluate("() => document.documentElement.scrollWidth")
        visible = v.page.evaluate(
            "() => [...document.querySelectorAll('.search-button-field, .search-button')]"
            ".filter((e) => e.offsetParent !== null).length"
        )
        culprits = v.page.evaluate(JS_OVERFLOW, PHONE) if width > PHONE else []
        assert width <= PHONE, f"page is {width} px wide on a {PHONE} px screen: {culprits}"
        assert visible == 1, f"{visible} visible search entry points on a phone, expected 1"
    finally:
        v.close()
