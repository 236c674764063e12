"""What the peer messages the outbox sends say, read when they are sent: conversations/notices/peers.py asks
here and writes them in the reader's language. A message whose contact (or report) is gone is withdrawn."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import MisuseReport, PeerContact, PeerProfile, Person
from bot.domain.peers import first_name
from bot.domain.roles import Role
from bot.services.peers.core import ACTIVE, _referred_contact
from bot.services.peers.views import Proposal


@dataclass(frozen=True)
class ContactFacts:
    """A contact between a client and a peer expert, by first names (the misuse report: the peer's full name)."""

    contact_id: int
    client: str
    peer: str
    peer_id: int
    theme: str | None = None
    handed_by: str | None = None  # peer_started: the peer expert who handed the client over
    report: str | None = None  # misuse: what was reported
    by_client: bool = False  # misuse: reported by the client; "rate": ended by the client


async def contact_facts(session: AsyncSession, recipient: Person, client: Person | None, ref: dict[str, Any], *,
                        active: bool = False) -> ContactFacts | None:
    """A message about a client's contact (peer_started, _handed, _ended, _quiet, _declined). `active`: only
    while the contact is active and the recipient is its peer expert."""
    found = await _referred_contact(session, client, ref)
    if client is None or found is None or (active and (found[0].status != ACTIVE or found[1].id != recipient.id)):
        return None
    contact, peer = found
    proposer = await session.get(Person, contact.proposed_by_id) if contact.proposed_by_id else None
    handed_by = first_name(proposer.name) if proposer is not None and proposer.role == Role.PEER else None
    return ContactFacts(contact.id, first_name(client.name), first_name(peer.name), peer.id, contact.theme, handed_by)


async def misuse_facts(session: AsyncSession, admin: Person, client: Person | None, ref: dict[str, Any]
                       ) -> ContactFacts | None:
    report = await session.get(MisuseReport, int(ref["report"]))
    found = await _referred_contact(session, client, ref)
    if report is None or found is None or client is None or not admin.active:
        return None  # the report went with the client's account
    contact, peer = found
    return ContactFacts(contact.id, first_name(client.name), peer.name or "?", peer.id, report=report.text or "",
                        by_client=report.reporter_id == client.id)


@dataclass(frozen=True)
class PeerNotice:
    """A short notice of kind "peer" (`say`: which one), to a client or a peer expert about their contact."""

    say: str
    peer: str = "?"  # the peer expert's first name
    names: tuple[str, ...] = ()  # worry_told: the workers who were told
    proposal: Proposal | None = None  # proposal, free: what the client is asked
    proposer: str | None = None  # proposal: the worker who proposed it
    contact_id: int | None = None


async def peer_notice(session: AsyncSession, recipient: Person, ref: dict[str, Any]) -> PeerNotice | None:
    say = str(ref["say"])
    if "contact" not in ref:
        return PeerNotice(say)
    contact = await session.get(PeerContact, int(ref["contact"]))
    if contact is None or recipient.id not in (contact.client_id, contact.peer_id):
        return None
    peer = await session.get(Person, contact.peer_id)
    names = tuple([first_name((await session.get(Person, int(w)) or Person()).name) for w in ref.get("workers", [])])
    proposal, proposer = None, None
    if say in ("proposal", "free"):
        profile = await session.get(PeerProfile, contact.peer_id)
        by = await session.get(Person, contact.proposed_by_id) if contact.proposed_by_id else None
        handover = first_name(by.name) if by is not None and by.role == Role.PEER else None
        proposer = first_name(by.name) if by is not None and by.role == Role.WORKER and say == "proposal" else None
        proposal = Proposal(contact.id, first_name(peer.name if peer else None), profile.story if profile else None,
                            contact.theme, handover)
    return PeerNotice(say, first_name(peer.name if peer else None), names, proposal, proposer, contact.id)
