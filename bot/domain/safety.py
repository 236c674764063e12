"""How often a client in crisis hears what. Pure, time passed in.

Whoever keeps typing crisis language gets the full safety message (their own contacts, the numbers for this
kind of crisis) at most once every `FULL_EVERY`, and a short line with 113 and 112 in between: never nothing,
never a wall of repeats. A kind not covered yet in that window (danger from others after suicide) gets the
full message at once, since its help is different. The question whether the worker may be told comes with a
full message at most once every `ASK_EVERY`.

Kept in memory per process, like the flood limit: a restart only means one full message sooner.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.crisis import CrisisKind

FULL_EVERY = timedelta(minutes=5)
ASK_EVERY = timedelta(hours=1)


class Reply(StrEnum):
    FULL = "full"
    SHORT = "short"


@dataclass
class _Seen:
    full_at: datetime
    kinds: set[CrisisKind | None] = field(default_factory=set)
    asked_at: datetime | None = None


class SafetyPacer:
    def __init__(self) -> None:
        self._seen: dict[int, _Seen] = {}

    def reply(self, key: int, kind: CrisisKind | None, now: datetime) -> Reply:
        """FULL or SHORT for this hit, and remember it."""
        seen = self._seen.get(key)
        if seen is None or now - seen.full_at >= FULL_EVERY or now < seen.full_at:
            asked_at = seen.asked_at if seen else None
            self._seen[key] = _Seen(now, {kind}, asked_at)
            return Reply.FULL
        if kind not in seen.kinds:
            seen.kinds.add(kind)
            return Reply.FULL
        return Reply.SHORT

    def may_ask(self, key: int, now: datetime) -> bool:
        """True at most once every ASK_EVERY per person: then the caller asks."""
        seen = self._seen.get(key)
        if seen is None:
            seen = self._seen[key] = _Seen(now)
        if seen.asked_at is not None and timedelta() <= now - seen.asked_at < ASK_EVERY:
            return False
        seen.asked_at = now
        return True

    def forget_idle(self, now: datetime) -> None:
        for key in [k for k, s in self._seen.items() if now - max(s.full_at, s.asked_at or s.full_at) >= ASK_EVERY]:
            del self._seen[key]

    def __len__(self) -> int:
        return len(self._seen)


# --- the self-scan's "1: acuut probleem, ik heb nu hulp nodig" ----------------------------------------------

ACUTE_SCORE = 1
# The help that fits an acute problem on a domain; None: the general help (own contacts, 113 and 112).
SCAN_HELP = {"veiligheid_recht": CrisisKind.DANGER_FROM_OTHERS, "kinderen": CrisisKind.DANGER_FROM_OTHERS}


def scan_needs_help(scores: dict[str, int | None], domain: str, score: int | None) -> bool:
    """A score of 1 gets the help path, once per scan: not again when another domain of it has 1 already."""
    if score != ACUTE_SCORE:
        return False
    return not any(value == ACUTE_SCORE for other, value in scores.items() if other != domain)


def scan_help_kind(domain: str) -> CrisisKind | None:
    return SCAN_HELP.get(domain)
