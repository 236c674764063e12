"""The texts of the peer notices the outbox sends, rendered in the reader's language when they are sent."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot import callbacks
from bot.db.models import (
    MisuseReport,
    Person,
)
from bot.domain import peers as rules
from bot.domain.peers import first_name
from bot.domain.roles import Role
from bot.outbox.notices import Rendered, renders
from bot.services.base import Services
from bot.services.peers.core import ACTIVE, _referred_contact, _t


@renders("peer_started")
async def _render_started(svc: Services, session: AsyncSession, peer: Person, client: Person | None, ref: dict):
    found = await _referred_contact(session, client, ref)
    if found is None or found[0].status != ACTIVE or found[1].id != peer.id:
        return None  # the contact ended before this went out
    contact, t = found[0], _t(svc, peer)
    name = first_name(client.name)
    lines = [t.gettext("You have a new peer: {name}.").format(name=name)]
    if contact.theme:
        lines.append(t.gettext("Theme: {theme}").format(theme=t.gettext(rules.THEME_NAMES[rules.Theme(contact.theme)])))
    proposer = await session.get(Person, contact.proposed_by_id) if contact.proposed_by_id else None
    if proposer is not None and proposer.role == Role.PEER:
        lines.append(t.gettext("{old} handed {name} over to you.").format(old=first_name(proposer.name), name=name))
    lines.append(t.gettext("Say hello: tap the button below."))
    talk = [[(t.gettext("💬 Talk to {name}").format(name=name)[:60], callbacks.make("peer", "talk", contact.id))]]
    return Rendered("\n".join(lines), talk)


@renders("peer_handed")
async def _render_handed(svc: Services, session: AsyncSession, old_peer: Person, client: Person | None, ref: dict):
    found = await _referred_contact(session, client, ref)
    if found is None:
        return None
    t = _t(svc, old_peer)
    return Rendered(t.gettext("{client} now talks with {new}. Thank you for your support!").format(
        client=first_name(client.name), new=first_name(found[1].name)))


@renders("peer_ended")
async def _render_ended(svc: Services, session: AsyncSession, peer: Person, client: Person | None, ref: dict):
    if await _referred_contact(session, client, ref) is None:
        return None
    t = _t(svc, peer)
    return Rendered(t.gettext("{name} ended the contact. Thank you for your support.").format(
        name=first_name(client.name)))


@renders("peer_quiet")
async def _render_quiet(svc: Services, session: AsyncSession, peer: Person, client: Person | None, ref: dict):
    found = await _referred_contact(session, client, ref)
    if found is None or found[0].status != ACTIVE or found[1].id != peer.id:
        return None
    t, name = _t(svc, peer), first_name(client.name)
    text = t.gettext("You have not spoken to {name} for {days} days. Maybe send a short message?").format(
        name=name, days=int(ref.get("days", rules.QUIET_DAYS)))
    return Rendered(text, [[(t.gettext("💬 Talk to {name}").format(name=name)[:60],
                             callbacks.make("peer", "talk", found[0].id))]])


@renders("peer_declined")
async def _render_declined(svc: Services, session: AsyncSession, proposer: Person, client: Person | None, ref: dict):
    if await _referred_contact(session, client, ref) is None:
        return None
    t = _t(svc, proposer)
    text = (
        t.gettext("{name} wants to stay with you as their peer expert.") if proposer.role == Role.PEER
        else t.gettext("{name} does not want a peer expert for now.")
    )
    return Rendered(text.format(name=first_name(client.name)))


@renders("misuse")
async def _render_misuse(svc: Services, session: AsyncSession, admin: Person, client: Person | None, ref: dict):
    report = await session.get(MisuseReport, int(ref["report"]))
    found = await _referred_contact(session, client, ref)
    if report is None or found is None or not admin.active:
        return None  # the report went with the client's account
    _contact, peer = found
    t = _t(svc, admin)
    who = t.gettext("the client") if report.reporter_id == client.id else t.gettext("the peer expert")
    body = t.gettext("🚩 Misuse report about a contact of peer expert {peer}. Reported by {who}:").format(
        peer=peer.name or "?", who=who)
    suspend = [[(t.gettext("⛔ Suspend {name}").format(name=first_name(peer.name))[:60],
                 callbacks.make("peer", "suspend", peer.id))]]
    return Rendered(f"{body}\n\n{report.text or ''}", suspend)
