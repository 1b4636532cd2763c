"""Command line: no arguments opens the window; subcommands bench, train, eval, predict, export,
download, lessons, lesson.

Each subcommand lives in ``playground.commands.<name>`` as ``add_arguments(parser)`` and
``run(args) -> int``; user errors print one line and exit with code 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Sequence

from playground import __version__

PROG = "conv-playground"
SUBCOMMANDS = {
    "bench": "Benchmarks: engine, train or ui, with ratios against PyTorch when installed.",
    "train": "Train a model (fcnn, lenet5-small, lenet5) and save it to a .npz file.",
    "eval": "Evaluate a saved model: accuracy, per-class accuracy and confusion matrix.",
    "predict": "Classify a PNG image with a saved model.",
    "export": "Export a saved model as a PyTorch script (--to pytorch) or ONNX (--to onnx).",
    "download": "Download the full MNIST dataset (about 11 MB) into the cache.",
    "open": "Open the window on a scene file or a lesson file.",
    "lessons": "List the bundled lessons: name, scene count and scene titles.",
    "lesson": "Work with a lesson file: 'lesson check FILE' validates it.",
}


UI_SCALES = (100, 125, 150, 200)
"""The View menu's UI scales (``playground.ui.common.theme.SCALES``; kept here so that parsing
the command line loads no Qt)."""
THEMES = ("light", "dark", "high-contrast")
"""The View menu's themes (``playground.ui.common.theme.THEMES``)."""
SCREENSHOT_TABS = ("playground", "network", "filters", "design", "train", "classes", "shift",
                   "evaluate")
"""``--tab`` choices (``playground.ui.common.screenshot.TABS``)."""


class UserError(Exception):
    """A problem with the user's input: reported in one line, exit code 2."""


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1600x1000, got {text!r}") from None
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise argparse.ArgumentTypeError(f"size must be between 200x200 and 8000x8000, got {text}")
    return w, h


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, subcommands included."""
    from playground.engine.config import BACKEND_ENV
    from playground.engine.dispatch import CHOICES

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Convolution Playground: draw a digit, edit kernels, watch a CNN see it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--backend", choices=CHOICES, default=os.environ.get(BACKEND_ENV) or None,
                        help="compute backend (default: $PLAYGROUND_BACKEND or auto)")
    parser.add_argument("--screenshot", metavar="PATH",
                        help="render the main window offscreen to a PNG and exit")
    parser.add_argument("--size", type=_size, default=None, metavar="WxH",
                        help="window size for --screenshot (default 1600x1000)")
    parser.add_argument("--ui-scale", type=int, choices=UI_SCALES, default=None, metavar="PCT",
                        help="UI scale for --screenshot, one of 100, 125, 150, 200 (default 100)")
    parser.add_argument("--theme", choices=THEMES, default=None,
                        help="colour theme for --screenshot (default: light)")
    parser.add_argument("--tab", choices=SCREENSHOT_TABS, default=None,
                        help="with --screenshot: the tab to show (network: inside the network, "
                             "filters: its filter stacks, design: the network designer, ...; "
                             "default playground)")
    parser.add_argument("--lesson", metavar="NAME", default=None,
                        help="open (or with --screenshot render) a bundled lesson or a lesson file")
    parser.add_argument("--scene", type=int, default=1, metavar="N",
                        help="with --lesson: the scene to render (1-based)")
    parser.add_argument("--presenter", action="store_true",
                        help="with --lesson: render the presenter mode's layout")
    parser.add_argument("--self-test", action="store_true",
                        help="open the window offscreen, exercise it, print one summary line")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in SUBCOMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        _command(name).add_arguments(sp)
    return parser


def _command(name: str):
    return importlib.import_module(f"playground.commands.{name}")


def _select_backend(args: argparse.Namespace) -> None:
    """Checks that ``--backend`` can run here. Subcommands compute on it; the window gets it as
    ``args.backend`` (its backend session switches to it once the kernels are warm)."""
    name = getattr(args, "backend", None)
    if name is None:
        return
    from playground import engine

    if args.command:
        engine.set_backend(name)
    else:
        engine.get_backend(name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``conv-playground`` and ``python -m playground``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from playground.bench.child import CHILD_FLAG

    if argv[:1] == [CHILD_FLAG]:  # a benchmark's child process (frozen apps have no -m)
        from playground.bench.child import run_child

        return run_child(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    # the app, not the engine, decides what to print: tiny previews on a GPU are meant to be tiny
    warnings.filterwarnings("ignore", message=r".*GPU under-utilization")
    try:
        _select_backend(args)
        if args.command:
            return int(_command(args.command).run(args) or 0)
        if getattr(args, "self_test", False):  # bench stands above app: app never imports it
            from playground.bench.self_test import run_self_test

            return run_self_test()
        from playground.app import run_app

        return run_app(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except (UserError, ValueError, OSError, RuntimeError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
