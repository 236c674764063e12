"""The self-scan "Hoe staat het ervoor?": how things stand on each leefdomein, scored 1 to 5.

Pure rules, no Telegram or SQL. The six leefdomeinen of the framework, plus "kinderen" when the client says
there are children in the household. The client and the coordinating worker score separately; a difference
of `TALK_ABOUT` or more on one domain is something to talk about together, never a correction: the client's
own score stays the client's own.

The first complete client scan is the 0-meting; the next invitation comes `DEFAULT_EVERY_DAYS` after the
latest complete scan (the service reads `scan_every_days` from the settings when it is there).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.goals import DOMAIN_LABELS, Domain
from bot.i18n import N_

# The six leefdomeinen are goals.Domain's own keys (WONEN ... VEILIGHEID, not ANDERS), plus the children:
# one list of keys and labels for goals and the self-scan.
_SIX = [domain for domain in Domain if domain != Domain.ANDERS]
ScanDomain = StrEnum(
    "ScanDomain", [(domain.name, domain.value) for domain in _SIX] + [("KINDEREN", "kinderen")], module=__name__
)


LEEFDOMEINEN = (
    ScanDomain.WONEN, ScanDomain.FINANCIEN, ScanDomain.DAGACTIVITEITEN, ScanDomain.GEZONDHEID,
    ScanDomain.SOCIAAL, ScanDomain.VEILIGHEID,
)
ALL_DOMAINS = LEEFDOMEINEN + (ScanDomain.KINDEREN,)
_KEYS = frozenset(domain.value for domain in ALL_DOMAINS)
LOWEST, HIGHEST = 1, 5
TALK_ABOUT = 2  # a difference of 2 or more between client and worker on one domain
DEFAULT_EVERY_DAYS = 91  # about three months

DOMAIN_NAMES = {
    **{ScanDomain(domain.value): DOMAIN_LABELS[domain] for domain in _SIX},
    ScanDomain.KINDEREN: N_("🧸 Children"),
}
# Goals: the same six keys and labels, plus "anders" (bot.domain.goals.Domain), keyed by value.
GOAL_DOMAIN_NAMES = {domain.value: label for domain, label in DOMAIN_LABELS.items()}
# The question per domain, in plain words (B1); "you" is the client. The worker gets the same domains.
DOMAIN_QUESTIONS = {
    ScanDomain.WONEN: N_("How are things with your home? Think of rent, a safe place, keeping your home."),
    ScanDomain.FINANCIEN: N_("How are things with money? Think of income, bills and debts."),
    ScanDomain.DAGACTIVITEITEN: N_(
        "How are things with what you do during the day? Think of work, school, day activities."
    ),
    ScanDomain.GEZONDHEID: N_("How are things with your health? Your body and how you feel."),
    ScanDomain.SOCIAAL: N_("How are things with the people around you? Family, friends, neighbours."),
    ScanDomain.VEILIGHEID: N_("How safe are you? Think of violence, police, justice, fines."),
    ScanDomain.KINDEREN: N_("How are things with the children in your home?"),
}
# Our own words for the five levels, the same on every domain: short, plain, without judgement.
LEVELS = {
    1: N_("Acute problem: I need help now"),
    2: N_("Serious worries"),
    3: N_("Just about okay"),
    4: N_("Going fairly well"),
    5: N_("Going completely well"),
}
# A face and a colour per level: the buttons show both, so neither reading nor colour vision is needed.
FACES = {1: "😣", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}
SQUARES = {1: "🟥", 2: "🟧", 3: "🟨", 4: "🟩", 5: "💚"}
COLOURS = {1: "#d62828", 2: "#f07f09", 3: "#f2c200", 4: "#8bbf3f", 5: "#2e9e44"}

Scores = Mapping[str, int]


def domains_for(children: bool) -> tuple[ScanDomain, ...]:
    """The domains asked in one scan: the six leefdomeinen, plus the children when there are any."""
    return ALL_DOMAINS if children else LEEFDOMEINEN


def is_score(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and LOWEST <= value <= HIGHEST


def clean(scores: Mapping[str, object]) -> dict[ScanDomain, int]:
    """Only known domains with a valid score (stored JSON is not trusted blindly)."""
    out: dict[ScanDomain, int] = {}
    for key, value in scores.items():
        if key in _KEYS and is_score(value):
            out[ScanDomain(key)] = int(value)  # type: ignore[arg-type]
    return out


def next_unanswered(
    scores: Mapping[str, object], domains: Sequence[ScanDomain], *, skipped: Iterable[str] = ()
) -> int | None:
    """The index of the first domain without an answer (a skip counts as answered), or None when all are done."""
    passed = set(skipped)
    for index, domain in enumerate(domains):
        if domain not in scores and domain not in passed:
            return index
    return None


def total(scores: Scores, domains: Iterable[str] | None = None) -> int:
    """The sum over `domains` (default: all scored domains)."""
    keys = set(scores) if domains is None else set(domains) & set(scores)
    return sum(int(scores[key]) for key in keys)


def rising(earlier: Scores, later: Scores) -> bool:
    """The total went up, compared on the domains both scans scored (a skipped domain does not count)."""
    common = set(earlier) & set(later)
    return bool(common) and total(later, common) > total(earlier, common)


@dataclass(frozen=True)
class DomainComparison:
    domain: ScanDomain
    client: int | None
    worker: int | None
    talk_about: bool  # both scored, and they differ by TALK_ABOUT or more


def compare(client: Scores | None, worker: Scores | None, *, threshold: int = TALK_ABOUT) -> list[DomainComparison]:
    """Client and worker side by side, per domain either of them scored, in the fixed domain order."""
    client, worker = dict(client or {}), dict(worker or {})
    rows = []
    for domain in ALL_DOMAINS:
        c, w = client.get(domain), worker.get(domain)
        if c is None and w is None:
            continue
        rows.append(DomainComparison(domain, c, w, c is not None and w is not None and abs(c - w) >= threshold))
    return rows


def change_per_domain(scans: Sequence[tuple[datetime, Scores]]) -> dict[ScanDomain, int]:
    """From the 0-meting on: per domain the latest score minus the first score of that domain.

    `scans` are one person's complete scans in any order. A domain counts only when at least two scans scored
    it (a single scan has no change yet)."""
    ordered = sorted(scans, key=lambda scan: scan[0])
    first: dict[ScanDomain, int] = {}
    last: dict[ScanDomain, int] = {}
    seen: dict[ScanDomain, int] = {}
    for _at, scores in ordered:
        for domain, value in clean(scores).items():
            first.setdefault(domain, value)
            last[domain] = value
            seen[domain] = seen.get(domain, 0) + 1
    return {domain: last[domain] - first[domain] for domain in first if seen[domain] >= 2}


def mean_change(changes: Iterable[Mapping[ScanDomain, int]]) -> dict[ScanDomain, list[int]]:
    """The changes of many people, gathered per domain (the caller decides whether a mean may be shown)."""
    gathered: dict[ScanDomain, list[int]] = {}
    for change in changes:
        for domain, delta in change.items():
            gathered.setdefault(domain, []).append(delta)
    return gathered


def next_scan_at(done_at: datetime, every_days: int = DEFAULT_EVERY_DAYS) -> datetime:
    """When to invite the next scan: `every_days` after the latest complete scan."""
    if every_days < 1:
        raise ValueError("every_days must be at least 1")
    return done_at + timedelta(days=every_days)
