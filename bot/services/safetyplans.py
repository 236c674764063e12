"""The safety plans, the hoopbox and the noodbericht: facts for the flows, one unit of work each.

The two plans are tools like the signaleringsplan (drafts and versions in bot/services/tools.py; the form
engine fills them in). What is here: answers offered from the client's other plans, what a client in crisis
can do now and call, the hoopbox, and the noodbericht with its trusted people.

Nothing here builds a keyboard or imports Telegram. A noodbericht to someone in Houvast is queued as a reference
(`outbox.refer`, kind "sos"): its text is written when it is sent, after checking again that the person may
still get it (still in the household, the client still agrees, nobody in the household has a thuisplan).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    CareTeamMember,
    EmergencyDelivery,
    EmergencySend,
    EmergencySetting,
    HopeItem,
    OutboxMessage,
    Person,
    ToolDraft,
    ToolVersion,
    TrustedPerson,
)
from bot.domain import forms
from bot.domain import safetyplans as rules
from bot.domain.consent import Scope
from bot.domain.forms import Tool
from bot.domain.peers import first_name
from bot.domain.plans import Contact, Phase
from bot.domain.roles import CareRole, Role
from bot.domain.safetyplans import HomePlan, HopeKind, HopeRefusal, Route, SafetyPlan
from bot.i18n import N_, translator
from bot.outbox import store as outbox
from bot.outbox.notices import Rendered, renders
from bot.services import tools
from bot.services.base import (
    NotAllowed,
    NotFound,
    Services,
    audit,
    person_by_telegram,
    refuse_forged,
    viewer_and_subject,
)
from bot.services.consent import authorize_view

Owned = TypeVar("Owned", HopeItem, TrustedPerson)
MAX_OFFERS = 8  # per step: a keyboard stays short enough to read on a phone


async def _client(session: AsyncSession, telegram_id: int) -> Person:
    person = await person_by_telegram(session, telegram_id)
    if person is None or person.role != Role.CLIENT or not person.active:
        raise NotAllowed("only a client keeps a safety plan")
    return person


async def _latest_doc(session: AsyncSession, client_id: int, tool: Tool) -> dict[str, Any] | None:
    row = (await session.execute(
        select(ToolVersion.content).where(ToolVersion.client_id == client_id, ToolVersion.kind == tool)
        .order_by(ToolVersion.version.desc()).limit(1)
    )).scalar_one_or_none()
    return json.loads(row) if row else None


# --- the plans ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanState:
    """A plan's home screen: the saved version (if any), whether a draft waits, and an older version."""

    tool: Tool
    saved: tools.Saved | None
    has_draft: bool
    has_previous: bool

    @property
    def missing(self) -> tuple[str, ...]:
        """Parts with nothing in them yet (all of them when nothing is saved)."""
        if self.saved is None:
            return rules.SAFETY_PARTS if self.tool == Tool.SAFETY else rules.HOME_PARTS
        return plan_of(self.saved).missing


def plan_of(saved: tools.Saved) -> SafetyPlan | HomePlan:
    make = rules.to_safety_plan if saved.tool == Tool.SAFETY else rules.to_home_plan
    return make(saved.doc, saved.owner_name, saved.version, saved.saved_at)


async def plan_state(svc: Services, client_telegram_id: int, tool: Tool) -> PlanState:
    if tool not in (Tool.SAFETY, Tool.HOME):
        raise ValueError(tool)
    saved = await tools.current(svc, client_telegram_id, tool)
    previous = await tools.current(svc, client_telegram_id, tool, previous=True)
    draft = await tools.has_draft(svc, client_telegram_id, tool)
    return PlanState(tool, saved, draft, previous is not None)


@dataclass(frozen=True)
class Offer:
    label: str  # what the button says
    value: str | dict[str, Any]  # what goes into the plan: a text, or a contact like a typed one


def _contact_offer(contact: Contact) -> Offer:
    value = {"name": contact.name, "phone": contact.phone, "relation": contact.relation}
    label = ", ".join(part for part in (contact.name, contact.relation, contact.phone) if part)
    return Offer(label, value)


def _text_offers(items: list[str]) -> tuple[Offer, ...]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return tuple(Offer(item, item) for item in seen[:MAX_OFFERS])


async def _coordinator(session: AsyncSession, client: Person) -> Person | None:
    if client.household_id is None:
        return None
    return (await session.execute(
        select(Person).join(CareTeamMember, CareTeamMember.worker_id == Person.id)
        .where(CareTeamMember.household_id == client.household_id, CareTeamMember.role == CareRole.COORDINATING,
               Person.active).limit(1)
    )).scalar_one_or_none()


async def offers(svc: Services, client_telegram_id: int, key: str) -> tuple[Offer, ...]:
    """Answers for a step taken from the client's own plans: the signaleringsplan's signs on orange and red, what
    they do then and what helps them (crisis card), the people on their crisis card, their worker and care
    providers with the public numbers. Their own data: no consent check."""
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        plan_doc = await _latest_doc(session, client.id, Tool.PLAN)
        card_doc = await _latest_doc(session, client.id, Tool.CARD)
        plan = forms.to_plan(plan_doc, client.name or "") if plan_doc else None
        card = forms.to_card(card_doc, client.name or "") if card_doc else None
        late = [plan.phase(phase) for phase in (Phase.ORANGE, Phase.RED)] if plan else []
        if key == rules.OFFER_SIGNS:
            return _text_offers([sign for part in late for sign in (*part.signs_self, *part.signs_others)])
        if key == rules.OFFER_COPING:
            own = [item for part in late for item in part.what_i_do]
            return _text_offers(own + list(card.what_helps if card else ()))
        if key == rules.OFFER_CONTACTS:
            people = rules.unique_contacts(card.contacts if card else (), *[part.contacts for part in late])
            return tuple(_contact_offer(c) for c in people[:MAX_OFFERS])
        if key == rules.OFFER_CARE:
            t = translator(client.locale, svc.settings.zone)
            worker = await _coordinator(session, client)
            own = [Contact(first_name(worker.name), None, t.gettext("my worker"))] if worker else []
            public = [Contact(t.gettext(c.name), c.phone) for c in (*rules.HELP_LINES, rules.GP_POST)]
            people = rules.unique_contacts(own, card.care_providers if card else (), public)
            return tuple(_contact_offer(c) for c in people[:MAX_OFFERS])
        raise ValueError(key)


async def own_plan(svc: Services, client_telegram_id: int, tool: Tool) -> SafetyPlan | HomePlan | None:
    saved = await tools.current(svc, client_telegram_id, tool)
    return plan_of(saved) if saved else None


@dataclass(frozen=True)
class WhatNow:
    """'Wat kan ik nu doen?': the client's own steps, from the safety plan first, else their other plans."""

    plan: SafetyPlan | None
    red_steps: tuple[str, ...]  # the signaleringsplan's "what I do" on red
    card_helps: tuple[str, ...]  # the crisis card's "what helps me"


async def what_now(svc: Services, client_telegram_id: int) -> WhatNow:
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        safety_doc = await _latest_doc(session, client.id, Tool.SAFETY)
        plan_doc = await _latest_doc(session, client.id, Tool.PLAN)
        card_doc = await _latest_doc(session, client.id, Tool.CARD)
    name = client.name or ""
    return WhatNow(
        rules.to_safety_plan(safety_doc, name) if safety_doc else None,
        forms.to_plan(plan_doc, name).phase(Phase.RED).what_i_do if plan_doc else (),
        forms.to_card(card_doc, name).what_helps if card_doc else (),
    )


@dataclass(frozen=True)
class WhoToCall:
    """'Wie kan ik bellen?': people first (safety plan, crisis card, red phase, thuisplan), then care."""

    people: tuple[Contact, ...]
    professionals: tuple[Contact, ...]


async def who_to_call(svc: Services, client_telegram_id: int) -> WhoToCall:
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        safety_doc = await _latest_doc(session, client.id, Tool.SAFETY)
        home_doc = await _latest_doc(session, client.id, Tool.HOME)
        card_contacts = tuple(await tools.crisis_contacts(session, client))
        card_doc = await _latest_doc(session, client.id, Tool.CARD)
    safety = rules.to_safety_plan(safety_doc, "") if safety_doc else None
    home = rules.to_home_plan(home_doc, "") if home_doc else None
    card = forms.to_card(card_doc, "") if card_doc else None
    return WhoToCall(
        rules.unique_contacts(safety.people if safety else (), card_contacts,
                              home.safe_people if home else ()),
        rules.unique_contacts(safety.professionals if safety else (), card.care_providers if card else ()),
    )


async def _home_plan_in_household(session: AsyncSession, person: Person) -> bool:
    """Does anyone in this person's household (themselves included) have a thuisplan, saved or being made?"""
    members = select(Person.id).where(
        Person.household_id == person.household_id) if person.household_id is not None else select(
        Person.id).where(Person.id == person.id)
    saved = exists().where(ToolVersion.client_id.in_(members), ToolVersion.kind == Tool.HOME)
    draft = exists().where(ToolDraft.client_id.in_(members), ToolDraft.kind == Tool.HOME)
    return bool((await session.execute(select(saved | draft))).scalar())


async def _own_home_plan(session: AsyncSession, client: Person) -> bool:
    """Does the client themselves have a thuisplan, saved or being made?"""
    saved = exists().where(ToolVersion.client_id == client.id, ToolVersion.kind == Tool.HOME)
    draft = exists().where(ToolDraft.client_id == client.id, ToolDraft.kind == Tool.HOME)
    return bool((await session.execute(select(saved | draft))).scalar())


# --- the hoopbox -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HopeView:
    id: int
    kind: HopeKind
    text: str | None
    file_id: str | None


@dataclass(frozen=True)
class HopeBox:
    owner_name: str
    items: tuple[HopeView, ...]

    def item(self, item_id: int) -> HopeView | None:
        return next((item for item in self.items if item.id == item_id), None)


def _hope_view(row: HopeItem) -> HopeView:
    return HopeView(row.id, HopeKind(row.kind), row.text, row.file_id)


async def hope_box(svc: Services, viewer_telegram_id: int, client_id: int | None = None) -> HopeBox:
    """The client's hoopbox; anyone else sees it only when the client shares it with them (audited)."""
    async with svc.unit() as session:
        viewer, client = await viewer_and_subject(session, viewer_telegram_id, client_id)
        if client is None or client.role != Role.CLIENT:
            raise NotFound("client")
        if not await authorize_view(session, viewer=viewer, client=client, scope=Scope.HOPE_BOX, now=svc.now()):
            await session.commit()  # the refused look is audited
            raise NotAllowed("no consent")
        rows = (await session.execute(
            select(HopeItem).where(HopeItem.client_id == client.id).order_by(HopeItem.created_at, HopeItem.id)
        )).scalars()
        box = HopeBox(client.name or "", tuple(_hope_view(row) for row in rows))
        await session.commit()
        return box


@dataclass(frozen=True)
class HopeAdded:
    item: HopeView | None
    refusal: HopeRefusal | None
    count: int  # items in the box now


async def add_hope(
    svc: Services, client_telegram_id: int, kind: HopeKind, *, text: str | None = None, file_id: str | None = None,
    file_unique_id: str | None = None, size: int | None = None,
) -> HopeAdded:
    """Keep one item; refused (with the reason) when the box is full, the file too big for Telegram to give back,
    or the same photo or text is in it already."""
    text = (text or "").strip() or None
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        rows = list((await session.execute(select(HopeItem).where(HopeItem.client_id == client.id))).scalars())
        duplicate = any(
            (file_unique_id is not None and row.file_unique_id == file_unique_id)
            or (file_id is None and row.file_id is None and row.kind == kind and row.text == text)
            for row in rows
        )
        refusal = rules.hope_refusal(count=len(rows), size=size, duplicate=duplicate,
                                     empty=text is None and file_id is None)
        if refusal is not None:
            return HopeAdded(None, refusal, len(rows))
        row = HopeItem(client_id=client.id, kind=kind, text=text, file_id=file_id, file_unique_id=file_unique_id,
                       created_at=svc.now())
        session.add(row)
        await session.flush()
        view = _hope_view(row)
        await session.commit()
        return HopeAdded(view, None, len(rows) + 1)


async def _own_row(session: AsyncSession, svc: Services, model: type[Owned], row_id: int, client: Person,
                   forged: str) -> Owned:
    """A row of the client's own (a hoopbox item, a trusted person): gone is NotFound (a double tap), someone
    else's id is a forged button (audited, NotAllowed)."""
    row = await session.get(model, row_id)
    if row is None:
        raise NotFound("already removed")
    if row.client_id != client.id:
        await refuse_forged(session, svc.now(), forged, client, "not the client's own")
    return row


async def remove_hope(svc: Services, client_telegram_id: int, item_id: int) -> int:
    """Take one item out of the client's own hoopbox; returns how many are left. Someone else's id: NotAllowed."""
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        row = await _own_row(session, svc, HopeItem, item_id, client, "hope.forged")
        await session.delete(row)
        await session.flush()
        left = (await session.execute(
            select(func.count()).select_from(HopeItem).where(HopeItem.client_id == client.id))).scalar_one()
        await session.commit()
        return int(left)


# --- the noodbericht ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustedView:
    id: int
    name: str
    phone: str | None
    in_houvast: bool  # a member of the household who uses Houvast
    consented: bool  # the client agreed that Houvast messages them


@dataclass(frozen=True)
class Candidate:
    """A member of the client's household in Houvast, who could be a trusted person."""

    person_id: int
    name: str


@dataclass(frozen=True)
class SosSetup:
    text: str | None  # the noodbericht's own text; None: the first example is used
    trusted: tuple[TrustedView, ...]
    candidates: tuple[Candidate, ...]
    own_home_plan: bool  # the client has a thuisplan: nobody in the household gets a message from Houvast
    code_word: str | None  # from the thuisplan, to offer as the text

    def candidate(self, person_id: int) -> Candidate | None:
        return next((c for c in self.candidates if c.person_id == person_id), None)

    @property
    def full(self) -> bool:
        return len(self.trusted) >= rules.MAX_TRUSTED


def _is_member(client: Person, other: Person | None) -> bool:
    return (other is not None and other.id != client.id and other.role == Role.CLIENT and other.active
            and client.household_id is not None and other.household_id == client.household_id)


async def _trusted(session: AsyncSession, client: Person) -> list[tuple[TrustedPerson, Person | None]]:
    rows = list((await session.execute(
        select(TrustedPerson).where(TrustedPerson.client_id == client.id).order_by(TrustedPerson.id))).scalars())
    return [(row, await session.get(Person, row.person_id) if row.person_id else None) for row in rows]


def _trusted_view(row: TrustedPerson, member: Person | None, client: Person) -> TrustedView:
    in_houvast = _is_member(client, member)
    name = first_name(member.name) if member is not None else (row.name or "?")
    return TrustedView(row.id, name, row.phone, in_houvast, in_houvast and row.consented_at is not None)


async def sos_setup(svc: Services, client_telegram_id: int) -> SosSetup:
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        setting = await session.get(EmergencySetting, client.id)
        trusted = await _trusted(session, client)
        chosen = {row.person_id for row, _ in trusted if row.person_id}
        candidates: list[Candidate] = []
        if client.household_id is not None:
            members = (await session.execute(
                select(Person).where(Person.household_id == client.household_id, Person.role == Role.CLIENT,
                                     Person.active, Person.onboarded, Person.id != client.id).order_by(Person.id)
            )).scalars()
            candidates = [Candidate(m.id, first_name(m.name)) for m in members if m.id not in chosen]
        home_doc = await _latest_doc(session, client.id, Tool.HOME)
        own_home = await _own_home_plan(session, client)
        code = rules.to_home_plan(home_doc, "").code_word if home_doc else None
        return SosSetup(setting.text if setting else None,
                        tuple(_trusted_view(row, member, client) for row, member in trusted),
                        tuple(candidates), bool(own_home), code)


class Refused(ValueError):
    """A noodbericht setting we cannot take: 'full', 'empty', 'too_long', 'not_member'."""


async def set_sos_text(svc: Services, client_telegram_id: int, text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise Refused("empty")
    if len(text) > rules.MAX_SOS_TEXT:
        raise Refused("too_long")
    now = svc.now()
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        row = await session.get(EmergencySetting, client.id)
        if row is None:
            session.add(EmergencySetting(client_id=client.id, text=text, updated_at=now))
        else:
            row.text, row.updated_at = text, now
        await session.commit()
    return text


async def add_trusted(svc: Services, client_telegram_id: int, *, name: str, phone: str | None) -> TrustedView:
    """Someone outside Houvast: they get a ready message the client forwards."""
    name = " ".join(name.split())[:100]
    if not name:
        raise Refused("empty")
    now = svc.now()
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        if len(await _trusted(session, client)) >= rules.MAX_TRUSTED:
            raise Refused("full")
        row = TrustedPerson(client_id=client.id, name=name, phone=phone, created_at=now)
        session.add(row)
        await session.flush()
        audit(session, at=now, action="sos.trusted_added", actor=client, subject=client)
        view = _trusted_view(row, None, client)
        await session.commit()
        return view


async def add_trusted_member(svc: Services, client_telegram_id: int, person_id: int, *, consent: bool) -> TrustedView:
    """A member of the client's household in Houvast. `consent`: the client agrees that Houvast messages them
    (still never while someone in the household has a thuisplan, see bot/domain/safetyplans.route)."""
    now = svc.now()
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        member = await session.get(Person, person_id)
        if not _is_member(client, member):
            audit(session, at=now, action="sos.forged", actor=client, outcome="denied")
            await session.commit()
            raise NotAllowed("not a member of this household")
        trusted = await _trusted(session, client)
        existing = next((row for row, _ in trusted if row.person_id == person_id), None)
        if existing is None and len(trusted) >= rules.MAX_TRUSTED:
            raise Refused("full")
        row = existing or TrustedPerson(client_id=client.id, person_id=member.id, created_at=now)
        row.consented_at = now if consent else None
        if existing is None:
            session.add(row)
        await session.flush()
        audit(session, at=now, action="sos.consent" if consent else "sos.trusted_added", actor=client, subject=client)
        view = _trusted_view(row, member, client)
        await session.commit()
        return view


async def remove_trusted(svc: Services, client_telegram_id: int, trusted_id: int) -> None:
    now = svc.now()
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        row = await _own_row(session, svc, TrustedPerson, trusted_id, client, "sos.forged")
        await session.delete(row)
        audit(session, at=now, action="sos.trusted_removed", actor=client, subject=client)
        await session.commit()


@dataclass(frozen=True)
class SosLine:
    name: str
    route: Route
    state: str  # "sent", "waiting", "failed" (from Houvast), or "share" (the client sends it)
    sent_at: datetime | None = None


@dataclass(frozen=True)
class SosStatus:
    send_id: int
    at: datetime
    text: str
    lines: tuple[SosLine, ...]
    too_soon: bool = False  # this press came within a minute of the last one: nothing new was sent
    next_at: datetime | None = None  # when the next one may go


def _default_text(client: Person, svc: Services) -> str:
    return translator(client.locale, svc.settings.zone).gettext(rules.SOS_TEXTS[0])


async def _status(svc: Services, session: AsyncSession, client: Person, send: EmergencySend,
                  *, too_soon: bool = False) -> SosStatus:
    setting = await session.get(EmergencySetting, client.id)
    deliveries = list((await session.execute(
        select(EmergencyDelivery).where(EmergencyDelivery.send_id == send.id).order_by(EmergencyDelivery.id)
    )).scalars())
    keys = [d.outbox_key for d in deliveries if d.outbox_key]
    rows = {row.dedup_key: row for row in (await session.execute(
        select(OutboxMessage).where(OutboxMessage.dedup_key.in_(keys)))).scalars()} if keys else {}
    t = translator(client.locale, svc.settings.zone)
    lines = []
    for delivery in deliveries:
        person = await session.get(Person, delivery.person_id) if delivery.person_id else None
        name = first_name(person.name) if person else (delivery.name or t.gettext("someone who left Houvast"))
        if delivery.route == Route.SHARE:
            lines.append(SosLine(name, Route.SHARE, "share"))
            continue
        row = rows.get(delivery.outbox_key or "")
        if row is not None and row.sent_at is not None:
            lines.append(SosLine(name, Route.HOUVAST, "sent", row.sent_at))
        elif row is None or row.failed_at is not None:
            lines.append(SosLine(name, Route.HOUVAST, "failed"))  # blocked, left, or withdrawn at send time
        else:
            lines.append(SosLine(name, Route.HOUVAST, "waiting"))
    return SosStatus(send.id, send.at, setting.text if setting else _default_text(client, svc), tuple(lines),
                     too_soon, send.at + rules.SOS_GAP)


async def send_sos(svc: Services, client_telegram_id: int) -> SosStatus:
    """The noodbericht, now: from Houvast to the trusted people in Houvast who may get it, a ready message for the
    others. At most once a minute: a second press within it sends nothing and shows who got the first."""
    now = svc.now()
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        await session.execute(select(Person.id).where(Person.id == client.id).with_for_update())  # one at a time
        last = (await session.execute(
            select(EmergencySend).where(EmergencySend.client_id == client.id)
            .order_by(EmergencySend.at.desc(), EmergencySend.id.desc()).limit(1)
        )).scalar_one_or_none()
        went_to_someone = last is not None and (await session.execute(select(exists().where(
            EmergencyDelivery.send_id == last.id)))).scalar()
        if last is not None and went_to_someone and not rules.may_send(last.at, now):
            # (a press with nobody chosen yet sent nothing: right after choosing someone, it goes)
            status = await _status(svc, session, client, last, too_soon=True)
            await session.commit()
            return status
        home = await _home_plan_in_household(session, client)
        own_home = await _own_home_plan(session, client)
        send = EmergencySend(client_id=client.id, at=now)
        session.add(send)
        await session.flush()
        for row, member in await _trusted(session, client):
            in_houvast = _is_member(client, member)
            consented, reachable = row.consented_at is not None, member is not None and not member.unreachable
            way = rules.route(in_houvast=in_houvast, consented=consented, reachable=reachable,
                              home_plan_in_household=home)
            key = f"sos:{send.id}:{row.id}" if way == Route.HOUVAST else None
            if way == Route.SHARE and in_houvast and consented and not own_home:
                # Blocked Houvast, or someone else in the household has a thuisplan: nothing goes from Houvast,
                # and the client reads the same line either way ("did not get it"), never which it was.
                way, key = Route.HOUVAST, None
            if way == Route.HOUVAST and member is not None and key is not None:
                await outbox.refer(session, dedup_key=key, person=member, kind="sos", about=client,
                                   ref={"send": send.id}, now=now)
            session.add(EmergencyDelivery(send_id=send.id, person_id=member.id if member else None,
                                          name=None if member else row.name, route=way, outbox_key=key))
        audit(session, at=now, action="sos.sent", actor=client, subject=client)
        await session.flush()
        status = await _status(svc, session, client, send)
        await session.commit()
        return status


async def sos_status(svc: Services, client_telegram_id: int, send_id: int) -> SosStatus:
    """Who got this noodbericht of the client's own (someone else's id: NotAllowed)."""
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        send = await session.get(EmergencySend, send_id)
        if send is None or send.client_id != client.id:
            audit(session, at=svc.now(), action="sos.forged", actor=client, outcome="denied")
            await session.commit()
            raise NotAllowed("not your noodbericht")
        return await _status(svc, session, client, send)


SOS_MESSAGE = N_("🆘 An emergency message from {name}, sent with Houvast:\n\n\"{text}\"\n\n"
                 "Is {name} in danger right now? Call 112.")


@renders("sos")
async def _render_sos(
    svc: Services, session: AsyncSession, member: Person, client: Person | None, ref: dict[str, Any]
) -> Rendered | None:
    """Checked again at the moment it goes: the client still agrees, the person is still in the household, and
    nobody in it has a thuisplan. Otherwise it is withdrawn, and the client sees it did not arrive."""
    send = await session.get(EmergencySend, int(ref.get("send", 0)))
    if client is None or send is None or send.client_id != client.id or not client.active:
        return None
    agreed = (await session.execute(select(exists().where(
        TrustedPerson.client_id == client.id, TrustedPerson.person_id == member.id,
        TrustedPerson.consented_at.is_not(None))))).scalar()
    if not agreed or not _is_member(client, member) or await _home_plan_in_household(session, client):
        return None
    setting = await session.get(EmergencySetting, client.id)
    t = translator(member.locale, svc.settings.zone)
    text = setting.text if setting else t.gettext(rules.SOS_TEXTS[0])
    return Rendered(t.gettext(SOS_MESSAGE).format(name=first_name(client.name), text=text))

