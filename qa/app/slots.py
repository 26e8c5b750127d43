"""Slots taken in order of arrival: at most ``n`` holders at once, the others served first come,
first served (a :class:`threading.Semaphore` lets a newcomer take a slot freed while older
waiters are still waking up, so under load some requests wait far longer than the rest)."""

from __future__ import annotations

import os
import threading
from collections import deque

#: answers the server runs at once ("parts" lock mode, qa.app.state); the others are served in order of
#: arrival.  Unbounded, 50 users' answers shared two cores and the GIL at once and the unluckiest
#: waited longest: p95 5.5 s, p99 9.7 s at 17.5 req/s.  4 slots (2 × 2 cores) on a semaphore:
#: 17.3 req/s, p95 3.4 s, p99 5.1 s; in order of arrival: 17.0–17.2 req/s, p95 3.4 s, p99 3.6 s,
#: under the single lock's on every figure (make load, docs/SCALE.md).
ANSWER_SLOTS = 2 * (os.cpu_count() or 1)


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
