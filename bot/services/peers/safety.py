"""Safety: a peer expert's worry ("Zorg melden"), misuse reports and suspending a peer expert."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    MisuseReport,
    PeerContact,
    Person,
    PhaseCheckin,
)
from bot.domain import peers as rules
from bot.domain.alerts import Source
from bot.domain.consent import Scope
from bot.domain.peers import ContactStatus, first_name
from bot.domain.plans import Phase
from bot.domain.roles import Role
from bot.services import alerts
from bot.services.base import NotAllowed, NotFound, Services, audit
from bot.services.peers import core
from bot.services.peers.profile import _contacts_of_peer
from bot.services.peers.views import WorryResult

# ---- safety: "Zorg melden" ---------------------------------------------------------------------------


async def _red_today(session: AsyncSession, svc: Services, client: Person) -> bool:
    last = (
        await session.execute(
            select(PhaseCheckin)
            .where(PhaseCheckin.client_id == client.id)
            .order_by(PhaseCheckin.at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    return (
        last is not None
        and last.phase == Phase.RED
        and rules.local_day(last.at, svc.settings.zone) == core._today(svc)
    )


def red_policy(svc: Services) -> str:
    """Organisation setting `peer_red_policy`: when a client checked in red today and a peer expert is worried,
    "notify" tells the coordinating worker even without the client's consent for alerts; "ask" does not."""
    value = svc.settings.peer_red_policy
    return value if value in core.RED_POLICIES else "notify"


async def report_worry(svc: Services, peer_telegram_id: int, contact_id: int) -> WorryResult:
    """The peer expert is worried about the client ("Zorg melden"): a rood alert to the client's coordinating and
    backup worker who are present and have the client's consent for alerts (or, with the organisation setting
    "notify", both of them when the client's last check-in today was red), and the client is told that this
    happened. Nobody with consent: the peer asks the client first."""
    now = svc.now()
    async with svc.unit() as session:
        peer = await core._person(session, peer_telegram_id, Role.PEER)
        row = await core._contact_of(session, svc, contact_id, peer, action="worry")
        if row.peer_id != peer.id or row.status != core.ACTIVE:
            raise NotAllowed("not your active contact")
        client = await session.get(Person, row.client_id)
        assert client is not None
        name = first_name(client.name)
        team = await alerts.team_of(session, svc, client)
        coordinating = await session.get(Person, team.coordinating) if team.coordinating is not None else None
        if team.coordinating is None and team.backup is None:
            audit(session, at=now, action="peer.worry", actor=peer, subject=client, outcome="no_worker")
            await session.commit()
            return WorryResult("no_worker", name)
        allowed = await alerts.consented(session, client, team)
        red_override = not allowed and red_policy(svc) == "notify" and await _red_today(session, svc, client)
        if red_override:
            allowed = frozenset(w for w in (team.coordinating, team.backup) if w is not None)
        if not allowed:
            audit(
                session,
                at=now,
                action="peer.worry",
                actor=peer,
                subject=client,
                scope=Scope.ALERTS,
                outcome="no_consent",
            )
            await session.commit()
            return WorryResult("ask_client", name, (first_name(coordinating.name),) if coordinating else ())
        # A rood alert like any other: at once to whoever of the two is present, with "Ik pak het op".
        notice = await alerts.raise_alert(session, svc, client, Source.WORRY, allowed=allowed, peer=peer)
        audit(
            session,
            at=now,
            action="peer.worry_red" if red_override else "peer.worry",
            actor=peer,
            subject=client,
            scope=Scope.ALERTS,
            outcome="ok" if notice.told else "away",
        )
        if not notice.told:
            await session.commit()
            return WorryResult("away", name, tuple(notice.away))
        day = rules.local_day(now, svc.settings.zone).isoformat()
        await core._say(session, svc, client, f"peer-worry-told:{row.id}:{day}", "worry_told", contact=row.id,
                        workers=list(notice.told_ids))
        await session.commit()
        return WorryResult("told", name, tuple(notice.told))


# ---- misuse ------------------------------------------------------------------------------------------


async def report_misuse(svc: Services, reporter_telegram_id: int, contact_id: int, text: str) -> int:
    """Either side reports misuse; every active admin gets it, with a button to suspend the peer expert.
    Returns the number of admins told."""
    value = rules.clean_text(text, 1000)
    if value is None:
        raise ValueError("empty")
    now = svc.now()
    async with svc.unit() as session:
        reporter = await core._person(session, reporter_telegram_id, Role.CLIENT, Role.PEER)
        row = await core._contact_of(session, svc, contact_id, reporter, action="report")
        if row.status not in (core.ACTIVE, ContactStatus.ENDED):
            raise NotFound("no contact to report")
        client, peer = await core._sides(session, row)
        report = MisuseReport(contact_id=row.id, reporter_id=reporter.id, at=now, text=value)
        session.add(report)
        admins = (
            (
                await session.execute(
                    select(Person).where(Person.role == Role.ADMIN, Person.active).order_by(Person.id)
                )
            )
            .scalars()
            .all()
        )
        await session.flush()
        for admin in admins:  # the report itself stays in its table; the message only points at it
            key = core._unique(f"peer-misuse:{row.id}:{admin.id}")
            await core._refer(session, svc, admin, key, "misuse", client, row, report=report.id)
        audit(session, at=now, action="peer.misuse_reported", actor=reporter, subject=peer)
        await session.commit()
        return len(admins)


async def suspend_peer(svc: Services, admin_telegram_id: int, peer_id: int) -> int:
    """An admin suspends a peer expert: no new peers, every active contact ends (both sides are told), open
    reports about them are marked handled. Returns the number of contacts ended."""
    now = svc.now()
    async with svc.unit() as session:
        admin = await core._person(session, admin_telegram_id, Role.ADMIN)
        peer = await session.get(Person, peer_id)
        if peer is None or peer.role != Role.PEER:
            audit(session, at=now, action="peer.forged", actor=admin, scope="suspend", outcome="denied")
            await session.commit()
            raise NotFound("peer")
        row = await core._profile_row(session, peer)
        row.suspended = True
        contacts = await _contacts_of_peer(session, peer)
        for contact in contacts:
            await core._close(session, svc, contact)
            client = await session.get(Person, contact.client_id)
            if client is not None and client.active:
                await core._say(session, svc, client, f"peer-suspended:{contact.id}", "suspended",
                                contact=contact.id)
        ids = select(PeerContact.id).where(PeerContact.peer_id == peer.id)
        await session.execute(
            update(MisuseReport)
            .where(MisuseReport.contact_id.in_(ids), MisuseReport.handled_at.is_(None))
            .values(handled_at=now)
        )
        if peer.active:
            await core._say(session, svc, peer, core._unique(f"peer-suspension:{peer.id}"), "suspension")
        audit(session, at=now, action="peer.suspended", actor=admin, subject=peer)
        await session.commit()
        return len(contacts)
