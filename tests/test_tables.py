"""Tests of autoencoder_lib.tables.markdown_table."""

import numpy as np
import pytest

from autoencoder_lib.tables import MarkdownTable, markdown_table


def test_table_has_header_alignment_row_and_formatted_cells():
    table = markdown_table(["方法", "PSNR/dB", "参数"], [["高斯滤波", 16.0813, 1200], ["去噪", np.float64(20.5), 37569]],
                           formats=[None, ".2f", ",d"])
    assert str(table).splitlines() == [
        "| 方法 | PSNR/dB | 参数 |",
        "| :-- | --: | --: |",
        "| 高斯滤波 | 16.08 | 1,200 |",
        "| 去噪 | 20.50 | 37,569 |",
    ]


def test_table_displays_as_markdown_in_notebooks():
    table = markdown_table(["a"], [[1]])
    assert isinstance(table, MarkdownTable)
    assert table._repr_markdown_() == str(table) == repr(table)


def test_pipes_and_newlines_in_cells_cannot_break_the_table():
    line = str(markdown_table(["x"], [["a|b\nc"]])).splitlines()[2]
    assert line == "| a\\|b c |"


def test_custom_alignment():
    assert str(markdown_table(["a", "b"], [], align="cr")).splitlines()[1] == "| :-: | --: |"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"header": [], "rows": []}, "header must name at least one column"),
        ({"header": ["a", "b"], "rows": [[1]]}, r"rows\[0\] has 1 values, expected 2"),
        ({"header": ["a"], "rows": [[1]], "formats": [".2f", None]}, r"formats must have one entry per column \(1\), got 2"),
        ({"header": ["a"], "rows": [[1]], "align": "x"}, r"align must have one letter per column \(1\), each 'l', 'c' or 'r', got 'x'"),
        ({"header": ["a"], "rows": [["text"]], "formats": [".2f"]}, r"rows\[0\]\[0\]: cannot format 'text'"),
    ],
)
def test_bad_tables_are_rejected_with_a_clear_message(kwargs, match):
    with pytest.raises(ValueError, match=match):
        markdown_table(**kwargs)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"header": "ab", "rows": []}, TypeError, "header must be a sequence of column titles, got str"),
        ({"header": ["a", "b"], "rows": ["xy"]}, TypeError, r"rows\[0\] must be a sequence of cell values, got str"),
        ({"header": ["a"], "rows": [[1]], "formats": ".2f"}, TypeError, "formats must be a sequence"),
        ({"header": ["a"], "rows": [[1]], "formats": [2]}, TypeError, r"formats\[0\] must be a format string or None"),
        ({"header": ["a"], "rows": [[1]], "align": ["l"]}, TypeError, "align must be a string"),
    ],
)
def test_strings_where_sequences_belong_are_rejected_not_split_into_characters(kwargs, error, match):
    with pytest.raises(error, match=match):
        markdown_table(**kwargs)


def test_rows_may_be_any_iterable_such_as_a_generator_or_an_array():
    import numpy as np

    assert str(markdown_table(["a"], (r for r in [[1]]))) == str(markdown_table(["a"], np.array([[1]])))


def test_markdown_table_object_needs_text():
    from autoencoder_lib.tables import MarkdownTable

    with pytest.raises(TypeError, match="text must be a str"):
        MarkdownTable(["| a |"])
