"""``conv-playground predict``: classify an image file with a saved model."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Model file and image."""
    from playground.engine.dispatch import CHOICES

    parser.add_argument("model", metavar="MODEL", help="a .npz model file")
    parser.add_argument("image", metavar="IMAGE",
                        help="a PNG or JPEG of one digit (or of one of the model's own classes)")
    parser.add_argument("--backend", choices=CHOICES, default=argparse.SUPPRESS,
                        help="compute backend (also accepted before the subcommand)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    """Predicts; see :mod:`playground.commands.learn`."""
    from playground.commands.learn import run_predict

    return run_predict(args)
