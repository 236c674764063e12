"""Finding a peer expert: the match, the proposal, yes, no or someone else, and a worker's proposal."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    PeerContact,
    PeerProfile,
    PeerWait,
    Person,
)
from bot.domain import peers as rules
from bot.domain.peers import ContactStatus, first_name
from bot.domain.roles import Role
from bot.services.base import NotAllowed, NotFound, Services, audit
from bot.services.peers import core
from bot.services.peers.views import FindResult, Proposal

# ---- finding a peer expert ---------------------------------------------------------------------------


def _known_theme(theme: str | None) -> None:
    if theme is not None and theme not in {t.value for t in rules.THEMES}:
        raise ValueError(theme)


async def _already_talking(session: AsyncSession, client: Person) -> FindResult | None:
    """The client's contact when they have a peer expert already: nobody else is looked for."""
    active = await core._latest_of_client(session, client)
    if active is None:
        return None
    peer = await session.get(Person, active.peer_id)
    assert peer is not None
    return FindResult("active", contact=core._view(active, client, peer))


async def find_peer(svc: Services, client_telegram_id: int, theme: str | None) -> FindResult:
    """The client asks: the best free peer expert for the theme is proposed; nobody free: the waiting list,
    where an admin sees only the client's first name and the theme."""
    _known_theme(theme)
    async with svc.unit() as session:
        client = await core._person(session, client_telegram_id, Role.CLIENT)
        if talking := await _already_talking(session, client):
            return talking
        return await _next_or_wait(session, svc, client, theme, [], cancel_open=True)


async def open_proposal(svc: Services, client_telegram_id: int) -> Proposal | None:
    async with svc.unit() as session:
        client = await core._person(session, client_telegram_id, Role.CLIENT)
        contact = await core._latest_of_client(session, client, core.PROPOSED)
        if contact is None:
            return None
        return await _proposal_of(session, contact)


async def _proposal_of(session: AsyncSession, contact: PeerContact) -> Proposal:
    peer = await session.get(Person, contact.peer_id)
    profile_row = await session.get(PeerProfile, contact.peer_id)
    proposer = await session.get(Person, contact.proposed_by_id) if contact.proposed_by_id else None
    handover = proposer if proposer is not None and proposer.role == Role.PEER else None
    assert peer is not None
    return Proposal(
        contact.id,
        first_name(peer.name),
        profile_row.story if profile_row else None,
        contact.theme,
        first_name(handover.name) if handover else None,
    )


async def _own_proposal(session: AsyncSession, svc: Services, client: Person, contact_id: int) -> PeerContact:
    contact = await core._contact_of(session, svc, contact_id, client, action="proposal")
    if contact.client_id != client.id:
        raise NotAllowed("only the client decides")
    if contact.status != core.PROPOSED:
        raise NotFound("no open proposal")
    return contact


async def someone_else(svc: Services, client_telegram_id: int, contact_id: int) -> FindResult:
    """Someone else: the next free peer expert, never one already declined in this request."""
    async with svc.unit() as session:
        client = await core._person(session, client_telegram_id, Role.CLIENT)
        contact = await _own_proposal(session, svc, client, contact_id)
        contact.status, contact.ended_at = ContactStatus.DECLINED, svc.now()
        await session.flush()
        history = (
            await session.execute(
                select(PeerContact.peer_id, PeerContact.status)
                .where(PeerContact.client_id == client.id)
                .order_by(PeerContact.id)
            )
        ).all()
        exclude = rules.declined_in_request([(peer_id, status) for peer_id, status in history])
        return await _next_or_wait(session, svc, client, contact.theme, exclude)


async def _next_or_wait(
    session: AsyncSession, svc: Services, client: Person, theme: str | None, exclude: list[int],
    *, cancel_open: bool = False,
) -> FindResult:
    """The next free peer expert for `theme` (none of `exclude`) proposed, or the client on the waiting list
    (`cancel_open`: their open proposals cancelled first); committed."""
    found = rules.match(await core._candidates(session), theme, svc.now(), exclude=exclude, zone=svc.settings.zone)
    if not found:
        if cancel_open:
            await session.execute(
                update(PeerContact)
                .where(PeerContact.client_id == client.id, PeerContact.status == core.PROPOSED)
                .values(status=ContactStatus.CANCELLED, ended_at=svc.now())
            )
        await core._wait(session, svc, client, theme)
        await session.commit()
        return FindResult("waiting")
    proposal = await core._propose(session, svc, client, found[0].peer_id, theme, client)
    await session.commit()
    return FindResult("proposed", proposal)


async def decline(svc: Services, client_telegram_id: int, contact_id: int) -> str | None:
    """No, thank you (or: stay with my peer expert). Whoever proposed it is told. Returns their first name."""
    async with svc.unit() as session:
        client = await core._person(session, client_telegram_id, Role.CLIENT)
        contact = await _own_proposal(session, svc, client, contact_id)
        contact.status, contact.ended_at = ContactStatus.DECLINED, svc.now()
        proposer = await session.get(Person, contact.proposed_by_id) if contact.proposed_by_id else None
        told = None
        if proposer is not None and proposer.id != client.id and proposer.active:
            await core._refer(session, svc, proposer, f"peer-declined:{contact.id}", "peer_declined", client, contact)
            told = first_name(proposer.name)
        audit(session, at=svc.now(), action="peer.declined", actor=client, subject=client)
        await session.commit()
        return told


async def accept(svc: Services, client_telegram_id: int, contact_id: int) -> FindResult:
    """The client says yes: the contact starts. If the peer expert is no longer free, the next one is proposed."""
    now = svc.now()
    async with svc.unit() as session:
        client = await core._person(session, client_telegram_id, Role.CLIENT)
        contact = await _own_proposal(session, svc, client, contact_id)
        peer = await session.get(Person, contact.peer_id)
        assert peer is not None
        mine = next((c for c in await core._candidates(session) if c.peer_id == peer.id), None)
        if (
            mine is None
            or not rules.is_available(mine, rules.local_day(now, svc.settings.zone))
            or not rules.has_room(mine)
        ):
            contact.status, contact.ended_at = ContactStatus.CANCELLED, now
            return await _next_or_wait(session, svc, client, contact.theme, [peer.id])
        # One peer expert at a time: a handover ends the contact with the one handing over.
        old = await core._latest_of_client(session, client)
        if old is not None:
            await core._close(session, svc, old)
            old_peer = await session.get(Person, old.peer_id)
            if old_peer is not None and old_peer.active:
                await core._refer(session, svc, old_peer, f"peer-handed:{old.id}", "peer_handed", client, contact)
        contact.status, contact.started_at, contact.last_message_at = core.ACTIVE, now, None
        await session.execute(
            update(PeerWait)
            .where(PeerWait.client_id == client.id, PeerWait.resolved_at.is_(None))
            .values(resolved_at=now)
        )
        await core._refer(session, svc, peer, f"peer-started:{contact.id}", "peer_started", client, contact)
        audit(session, at=now, action="peer.started", actor=client, subject=peer)
        view = core._view(contact, client, peer)
        await session.commit()
        return FindResult("active", contact=view)


async def _offer(session: AsyncSession, svc: Services, client: Person, proposal: Proposal) -> None:
    """Queue the proposal to the client; who proposed it is read from the contact when it is sent."""
    await core._say(session, svc, client, f"peer-proposal:{proposal.contact_id}", "proposal",
                    contact=proposal.contact_id)


async def worker_propose(
    svc: Services, worker_telegram_id: int, client_id: int, theme: str | None
) -> FindResult:
    """A worker proposes a peer expert to a client of their caseload. Nothing starts until the client says yes.
    outcome: proposed, active (the client has one already) or none (nobody free; nothing is recorded)."""
    from bot.services.caseload import client_row

    await client_row(svc, worker_telegram_id, client_id)  # NotAllowed outside the worker's caseload
    _known_theme(theme)
    async with svc.unit() as session:
        worker = await core._person(session, worker_telegram_id, Role.WORKER)
        client = await session.get(Person, client_id)
        if client is None or client.role != Role.CLIENT or not client.active:
            raise NotFound("client")
        if talking := await _already_talking(session, client):
            return talking
        found = rules.match(await core._candidates(session), theme, svc.now(), zone=svc.settings.zone)
        if not found:
            return FindResult("none")
        proposal = await core._propose(session, svc, client, found[0].peer_id, theme, worker)
        await _offer(session, svc, client, proposal)
        await session.commit()
        return FindResult("proposed", proposal)
