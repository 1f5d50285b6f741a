"""Small Sphinx extension with the book's own build rules.

- Repository, issue and edit buttons appear only once ``repository.url`` is set
  in ``_config.yml`` (Jupyter Book otherwise points them at its own repository).
- The search box speaks Chinese, like the rest of the book.
- Jupyter Book always loads sphinx-thebe (live code cells from a remote kernel),
  which this offline book does not use: its page scripts are dropped. They were
  also added twice per page, a JavaScript error in the browser.
"""

from __future__ import annotations


def _repository_buttons(app, config) -> None:
    options = dict(config.html_theme_options or {})
    url = (options.get("repository_url") or "").strip()
    has_repo = bool(url) and "executablebooks/jupyter-book" not in url
    for key in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
        options[key] = has_repo
    if not has_repo:
        options["repository_url"] = ""
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
