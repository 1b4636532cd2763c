"""``python -m playground`` runs the command line."""

from playground.cli import main

raise SystemExit(main())
