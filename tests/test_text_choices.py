"""The record of 6.5's choices (scripts/ch6_text_choices.py): one layout, chosen on validation."""

from __future__ import annotations

import json

import long_runs  # scripts/long_runs.py (pytest's pythonpath)
from site_tools import ROOT

RECORD = ROOT / "book" / "ch06_applications" / "text_choices.json"


def test_the_record_has_the_one_layout_and_a_command_that_exists():
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    assert tuple(record) == long_runs.RECORD_KEYS
    assert record["command"].startswith("scripts/ch6_text_choices.py")
    assert (ROOT / record["command"].split()[0]).is_file()


def test_the_choice_is_the_lowest_validation_loss_of_the_whole_grid():
    result = json.loads(RECORD.read_text(encoding="utf-8"))["result"]
    grid = result["grid"]
    runs = result["runs"]
    assert len(runs) == (len(grid["learning_rate"]) * len(grid["batch_size"])
                         * len(grid["token_dropout"]))
    for run in runs:
        assert len(run["val_loss"]) == result["max_epochs"]
        assert run["best_val_loss"] == min(run["val_loss"])
        assert run["val_loss"][run["best_epoch"] - 1] == run["best_val_loss"]
    best = min(runs, key=lambda r: (r["best_val_loss"], r["best_epoch"]))
    assert result["chosen"] == {k: best[k] for k in result["chosen"]}
    assert "validation" in result["criterion"] and result["split"]["validation_fraction"] > 0
