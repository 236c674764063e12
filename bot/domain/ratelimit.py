"""Per-person flood limit on incoming updates: a sliding window, pure, with time passed in."""
from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta


class SlidingWindow:
    def __init__(self, limit: int, window: timedelta = timedelta(minutes=1)) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[int, deque[datetime]] = {}
        self._warned: dict[int, datetime] = {}
        self._pruned: datetime | None = None

    def check(self, key: int, now: datetime) -> str:
        """'ok' to go on, 'warn' for the first update over the limit, 'drop' for the ones after it.
        Once a window, people with nothing left in it are forgotten, so memory follows who is active now."""
        if self._pruned is None or now - self._pruned >= self.window:
            self.forget_idle(now)
            self._pruned = now
        seen = self._seen.setdefault(key, deque())
        while seen and now - seen[0] >= self.window:
            seen.popleft()
        if len(seen) < self.limit:
            seen.append(now)
            self._warned.pop(key, None)
            return "ok"
        if key in self._warned and now - self._warned[key] < self.window:
            return "drop"
        self._warned[key] = now
        return "warn"

    def forget_idle(self, now: datetime) -> None:
        """Drop keys with nothing in the window, so memory does not grow with the number of people."""
        for key in [k for k, seen in self._seen.items() if not seen or now - seen[-1] >= self.window]:
            del self._seen[key]
        for key in [k for k, warned in self._warned.items() if now - warned >= self.window]:
            del self._warned[key]
