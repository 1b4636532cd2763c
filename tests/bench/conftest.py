"""The bench package drives the real window: the Qt fixtures of tests/ui apply here too."""

from tests.ui.conftest import (  # noqa: F401  (autouse fixtures, registered by import)
    _app_config,
    _isolated_settings,
    _no_dangling_qthreads,
    _reference_backend,
)
