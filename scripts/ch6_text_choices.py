"""Choose 6.5's training settings on validation poems, once, and record the choice.

第6章 6.5节 trains a character-level sequence autoencoder on 《唐诗三百首》.
Its settings (learning rate, batch size, token dropout and the number of
epochs) are chosen here, on **validation poems** only: the poems are split by
poem exactly as the notebook splits them (``data.load_tang_poems`` with
``test_fraction=0.1, validation_fraction=0.1, seed=0``), every setting of the
grid is trained on the training poems with the notebook's model and seed, the
masked token loss on the validation poems is measured after every epoch, and
the setting and epoch with the lowest validation loss win. The test poems are
never loaded into a model here. The notebook trains the chosen setting (with
the validation poems as ``validation_data``) and displays this record in a cell
tagged ``long-run-display``.

The record, ``book/ch06_applications/text_choices.json``, has the one layout
of every long-run record (``long_runs.RECORD_KEYS``). Unlike the runs of
``scripts/long_runs.py``, this one trains outside a notebook copy: a grid of
twelve trainings has no single switch in the notebook to turn.

Usage (from the repository root; the recorded run took 33 minutes on 2 heavily shared CPU cores)::

    AUTOENCODER_BOOK_DATA=/path/to/mirror .venv/bin/python scripts/ch6_text_choices.py
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import platform
import sys
import time

from long_runs import ROOT, make_record, tf_version, write_record

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

RECORD = ROOT / "book" / "ch06_applications" / "text_choices.json"
LEARNING_RATES = (0.001, 0.003, 0.01)
BATCH_SIZES = (64, 128)
TOKEN_DROPOUTS = (0.0, 0.25)
#: The model of the notebook (kept in step with 6_5_text_autoencoder.ipynb).
MODEL = {"code_dim": 64, "embed_dim": 64, "hidden_units": 128}
MAX_LEN = 7
SPLIT = {"test_fraction": 0.1, "validation_fraction": 0.1, "seed": 0}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=16,
                        help="epochs per setting; the best epoch is chosen (default 16)")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be positive, got {args.epochs}")

    from importlib.metadata import version

    import keras

    from autoencoder_lib import data, text

    poems = data.load_tang_poems(**SPLIT)
    vocab = text.Vocabulary.from_texts(poems.train)
    train = text.make_seq2seq_batch(vocab, poems.train, length=MAX_LEN)
    val = text.make_seq2seq_batch(vocab, poems.validation, length=MAX_LEN)

    load_before = os.getloadavg()
    start = time.perf_counter()
    runs = []
    for lr, batch, dropout in itertools.product(LEARNING_RATES, BATCH_SIZES, TOKEN_DROPOUTS):
        keras.utils.set_random_seed(0)
        parts = text.build_sequence_autoencoder(
            len(vocab), **MODEL, token_dropout=dropout, length=MAX_LEN + 1)
        model = parts.autoencoder
        model.compile(optimizer=keras.optimizers.Adam(lr), loss=text.masked_token_loss)
        t0 = time.perf_counter()
        history = model.fit(
            [train.encoder_input, train.decoder_input], train.target,
            validation_data=([val.encoder_input, val.decoder_input], val.target),
            epochs=args.epochs, batch_size=batch, shuffle=True, verbose=0,
        )
        seconds = time.perf_counter() - t0
        val_loss = [round(float(v), 4) for v in history.history["val_loss"]]
        best = min(range(len(val_loss)), key=val_loss.__getitem__)
        runs.append({
            "learning_rate": lr, "batch_size": batch, "token_dropout": dropout,
            "val_loss": val_loss,
            "train_loss": [round(float(v), 4) for v in history.history["loss"]],
            "best_epoch": best + 1, "best_val_loss": val_loss[best],
            "seconds": round(seconds, 1),
        })
        print(f"lr={lr} batch={batch} dropout={dropout}: best val loss "
              f"{val_loss[best]:.3f} at epoch {best + 1} ({seconds:.0f} s)", flush=True)
        keras.backend.clear_session()
    elapsed = time.perf_counter() - start
    load_after = os.getloadavg()
    chosen = min(runs, key=lambda r: (r["best_val_loss"], r["best_epoch"]))
    facts = {
        "recorded": datetime.date.today().isoformat(),
        "machine": (
            f"{os.cpu_count()} 个 CPU 核（{platform.machine()}），"
            f"运行前后 1 分钟平均负载 {load_before[0]:.1f} / {load_after[0]:.1f}"
        ),
        "total_seconds": round(elapsed, 1),
        "versions": {"tensorflow": tf_version(),
                     **{n: version(n) for n in ("keras", "numpy")}},
    }
    command = "scripts/ch6_text_choices.py" + (
        f" --epochs {args.epochs}" if args.epochs != 16 else "")
    record = make_record(facts, command, {
        "split": SPLIT,
        "n_train_verses": len(poems.train),
        "n_validation_verses": len(poems.validation),
        "model": MODEL,
        "max_epochs": args.epochs,
        "grid": {"learning_rate": list(LEARNING_RATES), "batch_size": list(BATCH_SIZES),
                 "token_dropout": list(TOKEN_DROPOUTS)},
        "criterion": "lowest masked token loss on the validation poems",
        "runs": runs,
        "chosen": {k: chosen[k] for k in ("learning_rate", "batch_size", "token_dropout",
                                          "best_epoch", "best_val_loss")},
    })
    write_record(RECORD, record)
    print("chosen:", record["result"]["chosen"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
