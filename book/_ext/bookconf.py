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
    config.html_theme_options = options


def _drop_thebe_scripts(app) -> None:
    for event in ("env-before-read-docs", "doctree-resolved"):
        app.events.listeners[event] = [
            listener for listener in app.events.listeners.get(event, [])
            if getattr(listener.handler, "__module__", "") != "sphinx_thebe"
        ]


def setup(app):
    app.connect("config-inited", _repository_buttons, priority=900)
    _drop_thebe_scripts(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
