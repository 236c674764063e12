"""Peer support (ervaringsdeskundigen): who may be proposed to a client, and when a quiet contact needs a nudge.

Pure: no Telegram, no SQL. Time comes in as `now` (aware, UTC); days are counted in the local zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.i18n import N_

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class Theme(StrEnum):
    HOUSING = "wonen"
    DEBTS = "schulden"
    ADDICTION = "verslaving"
    MENTAL_HEALTH = "psychische_gezondheid"
    HOMELESSNESS = "dakloosheid"
    JUSTICE = "justitie"


THEMES = tuple(Theme)
THEME_NAMES = {
    Theme.HOUSING: N_("🏠 Housing"),
    Theme.DEBTS: N_("💶 Debts"),
    Theme.ADDICTION: N_("🍺 Addiction"),
    Theme.MENTAL_HEALTH: N_("🧠 Mental health"),
    Theme.HOMELESSNESS: N_("🛏 Homelessness"),
    Theme.JUSTICE: N_("⚖️ Justice and prison"),
}


class ContactStatus(StrEnum):
    PROPOSED = "proposed"  # waiting for the client's yes
    ACTIVE = "active"
    ENDED = "ended"
    DECLINED = "declined"  # the client asked for someone else, or said no
    CANCELLED = "cancelled"  # overtaken by a newer request, or the peer was no longer free


MAX_PEERS_LIMIT = 10  # a peer expert chooses 1..10
MAX_STORY = 1000
MAX_AVAILABILITY = 300
QUIET_DAYS = 10  # "You have not spoken to Sam for 10 days"
QUIET_REPEAT_DAYS = 7  # then again every week while it stays quiet


@dataclass(frozen=True)
class Candidate:
    peer_id: int
    themes: frozenset[str]
    max_peers: int
    active_contacts: int
    paused_until: date | None = None  # the first day back
    suspended: bool = False
    active: bool = True  # the account itself


def parse_themes(raw: str | None) -> frozenset[str]:
    known = {theme.value for theme in THEMES}
    return frozenset(part for part in (raw or "").split(",") if part in known)


def join_themes(themes: Iterable[str]) -> str:
    """Stored comma separated, in the fixed order of THEMES, unknown keys dropped."""
    chosen = set(themes)
    return ",".join(theme.value for theme in THEMES if theme.value in chosen)


def local_day(moment: datetime, zone: ZoneInfo = AMSTERDAM) -> date:
    return moment.astimezone(zone).date()


def is_paused(paused_until: date | None, today: date) -> bool:
    return paused_until is not None and today < paused_until


def is_available(candidate: Candidate, today: date) -> bool:
    """Takes new peers now: an active account, not suspended, not paused."""
    return candidate.active and not candidate.suspended and not is_paused(candidate.paused_until, today)


def has_room(candidate: Candidate) -> bool:
    return candidate.active_contacts < candidate.max_peers


def match(
    candidates: Iterable[Candidate],
    theme: str | None,
    now: datetime,
    *,
    exclude: Iterable[int] = (),
    zone: ZoneInfo = AMSTERDAM,
) -> list[Candidate]:
    """Who may be proposed, best first: the theme (None: any), available, below their own maximum,
    not excluded (declined in this request, or the peer handing over); fewest active contacts first."""
    today = local_day(now, zone)
    excluded = set(exclude)
    fitting = [
        c
        for c in candidates
        if c.peer_id not in excluded
        and (theme is None or theme in c.themes)
        and is_available(c, today)
        and has_room(c)
    ]
    return sorted(fitting, key=lambda c: (c.active_contacts, c.peer_id))


def declined_in_request(history: Sequence[tuple[int, str]]) -> list[int]:
    """The peers declined in the client's current request: the run of declined proposals at the end of the
    client's contacts (`history`: (peer_id, status), oldest first). Any other status starts a new request."""
    declined: list[int] = []
    for peer_id, status in reversed(history):
        if status == ContactStatus.PROPOSED:
            continue  # the proposal on the table now
        if status != ContactStatus.DECLINED:
            break
        declined.append(peer_id)
    return declined


def quiet_days(last_contact: datetime, now: datetime, zone: ZoneInfo = AMSTERDAM) -> int:
    """Whole local days since the last message (or the start): the same number all day long."""
    return (local_day(now, zone) - local_day(last_contact, zone)).days


def reminder_due(last_contact: datetime, now: datetime, zone: ZoneInfo = AMSTERDAM) -> bool:
    """After 10 quiet days, then every week while it stays quiet; never on other days."""
    days = quiet_days(last_contact, now, zone)
    return days >= QUIET_DAYS and (days - QUIET_DAYS) % QUIET_REPEAT_DAYS == 0


def first_name(name: str | None) -> str:
    """Only the first name is shown to the other side."""
    parts = (name or "").split()
    return parts[0] if parts else "?"


def clean_text(raw: str | None, limit: int) -> str | None:
    """The text without outer blanks (line breaks inside stay), or None when empty or too long."""
    value = (raw or "").strip()
    if not value or len(value) > limit:
        return None
    return value
