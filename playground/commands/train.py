"""``conv-playground train``: train a model on digits and save it."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Training options; defaults take LeNet-5 to >= 97% validation accuracy on bundled digits."""
    from playground.engine.dispatch import CHOICES
    from playground.nn.registry import ARCHITECTURE_NAMES

    which = parser.add_mutually_exclusive_group()
    which.add_argument("--model", choices=ARCHITECTURE_NAMES.keys(), default="lenet5")
    which.add_argument("--arch", metavar="FILE", default=None,
                       help="a designed network: a text file with one layer per line "
                            "(e.g. 'conv 6 5x5 same', 'relu', 'maxpool 2', 'flatten', 'dense 10')")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--optimizer", choices=("sgd", "adam"), default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", default="bundled",
                        help="bundled, mnist, an IDX folder or a folder with one sub-folder of "
                             "images per class (PNG/JPEG/BMP/GIF, any size, grey or colour)")
    parser.add_argument("--train-size", type=int, default=None,
                        help="training images per epoch (validation comes from the rest)")
    parser.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None,
                        help="small random shifts and rotations")
    parser.add_argument("--backend", choices=CHOICES, default=argparse.SUPPRESS,
                        help="compute backend (also accepted before the subcommand)")
    parser.add_argument("--save", required=True, metavar="PATH", help="output .npz model")
    parser.add_argument("--json", action="store_true", help="one JSON object per epoch on stdout")


def run(args: argparse.Namespace) -> int:
    """Trains and saves; see :mod:`playground.nn.training`."""
    from playground.commands.learn import run_train

    return run_train(args)
