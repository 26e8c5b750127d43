"""Slots taken in order of arrival: at most ``n`` holders at once, the others served first come,
first served (a :class:`threading.Semaphore` lets a newcomer take a slot freed while older
waiters are still waking up, so under load some requests wait far longer than the rest)."""

from __future__ import annotations

import threading
from collections import deque


class Slots:
    """A context manager: ``with slots:`` holds one of ``n`` slots while the block runs.

    >>> s = Slots(1)
    >>> s.acquire(timeout=0.1), s.acquire(timeout=0.05)
    (True, False)
    >>> s.release(); s.acquire(timeout=0.1)
    True
    """

    def __init__(self, n: int) -> None:
        if n < 1:
            raise ValueError("at least one slot")
        self._free = n
        self._lock = threading.Lock()
        self._waiting: deque[threading.Event] = deque()

    def acquire(self, timeout: float | None = None) -> bool:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return True
        with self._lock:
            if turn.is_set():  # handed a slot just as the wait ended
                return True
            self._waiting.remove(turn)
            return False

    def release(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()  # the slot passes straight to the oldest waiter
            else:
                self._free += 1

    def __enter__(self) -> Slots:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
