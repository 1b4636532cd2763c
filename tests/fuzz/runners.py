"""Feed one hostile input to the code that reads it; classify the outcome.

``ok``: accepted and the result is sane; ``refused``: one clear error of the expected type;
``bad``: anything else (another exception, a wrong result, a traceback on the command line).
"""

from __future__ import annotations

import contextlib
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class Tally:
    """Counts of outcomes and the names of the bad inputs (with why)."""

    counts: Counter = field(default_factory=Counter)
    bad: list[str] = field(default_factory=list)

    def add(self, name: str, outcome: str, detail: str = "") -> None:
        self.counts[outcome] += 1
        if outcome == "bad":
            self.bad.append(f"{name}: {detail}")

    @property
    def tried(self) -> int:
        return sum(self.counts.values())

    def line(self, what: str) -> str:
        return (f"{what}: tried {self.tried} / accepted {self.counts['ok']} / refused cleanly "
                f"{self.counts['refused']} / bad {self.counts['bad']}")


def try_model_file(path: Path) -> tuple[str, str]:
    """``load_model`` gives a model that predicts, or a ModelFileError with a message."""
    from playground.nn import ModelFileError, load_model

    try:
        model = load_model(path, backend="reference")
    except ModelFileError as exc:
        msg = str(exc)
        return ("refused", msg) if msg and "\n" not in msg else ("bad", f"message {msg!r}")
    except Exception as exc:
        return "bad", f"{type(exc).__name__}: {exc}"
    probs = model.predict_proba(np.zeros((28, 28), np.float32))
    if probs.shape != (model.n_classes,) or not np.isfinite(probs).all():
        return "bad", f"loaded but predicts {probs!r}"
    return "ok", ""


def try_idx_file(path: Path) -> tuple[str, str]:
    """``read_idx`` gives an array of the declared size, or a DataError naming the file."""
    from playground.data import DataError, read_idx

    try:
        arr = read_idx(path)
    except DataError as exc:
        return ("refused", str(exc)) if str(path) in str(exc) else ("bad", f"unnamed: {exc}")
    except Exception as exc:
        return "bad", f"{type(exc).__name__}: {exc}"
    if not isinstance(arr, np.ndarray) or arr.dtype.byteorder not in "=|":
        return "bad", f"returned {type(arr)}"
    return "ok", ""


def try_image_file(path: Path) -> tuple[str, str]:
    """``image_to_digit_input`` gives a finite (28, 28) float32 in [0, 1], or a DataError."""
    from playground.data import DataError, image_to_digit_input

    try:
        x = image_to_digit_input(path)
    except DataError as exc:
        return ("refused", str(exc)) if str(path) in str(exc) else ("bad", f"unnamed: {exc}")
    except Exception as exc:
        return "bad", f"{type(exc).__name__}: {exc}"
    if x.shape != (28, 28) or x.dtype != np.float32 or not (np.isfinite(x).all()
                                                           and 0 <= x.min() <= x.max() <= 1):
        return "bad", f"returned {x.dtype} {x.shape}"
    return "ok", ""


def try_cli(argv: list[str]) -> tuple[str, str]:
    """``playground.cli.main`` exits 0, or 2 with one line on stderr; never a traceback."""
    from playground.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            np.errstate(all="ignore"):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
        except BaseException as exc:
            return "bad", f"{type(exc).__name__}: {exc}"
    text = err.getvalue()
    if "Traceback" in text:
        return "bad", "traceback on stderr"
    if code == 0:
        return "ok", ""
    if code != 2:
        return "bad", f"exit code {code}: {text.strip()[-200:]}"
    last = text.strip().splitlines()[-1] if text.strip() else ""
    if not last.startswith("conv-playground: error:") and "usage:" not in text:
        return "bad", f"exit 2 without an error line: {text.strip()[-200:]}"
    return "refused", last
