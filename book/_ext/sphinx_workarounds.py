"""Workarounds for the pinned Sphinx stack; each names the version it is written for.

Check each one when Jupyter Book, Sphinx or the named extension is upgraded: a
workaround that no longer applies should go, one whose internals moved must fail
the build loudly (:func:`_listeners`).

- sphinx-thebe (loaded by Jupyter Book 1.0.4 whether used or not) adds its page
  scripts twice, a JavaScript error in the browser, for live cells this offline
  book does not use: its event listeners are dropped. Pinned to Sphinx 7.4's
  ``app.events.listeners`` (a private attribute).
- sphinx-exercise 1.x registers node handlers for the ``singlehtml`` builder,
  which hides every other extension's HTML handlers (Mermaid's diagrams) from
  ``make pdf``: the singlehtml builder gets the HTML ones too. Pinned to Sphinx
  7.4's ``app.registry.translation_handlers`` (a private attribute).
"""

from __future__ import annotations


def _listeners(app) -> dict:
    """Sphinx's private table of event listeners; fails loudly if it moved."""
    listeners = getattr(app.events, "listeners", None)
    if not isinstance(listeners, dict):
        raise RuntimeError(
            "sphinx_workarounds: app.events.listeners is gone (written for Sphinx 7.4); "
            "check whether sphinx-thebe still needs dropping"
        )
    return listeners


def _drop_thebe_scripts(app) -> None:
    listeners = _listeners(app)
    for event in ("env-before-read-docs", "doctree-resolved"):
        listeners[event] = [
            listener for listener in listeners.get(event, [])
            if getattr(listener.handler, "__module__", "") != "sphinx_thebe"
        ]


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
    _drop_thebe_scripts(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
