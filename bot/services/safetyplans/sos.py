"""The noodbericht: up to three trusted people and a short text; one tap sends it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    EmergencyDelivery,
    EmergencySend,
    EmergencySetting,
    OutboxMessage,
    Person,
    TrustedPerson,
)
from bot.domain import safetyplans as rules
from bot.domain.forms import Tool
from bot.domain.peers import first_name
from bot.domain.roles import Role
from bot.domain.safetyplans import Route
from bot.i18n import translator
from bot.outbox import store as outbox
from bot.services.base import (
    NotAllowed,
    Services,
    audit,
)
from bot.services.safetyplans.core import (
    has_own_home_plan,
    home_plan_in_household,
    latest_doc,
    own_client,
    own_row,
)

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
        client = await own_client(session, client_telegram_id)
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
        home_doc = await latest_doc(session, client.id, Tool.HOME)
        own_home = await has_own_home_plan(session, client)
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
        client = await own_client(session, client_telegram_id)
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
        client = await own_client(session, client_telegram_id)
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
        client = await own_client(session, client_telegram_id)
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
        client = await own_client(session, client_telegram_id)
        row = await own_row(session, svc, TrustedPerson, trusted_id, client, "sos.forged")
        await session.delete(row)
        audit(session, at=now, action="sos.trusted_removed", actor=client, subject=client)
        await session.commit()


@dataclass(frozen=True)
class SosLine:
    name: str | None
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
    lines = []
    for delivery in deliveries:
        person = await session.get(Person, delivery.person_id) if delivery.person_id else None
        name = first_name(person.name) if person else delivery.name  # None: the chat says they left Houvast
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
        client = await own_client(session, client_telegram_id)
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
        home = await home_plan_in_household(session, client)
        own_home = await has_own_home_plan(session, client)
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
        client = await own_client(session, client_telegram_id)
        send = await session.get(EmergencySend, send_id)
        if send is None or send.client_id != client.id:
            audit(session, at=svc.now(), action="sos.forged", actor=client, outcome="denied")
            await session.commit()
            raise NotAllowed("not your noodbericht")
        return await _status(svc, session, client, send)


@dataclass(frozen=True)
class SosFacts:
    """A noodbericht as a trusted person reads it (conversations/notices/safety.py): the client's first name and
    their own words (None: the default text)."""

    name: str
    text: str | None


async def sos_facts(session: AsyncSession, member: Person, client: Person | None, ref: dict[str, Any]
                    ) -> SosFacts | None:
    """Checked again at the moment it goes: the client still agrees, the person is still in the household, and
    nobody in it has a thuisplan. Otherwise None: it is withdrawn, and the client sees it did not arrive."""
    send = await session.get(EmergencySend, int(ref.get("send", 0)))
    if client is None or send is None or send.client_id != client.id or not client.active:
        return None
    agreed = (await session.execute(select(exists().where(
        TrustedPerson.client_id == client.id, TrustedPerson.person_id == member.id,
        TrustedPerson.consented_at.is_not(None))))).scalar()
    if not agreed or not _is_member(client, member) or await home_plan_in_household(session, client):
        return None
    setting = await session.get(EmergencySetting, client.id)
    return SosFacts(first_name(client.name), setting.text if setting else None)
