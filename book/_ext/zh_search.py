"""Chinese search that finds the book's terms as a reader types them (no spaces).

- ``language: zh_CN`` and ``html_search_language: zh`` (``_config.yml``) make Sphinx
  index Chinese text with jieba; this extension replaces that language with
  :class:`BookChinese`.
- jieba learns every glossary term and every page-title phrase from a user
  dictionary written at build time (``_build/.doctrees/search_userdict.txt``), so
  去噪自动编码器 is indexed as 去噪 + 自动编码器 and a search for 去噪 finds it.
- In the browser, a query the index does not know is split into the longest
  words the index does know (:data:`_JS_SPLITTER`).

Pinned to Sphinx 7.4 (``sphinx.search.zh.SearchChinese``, its ``split`` method and
``js_splitter_code`` attribute, and ``Search._index`` in searchtools.js).
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.search.zh import SearchChinese

# Where a title phrase ends: punctuation, spaces, digits, Latin letters, and the
# joining words 与/和/及/的 ("梯度下降与反向传播" holds two phrases).
_PHRASE_BREAK = re.compile(r"[^\u4e00-\u9fff]+|[与和及的]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def book_search_terms(glossary: list[str], titles: list[str]) -> list[str]:
    """The words jieba must keep whole: glossary terms and page-title phrases.

    A phrase is a run of Chinese characters in a title between punctuation,
    Latin text and the joining words 与/和/及/的. Runs of single characters that
    jieba's own dictionary cannot place inside a term or phrase (去 + 噪 in
    去噪自动编码器) are glued into one word too, so 去噪 is indexed on its own.
    """
    import jieba

    terms = [t.strip() for t in glossary if t.strip()]
    title_phrases = [p for title in titles for p in _PHRASE_BREAK.split(title) if len(p) >= 2]
    phrases = terms + title_phrases
    known = set(phrases)
    # A title phrase that holds a shorter term or phrase ("查看训练过程" holds 训练过程,
    # "自动编码器构建函数" holds 自动编码器) is left to jieba, which then keeps the
    # shorter word whole; as one dictionary word it would hide it from search.
    whole = set(terms) | {p for p in title_phrases if not any(q != p and q in p for q in known)}
    words: list[str] = []
    for phrase in phrases:
        if phrase in whole:
            words.append(phrase)
        run: list[str] = []
        for piece in [*jieba.lcut(phrase, HMM=False), ""]:
            if len(piece) == 1 and _HAN.match(piece):
                run.append(piece)
                continue
            if len(run) >= 2 and "".join(run) != phrase:
                words.append("".join(run))
            run = []
    return sorted(set(words), key=lambda w: (-len(w), w))


def _write_search_dictionary(app, env) -> None:
    if app.builder.format != "html":
        return
    std = env.get_domain("std")
    glossary = [name for (kind, name) in std.objects if kind == "term"]
    titles = [env.titles[doc].astext() for doc in env.found_docs if doc in env.titles]
    path = Path(app.doctreedir) / "search_userdict.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    words = book_search_terms(glossary, titles)
    path.write_text("".join(w + "\n" for w in words), encoding="utf-8")
    terms = {t.strip() for t in glossary if len(t.strip()) >= 2}
    BookChinese.contained_terms = sorted(terms, key=len)
    options = dict(app.config.html_search_options or {})
    options["dict"] = str(path)
    app.config.html_search_options = options


# The query splitter that runs in the browser. Sphinx's default splits a query
# only at spaces and punctuation, so "反向传播" is one query word; an index built
# by jieba may hold it only as 反向 + 传播. A Chinese query word that is neither
# an index word nor part of one (Sphinx then matches it as a substring) is cut
# into the longest index words from left to right; characters that start no
# index word are dropped, as the index drops one-character words too.
_JS_SPLITTER = r"""
function splitQuery(query) {
  const words = query
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter((term) => term);
  const index = typeof Search !== "undefined" ? Search._index : null;
  if (!index) return words;
  const has = (w) => Object.prototype.hasOwnProperty.call(index.terms, w)
    || Object.prototype.hasOwnProperty.call(index.titleterms, w);
  const inside = (w) => w.length > 2 && (
    Object.keys(index.terms).some((t) => t.includes(w))
    || Object.keys(index.titleterms).some((t) => t.includes(w)));
  const out = [];
  for (const word of words) {
    const lower = word.toLowerCase();
    if (!/\p{Script=Han}/u.test(word) || has(lower) || inside(lower)) {
      out.push(word);
      continue;
    }
    const pieces = [];
    let i = 0;
    while (i < lower.length) {
      let n = Math.min(12, lower.length - i);
      while (n > 1 && !has(lower.slice(i, i + n))) n -= 1;
      if (n > 1) pieces.push(lower.slice(i, i + n));
      i += n;
    }
    out.push(...(pieces.length ? pieces : [word]));
  }
  return out;
}
"""


class BookChinese(SearchChinese):
    """Sphinx's Chinese search, with a query splitter that matches the index."""

    js_splitter_code = _JS_SPLITTER
    #: Glossary terms, set at build time; a longer indexed word that holds one
    #: (变分自动编码器 holds 自动编码器) is indexed under that term too.
    contained_terms: list[str] = []

    def split(self, input: str) -> list[str]:
        words = super().split(input)
        extra = [t for w in words if len(w) > 2 for t in self.contained_terms if t != w and t in w]
        return words + extra


def setup(app):
    app.connect("env-updated", _write_search_dictionary)
    app.add_search_language(BookChinese)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
