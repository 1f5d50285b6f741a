"""The book's buttons and theme options.

- Repository, issue and edit buttons, and the Binder and Colab launch buttons,
  appear only once ``repository.url`` is set in ``_config.yml`` (Jupyter Book
  otherwise points them at its own repository). ``AUTOENCODER_BOOK_REPOSITORY``
  (a URL, or ``off``) and ``AUTOENCODER_BOOK_BRANCH`` override that setting for
  one build, e.g. CI publishing a fork's site, or the site test.
- One search entry point: the search field in the left sidebar (on phones, the
  search icon in the page header); the top bar that repeated it is dropped.
- Pages open in light mode unless the reader chose otherwise (an unset mode
  made the theme log "Got invalid theme mode" on a first visit).

The book's other Sphinx rules live beside it, one job per module:
``zh_search`` (Chinese search), ``citation_style`` (author-year labels),
``sphinx_workarounds`` (fixes for the pinned Sphinx stack) and ``apiref``
(chapter and API links).
"""

from __future__ import annotations

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


def setup(app):
    app.connect("config-inited", _repository_buttons, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
