"""The book's "measured once" runs, apart from CI: one entry point, one record layout.

A long run executes an in-memory copy of a chapter notebook (in a temporary
working directory, so nothing is written back) with one environment switch
changed, reads one JSON-serialisable variable out of the kernel, and writes it
to a JSON record next to the notebook, which displays it in a section of its
own (cells tagged ``long-run-display``, left out of the long run itself), apart
from the numbers CI checks. Every record has the same layout::

    {"recorded": "2026-11-24",                       # date of the run
     "command": "scripts/long_runs.py vae_long --epochs 30",
     "machine": "2 个 CPU 核（x86_64），运行前后 1 分钟平均负载 1.2 / 3.0",
     "total_seconds": 697.5,                         # the whole notebook copy
     "versions": {"tensorflow": ..., "keras": ..., "numpy": ..., "scikit-learn": ...},
     "result": {...}}                                # what the notebook computed

Usage (from the repository root, with the data mirror or cache)::

    .venv/bin/python scripts/long_runs.py --list
    AUTOENCODER_BOOK_DATA=/path/to/mirror .venv/bin/python scripts/long_runs.py NAME [--epochs N]

A new long run is one more entry of :data:`RUNS`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Cells that display a recorded long run are left out of the long run itself.
SKIP_TAG = "long-run-display"
#: The keys of every record, in this order.
RECORD_KEYS = ("recorded", "command", "machine", "total_seconds", "versions", "result")


@dataclass(frozen=True)
class LongRun:
    """One registered long run: which notebook, which switch, what it records."""

    notebook: str  # from the repository root
    record: str  # the JSON record, from the repository root
    capture: str  # the kernel variable that holds the result
    about: str  # one line for --list
    switch: str  # the environment variable the notebook reads
    value: str | None = None  # the switch's value; None: --epochs N sets it
    default_epochs: int = 30
    reads: tuple[str, ...] = ()  # records the notebook reads, from the repository root
    result: Callable[[object, int | None], dict] = lambda value, epochs: value
    summary: Callable[[dict], list[str]] = lambda result: []


def _sweep_result(rows, epochs):
    return {"epochs": epochs, "rows": [{**r, "seconds": round(r["seconds"], 1)} for r in rows]}


def _sweep_summary(result):
    return [f"k={r['k']:>2}  AE {r['ae']:6.2f}  PCA {r['pca']:6.2f}  "
            f"ratio {r['ae'] / r['pca']:.3f}  {r['seconds']:.0f} s" for r in result["rows"]]


def _denoiser_summary(result):
    lines = [f"sigma={sigma}: noisy {row['带噪输入']:.2f} dB -> DAE {row['去噪自动编码器']:.2f} dB"
             for sigma, row in result["psnr"].items()]
    return lines + [f"training: {result['train_seconds']:.0f} s, settings {result['settings']}"]


def _vae_summary(result):
    iwae = "  ".join(f"-L_{k} {v:.2f}" for k, v in result["iwae"].items())
    return [f"{result['epochs']} epochs ({result['train_seconds']:.0f} s): "
            f"-ELBO {result['neg_elbo']:.2f}  {iwae}"]


def _curves_summary(result):
    return [f"{name:<11} step {p['step']:<5g} {p['bits']:7.1f} bits/image  {p['psnr']:6.2f} dB"
            for name in ("autoencoder", "pca") for p in result[name]]


def _codec_summary(result):
    return [f"lambda={p['lam']:<5g} {p['bits']:7.1f} bits/image  {p['psnr']:6.2f} dB  "
            f"(y {p['y_bits']:.0f} + z {p['z_bits']:.0f}; factorized {p['fact_bits']:.0f})  "
            f"{p['train_seconds']:.0f} s" for p in result["points"]]


#: Every long run, by name (the name is its record's file name without ``.json``).
RUNS: dict[str, LongRun] = {
    "latent_sweep_long": LongRun(
        notebook="book/ch05_practice/5_4_latent_sweep.ipynb",
        record="book/ch05_practice/latent_sweep_long.json",
        capture="rows", switch="CH5_SWEEP_EPOCHS",
        about="5.4: the latent-size sweep with longer training (about 12 min for 30 epochs)",
        result=_sweep_result, summary=_sweep_summary),
    "denoiser_large": LongRun(
        notebook="book/ch05_practice/5_6_denoising.ipynb",
        record="book/ch05_practice/denoiser_large.json",
        capture="dae_summary", switch="CH5_DAE_SIZE", value="large",
        about="5.6: the larger denoiser, 5x5 kernels, batch 128, 4 epochs (about 4 min)",
        summary=_denoiser_summary),
    "compression_curves": LongRun(
        notebook="book/ch06_applications/6_1_compression.ipynb",
        record="book/ch06_applications/compression_curves.json",
        capture="compression_curves", switch="CH6_COMP_EPOCHS", value="8",
        about="6.1 as CI runs it: the AE and PCA rate-PSNR curves, per test image (about 1 min)",
        summary=_curves_summary),
    "vae_long": LongRun(
        notebook="book/ch06_applications/6_4_vae.ipynb",
        record="book/ch06_applications/vae_long.json",
        capture="vae_summary", switch="CH6_VAE_EPOCHS",
        about="6.4: the VAE trained longer (about 10 min for 30 epochs)",
        summary=_vae_summary),
    "codec_long": LongRun(
        notebook="book/ch08_summary/8_7_learned_codec.ipynb",
        record="book/ch08_summary/codec_long.json",
        capture="codec_summary", switch="CH8_CODEC_EPOCHS", default_epochs=12,
        reads=("book/ch06_applications/compression_curves.json",),
        about="8.7: the learned codec's lambda sweep, five models (about 35 min for 12 epochs)",
        summary=_codec_summary),
}


def run_notebook_copy(notebook: Path, env: dict[str, str], capture: str,
                      reads: tuple[str, ...] = ()) -> tuple[object, dict]:
    """Execute a copy of ``notebook`` with ``env`` set.

    Returns ``json.loads`` of the kernel variable ``capture``, and the run's facts.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [c for c in nb.cells if SKIP_TAG not in c.metadata.get("tags", [])]
    nb.cells.append(nbformat.v4.new_code_cell(f"import json\nprint(json.dumps({capture}))"))
    os.environ.update(env)
    load_before = os.getloadavg()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        # The copy runs where the notebook sits, in a mirror of the repository
        # that holds only the records it reads.
        for read in reads:
            (Path(tmp) / read).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / read, Path(tmp) / read)
        cwd = Path(tmp) / notebook.resolve().parent.relative_to(ROOT)
        cwd.mkdir(parents=True, exist_ok=True)
        NotebookClient(nb, timeout=None, kernel_name="python3",
                       resources={"metadata": {"path": str(cwd)}}).execute()
    elapsed = time.perf_counter() - start
    load_after = os.getloadavg()
    facts = {
        "recorded": datetime.date.today().isoformat(),
        "machine": (
            f"{os.cpu_count()} 个 CPU 核（{platform.machine()}），"
            f"运行前后 1 分钟平均负载 {load_before[0]:.1f} / {load_after[0]:.1f}"
        ),
        "total_seconds": round(elapsed, 1),
        "versions": {"tensorflow": tf_version(),
                     **{n: version(n) for n in ("keras", "numpy", "scikit-learn")}},
    }
    return json.loads(nb.cells[-1].outputs[0]["text"]), facts


def make_record(facts: dict, command: str, result: dict) -> dict:
    """The record in the one layout (:data:`RECORD_KEYS`, in that order)."""
    record = {**facts, "command": command, "result": result}
    return {key: record[key] for key in RECORD_KEYS}


def write_record(path: Path, record: dict) -> None:
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"wrote {shown} after {record['total_seconds'] / 60:.1f} min")


def tf_version() -> str:
    """Version of TensorFlow (``tensorflow-cpu`` on Linux x86-64, else ``tensorflow``)."""
    for name in ("tensorflow-cpu", "tensorflow"):
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return "unknown"


def _parser(prog: str, name: str | None) -> argparse.ArgumentParser:
    epilog = "long runs:\n" + "\n".join(f"  {n:<18} {run.about}" for n, run in RUNS.items())
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0], epilog=epilog,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    if name is None:
        parser.add_argument("name", nargs="?", choices=sorted(RUNS), help="which long run")
        parser.add_argument("--list", action="store_true",
                            help="list the long runs and their records")
    parser.add_argument("--epochs", type=int, default=None,
                        help="training epochs, for the runs that take them (default 30)")
    return parser


def main(argv: list[str], *, prog: str = "scripts/long_runs.py", name: str | None = None) -> int:
    """Run one long run and write its record (``name``: fixed by a script that runs one)."""
    parser = _parser(prog, name)
    args = parser.parse_args(argv)
    if name is None and (args.list or not args.name):
        for n, run in RUNS.items():
            print(f"{n:<18} {run.record:<48} {run.about}")
        return 0 if args.list else 2
    # The command as it was run, with every option spelled out: the record's "command".
    words = [prog] if name else [prog, args.name]
    name = name or args.name
    run = RUNS[name]
    if run.value is not None:
        if args.epochs is not None:
            parser.error(f"{name} takes no --epochs")
        epochs, value, options = None, run.value, []
    else:
        epochs = run.default_epochs if args.epochs is None else args.epochs
        if epochs < 1:
            parser.error(f"--epochs must be positive, got {epochs}")
        value, options = str(epochs), ["--epochs", str(epochs)]
    command = " ".join(words + options)
    captured, facts = run_notebook_copy(ROOT / run.notebook, {run.switch: value}, run.capture,
                                        run.reads)
    result = run.result(captured, epochs)
    write_record(ROOT / run.record, make_record(facts, command, result))
    for line in run.summary(result):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
