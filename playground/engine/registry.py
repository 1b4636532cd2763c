"""Named choices with display names: the activations and pooling kinds the engine computes.

One registry per kind of choice, read by every menu (settings panel, training panel, designer) and
by the command line, so a new entry is added in one place. Keys are what files, scenes and the
engine's functions take (``"relu"``, ``"max"``); labels are what menus show.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar


@dataclass(frozen=True)
class Entry:
    """One choice: the key code and files use, and the name a menu shows."""

    key: str
    label: str


E = TypeVar("E", bound=Entry)


class Registry(Generic[E]):
    """An ordered, read-only set of :class:`Entry` values, looked up by key (a small mapping)."""

    def __init__(self, what: str, entries: list[E]) -> None:
        keys = [e.key for e in entries]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate {what} keys: {keys}")
        self.what = what
        self._entries = {e.key: e for e in entries}

    def __iter__(self) -> Iterator[str]:
        """The keys, in menu order (as iterating a dict does)."""
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __getitem__(self, key: str) -> E:
        return self._entries[self.check(key)]

    def entries(self) -> tuple[E, ...]:
        """The entries in menu order."""
        return tuple(self._entries.values())

    def keys(self) -> tuple[str, ...]:
        """The keys in menu order (what ``argparse`` ``choices=`` takes)."""
        return tuple(self._entries)

    def items(self) -> tuple[tuple[str, str], ...]:
        """``(key, label)`` pairs in menu order (what a combo box is filled from)."""
        return tuple((e.key, e.label) for e in self._entries.values())

    def label(self, key: str, default: str | None = None) -> str:
        """The display name of ``key``; ``default`` (or the key itself) when unknown."""
        entry = self._entries.get(key)
        if entry is not None:
            return entry.label
        return key if default is None else default

    def check(self, key: object) -> str:
        """``key`` when registered, else ValueError naming the choices."""
        if not isinstance(key, str) or key not in self._entries:
            raise ValueError(f"{self.what} must be one of "
                             f"{', '.join(map(repr, self._entries))}, got {key!r}")
        return key

    def __repr__(self) -> str:
        return f"Registry({self.what!r}, {list(self._entries)})"


ACTIVATIONS: Registry[Entry] = Registry("activation", [
    Entry("relu", "ReLU  max(0, x)"),
    Entry("none", "none"),
])
"""Activations after a convolution (``"none"`` leaves the maps as they are)."""

POOLS: Registry[Entry] = Registry("pool", [
    Entry("max", "max pooling"),
    Entry("avg", "average pooling"),
    Entry("none", "none"),
])
"""Pooling kinds (``"none"``: no pooling layer)."""
