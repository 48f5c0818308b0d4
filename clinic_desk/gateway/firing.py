"""Misbehaviour on request, counted: what the embedded gateway's faults and the
terminal simulator's knobs have in common.

A knob fires on the requests its scope admits, ``times`` times (every time if None);
``FiringPlan`` keeps the knobs in force and how often each has fired, under a lock
(the server's loop reads it while tests and the demo change it from other threads).
Both are written ``KIND[:VALUE][@SCOPE,SCOPE][*TIMES]`` (``split_spec``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, Protocol, TypeVar


class Counted(Protocol):
    @property
    def times(self) -> int | None: ...


K = TypeVar("K", bound=Counted)
E = TypeVar("E", bound=StrEnum)


class FiringPlan(Generic[K]):
    """The knobs in force, with how often each has fired."""

    def __init__(self, knobs: list[K] | None = None) -> None:
        self._knobs: list[K] = list(knobs or [])
        self._fired: dict[int, int] = {}
        self._lock = threading.Lock()

    def add(self, knob: K) -> None:
        with self._lock:
            self._knobs.append(knob)

    def clear(self) -> None:
        with self._lock:
            self._knobs.clear()
            self._fired.clear()

    def __len__(self) -> int:
        return len(self._knobs)

    def any_left(self, admits: Callable[[K], bool]) -> bool:
        """Whether a knob ``admits`` would still fire (none is counted)."""
        with self._lock:
            return any(
                admits(knob) and (knob.times is None or self._fired.get(index, 0) < knob.times)
                for index, knob in enumerate(self._knobs)
            )

    def fire(self, admits: Callable[[K], bool]) -> list[K]:
        """The knobs ``admits`` and that have fired fewer than their ``times``, each
        counted as fired once more."""
        fired: list[K] = []
        with self._lock:
            for index, knob in enumerate(self._knobs):
                if not admits(knob):
                    continue
                count = self._fired.get(index, 0)
                if knob.times is not None and count >= knob.times:
                    continue
                self._fired[index] = count + 1
                fired.append(knob)
        return fired


@dataclass(frozen=True)
class Spec:
    """``KIND[:VALUE][@SCOPE,SCOPE][*TIMES]`` in its parts (``scopes`` None: no ``@``)."""

    text: str
    what: str  # "fault", "knob": how errors name it
    kind: str
    value: str
    scopes: tuple[str, ...] | None
    times: int | None

    def problem(self, why: str) -> ValueError:
        return ValueError(f"{self.what} {self.text!r}: {why}")

    def kind_of(self, kinds: type[E]) -> E:
        try:
            return kinds(self.kind)
        except ValueError:
            known = ", ".join(k.value for k in kinds)
            raise self.problem(f"unknown kind (known: {known})") from None

    def seconds(self, default: float, what: str = "the value") -> float:
        try:
            return float(self.value) if self.value else default
        except ValueError:
            raise self.problem(f"{what} must be seconds") from None


def split_spec(spec: str, what: str) -> Spec:
    """``spec`` in its parts; raises ValueError with a plain message."""
    rest = spec.strip()
    times: int | None = None
    if "*" in rest:
        rest, _, count = rest.rpartition("*")
        if not count.isdigit():
            raise ValueError(f"{what} {spec!r}: the count after * must be a number")
        times = int(count)
    scopes: tuple[str, ...] | None = None
    if "@" in rest:
        rest, _, scope = rest.partition("@")
        scopes = tuple(s.strip() for s in scope.split(",") if s.strip())
    kind, _, value = rest.partition(":")
    return Spec(spec, what, kind.strip(), value, scopes, times)
