"""What every part of peer support uses: the person and their contacts, candidates, queued notices, a proposal."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Consent,
    PeerContact,
    PeerProfile,
    PeerWait,
    Person,
)
from bot.domain import peers as rules
from bot.domain.consent import Scope
from bot.domain.peers import Candidate, ContactStatus, first_name
from bot.domain.roles import Role
from bot.outbox import store as outbox
from bot.services.base import NotAllowed, Services, audit, person_by_telegram
from bot.services.peers.views import ContactView, Profile, Proposal

ACTIVE = ContactStatus.ACTIVE
PROPOSED = ContactStatus.PROPOSED
RELAY_KINDS = ("text", "voice", "photo")
RED_POLICIES = ("notify", "ask")


# ---- small helpers -----------------------------------------------------------------------------------


def _today(svc: Services) -> date:
    return rules.local_day(svc.now(), svc.settings.zone)


async def _person(session: AsyncSession, telegram_id: int, *roles: Role) -> Person:
    person = await person_by_telegram(session, telegram_id)
    if person is None or not person.active or (roles and person.role not in roles):
        raise NotAllowed("not for this person")
    return person


async def _profile_row(session: AsyncSession, peer: Person) -> PeerProfile:
    row = await session.get(PeerProfile, peer.id)
    if row is None:
        row = PeerProfile(person_id=peer.id, themes="", max_peers=3, suspended=False)
        session.add(row)
        await session.flush()
    return row


async def _active_count(session: AsyncSession, peer_id: int) -> int:
    return (
        await session.execute(
            select(func.count(PeerContact.id)).where(
                PeerContact.peer_id == peer_id, PeerContact.status == ACTIVE
            )
        )
    ).scalar_one()


async def _candidates(session: AsyncSession) -> list[Candidate]:
    load = (
        select(PeerContact.peer_id, func.count(PeerContact.id).label("n"))
        .where(PeerContact.status == ACTIVE)
        .group_by(PeerContact.peer_id)
        .subquery()
    )
    rows = await session.execute(
        select(PeerProfile, Person.active, func.coalesce(load.c.n, 0))
        .join(Person, Person.id == PeerProfile.person_id)
        .outerjoin(load, load.c.peer_id == PeerProfile.person_id)
        .where(Person.role == Role.PEER)
    )
    return [
        Candidate(
            peer_id=profile.person_id,
            themes=rules.parse_themes(profile.themes),
            max_peers=profile.max_peers,
            active_contacts=int(count),
            paused_until=profile.paused_until,
            suspended=profile.suspended,
            active=active,
        )
        for profile, active, count in rows.all()
    ]


async def _contact_of(
    session: AsyncSession, svc: Services, contact_id: int, person: Person, *, action: str
) -> PeerContact:
    """The contact, if this person is one of its two sides; anything else is a forged button (audited)."""
    contact = await session.get(PeerContact, contact_id)
    if contact is None or person.id not in (contact.client_id, contact.peer_id):
        audit(session, at=svc.now(), action="peer.forged", actor=person, scope=action, outcome="denied")
        await session.commit()
        raise NotAllowed("not your contact")
    return contact


async def _sides(session: AsyncSession, contact: PeerContact) -> tuple[Person, Person]:
    client = await session.get(Person, contact.client_id)
    peer = await session.get(Person, contact.peer_id)
    assert client is not None and peer is not None
    return client, peer


def _view(
    contact: PeerContact, client: Person, peer: Person, shared: frozenset[Scope] = frozenset()
) -> ContactView:
    return ContactView(
        contact.id,
        client.id,
        first_name(client.name),
        peer.id,
        first_name(peer.name),
        contact.theme,
        contact.status,
        contact.started_at,
        contact.last_message_at,
        shared,
    )


def _profile(person: Person, row: PeerProfile, active: int) -> Profile:
    return Profile(
        person.id,
        person.name or "?",
        row.story,
        rules.parse_themes(row.themes),
        row.availability,
        row.max_peers,
        row.paused_until,
        row.suspended,
        active,
    )


async def _say(session: AsyncSession, svc: Services, person: Person, key: str, say: str, **ref: Any) -> bool:
    """Queue a short peer notice to `person` as a fact: which notice (`say`) and its ids; conversations/notices/
    peers.py writes it in their language when it is sent."""
    return await outbox.refer(session, dedup_key=key, person=person, kind="peer", ref={"say": say, **ref},
                              about=None, now=svc.now())


async def _refer(
    session: AsyncSession, svc: Services, person: Person, key: str, kind: str, client: Person, contact: PeerContact,
    **extra: int,
) -> bool:
    """A message about a client to a peer expert, a worker or an admin: a reference, rendered when sent."""
    return await outbox.refer(session, dedup_key=key, person=person, kind=kind, about=client,
                              ref={"contact": contact.id, **extra}, now=svc.now())


async def _referred_contact(
    session: AsyncSession, client: Person | None, ref: dict
) -> tuple[PeerContact, Person] | None:
    contact = await session.get(PeerContact, int(ref["contact"]))
    if client is None or contact is None or contact.client_id != client.id:
        return None
    peer = await session.get(Person, contact.peer_id)
    return (contact, peer) if peer is not None else None


def _unique(prefix: str) -> str:
    return f"{prefix}:{secrets.token_hex(6)}"


async def _propose(
    session: AsyncSession,
    svc: Services,
    client: Person,
    peer_id: int,
    theme: str | None,
    proposer: Person,
    handover_from: Person | None = None,
) -> Proposal:
    # One proposal on the table at a time: an older one is overtaken.
    await session.execute(
        update(PeerContact)
        .where(PeerContact.client_id == client.id, PeerContact.status == PROPOSED)
        .values(status=ContactStatus.CANCELLED, ended_at=svc.now())
    )
    contact = PeerContact(
        client_id=client.id,
        peer_id=peer_id,
        theme=theme,
        status=PROPOSED,
        proposed_by_id=proposer.id,
        created_at=svc.now(),
    )
    session.add(contact)
    await session.flush()
    peer = await session.get(Person, peer_id)
    profile = await session.get(PeerProfile, peer_id)
    assert peer is not None
    audit(session, at=svc.now(), action="peer.proposed", actor=proposer, subject=client)  # no theme: see _wait
    return Proposal(
        contact.id,
        first_name(peer.name),
        profile.story if profile else None,
        theme,
        first_name(handover_from.name) if handover_from else None,
    )


async def _wait(session: AsyncSession, svc: Services, client: Person, theme: str | None) -> None:
    row = (
        await session.execute(
            select(PeerWait).where(PeerWait.client_id == client.id, PeerWait.resolved_at.is_(None)).limit(1)
        )
    ).scalar_one_or_none()
    if row is None:
        session.add(PeerWait(client_id=client.id, theme=theme, created_at=svc.now()))
    else:
        row.theme = theme
    # No theme in the trail: a theme (addiction, mental health, justice) is special-category data, encrypted
    # in its own table; the audit log is not.
    audit(session, at=svc.now(), action="peer.waiting", actor=client, subject=client)


async def _latest_of_client(
    session: AsyncSession, client: Person, status: ContactStatus = ACTIVE
) -> PeerContact | None:
    """The client's newest contact in `status` (ACTIVE: the one they talk with; PROPOSED: the open proposal)."""
    return (
        await session.execute(
            select(PeerContact)
            .where(PeerContact.client_id == client.id, PeerContact.status == status)
            .order_by(PeerContact.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def _close(session: AsyncSession, svc: Services, contact: PeerContact) -> None:
    """End a contact: nobody relays into it any more, and what the client shared with the peer is taken back."""
    contact.status = ContactStatus.ENDED
    contact.ended_at = svc.now()
    await session.execute(
        update(Person).where(Person.relay_contact_id == contact.id).values(relay_contact_id=None)
    )
    await session.execute(
        update(Consent)
        .where(Consent.client_id == contact.client_id, Consent.viewer_id == contact.peer_id)
        .values(granted=False, changed_at=svc.now())
    )
