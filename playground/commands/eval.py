"""``conv-playground eval``: accuracy, per-class accuracy and confusion matrix of a saved model."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Model file and data to evaluate on."""
    from playground.engine.dispatch import CHOICES

    parser.add_argument("model", metavar="MODEL", help="a .npz model file")
    parser.add_argument("--data", default="bundled",
                        help="bundled, mnist, an IDX folder or a folder with one sub-folder of "
                             "images per class (PNG/JPEG/BMP/GIF, any size, grey or colour)")
    parser.add_argument("--backend", choices=CHOICES, default=argparse.SUPPRESS,
                        help="compute backend (also accepted before the subcommand)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")


def run(args: argparse.Namespace) -> int:
    """Evaluates; see :mod:`playground.commands.learn`."""
    from playground.commands.learn import run_eval

    return run_eval(args)
