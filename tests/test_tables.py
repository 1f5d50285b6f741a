"""Tests of autoencoder_lib.tables.markdown_table."""

import numpy as np

from autoencoder_lib.tables import MarkdownTable, markdown_table


def test_table_has_header_alignment_row_and_formatted_cells():
    table = markdown_table(
        ["方法", "PSNR/dB", "参数"],
        [["高斯滤波", 16.0813, 1200], ["去噪", np.float64(20.5), 37569]],
        formats=[None, ".2f", ",d"],
    )
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


def test_rows_may_be_any_iterable_such_as_a_generator_or_an_array():
    import numpy as np

    assert str(markdown_table(["a"], (r for r in [[1]]))) == str(
        markdown_table(["a"], np.array([[1]]))
    )

