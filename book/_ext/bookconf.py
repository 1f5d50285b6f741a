"""Small Sphinx extension with the book's own build rules.

- Repository, issue and edit buttons, and the Binder and Colab launch buttons,
  appear only once ``repository.url`` is set in ``_config.yml`` (Jupyter Book
  otherwise points them at its own repository). ``AUTOENCODER_BOOK_REPOSITORY``
  (a URL, or ``off``) and ``AUTOENCODER_BOOK_BRANCH`` override that setting for
  one build, e.g. CI publishing a fork's site, or the site test.
- The search box speaks Chinese, like the rest of the book.
- Jupyter Book always loads sphinx-thebe (live code cells from a remote kernel),
  which this offline book does not use: its page scripts are dropped. They were
  also added twice per page, a JavaScript error in the browser.
- One search entry point: the search field in the left sidebar (on phones, the
  search icon in the page header); the top bar that repeated it is dropped.
- Pages open in light mode unless the reader chose otherwise (an unset mode
  made the theme log "Got invalid theme mode" on a first visit).
- The reference list is labelled the way the text cites, author and year
  ("Hinton and Salakhutdinov, 2006"), not [1]-[17]: the pybtex style
  ``authoryear`` used by ``bibtex_default_style``.
- Chinese search finds the book's terms as a reader types them (no spaces):
  jieba learns every glossary term and every page-title phrase from a user
  dictionary written at build time (``_build/.doctrees/search_userdict.txt``),
  and the browser splits a query the index does not know into the longest
  words the index does know (see ``BookChinese``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pybtex.plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from sphinx.search.zh import SearchChinese

import os

REPOSITORY_ENV = "AUTOENCODER_BOOK_REPOSITORY"
BRANCH_ENV = "AUTOENCODER_BOOK_BRANCH"
_LAUNCHERS = ("binderhub_url", "colab_url", "jupyterhub_url", "deepnote_url", "jupyterlite_url")


def _repository_override(options: dict) -> None:
    url = os.environ.get(REPOSITORY_ENV, "").strip()
    if url:
        options["repository_url"] = "" if url.lower() in {"off", "none"} else url
    branch = os.environ.get(BRANCH_ENV, "").strip()
    if branch:
        options["repository_branch"] = branch


def _launch_buttons(options: dict, has_repo: bool) -> None:
    """Launchers configured in _config.yml, only with a repository; Colab opens GitHub only."""
    launch = dict(options.get("launch_buttons") or {})
    for key in _LAUNCHERS:
        if not has_repo or (key == "colab_url" and "github.com/" not in options["repository_url"]):
            launch[key] = ""
    options["launch_buttons"] = launch


def _repository_buttons(app, config) -> None:
    options = dict(config.html_theme_options or {})
    _repository_override(options)
    url = (options.get("repository_url") or "").strip()
    has_repo = bool(url) and "executablebooks/jupyter-book" not in url
    for key in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
        options[key] = has_repo
    if not has_repo:
        options["repository_url"] = ""
    _launch_buttons(options, has_repo)
    options["search_bar_text"] = "搜索本书……"
    options["navbar_persistent"] = []
    config.html_theme_options = options
    context = dict(getattr(config, "html_context", None) or {})
    context.setdefault("default_mode", "light")
    config.html_context = context


def _drop_thebe_scripts(app) -> None:
    for event in ("env-before-read-docs", "doctree-resolved"):
        app.events.listeners[event] = [
            listener for listener in app.events.listeners.get(event, [])
            if getattr(listener.handler, "__module__", "") != "sphinx_thebe"
        ]


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
    path.write_text("".join(w + "\n" for w in book_search_terms(glossary, titles)), encoding="utf-8")
    BookChinese.contained_terms = sorted({t.strip() for t in glossary if len(t.strip()) >= 2}, key=len)
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


class AuthorYearLabels(BaseLabelStyle):
    """Labels as sphinxcontrib-bibtex's ``author_year`` cites in the text:
    "Kramer, 1991", "Kingma and Ba, 2015", "Vincent et al., 2008"; a second
    entry with the same label gets "a"/"b" after the year."""

    def format_labels(self, sorted_entries):
        labels = [self._label(entry) for entry in sorted_entries]
        for label in set(labels):
            clashes = [i for i, other in enumerate(labels) if other == label]
            if len(clashes) > 1:
                for suffix, i in zip("abcdefghijklmnopqrstuvwxyz", clashes):
                    labels[i] = label + suffix
        return iter(labels)

    @staticmethod
    def _label(entry) -> str:
        persons = entry.persons.get("author") or entry.persons.get("editor") or []

        def last(person) -> str:
            names = [*person.rich_prelast_names, *person.rich_last_names]
            return " ".join(name.render_as("text") for name in names)

        if not persons:
            who = entry.fields.get("key") or entry.key
        elif len(persons) == 1:
            who = last(persons[0])
        elif len(persons) == 2:
            who = f"{last(persons[0])} and {last(persons[1])}"
        else:
            who = f"{last(persons[0])} et al."
        return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearStyle(PlainStyle):
    """pybtex's ``plain`` formatting with :class:`AuthorYearLabels`."""

    default_label_style = "authoryear"


pybtex.plugin.register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabels)
pybtex.plugin.register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)


def _singlehtml_handlers(app) -> None:
    """Give the singlehtml builder (make pdf) every HTML node handler.

    Sphinx uses the handlers registered for the builder's own name when there are
    any, and the format's ("html") only otherwise. sphinx-exercise registers a few
    for "singlehtml", which hides the HTML handlers of every other extension
    (Mermaid's diagrams) from that builder.
    """
    handlers = app.registry.translation_handlers
    if "singlehtml" in handlers:
        for node, visitors in handlers.get("html", {}).items():
            handlers["singlehtml"].setdefault(node, visitors)


def setup(app):
    app.connect("builder-inited", _singlehtml_handlers)
    app.connect("config-inited", _repository_buttons, priority=900)
    app.connect("env-updated", _write_search_dictionary)
    app.add_search_language(BookChinese)
    _drop_thebe_scripts(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
