"""Entry script of the bundle's console executable, ``conv-playground``.

The same command line as the pip-installed ``conv-playground``: subcommands, ``--version``,
``--self-test``, ``--screenshot``; with no arguments it opens the window.
"""

import sys

from playground.cli import main

if __name__ == "__main__":
    sys.exit(main())
