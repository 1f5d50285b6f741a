"""Links between the chapters and the API reference of ``autoencoder_lib``.

- In docstrings rendered by autodoc, "第5章 5.3节" and "第5章" become links to the
  page that explains the function. A section number the book does not have is a
  build warning (and so an error in ``make book``): a docstring cannot point to a
  section that does not exist.
- At the end of every notebook page, a rubric lists the library functions that the
  page's code calls (``data.load_fashion_mnist(...)`` after ``from autoencoder_lib
  import data``), each linked to its entry in the API reference. The imports and
  calls are read from the code's syntax tree (:mod:`ast`), so any import layout
  works, parenthesised and multi-line ones included. An unknown name is a
  nit-picky reference warning, so the list cannot drift from the library.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

_SECTION = re.compile(
    r"(?:第(?P<chap>\d+)章\s*)?(?P<sec>\d+)\.(?P<sub>\d+)\s*节|第(?P<only>\d+)章"
)
_PACKAGE = "autoencoder_lib"
# IPython lines that are not Python: %magic, %%cell magic, !shell.
_IPYTHON_LINE = re.compile(r"^\s*[%!]")


def toc_docnames(srcdir: Path) -> list[str]:
    """Every page _toc.yml lists (root first), as docnames, in reading order."""
    toc = yaml.safe_load((srcdir / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))
            for part in entry.get("parts", []) or []:
                walk(part.get("chapters"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []) or []:
        walk(part.get("chapters"))
    return names


def section_map(srcdir: Path) -> dict[str, str]:
    """Map "5" -> chapter index docname and "5.3" -> section docname, from _toc.yml."""
    mapping: dict[str, str] = {}
    for docname in toc_docnames(srcdir):
        folder, _, base = docname.rpartition("/")
        chapter = re.search(r"/ch(\d+)_", "/" + folder + "/")
        if chapter and base == "index":
            mapping[str(int(chapter.group(1)))] = docname
        section = re.match(r"(\d+)_(\d+)_", base)
        if section:
            mapping.setdefault(f"{int(section.group(1))}.{int(section.group(2))}", docname)
    # Sections that are headings inside a page ("## 2.5 ..." in chapter 2's notebook).
    for docname in toc_docnames(srcdir):
        for suffix in (".md", ".ipynb"):
            path = srcdir / (docname + suffix)
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                if suffix == ".ipynb":
                    text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"]
                                     if c["cell_type"] == "markdown")
                for sec in re.findall(r"^#{1,6}\s+(\d+\.\d+)\s", text, flags=re.M):
                    mapping.setdefault(sec, docname)
    return mapping


def _link_sections(app, what, name, obj, options, lines) -> None:
    mapping = app.env.apiref_sections

    def replace(match: re.Match) -> str:
        text = match.group(0)
        if match.group("only"):
            target = mapping.get(match.group("only"))
        else:
            sec = f"{match.group('sec')}.{match.group('sub')}"
            if match.group("chap") and match.group("chap") != match.group("sec"):
                LOGGER.warning(
                    f"docstring of {name}: {text!r} names a section of another chapter"
                )
            target = mapping.get(sec)
        if target is None:
            LOGGER.warning(
                f"docstring of {name}: {text!r} names a section the book does not have"
            )
            return text
        return f":doc:`{text} </{target}>`"

    for i, line in enumerate(lines):
        lines[i] = _SECTION.sub(replace, line)


def _syntax_tree(code: str) -> ast.Module:
    """``code`` parsed as Python, IPython's ``%``/``!`` lines blanked out."""
    lines = ["" if _IPYTHON_LINE.match(line) else line for line in code.splitlines()]
    return ast.parse("\n".join(lines))


def used_functions(code: str) -> list[str]:
    """Dotted names ``autoencoder_lib.module.function`` that a notebook's code calls.

    A call counts when it is ``module.function(...)`` with ``module`` bound by
    ``from autoencoder_lib import module [as alias]`` or ``import
    autoencoder_lib.module as alias``, or ``function(...)`` bound by ``from
    autoencoder_lib.module import function [as alias]``.
    """
    tree = _syntax_tree(code)
    modules: dict[str, str] = {}    # local name -> module
    functions: dict[str, str] = {}  # local name -> module.function
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == _PACKAGE:
                for alias in node.names:
                    modules[alias.asname or alias.name] = alias.name
            elif node.module.startswith(_PACKAGE + "."):
                module = node.module.removeprefix(_PACKAGE + ".")
                for alias in node.names:
                    functions[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(_PACKAGE + ".") and alias.asname:
                    modules[alias.asname] = alias.name.removeprefix(_PACKAGE + ".")
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if func.value.id in modules:
                found.add(f"{_PACKAGE}.{modules[func.value.id]}.{func.attr}")
        elif isinstance(func, ast.Name) and func.id in functions:
            found.add(f"{_PACKAGE}.{functions[func.id]}")
    return sorted(found)


def _list_used_functions(app, doctree) -> None:
    docname = app.env.docname
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    names = [n for n in used_functions(code) if n != "autoencoder_lib.notebook.setup"]
    if not names:
        return
    sections = list(doctree.findall(nodes.section))
    if not sections:
        return
    bullets = nodes.bullet_list()
    for dotted in names:
        ref = addnodes.pending_xref(
            "", refdomain="py", reftype="obj", reftarget=dotted, refexplicit=False,
            refwarn=True, refdoc=docname,
        )
        ref += nodes.literal(
            dotted, dotted.removeprefix("autoencoder_lib."), classes=["xref", "py", "py-func"]
        )
        bullets += nodes.list_item("", nodes.paragraph("", "", ref))
    sections[0] += nodes.rubric("", "本节用到的库函数（见 API 参考）")
    sections[0] += bullets


def _init(app) -> None:
    app.env.apiref_sections = section_map(Path(app.srcdir))


def setup(app):
    app.connect("builder-inited", _init)
    app.connect("autodoc-process-docstring", _link_sections)
    app.connect("doctree-read", _list_used_functions)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
