"""Per-person flood limit on incoming updates: a token bucket, pure, with time passed in.

Each person has a bucket of `burst` tokens that refills at `per_minute` tokens a minute; every update takes
one. A person tapping through a form (one input a second) never empties it at the default of 60 a minute,
and a quick burst of a few dozen taps fits in the bucket; a real flood (dozens of messages in seconds, for
minutes) runs it dry and is stopped.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WARN_EVERY = timedelta(minutes=1)  # one "slow down" message a minute at most; the rest of a flood is dropped


@dataclass
class _Bucket:
    tokens: float
    at: datetime
    warned_at: datetime | None = None


class TokenBucket:
    def __init__(self, per_minute: float, burst: int) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("need per_minute > 0 and burst >= 1")
        self.per_second = per_minute / 60
        self.burst = burst
        self._buckets: dict[int, _Bucket] = {}

    def _refilled(self, key: int, now: datetime) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        elapsed = max((now - bucket.at).total_seconds(), 0.0)  # a clock that steps back refills nothing
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.per_second)
        bucket.at = max(bucket.at, now)
        return bucket

    def check(self, key: int, now: datetime) -> str:
        """'ok' to go on, 'warn' for the first update over the limit, 'drop' for the ones after it."""
        bucket = self._refilled(key, now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return "ok"
        if bucket.warned_at is not None and now - bucket.warned_at < WARN_EVERY:
            return "drop"
        bucket.warned_at = now
        return "warn"

    def forget_idle(self, now: datetime) -> None:
        """Drop the buckets that are full again: they hold nothing a new bucket would not."""
        for key in list(self._buckets):
            bucket = self._refilled(key, now)
            if bucket.tokens >= self.burst and (bucket.warned_at is None or now - bucket.warned_at >= WARN_EVERY):
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)
