"""``conv-playground bench {engine,train,ui,lesson}``: figures as ratios to a reference run."""

from __future__ import annotations

import argparse
import importlib

TARGETS = ("engine", "train", "ui", "lesson")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by every benchmark; each target reads the ones it needs."""
    from playground.engine.dispatch import CHOICES

    parser.add_argument("target", choices=TARGETS, help="what to measure")
    parser.add_argument("--backend", choices=CHOICES, default=argparse.SUPPRESS,
                        help="compute backend (also accepted before the subcommand)")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per row")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("--compare", choices=("fcnn",), default=None,
                        help="train: also train the FCNN and compare (the lecture's experiment)")
    parser.add_argument("--data", default="bundled", help="train: bundled, mnist or an IDX folder")
    parser.add_argument("--train-size", type=int, default=None, help="train: images per epoch")
    parser.add_argument("--epochs", type=int, default=None, help="train: epochs to time")
    parser.add_argument("--profile", action="store_true",
                        help="train: time one step per layer and direction instead of epochs")
    parser.add_argument("--while-training", action="store_true",
                        help="ui: measure event-loop latency while a model trains")
    parser.add_argument("--lesson", default="lecture", metavar="NAME",
                        help="lesson: the bundled lesson (or lesson file) to time")
    parser.add_argument("--window", default="1280x720", metavar="WxH",
                        help="lesson: window size (default 1280x720, a projector)")


def run(args: argparse.Namespace) -> int:
    """Runs ``playground.bench.<target>.run(args)``."""
    return int(importlib.import_module(f"playground.bench.{args.target}").run(args) or 0)
