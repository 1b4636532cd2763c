"""SIGTERM, SIGINT and SIGHUP end the Qt event loop cleanly, so the session is saved as on a close.

Python runs a signal handler only between bytecodes, and while ``app.exec()`` spins in C++ there
are none. ``signal.set_wakeup_fd`` makes the C-level handler write a byte to a socket pair that a
``QSocketNotifier`` watches; the notifier's slot is Python code, so the pending handler runs at
once and asks the loop to exit with ``128 + signal number`` (the shell's convention).
"""

from __future__ import annotations

import contextlib
import signal
import socket

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier

QUIT_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP")
                     if hasattr(signal, name))


class SignalQuitter(QObject):
    """While installed, the listed signals make ``app`` leave its event loop.

    ``received`` holds the last signal number (or ``None``); :attr:`exit_code` is what the app
    should return. A signal that arrives before ``app.exec()`` runs is kept: check
    :attr:`received` before entering the loop, because ``QCoreApplication.exit`` does nothing
    while no loop runs.
    """

    def __init__(self, app: QCoreApplication, signals: tuple[int, ...] = QUIT_SIGNALS) -> None:
        super().__init__(app)
        self._app = app
        self.received: int | None = None
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)
        self._previous = {sig: signal.signal(sig, self._on_signal) for sig in signals}

    @property
    def exit_code(self) -> int:
        """``128 + signal`` after a signal, else 0."""
        return 0 if self.received is None else 128 + int(self.received)

    def _on_signal(self, signum: int, _frame) -> None:
        self.received = signum
        self._app.exit(self.exit_code)

    def _on_notifier_activated(self, *_args) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            while self._reader.recv(64):  # drain; the handler itself has already run
                pass

    def uninstall(self) -> None:
        """Restores the previous handlers and wakeup fd; closes the socket pair."""
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous = {}
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()
