"""``conv-playground export``: a saved model as a PyTorch script or an ONNX file."""

from __future__ import annotations

import argparse
import sys
import time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Model file, format and output file."""
    parser.add_argument("model", metavar="MODEL", help="a .npz model file")
    parser.add_argument("out", metavar="OUT",
                        help="the file to write: a .py script for PyTorch or a .onnx graph")
    parser.add_argument("--to", metavar="FORMAT", default=None,
                        help="pytorch (a self-contained script: nn.Sequential plus weights) or "
                             "onnx (needs the onnx package); default: from OUT's suffix")


def run(args: argparse.Namespace) -> int:
    """Loads the model (any input shape), writes the export atomically, says what it wrote."""
    from playground.cli import UserError
    from playground.nn import load_model
    from playground.nn.export import ExportError, export_model, format_for

    try:
        fmt = format_for(args.out, args.to)
    except ExportError as exc:
        raise UserError(str(exc)) from None
    model = load_model(args.model, backend="reference", input_shape=None)
    t0 = time.perf_counter()
    try:
        path = export_model(model, args.out, fmt, source=str(args.model))
    except ExportError as exc:
        raise UserError(str(exc)) from None
    ms = (time.perf_counter() - t0) * 1000
    print(f"wrote {path} ({fmt}, {model.name}, {model.n_params():,} parameters, "
          f"{ms:.0f} ms)", file=sys.stderr)
    return 0
