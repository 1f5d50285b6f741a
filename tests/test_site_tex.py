"""No raw TeX on the page (issue 19 §4): every formula the reader sees is typeset.

A formula written as ``$…$`` where no parser turns it into math (for example
in a table that a notebook prints as Markdown and myst-nb renders as GitHub
Markdown) reaches the page as literal dollar signs and backslashes, and the
PDF, printed from the same HTML, shows them too. This test opens every page
of the built site in headless Chromium, waits for MathJax, and reads every
text node outside code, preformatted output and typeset math: none may hold
``$…$`` or a TeX command such as ``\\mathcal``.

The same check also runs on the HTML files without a browser (MathJax here
typesets only the ``\\(…\\)`` inside elements of class ``math``, so text outside
them stays as it is written). Needs `make book` first and, for the browser
test, a browser, like tests/test_site.py (fixtures `site`, `base_url`, `browser`
in tests/conftest.py).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from site_tools import Visit, toc_files

PAGES = [page + ".html" for page in toc_files()]

#: Text nodes inside these elements are code, output or typeset math: skipped.
NOT_PROSE = ("pre, code, kbd, samp, script, style, textarea, svg, mjx-container, "
             "mjx-assistive-mml, .math, .highlight, .mermaid")

_TEXT_NODES = """(skip) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && !parent.closest(skip) && node.nodeValue.trim()) out.push(node.nodeValue);
  }
  return out;
}"""

#: ``$x$`` (inline), ``$$``, ``\\(``/``\\[`` delimiters, or a TeX command of 2+ letters.
RAW_TEX = re.compile(r"\$[^$\s][^$]*\$|\$\$|\\[(\[]|\\[A-Za-z]{2,}")


def raw_tex(texts: list[str]) -> list[str]:
    """The snippets of ``texts`` that look like unrendered TeX (with a little context)."""
    found = []
    for text in texts:
        for m in RAW_TEX.finditer(text):
            found.append(text[max(0, m.start() - 15):m.end() + 15].strip())
    return found


class _ProseText(HTMLParser):
    """Text of an HTML page outside code, output and math (the static twin of NOT_PROSE)."""

    SKIP_TAGS = frozenset(("pre", "code", "kbd", "samp", "script", "style", "textarea", "svg"))
    SKIP_CLASSES = frozenset(("math", "highlight", "mermaid"))
    VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                      "meta", "param", "source", "track", "wbr"))

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping: list[bool] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            classes = set((dict(attrs).get("class") or "").split())
            self.skipping.append(tag in self.SKIP_TAGS or bool(classes & self.SKIP_CLASSES))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.skipping:
            self.skipping.pop()

    def handle_data(self, data):
        if not any(self.skipping) and data.strip():
            self.texts.append(data)


def prose_text(html: str) -> list[str]:
    parser = _ProseText()
    parser.feed(html)
    return parser.texts


def test_raw_tex_pattern_catches_what_the_tables_used_to_show():
    assert raw_tex(["$-\\mathcal{L}_{1}$（前 1,000 张）"])
    assert raw_tex(["副本数 $k$"]) and raw_tex(["\\(k\\)"]) and raw_tex(["见 \\sqrt"])
    assert not raw_tex(["每张图 243.61 奈特（nats），价格 5 美元", "C:/data", "a|b"])


def test_prose_text_skips_code_and_math_but_not_table_cells():
    html = ('<p>见 <span class="math">\\(k\\)</span> 与 <code>$HOME</code></p><pre>$ make</pre>'
            '<table><tr><td>$-\\mathcal{L}_{1}$（前 1,000 张）</td></tr></table><br>')
    assert raw_tex(prose_text(html)) == ["$-\\mathcal{L}_{1}$（前 1,000 张）"]


def test_no_unrendered_tex_in_the_html_files(site):
    found = {}
    for path in PAGES:
        hits = raw_tex(prose_text((site / path).read_text(encoding="utf-8")))
        if hits:
            found[path] = hits[:5]
    assert not found, f"unrendered TeX in the pages' text: {found}"


@pytest.mark.parametrize("path", PAGES)
def test_no_unrendered_tex_outside_code(browser, base_url, path):
    v = Visit(browser, base_url, path)
    try:
        page = v.page
        if page.locator(".math").count():
            page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
            page.wait_for_function(
                "document.querySelectorAll('mjx-container').length >= "
                "document.querySelectorAll('.math').length", timeout=20_000)
        found = raw_tex(page.evaluate(_TEXT_NODES, NOT_PROSE))
        assert not found, f"{path}: unrendered TeX in the page's text: {found[:10]}"
    finally:
        v.close()
