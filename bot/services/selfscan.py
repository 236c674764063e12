"""The self-scan "Hoe staat het ervoor?": the client's own scores per leefdomein, and the worker's, separately.

Every answer is stored at once in a draft row (`SelfScan.complete` False), so "later verder" and a restart lose
nothing; finishing makes it complete (a skipped domain is simply missing). The client's first complete scan is
the 0-meting, and `Person.next_scan_at` is set `scan_every_days` later (setting, default 91); the tick's
`queue_scan_prompts` then sends the invitation through the outbox. The client may also scan any time.

The coordinating worker scores the same domains in a scan of their own (by_role "worker"), only for their own
caseload. The two are shown side by side; a difference of 2 or more is "something to talk about".

Consent: a self-scan has no scope of its own. It is about the same leefdomeinen as the goals, so it is shared
with someone else under **Scope.GOALS** ("goals and check-ins"): a client who shares their goals with a worker
also shares how things stand per domain. Every look by someone else goes through `authorize_view` (audited).
The worker's own scores are staff notes about the client: the client always sees them, and so does the care team.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CareTeamMember, Person, SelfScan
from bot.domain import selfscan as rules
from bot.domain.consent import Scope
from bot.domain.roles import CareRole, Role
from bot.domain.selfscan import DomainComparison, ScanDomain
from bot.outbox import store as outbox
from bot.services.base import (
    NotAllowed,
    NotFound,
    Services,
    audit,
    person_by_telegram,
    refuse_forged,
    viewer_and_subject,
)
from bot.services.consent import authorize_view, relation_of

CLIENT, WORKER = "client", "worker"


def every_days(svc: Services) -> int:
    """HOUVAST_SCAN_EVERY_DAYS: about three months by default."""
    return svc.settings.scan_every_days


@dataclass(frozen=True)
class ScanDraft:
    scan_id: int
    client_id: int
    by_role: str
    scores: dict[str, int | None]  # None: skipped in this draft
    client_name: str = "?"
    first: bool = False  # a client's scan that will be the 0-meting


@dataclass(frozen=True)
class Finished:
    scan_id: int
    client_id: int
    by_role: str
    scores: dict[ScanDomain, int]
    zero_meting: bool  # the client's first complete scan
    next_scan_at: datetime | None
    talk_about: tuple[ScanDomain, ...]  # differences of 2 or more with the other side's latest scan


@dataclass(frozen=True)
class ScanPoint:
    at: datetime
    scores: dict[ScanDomain, int]


@dataclass(frozen=True)
class Comparison:
    client_name: str
    client_at: datetime | None
    worker_at: datetime | None
    client_shared: bool  # False: a worker without consent sees only their own scores
    rows: tuple[DomainComparison, ...]

    @property
    def talk_about(self) -> tuple[ScanDomain, ...]:
        return tuple(row.domain for row in self.rows if row.talk_about)


@dataclass(frozen=True)
class History:
    client_name: str
    client: tuple[ScanPoint, ...]  # complete client scans, oldest first (the first is the 0-meting)
    worker: tuple[ScanPoint, ...]  # complete worker scans, oldest first


# --- who may do what ---------------------------------------------------------------------------------


async def _is_coordinating(session: AsyncSession, worker: Person, client: Person) -> bool:
    if client.household_id is None:
        return False
    row = await session.execute(
        select(CareTeamMember.id).where(
            CareTeamMember.household_id == client.household_id, CareTeamMember.worker_id == worker.id,
            CareTeamMember.role == CareRole.COORDINATING,
        )
    )
    return row.first() is not None


async def _scorer(
    session: AsyncSession, svc: Services, actor_tg: int, client_id: int | None
) -> tuple[Person, Person, str]:
    """(actor, client, by_role) for someone making a scan: the client about themselves, or the client's
    coordinating worker. Anything else (a forged id) is refused and audited."""
    actor = await person_by_telegram(session, actor_tg)
    if actor is None or not actor.active:
        raise NotAllowed("unknown")
    if actor.role == Role.CLIENT and client_id in (None, actor.id):
        return actor, actor, CLIENT
    client = await session.get(Person, client_id) if client_id is not None else None
    if (
        actor.role == Role.WORKER and client is not None and client.role == Role.CLIENT and client.active
        and await _is_coordinating(session, actor, client)
    ):
        return actor, client, WORKER
    audit(session, at=svc.now(), action="scan.forged", actor=actor, subject=client, outcome="denied")
    await session.commit()
    raise NotAllowed("not this person's scan")


async def _viewer(session: AsyncSession, svc: Services, viewer_tg: int, client_id: int | None) -> tuple[Person, Person]:
    """The client about themselves, or someone in the client's care team; else NotAllowed (audited)."""
    viewer, client = await viewer_and_subject(session, viewer_tg, client_id)
    if client is None or client.role != Role.CLIENT:
        raise NotAllowed("no such client")
    if viewer.id == client.id:
        return viewer, client
    relation = await relation_of(session, viewer, client)
    if viewer.role == Role.WORKER and relation.care_role is not None:
        return viewer, client
    audit(session, at=svc.now(), action="scan.forged", actor=viewer, subject=client, outcome="denied")
    await session.commit()
    raise NotAllowed("not in this client's care team")


# --- making a scan -----------------------------------------------------------------------------------


async def _draft_row(session: AsyncSession, client: Person, actor: Person, by_role: str) -> SelfScan | None:
    return (await session.execute(
        select(SelfScan).where(
            SelfScan.client_id == client.id, SelfScan.by_id == actor.id, SelfScan.by_role == by_role,
            SelfScan.complete.is_(False),
        ).order_by(SelfScan.id.desc()).limit(1)
    )).scalar_one_or_none()


async def _draft(session: AsyncSession, row: SelfScan) -> ScanDraft:
    client = await session.get(Person, row.client_id)
    first = row.by_role == CLIENT and await _latest(session, row.client_id, CLIENT) is None
    return ScanDraft(
        row.id, row.client_id, row.by_role, dict(row.scores or {}), (client.name if client else None) or "?", first
    )


async def begin(svc: Services, actor_tg: int, client_id: int | None = None) -> ScanDraft:
    """Open the scan: the unfinished one of this person about this client, or a new empty one."""
    async with svc.unit() as session:
        actor, client, by_role = await _scorer(session, svc, actor_tg, client_id)
        row = await _draft_row(session, client, actor, by_role)
        if row is None:
            row = SelfScan(
                client_id=client.id, by_id=actor.id, by_role=by_role, at=svc.now(), scores={}, complete=False
            )
            session.add(row)
            await session.flush()
        draft = await _draft(session, row)
        await session.commit()
        return draft


async def open_draft(svc: Services, actor_tg: int, scan_id: int) -> ScanDraft:
    """The unfinished scan again (after the children question, or "back"); only its own maker's."""
    async with svc.unit() as session:
        _actor, row = await _own_draft(session, svc, actor_tg, scan_id)
        return await _draft(session, row)


async def _own_draft(session: AsyncSession, svc: Services, actor_tg: int, scan_id: int) -> tuple[Person, SelfScan]:
    actor = await person_by_telegram(session, actor_tg)
    row = await session.get(SelfScan, scan_id)
    if actor is None or row is None or row.by_id != actor.id:
        await refuse_forged(session, svc.now(), "scan.forged", actor, "not this person's scan")
    if row.complete:
        raise NotFound("this scan is finished")
    if row.by_role == WORKER:
        client = await session.get(Person, row.client_id)
        if client is None or not await _is_coordinating(session, actor, client):
            raise NotAllowed("no longer this worker's client")
    return actor, row


async def answer(svc: Services, actor_tg: int, scan_id: int, domain: ScanDomain, score: int | None) -> ScanDraft:
    """One domain's score (None: skipped), saved at once. A second answer on the same domain replaces the first."""
    if score is not None and not rules.is_score(score):
        raise ValueError("a score is 1 to 5")
    domain = ScanDomain(domain)
    async with svc.unit() as session:
        _actor, row = await _own_draft(session, svc, actor_tg, scan_id)
        row.scores = {**(row.scores or {}), domain.value: score}  # a new dict: JSON columns track assignment
        row.at = svc.now()
        draft = await _draft(session, row)
        await session.commit()
        return draft


async def _latest(
    session: AsyncSession, client_id: int, by_role: str, *, before_id: int | None = None
) -> SelfScan | None:
    query = select(SelfScan).where(
        SelfScan.client_id == client_id, SelfScan.by_role == by_role, SelfScan.complete.is_(True)
    )
    if before_id is not None:
        query = query.where(SelfScan.id != before_id)
    return (await session.execute(query.order_by(SelfScan.at.desc(), SelfScan.id.desc()).limit(1))).scalar_one_or_none()


async def finish(svc: Services, actor_tg: int, scan_id: int) -> Finished:
    """The scan is done: skipped domains drop out. Needs at least one score (else NotFound: nothing to keep)."""
    now = svc.now()
    async with svc.unit() as session:
        actor, row = await _own_draft(session, svc, actor_tg, scan_id)
        scores = rules.clean(row.scores or {})
        if not scores:
            raise NotFound("no scores")
        first = False
        if row.by_role == CLIENT:
            first = await _latest(session, row.client_id, CLIENT) is None
        row.scores = {domain.value: value for domain, value in scores.items()}
        row.complete, row.at = True, now
        client = await session.get(Person, row.client_id)
        assert client is not None
        next_at = None
        if row.by_role == CLIENT:
            client.next_scan_at = next_at = rules.next_scan_at(now, every_days(svc))
        other = await _latest(session, row.client_id, WORKER if row.by_role == CLIENT else CLIENT, before_id=row.id)
        talk: tuple[ScanDomain, ...] = ()
        if other is not None and (
            row.by_role == CLIENT
            or await authorize_view(session, viewer=actor, client=client, scope=Scope.GOALS, now=now)
        ):
            theirs = rules.clean(other.scores or {})
            comparison = rules.compare(scores if row.by_role == CLIENT else theirs,
                                       theirs if row.by_role == CLIENT else scores)
            talk = tuple(r.domain for r in comparison if r.talk_about)
        audit(session, at=now, action="scan.done", actor=actor, subject=client, scope=Scope.GOALS)
        result = Finished(row.id, row.client_id, row.by_role, scores, first, next_at, talk)
        await session.commit()
        return result


# --- looking at scans --------------------------------------------------------------------------------


async def _points(session: AsyncSession, client_id: int, by_role: str) -> tuple[ScanPoint, ...]:
    rows = await session.execute(
        select(SelfScan.at, SelfScan.scores).where(
            SelfScan.client_id == client_id, SelfScan.by_role == by_role, SelfScan.complete.is_(True)
        ).order_by(SelfScan.at, SelfScan.id)
    )
    return tuple(ScanPoint(at, rules.clean(scores or {})) for at, scores in rows.all())


async def comparison(svc: Services, viewer_tg: int, client_id: int | None = None) -> Comparison:
    """The latest client scan and the latest worker scan side by side. A worker sees the client's scores only
    with Scope.GOALS (audited); the client always sees both."""
    now = svc.now()
    async with svc.unit() as session:
        viewer, client = await _viewer(session, svc, viewer_tg, client_id)
        shared = await authorize_view(session, viewer=viewer, client=client, scope=Scope.GOALS, now=now)
        mine = await _latest(session, client.id, CLIENT) if shared else None
        theirs = await _latest(session, client.id, WORKER)
        rows = rules.compare(rules.clean(mine.scores or {}) if mine else None,
                             rules.clean(theirs.scores or {}) if theirs else None)
        result = Comparison(
            client.name or "?", mine.at if mine else None, theirs.at if theirs else None, shared, tuple(rows)
        )
        await session.commit()
        return result


async def history(svc: Services, viewer_tg: int, client_id: int | None = None) -> History:
    """All complete scans from the 0-meting on. Someone else than the client needs Scope.GOALS (else NotAllowed)."""
    now = svc.now()
    async with svc.unit() as session:
        viewer, client = await _viewer(session, svc, viewer_tg, client_id)
        if not await authorize_view(session, viewer=viewer, client=client, scope=Scope.GOALS, now=now):
            await session.commit()  # keep the audit row of the refused look
            raise NotAllowed("no consent")
        result = History(
            client.name or "?", await _points(session, client.id, CLIENT), await _points(session, client.id, WORKER)
        )
        await session.commit()
        return result


# --- the tick ----------------------------------------------------------------------------------------


async def queue_scan_prompts(svc: Services, *, batch: int = 500) -> int:
    """Tick: invite clients whose next scan is due (indexed on next_scan_at), in batches. The next invitation is
    planned one period on at once, so a client who does not scan is asked again a period later, never daily."""
    now = svc.now()
    queued = 0
    while True:
        async with svc.unit() as session:
            due = list((await session.execute(
                select(Person).where(Person.next_scan_at <= now).order_by(Person.next_scan_at).limit(batch)
                .with_for_update(skip_locked=True)
            )).scalars())
            for person in due:
                slot = person.next_scan_at
                person.next_scan_at = rules.next_scan_at(now, every_days(svc))
                if (
                    person.role != Role.CLIENT or not person.active or person.reminders_paused
                    or person.unreachable or person.deletion_due_at is not None
                ):
                    if person.role != Role.CLIENT or not person.active:
                        person.next_scan_at = None
                    continue
                if await outbox.refer(
                    session, dedup_key=f"scan:{person.id}:{slot.isoformat() if slot else now.isoformat()}",
                    person=person, kind="scan", ref={}, about=None, now=now,
                ):
                    queued += 1
            await session.commit()
        if len(due) < batch:
            return queued
