"""Contacts: the views, talking through the relay, ending and rating, handing over."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    PeerContact,
    Person,
    RelayMessage,
)
from bot.domain import peers as rules
from bot.domain.crisis import detect
from bot.domain.peers import ContactStatus, first_name
from bot.domain.plans import Contact
from bot.domain.roles import Role
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram
from bot.services.consent import granted_scopes
from bot.services.peers import core
from bot.services.peers.finding import _offer
from bot.services.peers.views import ContactView, Proposal, RelayOut
from bot.services.tools import crisis_contacts

# ---- contacts: views, talking, ending, rating --------------------------------------------------------


async def my_contacts(svc: Services, telegram_id: int) -> list[ContactView]:
    """Active contacts of a client (at most one) or a peer expert; a peer sees what each client shares."""
    async with svc.unit() as session:
        person = await core._person(session, telegram_id, Role.CLIENT, Role.PEER)
        column = PeerContact.client_id if person.role == Role.CLIENT else PeerContact.peer_id
        rows = await session.execute(
            select(PeerContact)
            .where(column == person.id, PeerContact.status == core.ACTIVE)
            .order_by(PeerContact.id)
        )
        views = []
        for contact in rows.scalars():
            client, peer = await core._sides(session, contact)
            shared = (
                await granted_scopes(session, client.id, peer.id) if person.role == Role.PEER else frozenset()
            )
            views.append(core._view(contact, client, peer, shared))
        return views


async def contact(svc: Services, telegram_id: int, contact_id: int) -> ContactView:
    async with svc.unit() as session:
        person = await core._person(session, telegram_id, Role.CLIENT, Role.PEER)
        row = await core._contact_of(session, svc, contact_id, person, action="open")
        client, peer = await core._sides(session, row)
        shared = (
            await granted_scopes(session, client.id, peer.id)
            if person.id == peer.id and row.status == core.ACTIVE
            else frozenset()
        )
        return core._view(row, client, peer, shared)


async def _active_side(
    session: AsyncSession, svc: Services, telegram_id: int, contact_id: int, action: str
) -> tuple[Person, PeerContact]:
    """A client or peer expert and their own contact, which must be active (NotFound otherwise)."""
    person = await core._person(session, telegram_id, Role.CLIENT, Role.PEER)
    row = await core._contact_of(session, svc, contact_id, person, action=action)
    if row.status != core.ACTIVE:
        raise NotFound("contact not active")
    return person, row


async def start_talking(svc: Services, telegram_id: int, contact_id: int) -> ContactView:
    """From now on this person's messages go to the other side of this contact."""
    async with svc.unit() as session:
        person, row = await _active_side(session, svc, telegram_id, contact_id, "talk")
        person.relay_contact_id = row.id
        client, peer = await core._sides(session, row)
        view = core._view(row, client, peer)
        await session.commit()
        return view


async def _relay_row(session: AsyncSession, telegram_id: int) -> tuple[Person | None, PeerContact | None]:
    """The person whose messages are relayed now and the contact they are relayed in (None: gone); (None,
    None) when this person is not talking."""
    person = await person_by_telegram(session, telegram_id)
    if person is None or person.relay_contact_id is None:
        return None, None
    return person, await session.get(PeerContact, person.relay_contact_id)


def _fits(person: Person, row: PeerContact) -> bool:
    return row.status == core.ACTIVE and person.id in (row.client_id, row.peer_id)


async def _switch_off(session: AsyncSession, person: Person) -> None:
    """Talking that no longer fits (the contact ended, or the person is no side of it) stops."""
    person.relay_contact_id = None
    await session.commit()


async def stop_talking(svc: Services, telegram_id: int) -> str | None:
    """Back to the bot itself. Returns the other side's first name when talking was on."""
    async with svc.unit() as session:
        person, row = await _relay_row(session, telegram_id)
        if person is None:
            return None
        person.relay_contact_id = None
        other = None
        if row is not None:
            other_person = await session.get(
                Person, row.peer_id if person.id == row.client_id else row.client_id
            )
            other = first_name(other_person.name) if other_person else None
        await session.commit()
        return other


async def talking_ids(svc: Services) -> set[int]:
    """The Telegram ids of everyone whose messages are relayed now (for the relay's memory, see
    conversations/peers.talking)."""
    async with svc.unit() as session:
        rows = await session.execute(select(Person.telegram_id).where(Person.relay_contact_id.is_not(None)))
        return set(rows.scalars())


async def relay_state(svc: Services, telegram_id: int) -> ContactView | None:
    """The contact this person is talking in now, if it is (still) active."""
    async with svc.unit() as session:
        person, row = await _relay_row(session, telegram_id)
        if person is None:
            return None
        if row is None or not person.active or not _fits(person, row):
            return await _switch_off(session, person)
        client, peer = await core._sides(session, row)
        return core._view(row, client, peer)


async def relay(
    svc: Services, sender_telegram_id: int, *, kind: str, text: str | None, file_id: str | None
) -> RelayOut | None:
    """Store one message of a conversation (text encrypted at rest, media as file_id only) and say where it
    goes. Crisis language is looked for in the text or caption of both sides. None: not talking."""
    if kind not in core.RELAY_KINDS:
        raise ValueError(kind)
    now = svc.now()
    async with svc.unit() as session:
        sender, row = await _relay_row(session, sender_telegram_id)
        if sender is None or not sender.active:
            return None
        if row is None or not _fits(sender, row):
            return await _switch_off(session, sender)
        client, peer = await core._sides(session, row)
        from_client = sender.id == client.id
        recipient = peer if from_client else client
        session.add(
            RelayMessage(contact_id=row.id, from_id=sender.id, at=now, kind=kind, text=text, file_id=file_id)
        )
        row.last_message_at = now
        crisis = bool(text) and detect(text or "") is not None
        contacts: tuple[Contact, ...] = ()
        if crisis:
            audit(session, at=now, action="peer.crisis_language", actor=sender, subject=client)
            if from_client:
                contacts = tuple(await crisis_contacts(session, client))
        out = RelayOut(
            row.id,
            from_client,
            first_name(sender.name),
            first_name(recipient.name),
            recipient.chat_id,
            recipient.locale,
            recipient.relay_contact_id == row.id,
            crisis,
            contacts,
        )
        await session.commit()
        return out


async def end_contact(svc: Services, telegram_id: int, contact_id: int) -> ContactView:
    """Either side, any time. The other side is told; the client gets one short question (1 to 5)."""
    async with svc.unit() as session:
        person, row = await _active_side(session, svc, telegram_id, contact_id, "end")
        await core._close(session, svc, row)
        client, peer = await core._sides(session, row)
        by_client = person.id == client.id
        if by_client and peer.active:
            await core._refer(session, svc, peer, f"peer-ended:{row.id}", "peer_ended", client, row)
        # The client is asked how it was (conversations/notices/peers.py says who ended it).
        await core._say(session, svc, client, f"peer-rate:{row.id}", "rate", contact=row.id, by_client=by_client)
        audit(
            session,
            at=svc.now(),
            action="peer.ended",
            actor=person,
            subject=client if not by_client else peer,
        )
        view = core._view(row, client, peer)
        await session.commit()
        return view


async def _ended_of_client(
    session: AsyncSession, svc: Services, client_telegram_id: int, contact_id: int
) -> PeerContact:
    client = await core._person(session, client_telegram_id, Role.CLIENT)
    row = await core._contact_of(session, svc, contact_id, client, action="rate")
    if row.client_id != client.id or row.status != ContactStatus.ENDED:
        raise NotAllowed("only the client rates an ended contact")
    return row


async def rate(svc: Services, client_telegram_id: int, contact_id: int, rating: int) -> None:
    if not 1 <= rating <= 5:
        raise ValueError(rating)
    async with svc.unit() as session:
        row = await _ended_of_client(session, svc, client_telegram_id, contact_id)
        row.rating = rating
        await session.commit()


async def give_feedback(svc: Services, client_telegram_id: int, contact_id: int, text: str) -> bool:
    value = rules.clean_text(text, 1000)
    if value is None:
        return False
    async with svc.unit() as session:
        row = await _ended_of_client(session, svc, client_telegram_id, contact_id)
        row.feedback = value
        await session.commit()
        return True


# ---- handing over ------------------------------------------------------------------------------------


async def handover_options(svc: Services, peer_telegram_id: int, contact_id: int) -> list[tuple[int, str]]:
    """Peer experts who could take over: the same theme first; else anyone free. (peer id, first name)."""
    async with svc.unit() as session:
        peer = await core._person(session, peer_telegram_id, Role.PEER)
        row = await core._contact_of(session, svc, contact_id, peer, action="handover")
        if row.peer_id != peer.id or row.status != core.ACTIVE:
            raise NotAllowed("not your active contact")
        candidates = await core._candidates(session)
        found = rules.match(
            candidates, row.theme, svc.now(), exclude=[peer.id], zone=svc.settings.zone
        ) or rules.match(candidates, None, svc.now(), exclude=[peer.id], zone=svc.settings.zone)
        options = []
        for candidate in found:
            person = await session.get(Person, candidate.peer_id)
            if person is not None:
                options.append((person.id, first_name(person.name)))
        return options


async def propose_handover(
    svc: Services, peer_telegram_id: int, contact_id: int, to_peer_id: int
) -> Proposal:
    """The client is asked; nothing changes until the client agrees."""
    options = dict(await handover_options(svc, peer_telegram_id, contact_id))
    if to_peer_id not in options:
        raise NotAllowed("not a peer expert who can take over")
    async with svc.unit() as session:
        peer = await core._person(session, peer_telegram_id, Role.PEER)
        row = await session.get(PeerContact, contact_id)
        assert row is not None
        client = await session.get(Person, row.client_id)
        assert client is not None
        proposal = await core._propose(session, svc, client, to_peer_id, row.theme, peer, handover_from=peer)
        await _offer(session, svc, client, proposal)
        await session.commit()
        return proposal
