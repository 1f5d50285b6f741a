"""scripts/long_runs.py: one entry point for the "measured once" runs, one record layout.

No notebook is executed here: the run itself is replaced by a fake.
"""

from __future__ import annotations

import dataclasses
import json

import long_runs  # scripts/long_runs.py (pytest's pythonpath)
import nbformat
import pytest
from site_tools import ROOT

FACTS = {"recorded": "2026-12-06", "machine": "2 个 CPU 核", "total_seconds": 12.5,
         "versions": {"tensorflow": "x"}}


@pytest.mark.parametrize("name", sorted(long_runs.RUNS))
def test_every_record_has_the_one_layout(name):
    run = long_runs.RUNS[name]
    assert (ROOT / run.record).stem == name, "a run is named after its record"
    record = json.loads((ROOT / run.record).read_text(encoding="utf-8"))
    assert tuple(record) == long_runs.RECORD_KEYS
    assert record["command"].startswith("scripts/")
    assert (ROOT / record["command"].split()[0]).is_file(), "the recorded command still exists"
    assert isinstance(record["result"], dict) and record["total_seconds"] > 0


@pytest.mark.parametrize("name", sorted(long_runs.RUNS))
def test_the_notebook_displays_its_record_and_reads_the_switch(name):
    run = long_runs.RUNS[name]
    nb = nbformat.read(ROOT / run.notebook, as_version=4)
    display = [c.source for c in nb.cells if long_runs.SKIP_TAG in c.metadata.get("tags", [])]
    record_name = (ROOT / run.record).name
    assert any(record_name in source for source in display), (
        f"no {long_runs.SKIP_TAG} cell reads {record_name}")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert run.switch in code and run.capture in code


def test_list_names_every_run(capsys):
    assert long_runs.main(["--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in long_runs.RUNS)


def test_a_fixed_setting_takes_no_epochs():
    with pytest.raises(SystemExit):
        long_runs.main(["denoiser_large", "--epochs", "3"])
    with pytest.raises(SystemExit):
        long_runs.main(["vae_long", "--epochs", "0"])


@pytest.mark.parametrize("prog, name, argv, command", [
    ("scripts/long_runs.py", None, ["latent_sweep_long", "--epochs", "7"],
     "scripts/long_runs.py latent_sweep_long --epochs 7"),
    ("scripts/ch5_long_sweep.py", "latent_sweep_long", [],
     "scripts/ch5_long_sweep.py --epochs 30"),
])
def test_a_run_writes_the_one_layout(tmp_path, monkeypatch, prog, name, argv, command):
    seen = {}

    def fake_run(notebook, env, capture, reads=()):
        seen.update(notebook=notebook, env=env, capture=capture, reads=reads)
        return [{"k": 2, "ae": 1.0, "pca": 2.0, "seconds": 3.14159}], dict(FACTS)

    record = tmp_path / "latent_sweep_long.json"
    run = dataclasses.replace(long_runs.RUNS["latent_sweep_long"], record=str(record))
    monkeypatch.setitem(long_runs.RUNS, "latent_sweep_long", run)
    monkeypatch.setattr(long_runs, "run_notebook_copy", fake_run)
    assert long_runs.main(argv, prog=prog, name=name) == 0
    written = json.loads(record.read_text(encoding="utf-8"))
    assert tuple(written) == long_runs.RECORD_KEYS
    assert written["command"] == command
    epochs = int(command.split()[-1])
    rows = [{"k": 2, "ae": 1.0, "pca": 2.0, "seconds": 3.1}]
    assert written["result"] == {"epochs": epochs, "rows": rows}
    assert seen["env"] == {"CH5_SWEEP_EPOCHS": str(epochs)} and seen["capture"] == "rows"
    assert seen["notebook"] == ROOT / "book" / "ch05_practice" / "5_4_latent_sweep.ipynb"
    assert seen["reads"] == ()


@pytest.mark.parametrize("name", sorted(long_runs.RUNS))
def test_the_records_a_run_reads_are_in_the_repository(name):
    # The copy runs in a temporary mirror that holds only these files.
    for read in long_runs.RUNS[name].reads:
        assert (ROOT / read).is_file(), read


def test_the_compression_curves_hold_each_steps_per_image_psnr():
    record = json.loads((ROOT / long_runs.RUNS["compression_curves"].record)
                        .read_text(encoding="utf-8"))
    result = record["result"]
    assert 'n=1000, seed=0' in result["settings"]["test_images"]
    for key in ("autoencoder", "pca"):
        assert len(result[key]) >= 4
        for point in result[key]:
            assert set(point) == {"step", "bits", "ideal_bits", "psnr", "items"}
            assert len(point["items"]) == 1000
            assert abs(sum(point["items"]) / 1000 - point["psnr"]) < 1e-3
