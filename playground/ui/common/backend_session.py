"""Where the window computes: the one owner of "asked for / ready / computing on".

The student (or ``--backend``, or the saved session) *asks for* a backend: ``auto``, ``reference``,
``cpu`` or ``cuda``. A compiled backend is *ready* once its kernels have been compiled (first start)
or loaded from Numba's cache, which happens in one warm-up thread
(:class:`~playground.ui.common.compile_progress.EngineWarmup`) while the window is already up.
Until then the engine *computes on* the NumPy reference. :class:`BackendSession` is the only
caller of ``engine.set_backend`` in the UI: it switches the engine to the asked-for backend the
moment that is ready, and says so on the status bar through :attr:`BackendSession.message`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from playground import engine
from playground.engine import dispatch
from playground.ui.common.compile_progress import EngineWarmup, backends_to_warm

STATUS_MS = 6000
"""How long the session's status-bar messages stay up."""


class BackendSession(QObject):
    """Asked-for backend, the backends that are ready, and the one the engine computes on.

    Nothing is compiled before :meth:`start` (so a window opens at once, and tests never wait for
    a compiler); :meth:`request` before that only records the choice.
    """

    changed = Signal(str)
    """The engine now computes on another backend (its name)."""
    message = Signal(str, int)
    """A status-bar message (text, milliseconds)."""
    warmup_started = Signal(object)
    """A warm-up began (the :class:`EngineWarmup`, for a progress indicator)."""
    warmup_done = Signal(float, str)
    """A warm-up finished (seconds, error message or "")."""

    def __init__(self, asked: str = "auto", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._asked = "auto"
        self._ready = {"reference"}
        self._failed: dict[str, str] = {}
        self._started = False
        self._warmup: EngineWarmup | None = None
        self._computing: str | None = None
        self.request(asked)

    # ---- what the window reads ---------------------------------------------------------------
    @property
    def asked(self) -> str:
        """The backend asked for (one of ``engine.CHOICES``)."""
        return self._asked

    @property
    def ready(self) -> frozenset[str]:
        """The concrete backends whose kernels are compiled (always includes ``reference``)."""
        return frozenset(self._ready)

    @property
    def computing(self) -> str:
        """The concrete backend the engine computes on now."""
        target = dispatch.resolve(self._asked)
        needed = backends_to_warm(self._asked)
        if target in self._ready and all(n in self._ready or n in self._failed for n in needed):
            return target
        return "reference"

    @property
    def warming(self) -> bool:
        """True while a warm-up thread runs."""
        return self._warmup is not None

    @property
    def warmup(self) -> EngineWarmup | None:
        """The running warm-up, if any."""
        return self._warmup

    # ---- what changes it ---------------------------------------------------------------------
    def request(self, name: str) -> None:
        """Asks for ``name``; ValueError for an unknown name, ``engine.BackendUnavailable`` when it
        cannot run here (the choice is then unchanged). Switches at once if it is ready, else
        after its warm-up (started here when the session has been started)."""
        if dispatch.resolve(name) == "cuda":  # ValueError for an unknown name
            engine.get_backend("cuda")  # BackendUnavailable without a GPU
        self._asked = name
        self._update()

    def start(self) -> None:
        """Starts warming what the current choice needs (call once the window is painted)."""
        self._started = True
        self._update()

    def wait(self, ms: int = 300_000) -> bool:
        """Blocks (processing events) until no warm-up runs; False on timeout."""
        while self._warmup is not None:
            if not self._warmup.wait(ms):
                return False
        return True

    # ---- internals ---------------------------------------------------------------------------
    def _update(self) -> None:
        missing = [n for n in backends_to_warm(self._asked)
                   if n not in self._ready and n not in self._failed]
        if missing and self._started and self._warmup is None:
            warm = EngineWarmup(missing, self)
            warm.done.connect(self._on_warmup_done)
            self._warmup = warm
            self.warmup_started.emit(warm)
            warm.start()
        self._apply()

    def _apply(self) -> None:
        # compared with what the session set, not engine.backend_name(): asking the engine would
        # import the compiled backend (Numba) on the GUI thread before the window is shown
        computing = self.computing
        if computing != self._computing:
            engine.set_backend(computing)
            self._computing = computing
            self.changed.emit(computing)

    def _on_warmup_done(self, seconds: float, error: str) -> None:
        warm, self._warmup = self._warmup, None
        names = warm.backends if warm is not None else []
        if error:
            self._failed.update(dict.fromkeys(names, error))
            self.message.emit(f"Engine warm-up failed, computing with the reference: {error}",
                              STATUS_MS)
        else:
            self._ready.update(names)
            self.message.emit(f"Fast kernels ready ({seconds:.1f} s)", STATUS_MS)
        self.warmup_done.emit(seconds, error)
        self._update()
