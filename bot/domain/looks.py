"""Looks at a client's data, as the client sees them in /wiezietwat: repeats of the same look on one day are one
line ("3 keer"), newest first. Pure: the looks come in, the groups go out."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Look:
    viewer: str | None  # the viewer's name; None when their account is gone
    relation: str | None  # how they are close to the client (a care role, "peer", "household")
    scope: str  # the part looked at
    at: datetime  # aware
    version: int | None = None  # a plan or card: the version there was then (0: nothing saved yet)


@dataclass(frozen=True)
class LookGroup:
    viewer: str | None
    relation: str | None
    scope: str
    version: int | None
    day: date  # local
    first: datetime  # aware
    last: datetime
    count: int


def group_looks(looks: Iterable[Look], zone: ZoneInfo) -> list[LookGroup]:
    """Looks by the same person at the same thing (part and version) on the same local day become one group."""
    groups: dict[tuple[str | None, str | None, str, int | None, date], list[datetime]] = {}
    for look in looks:
        key = (look.viewer, look.relation, look.scope, look.version, look.at.astimezone(zone).date())
        groups.setdefault(key, []).append(look.at)
    found = [
        LookGroup(viewer, relation, scope, version, day, min(moments), max(moments), len(moments))
        for (viewer, relation, scope, version, day), moments in groups.items()
    ]
    return sorted(found, key=lambda group: group.last, reverse=True)
