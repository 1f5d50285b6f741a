"""Result tables that render as real tables in the book (Markdown), and as text elsewhere.

A table printed with ``print`` and padded with spaces falls apart as soon as a
cell holds Chinese characters (they are twice as wide). A cell that ends with
a :class:`MarkdownTable` shows it as a Markdown table: Jupyter renders it as a
table, a terminal shows the Markdown source. In the book, give such a cell the
metadata ``{"mystnb": {"markdown_format": "gfm"}}`` (myst-nb renders notebook
Markdown output as CommonMark by default, which has no tables).

Explained in 第5章 5.4节 (first use).
"""

from __future__ import annotations

from collections.abc import Sequence

from . import _validation as _v

__all__ = ["MarkdownTable", "markdown_table"]


class MarkdownTable:
    """A table as Markdown text; displays as a table in notebooks (``_repr_markdown_``)."""

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"text must be a str (Markdown), got {type(text).__name__}")
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


def _cell(value, fmt: str | None, where: str) -> str:
    if fmt is None:
        text = str(value)
    else:
        try:
            text = format(value, fmt)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{where}: cannot format {value!r} with format {fmt!r}") from exc
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(
    header: Sequence[str],
    rows: Sequence[Sequence],
    *,
    formats: Sequence[str | None] | None = None,
    align: str | None = None,
) -> MarkdownTable:
    """Build a Markdown table from a header and rows of values.

    Explained in 第5章 5.4节.

    Parameters
    ----------
    header : sequence of str
        Column titles (may contain Markdown, e.g. ``"$k$"``).
    rows : sequence of sequences
        One sequence of values per row, each as long as ``header``.
    formats : sequence of (str or None), optional
        One format spec per column for Python's built-in ``format()``, e.g. ``".2f"`` or ``",d"``;
        ``None`` means ``str(value)``. Default: ``str`` for every column.
    align : str, optional
        One letter per column, ``"l"``, ``"c"`` or ``"r"``. Default: the first
        column left, the others right (numbers).

    Returns
    -------
    MarkdownTable
        Displays as a table when it is the last value of a notebook cell;
        ``str()`` gives the Markdown text.

    Raises
    ------
    TypeError, ValueError
        On an invalid argument (the message names it).

    Examples
    --------
    >>> table = markdown_table(["k", "SSE"], [[2, 26.513], [32, 7.0]],
    ...                        formats=[None, ".2f"])
    >>> print(table)
    | k | SSE |
    | :-- | --: |
    | 2 | 26.51 |
    | 32 | 7.00 |
    """
    header = [
        str(h) for h in _v.check_sequence(header, "header", of="column titles", iterable=True)
    ]
    n = len(header)
    if n == 0:
        raise ValueError("header must name at least one column, got none")
    rows = _v.check_sequence(rows, "rows", of="rows", iterable=True)
    formats = (
        [None] * n
        if formats is None
        else _v.check_sequence(formats, "formats", of="format strings")
    )
    if len(formats) != n:
        raise ValueError(f"formats must have one entry per column ({n}), got {len(formats)}")
    for j, fmt in enumerate(formats):
        if fmt is not None and not isinstance(fmt, str):
            raise TypeError(
                f"formats[{j}] must be a format string or None, got {type(fmt).__name__}"
            )
    align = ("l" + "r" * (n - 1)) if align is None else align
    if not isinstance(align, str):
        raise TypeError(
            f"align must be a string of 'l', 'c', 'r' letters, got {type(align).__name__}"
        )
    if len(align) != n or set(align) - set("lcr"):
        raise ValueError(
            f"align must have one letter per column ({n}), each 'l', 'c' or 'r', got {align!r}"
        )
    marks = {"l": ":--", "c": ":-:", "r": "--:"}
    lines = [
        "| " + " | ".join(_cell(h, None, "header") for h in header) + " |",
        "| " + " | ".join(marks[a] for a in align) + " |",
    ]
    for i, row in enumerate(rows):
        row = _v.check_sequence(row, f"rows[{i}]", of="cell values", iterable=True)
        if len(row) != n:
            raise ValueError(f"rows[{i}] has {len(row)} values, expected {n} (one per column)")
        lines.append("| " + " | ".join(_cell(v, f, f"rows[{i}][{j}]")
                                      for j, (v, f) in enumerate(zip(row, formats))) + " |")
    return MarkdownTable("\n".join(lines))
