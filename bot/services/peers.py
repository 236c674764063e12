"""Peer support (ervaringsdeskundigen): profiles, matching, proposals, the relay, safety, reports, reminders.

A client and a peer expert talk through Houvast: each message is copied to the other side, so neither sees
the other's Telegram id, username or phone number. A contact is proposed first and starts only when the
client says yes (also when a worker or the peer expert handing over proposed it). While a contact is active,
the peer expert is "close" to the client for the consent check (services/consent.relation_of), so the client
can tick in /privacy what the peer expert may see; by default nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import callbacks
from bot.outbox import store as outbox
from bot.db.models import (
    Consent,
    MisuseReport,
    PeerContact,
    PeerProfile,
    PeerWait,
    Person,
    PhaseCheckin,
    RelayMessage,
)
from bot.domain import peers as rules
from bot.domain.consent import Scope
from bot.domain.crisis import detect
from bot.domain.peers import Candidate, ContactStatus, first_name
from bot.domain.plans import Contact, Phase
from bot.domain.roles import Role
from bot.i18n import join_names, translator, Translator
from bot.domain.alerts import Source
from bot.services import alerts
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram
from bot.services.consent import granted_scopes
from bot.outbox.notices import Rendered, renders
from bot.services.tools import crisis_contacts

ACTIVE = ContactStatus.ACTIVE
PROPOSED = ContactStatus.PROPOSED
RELAY_KINDS = ("text", "voice", "photo")
RED_POLICIES = ("notify", "ask")


# ---- what the services hand back ---------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    person_id: int
    name: str
    story: str | None
    themes: frozenset[str]
    availability: str | None
    max_peers: int
    paused_until: date | None
    suspended: bool
    active_contacts: int


@dataclass(frozen=True)
class Proposal:
    contact_id: int
    peer_name: str  # first name only
    story: str | None
    theme: str | None
    handover_from: str | None = None  # the peer expert who proposes to hand over


@dataclass(frozen=True)
class ContactView:
    contact_id: int
    client_id: int
    client_name: str  # first names only
    peer_id: int
    peer_name: str
    theme: str | None
    status: str
    started_at: datetime | None
    last_message_at: datetime | None
    shared: frozenset[Scope] = frozenset()  # what the client shares with the peer expert (the peer's view)


@dataclass(frozen=True)
class FindResult:
    """outcome: proposed (a proposal is on the table), waiting (nobody free: on the waiting list),
    active (the client already has a peer expert: `contact`), none (nobody free; nothing recorded)."""

    outcome: str
    proposal: Proposal | None = None
    contact: ContactView | None = None


@dataclass(frozen=True)
class RelayOut:
    """What the flow needs to copy one message to the other side."""

    contact_id: int
    from_client: bool
    sender_name: str  # first name of the sender
    other_name: str  # first name of the recipient
    to_chat_id: int
    to_locale: str
    recipient_talking: bool  # the recipient is talking in this contact right now (no "answer" button needed)
    crisis: bool
    safety_contacts: tuple[
        Contact, ...
    ] = ()  # the client's own contacts, when the client wrote crisis language


@dataclass(frozen=True)
class WorryResult:
    """outcome: told (the workers and the client are told; worker_name holds who), ask_client (no consent: ask
    the client first), away (whoever may be told is away now; worker_name holds who), no_worker (the client has
    no coordinating or backup worker in Houvast)."""

    outcome: str
    client_name: str
    worker_name: str | None = None


@dataclass(frozen=True)
class WaitRow:
    """What an admin sees of a client on the waiting list: the first name and the theme, nothing more."""

    wait_id: int
    client_name: str
    theme: str | None
    since: datetime


# ---- small helpers -----------------------------------------------------------------------------------


def _t(svc: Services, person: Person) -> Translator:
    return translator(person.locale, svc.settings.zone)


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


def peer_label(t: Translator, name: str) -> str:
    """How a peer expert is named to a client: 'Joost (peer expert)'."""
    return t.gettext("{name} (peer expert)").format(name=name)


async def _notify(
    session: AsyncSession,
    svc: Services,
    person: Person,
    key: str,
    kind: str,
    text: str,
    buttons: list[list[tuple[str, str]]] | None = None,
) -> None:
    await outbox.enqueue(
        session, dedup_key=key, person=person, kind=kind, text=text, buttons=buttons, now=svc.now()
    )


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


def _unique(prefix: str) -> str:
    return f"{prefix}:{secrets.token_hex(6)}"


def _proposal_text(t: Translator, proposal: Proposal, proposer: str | None) -> str:
    lines = []
    if proposal.handover_from:
        lines.append(
            t.gettext("{old} asks if {new} may take over as your peer expert.").format(
                old=proposal.handover_from, new=proposal.peer_name
            )
        )
    elif proposer:
        lines.append(
            t.gettext(
                "{worker} suggests you talk with a peer expert: someone who went through it too."
            ).format(worker=proposer)
        )
    lines.append(t.gettext("{name} could be your peer expert.").format(name=proposal.peer_name))
    if proposal.story:
        lines += [
            "",
            t.gettext("{name} tells about themselves:").format(name=proposal.peer_name),
            proposal.story,
        ]
    if proposal.theme:
        lines += [
            "",
            t.gettext("Theme: {theme}").format(
                theme=t.gettext(rules.THEME_NAMES[rules.Theme(proposal.theme)])
            ),
        ]
    lines += ["", t.gettext("Do you want to talk with {name}? You decide.").format(name=proposal.peer_name)]
    return "\n".join(lines)


def proposal_text(t: Translator, proposal: Proposal, proposer: str | None = None) -> str:
    return _proposal_text(t, proposal, proposer)


def proposal_buttons(t: Translator, proposal: Proposal) -> list[list[tuple[str, str]]]:
    """As (label, data) rows, for the outbox and for the flow alike."""
    accept = (
        t.gettext("👍 Yes, talk with {name}").format(name=proposal.peer_name)[:60],
        callbacks.make("peer", "accept", proposal.contact_id),
    )
    if proposal.handover_from:
        stay = (
            t.gettext("✋ No, stay with {name}").format(name=proposal.handover_from)[:60],
            callbacks.make("peer", "decline", proposal.contact_id),
        )
        return [[accept], [stay]]
    return [
        [accept],
        [(t.gettext("🔄 Someone else"), callbacks.make("peer", "other", proposal.contact_id))],
        [(t.gettext("✖️ No, thank you"), callbacks.make("peer", "decline", proposal.contact_id))],
    ]


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


# ---- the peer expert's profile -----------------------------------------------------------------------


async def profile(svc: Services, peer_telegram_id: int) -> Profile:
    async with svc.unit() as session:
        peer = await _person(session, peer_telegram_id, Role.PEER)
        row = await _profile_row(session, peer)
        result = _profile(peer, row, await _active_count(session, peer.id))
        await session.commit()
        return result


async def _edit_profile(svc: Services, peer_telegram_id: int, **values: object) -> Profile:
    async with svc.unit() as session:
        peer = await _person(session, peer_telegram_id, Role.PEER)
        row = await _profile_row(session, peer)
        for key, value in values.items():
            setattr(row, key, value)
        result = _profile(peer, row, await _active_count(session, peer.id))
        await session.commit()
        return result


async def set_story(svc: Services, peer_telegram_id: int, text: str) -> Profile | None:
    """None when empty or too long: the flow asks again."""
    story = rules.clean_text(text, rules.MAX_STORY)
    return None if story is None else await _edit_profile(svc, peer_telegram_id, story=story)


async def set_availability(svc: Services, peer_telegram_id: int, text: str) -> Profile | None:
    value = rules.clean_text(text, rules.MAX_AVAILABILITY)
    return None if value is None else await _edit_profile(svc, peer_telegram_id, availability=value)


async def set_themes(svc: Services, peer_telegram_id: int, themes: set[str] | frozenset[str]) -> Profile:
    return await _edit_profile(svc, peer_telegram_id, themes=rules.join_themes(themes))


async def toggle_theme(svc: Services, peer_telegram_id: int, theme: str) -> Profile:
    if theme not in {t.value for t in rules.THEMES}:
        raise ValueError(theme)
    current = (await profile(svc, peer_telegram_id)).themes
    return await set_themes(svc, peer_telegram_id, current ^ {theme})


async def set_max_peers(svc: Services, peer_telegram_id: int, max_peers: int) -> Profile:
    if not 1 <= max_peers <= rules.MAX_PEERS_LIMIT:
        raise ValueError(max_peers)
    return await _edit_profile(svc, peer_telegram_id, max_peers=max_peers)


async def pause(svc: Services, peer_telegram_id: int, until: date) -> int:
    """No new peers until `until` (the first day back). Each active peer is told when they will be back.
    Returns how many were told."""
    today = _today(svc)
    if not today < until <= today + timedelta(days=366):
        raise ValueError("until")
    async with svc.unit() as session:
        peer = await _person(session, peer_telegram_id, Role.PEER)
        row = await _profile_row(session, peer)
        row.paused_until = until
        told = 0
        for contact in await _contacts_of_peer(session, peer):
            client = await session.get(Person, contact.client_id)
            if client is None or not client.active:
                continue
            t = _t(svc, client)
            text = t.gettext(
                "{name} is away for a while and is back on {day}. You can still write; "
                "{name} answers when back."
            ).format(name=first_name(peer.name), day=t.day(until))
            await _notify(session, svc, client, f"peer-away:{contact.id}:{until.isoformat()}", "peer", text)
            told += 1
        audit(session, at=svc.now(), action="peer.paused", actor=peer)
        await session.commit()
        return told


async def come_back(svc: Services, peer_telegram_id: int) -> int:
    async with svc.unit() as session:
        peer = await _person(session, peer_telegram_id, Role.PEER)
        row = await _profile_row(session, peer)
        was_paused = row.paused_until is not None
        row.paused_until = None
        told = 0
        if was_paused:
            for contact in await _contacts_of_peer(session, peer):
                client = await session.get(Person, contact.client_id)
                if client is None or not client.active:
                    continue
                t = _t(svc, client)
                await _notify(
                    session,
                    svc,
                    client,
                    _unique(f"peer-back:{contact.id}"),
                    "peer",
                    t.gettext("{name} is back.").format(name=first_name(peer.name)),
                )
                told += 1
        await session.commit()
        return told


async def _contacts_of_peer(session: AsyncSession, peer: Person) -> list[PeerContact]:
    rows = await session.execute(
        select(PeerContact)
        .where(PeerContact.peer_id == peer.id, PeerContact.status == ACTIVE)
        .order_by(PeerContact.id)
    )
    return list(rows.scalars())


# ---- finding a peer expert ---------------------------------------------------------------------------


def _known_theme(theme: str | None) -> None:
    if theme is not None and theme not in {t.value for t in rules.THEMES}:
        raise ValueError(theme)


async def _already_talking(session: AsyncSession, client: Person) -> FindResult | None:
    """The client's contact when they have a peer expert already: nobody else is looked for."""
    active = await _latest_of_client(session, client)
    if active is None:
        return None
    peer = await session.get(Person, active.peer_id)
    assert peer is not None
    return FindResult("active", contact=_view(active, client, peer))


async def find_peer(svc: Services, client_telegram_id: int, theme: str | None) -> FindResult:
    """The client asks: the best free peer expert for the theme is proposed; nobody free: the waiting list,
    where an admin sees only the client's first name and the theme."""
    _known_theme(theme)
    async with svc.unit() as session:
        client = await _person(session, client_telegram_id, Role.CLIENT)
        if talking := await _already_talking(session, client):
            return talking
        return await _next_or_wait(session, svc, client, theme, [], cancel_open=True)


async def open_proposal(svc: Services, client_telegram_id: int) -> Proposal | None:
    async with svc.unit() as session:
        client = await _person(session, client_telegram_id, Role.CLIENT)
        contact = await _latest_of_client(session, client, PROPOSED)
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
    contact = await _contact_of(session, svc, contact_id, client, action="proposal")
    if contact.client_id != client.id:
        raise NotAllowed("only the client decides")
    if contact.status != PROPOSED:
        raise NotFound("no open proposal")
    return contact


async def someone_else(svc: Services, client_telegram_id: int, contact_id: int) -> FindResult:
    """Someone else: the next free peer expert, never one already declined in this request."""
    async with svc.unit() as session:
        client = await _person(session, client_telegram_id, Role.CLIENT)
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
    found = rules.match(await _candidates(session), theme, svc.now(), exclude=exclude, zone=svc.settings.zone)
    if not found:
        if cancel_open:
            await session.execute(
                update(PeerContact)
                .where(PeerContact.client_id == client.id, PeerContact.status == PROPOSED)
                .values(status=ContactStatus.CANCELLED, ended_at=svc.now())
            )
        await _wait(session, svc, client, theme)
        await session.commit()
        return FindResult("waiting")
    proposal = await _propose(session, svc, client, found[0].peer_id, theme, client)
    await session.commit()
    return FindResult("proposed", proposal)


async def decline(svc: Services, client_telegram_id: int, contact_id: int) -> str | None:
    """No, thank you (or: stay with my peer expert). Whoever proposed it is told. Returns their first name."""
    async with svc.unit() as session:
        client = await _person(session, client_telegram_id, Role.CLIENT)
        contact = await _own_proposal(session, svc, client, contact_id)
        contact.status, contact.ended_at = ContactStatus.DECLINED, svc.now()
        proposer = await session.get(Person, contact.proposed_by_id) if contact.proposed_by_id else None
        told = None
        if proposer is not None and proposer.id != client.id and proposer.active:
            await _refer(session, svc, proposer, f"peer-declined:{contact.id}", "peer_declined", client, contact)
            told = first_name(proposer.name)
        audit(session, at=svc.now(), action="peer.declined", actor=client, subject=client)
        await session.commit()
        return told


async def accept(svc: Services, client_telegram_id: int, contact_id: int) -> FindResult:
    """The client says yes: the contact starts. If the peer expert is no longer free, the next one is proposed."""
    now = svc.now()
    async with svc.unit() as session:
        client = await _person(session, client_telegram_id, Role.CLIENT)
        contact = await _own_proposal(session, svc, client, contact_id)
        peer = await session.get(Person, contact.peer_id)
        assert peer is not None
        mine = next((c for c in await _candidates(session) if c.peer_id == peer.id), None)
        if (
            mine is None
            or not rules.is_available(mine, rules.local_day(now, svc.settings.zone))
            or not rules.has_room(mine)
        ):
            contact.status, contact.ended_at = ContactStatus.CANCELLED, now
            return await _next_or_wait(session, svc, client, contact.theme, [peer.id])
        # One peer expert at a time: a handover ends the contact with the one handing over.
        old = await _latest_of_client(session, client)
        if old is not None:
            await _close(session, svc, old)
            old_peer = await session.get(Person, old.peer_id)
            if old_peer is not None and old_peer.active:
                await _refer(session, svc, old_peer, f"peer-handed:{old.id}", "peer_handed", client, contact)
        contact.status, contact.started_at, contact.last_message_at = ACTIVE, now, None
        await session.execute(
            update(PeerWait)
            .where(PeerWait.client_id == client.id, PeerWait.resolved_at.is_(None))
            .values(resolved_at=now)
        )
        await _refer(session, svc, peer, f"peer-started:{contact.id}", "peer_started", client, contact)
        audit(session, at=now, action="peer.started", actor=client, subject=peer)
        view = _view(contact, client, peer)
        await session.commit()
        return FindResult("active", contact=view)


async def _offer(
    session: AsyncSession, svc: Services, client: Person, proposal: Proposal, by: str | None
) -> None:
    """Queue the proposal to the client, with who proposed it (`by`, a first name) when not the client."""
    t = _t(svc, client)
    await _notify(
        session, svc, client, f"peer-proposal:{proposal.contact_id}", "peer",
        _proposal_text(t, proposal, by), proposal_buttons(t, proposal),
    )


async def worker_propose(
    svc: Services, worker_telegram_id: int, client_id: int, theme: str | None
) -> FindResult:
    """A worker proposes a peer expert to a client of their caseload. Nothing starts until the client says yes.
    outcome: proposed, active (the client has one already) or none (nobody free; nothing is recorded)."""
    from bot.services.caseload import client_row

    await client_row(svc, worker_telegram_id, client_id)  # NotAllowed outside the worker's caseload
    _known_theme(theme)
    async with svc.unit() as session:
        worker = await _person(session, worker_telegram_id, Role.WORKER)
        client = await session.get(Person, client_id)
        if client is None or client.role != Role.CLIENT or not client.active:
            raise NotFound("client")
        if talking := await _already_talking(session, client):
            return talking
        found = rules.match(await _candidates(session), theme, svc.now(), zone=svc.settings.zone)
        if not found:
            return FindResult("none")
        proposal = await _propose(session, svc, client, found[0].peer_id, theme, worker)
        await _offer(session, svc, client, proposal, first_name(worker.name))
        await session.commit()
        return FindResult("proposed", proposal)


# ---- contacts: views, talking, ending, rating --------------------------------------------------------


async def my_contacts(svc: Services, telegram_id: int) -> list[ContactView]:
    """Active contacts of a client (at most one) or a peer expert; a peer sees what each client shares."""
    async with svc.unit() as session:
        person = await _person(session, telegram_id, Role.CLIENT, Role.PEER)
        column = PeerContact.client_id if person.role == Role.CLIENT else PeerContact.peer_id
        rows = await session.execute(
            select(PeerContact)
            .where(column == person.id, PeerContact.status == ACTIVE)
            .order_by(PeerContact.id)
        )
        views = []
        for contact in rows.scalars():
            client, peer = await _sides(session, contact)
            shared = (
                await granted_scopes(session, client.id, peer.id) if person.role == Role.PEER else frozenset()
            )
            views.append(_view(contact, client, peer, shared))
        return views


async def contact(svc: Services, telegram_id: int, contact_id: int) -> ContactView:
    async with svc.unit() as session:
        person = await _person(session, telegram_id, Role.CLIENT, Role.PEER)
        row = await _contact_of(session, svc, contact_id, person, action="open")
        client, peer = await _sides(session, row)
        shared = (
            await granted_scopes(session, client.id, peer.id)
            if person.id == peer.id and row.status == ACTIVE
            else frozenset()
        )
        return _view(row, client, peer, shared)


async def _active_side(
    session: AsyncSession, svc: Services, telegram_id: int, contact_id: int, action: str
) -> tuple[Person, PeerContact]:
    """A client or peer expert and their own contact, which must be active (NotFound otherwise)."""
    person = await _person(session, telegram_id, Role.CLIENT, Role.PEER)
    row = await _contact_of(session, svc, contact_id, person, action=action)
    if row.status != ACTIVE:
        raise NotFound("contact not active")
    return person, row


async def start_talking(svc: Services, telegram_id: int, contact_id: int) -> ContactView:
    """From now on this person's messages go to the other side of this contact."""
    async with svc.unit() as session:
        person, row = await _active_side(session, svc, telegram_id, contact_id, "talk")
        person.relay_contact_id = row.id
        client, peer = await _sides(session, row)
        view = _view(row, client, peer)
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
    return row.status == ACTIVE and person.id in (row.client_id, row.peer_id)


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
        client, peer = await _sides(session, row)
        return _view(row, client, peer)


async def relay(
    svc: Services, sender_telegram_id: int, *, kind: str, text: str | None, file_id: str | None
) -> RelayOut | None:
    """Store one message of a conversation (text encrypted at rest, media as file_id only) and say where it
    goes. Crisis language is looked for in the text or caption of both sides. None: not talking."""
    if kind not in RELAY_KINDS:
        raise ValueError(kind)
    now = svc.now()
    async with svc.unit() as session:
        sender, row = await _relay_row(session, sender_telegram_id)
        if sender is None or not sender.active:
            return None
        if row is None or not _fits(sender, row):
            return await _switch_off(session, sender)
        client, peer = await _sides(session, row)
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
        await _close(session, svc, row)
        client, peer = await _sides(session, row)
        by_client = person.id == client.id
        tc = _t(svc, client)
        if by_client:
            if peer.active:
                await _refer(session, svc, peer, f"peer-ended:{row.id}", "peer_ended", client, row)
            question = tc.gettext("Your contact with {name} has ended.").format(name=first_name(peer.name))
        else:
            question = tc.gettext("{name} ended your contact.").format(name=first_name(peer.name))
        question += "\n\n" + tc.gettext("How was it for you? 1 is bad, 5 is very good.")
        await _notify(
            session, svc, client, f"peer-rate:{row.id}", "peer", question, rating_buttons(tc, row.id)
        )
        audit(
            session,
            at=svc.now(),
            action="peer.ended",
            actor=person,
            subject=client if not by_client else peer,
        )
        view = _view(row, client, peer)
        await session.commit()
        return view


def rating_buttons(t: Translator, contact_id: int) -> list[list[tuple[str, str]]]:
    return [
        [(str(n), callbacks.make("peer", "rate", f"{contact_id}.{n}")) for n in range(1, 6)],
        [(t.gettext("⏭ Skip"), callbacks.make("peer", "fbskip", contact_id))],
    ]


async def _ended_of_client(
    session: AsyncSession, svc: Services, client_telegram_id: int, contact_id: int
) -> PeerContact:
    client = await _person(session, client_telegram_id, Role.CLIENT)
    row = await _contact_of(session, svc, contact_id, client, action="rate")
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
        peer = await _person(session, peer_telegram_id, Role.PEER)
        row = await _contact_of(session, svc, contact_id, peer, action="handover")
        if row.peer_id != peer.id or row.status != ACTIVE:
            raise NotAllowed("not your active contact")
        candidates = await _candidates(session)
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
        peer = await _person(session, peer_telegram_id, Role.PEER)
        row = await session.get(PeerContact, contact_id)
        assert row is not None
        client = await session.get(Person, row.client_id)
        assert client is not None
        proposal = await _propose(session, svc, client, to_peer_id, row.theme, peer, handover_from=peer)
        await _offer(session, svc, client, proposal, None)
        await session.commit()
        return proposal


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
        and rules.local_day(last.at, svc.settings.zone) == _today(svc)
    )


def red_policy(svc: Services) -> str:
    """Organisation setting `peer_red_policy`: when a client checked in red today and a peer expert is worried,
    "notify" tells the coordinating worker even without the client's consent for alerts; "ask" does not."""
    value = svc.settings.peer_red_policy
    return value if value in RED_POLICIES else "notify"


async def report_worry(svc: Services, peer_telegram_id: int, contact_id: int) -> WorryResult:
    """The peer expert is worried about the client ("Zorg melden"): a rood alert to the client's coordinating and
    backup worker who are present and have the client's consent for alerts (or, with the organisation setting
    "notify", both of them when the client's last check-in today was red), and the client is told that this
    happened. Nobody with consent: the peer asks the client first."""
    now = svc.now()
    async with svc.unit() as session:
        peer = await _person(session, peer_telegram_id, Role.PEER)
        row = await _contact_of(session, svc, contact_id, peer, action="worry")
        if row.peer_id != peer.id or row.status != ACTIVE:
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
            return WorryResult("ask_client", name, first_name(coordinating.name) if coordinating else None)
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
            return WorryResult("away", name, join_names(_t(svc, peer), notice.away))
        workers = join_names(_t(svc, client), notice.told)  # in the client's language; the peer's below
        day = rules.local_day(now, svc.settings.zone).isoformat()
        tc = _t(svc, client)
        await _notify(
            session,
            svc,
            client,
            f"peer-worry-told:{row.id}:{day}",
            "peer",
            tc.gettext(
                "{peer} was worried about you and let {worker} know. {worker} will get in touch with you."
            ).format(peer=first_name(peer.name), worker=workers),
        )
        await session.commit()
        return WorryResult("told", name, join_names(_t(svc, peer), notice.told))


# ---- misuse ------------------------------------------------------------------------------------------


async def report_misuse(svc: Services, reporter_telegram_id: int, contact_id: int, text: str) -> int:
    """Either side reports misuse; every active admin gets it, with a button to suspend the peer expert.
    Returns the number of admins told."""
    value = rules.clean_text(text, 1000)
    if value is None:
        raise ValueError("empty")
    now = svc.now()
    async with svc.unit() as session:
        reporter = await _person(session, reporter_telegram_id, Role.CLIENT, Role.PEER)
        row = await _contact_of(session, svc, contact_id, reporter, action="report")
        if row.status not in (ACTIVE, ContactStatus.ENDED):
            raise NotFound("no contact to report")
        client, peer = await _sides(session, row)
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
            await _refer(session, svc, admin, _unique(f"peer-misuse:{row.id}:{admin.id}"), "misuse", client, row,
                         report=report.id)
        audit(session, at=now, action="peer.misuse_reported", actor=reporter, subject=peer)
        await session.commit()
        return len(admins)


async def suspend_peer(svc: Services, admin_telegram_id: int, peer_id: int) -> int:
    """An admin suspends a peer expert: no new peers, every active contact ends (both sides are told), open
    reports about them are marked handled. Returns the number of contacts ended."""
    now = svc.now()
    async with svc.unit() as session:
        admin = await _person(session, admin_telegram_id, Role.ADMIN)
        peer = await session.get(Person, peer_id)
        if peer is None or peer.role != Role.PEER:
            audit(session, at=now, action="peer.forged", actor=admin, scope="suspend", outcome="denied")
            await session.commit()
            raise NotFound("peer")
        row = await _profile_row(session, peer)
        row.suspended = True
        contacts = await _contacts_of_peer(session, peer)
        for contact in contacts:
            await _close(session, svc, contact)
            client = await session.get(Person, contact.client_id)
            if client is not None and client.active:
                t = _t(svc, client)
                await _notify(
                    session,
                    svc,
                    client,
                    f"peer-suspended:{contact.id}",
                    "peer",
                    t.gettext(
                        "Your contact with {name} has stopped. You can ask for another peer expert "
                        "with /maatje."
                    ).format(name=first_name(peer.name)),
                )
        ids = select(PeerContact.id).where(PeerContact.peer_id == peer.id)
        await session.execute(
            update(MisuseReport)
            .where(MisuseReport.contact_id.in_(ids), MisuseReport.handled_at.is_(None))
            .values(handled_at=now)
        )
        if peer.active:
            t = _t(svc, peer)
            await _notify(
                session,
                svc,
                peer,
                _unique(f"peer-suspension:{peer.id}"),
                "peer",
                t.gettext(
                    "An admin has suspended your role as peer expert. Your contacts have stopped. "
                    "Please contact your organisation."
                ),
            )
        audit(session, at=now, action="peer.suspended", actor=admin, subject=peer)
        await session.commit()
        return len(contacts)


# ---- the waiting list --------------------------------------------------------------------------------


async def waiting_list(svc: Services, admin_telegram_id: int) -> list[WaitRow]:
    """The first name and the theme of each client waiting, nothing more; each look audited."""
    async with svc.unit() as session:
        admin = await _person(session, admin_telegram_id, Role.ADMIN)
        rows = (await session.execute(
            select(PeerWait, Person)
            .join(Person, Person.id == PeerWait.client_id)
            .where(PeerWait.resolved_at.is_(None), Person.active)
            .order_by(PeerWait.created_at, PeerWait.id)
        )).all()
        for _, client in rows:
            audit(session, at=svc.now(), action="peer.waiting_seen", actor=admin, subject=client)
        await session.commit()
        return [WaitRow(w.id, first_name(p.name), w.theme, w.created_at) for w, p in rows]


async def offer_waiting(svc: Services) -> int:
    """Tick: a client on the waiting list gets a proposal as soon as a fitting peer expert is free."""
    now = svc.now()
    offered = 0
    async with svc.unit() as session:
        waits = (
            await session.execute(
                select(PeerWait, Person)
                .join(Person, Person.id == PeerWait.client_id)
                .where(PeerWait.resolved_at.is_(None))
                .order_by(PeerWait.created_at, PeerWait.id)
                .limit(200)
            )
        ).all()
        for wait, client in waits:
            if not client.active or client.deletion_due_at is not None:
                continue
            if await _latest_of_client(session, client) is not None:
                wait.resolved_at = now
                continue
            found = rules.match(await _candidates(session), wait.theme, now, zone=svc.settings.zone)
            if not found:
                continue
            proposal = await _propose(session, svc, client, found[0].peer_id, wait.theme, client)
            wait.resolved_at = now
            t = _t(svc, client)
            text = t.gettext("A peer expert is free now.") + "\n\n" + _proposal_text(t, proposal, None)
            await _notify(
                session,
                svc,
                client,
                f"peer-proposal:{proposal.contact_id}",
                "peer",
                text,
                proposal_buttons(t, proposal),
            )
            offered += 1
        await session.commit()
    return offered


# ---- reminders and retention (tick) ------------------------------------------------------------------


async def remind_quiet_contacts(svc: Services) -> int:
    """Tick: "You have not spoken to Sam for 10 days", to the peer expert; once a day at most (and only on
    day 10, 17, 24, ... of the silence)."""
    now = svc.now()
    zone = svc.settings.zone
    today = rules.local_day(now, zone)
    queued = 0
    async with svc.unit() as session:
        # Only contacts quiet for 9 days or more (one day of slack for the local date) are looked at.
        quiet_since = now - timedelta(days=rules.QUIET_DAYS - 1)
        last_seen = func.coalesce(PeerContact.last_message_at, PeerContact.started_at, PeerContact.created_at)
        rows = (
            (
                await session.execute(
                    select(PeerContact)
                    .where(PeerContact.status == ACTIVE, last_seen <= quiet_since)
                    .order_by(PeerContact.id)
                )
            )
            .scalars()
            .all()
        )
        for row in rows:
            last = row.last_message_at or row.started_at or row.created_at
            if not rules.reminder_due(last, now, zone):
                continue
            client, peer = await _sides(session, row)
            if not peer.active or peer.unreachable or not client.active or client.deletion_due_at is not None:
                continue
            profile_row = await session.get(PeerProfile, peer.id)
            if profile_row is not None and (
                profile_row.suspended or rules.is_paused(profile_row.paused_until, today)
            ):
                continue
            if await _refer(session, svc, peer, f"peer-quiet:{row.id}:{today.isoformat()}", "peer_quiet", client, row,
                            days=rules.quiet_days(last, now, zone)):
                queued += 1
        await session.commit()
    return queued


async def purge_relay(svc: Services, retention_days: int = 30) -> int:
    """Tick: relayed messages are kept only for the retention period. Returns how many were deleted."""
    cutoff = svc.now() - timedelta(days=retention_days)
    async with svc.unit() as session:
        result = await session.execute(delete(RelayMessage).where(RelayMessage.at < cutoff))
        await session.commit()
        return result.rowcount or 0
