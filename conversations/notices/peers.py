"""Peer support's messages, written when they are sent: to a peer expert about a client (a new peer, handed
over, ended, quiet, declined), to an admin (a misuse report), and the short notices of kind "peer" to a client or
a peer expert (a proposal, a worry passed on, away and back, suspended, how was it). bot/services/peers/facts.py
reads what they say; the words and keyboards are the peer flows' own (conversations/peers/)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from bot.domain import peers as rules
from bot.domain.roles import Role
from bot.i18n import N_, Translator, join_names
from bot.outbox.notices import Recipient, Rendered, Session, renders
from bot.services.base import Services
from bot.services.peers import ContactFacts, PeerNotice, contact_facts, misuse_facts, peer_notice
from conversations.notices.shared import rows, written
from conversations.peers.keyboards import peer_proposal, peer_rating, peer_suspend, peer_talk
from conversations.peers.shared import proposal_text

Write = Callable[[Translator, ContactFacts], Rendered]


async def _about_contact(svc: Services, session: Session, recipient: Recipient, client: Recipient | None,
                         ref: dict[str, Any], write: Write, *, active: bool = False) -> Rendered | None:
    return written(svc, recipient, await contact_facts(session, recipient, client, ref, active=active), write)


def _started(t: Translator, contact: ContactFacts) -> Rendered:
    lines = [t.gettext("You have a new peer: {name}.").format(name=contact.client)]
    if contact.theme:
        lines.append(t.gettext("Theme: {theme}").format(theme=t.gettext(rules.THEME_NAMES[rules.Theme(contact.theme)])))
    if contact.handed_by:
        lines.append(t.gettext("{old} handed {name} over to you.").format(old=contact.handed_by, name=contact.client))
    lines.append(t.gettext("Say hello: tap the button below."))
    return Rendered("\n".join(lines), rows(peer_talk(t, contact.contact_id, contact.client)))


@renders("peer_started")
async def started(svc: Services, session: Session, peer: Recipient, client: Recipient | None,
                  ref: dict[str, Any]) -> Rendered | None:
    """Withdrawn when the contact ended before this went out."""
    return await _about_contact(svc, session, peer, client, ref, _started, active=True)


@renders("peer_handed")
async def handed(svc: Services, session: Session, old_peer: Recipient, client: Recipient | None,
                 ref: dict[str, Any]) -> Rendered | None:
    return await _about_contact(svc, session, old_peer, client, ref, lambda t, contact: Rendered(t.gettext(
        "{client} now talks with {new}. Thank you for your support!").format(client=contact.client, new=contact.peer)))


@renders("peer_ended")
async def ended(svc: Services, session: Session, peer: Recipient, client: Recipient | None,
                ref: dict[str, Any]) -> Rendered | None:
    return await _about_contact(svc, session, peer, client, ref, lambda t, contact: Rendered(t.gettext(
        "{name} ended the contact. Thank you for your support.").format(name=contact.client)))


@renders("peer_quiet")
async def quiet(svc: Services, session: Session, peer: Recipient, client: Recipient | None,
                ref: dict[str, Any]) -> Rendered | None:
    return await _about_contact(svc, session, peer, client, ref, lambda t, contact: Rendered(
        t.gettext("You have not spoken to {name} for {days} days. Maybe send a short message?").format(
            name=contact.client, days=int(ref.get("days", rules.QUIET_DAYS))),
        rows(peer_talk(t, contact.contact_id, contact.client))), active=True)


@renders("peer_declined")
async def declined(svc: Services, session: Session, proposer: Recipient, client: Recipient | None,
                   ref: dict[str, Any]) -> Rendered | None:
    return await _about_contact(svc, session, proposer, client, ref, lambda t, contact: Rendered((
        t.gettext("{name} wants to stay with you as their peer expert.") if proposer.role == Role.PEER
        else t.gettext("{name} does not want a peer expert for now.")).format(name=contact.client)))


@renders("misuse")
async def misuse(svc: Services, session: Session, admin: Recipient, client: Recipient | None,
                 ref: dict[str, Any]) -> Rendered | None:
    def write(t: Translator, report: ContactFacts) -> Rendered:
        who = t.gettext("the client") if report.by_client else t.gettext("the peer expert")
        body = t.gettext("🚩 Misuse report about a contact of peer expert {peer}. Reported by {who}:").format(
            peer=report.peer, who=who)
        return Rendered(f"{body}\n\n{report.report}",
                        rows(peer_suspend(t, report.peer_id, rules.first_name(report.peer))))

    return written(svc, admin, await misuse_facts(session, admin, client, ref), write)


# The short notices of kind "peer", by what they say.
SAID = {
    "worry_told": N_("{peer} was worried about you and let {worker} know. {worker} will get in touch with you."),
    "suspended": N_("Your contact with {name} has stopped. You can ask for another peer expert with /maatje."),
    "suspension": N_("An admin has suspended your role as peer expert. Your contacts have stopped. "
                     "Please contact your organisation."),
    "away": N_("{name} is away for a while and is back on {day}. You can still write; {name} answers when back."),
    "back": N_("{name} is back."),
}


def _notice(t: Translator, notice: PeerNotice, ref: dict[str, Any]) -> Rendered:
    if notice.proposal is not None:
        text = proposal_text(t, notice.proposal, notice.proposer)
        if notice.say == "free":
            text = t.gettext("A peer expert is free now.") + "\n\n" + text
        return Rendered(text, rows(peer_proposal(t, notice.proposal)))
    if notice.say == "rate":
        ended_by = (t.gettext("Your contact with {name} has ended.") if ref.get("by_client")
                    else t.gettext("{name} ended your contact.")).format(name=notice.peer)
        question = ended_by + "\n\n" + t.gettext("How was it for you? 1 is bad, 5 is very good.")
        return Rendered(question, rows(peer_rating(t, notice.contact_id or 0)))
    day = t.day(date.fromisoformat(ref["until"])) if "until" in ref else ""
    return Rendered(t.gettext(SAID[notice.say]).format(peer=notice.peer, name=notice.peer, day=day,
                                                       worker=join_names(t, list(notice.names))))


@renders("peer")
async def peer(svc: Services, session: Session, person: Recipient, about: Recipient | None,
               ref: dict[str, Any]) -> Rendered | None:
    return written(svc, person, await peer_notice(session, person, ref), lambda t, notice: _notice(t, notice, ref))
