"""The client's side of a crisis: the help to show, the signal to keep, and the rood alert to raise.

Crisis language (`crisis_language`) and a self-scan answer of 1 (`acute_scan`) both lead here. The signal
kept is the kind and the moment, never the words. Texts are rendered by the flow (bot/render/text.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CareTeamMember, CrisisSignal, Person
from bot.domain.alerts import Source
from bot.domain.crisis import CrisisKind
from bot.domain.plans import Contact
from bot.domain.roles import CareRole, Role
from bot.services import alerts
from bot.services.alerts import AlertNotice
from bot.services.base import Services, audit, person_by_telegram
from bot.services.nudges import first_name
from bot.services.tools import crisis_contacts


@dataclass(frozen=True)
class CrisisHelp:
    contacts: tuple[Contact, ...]  # the client's own crisis contacts, shown first
    worker_name: str | None  # the coordinating worker's first name (harm to others: "talk to {worker}")
    notice: AlertNotice | None = None  # who was told; None when nothing was raised this time


async def _worker_name(session: AsyncSession, client: Person) -> str | None:
    if client.household_id is None:
        return None
    worker = (await session.execute(
        select(Person).join(CareTeamMember, CareTeamMember.worker_id == Person.id)
        .where(CareTeamMember.household_id == client.household_id, CareTeamMember.role == CareRole.COORDINATING,
               Person.active).limit(1)
    )).scalar_one_or_none()
    return first_name(worker) if worker else None


async def _help(session: AsyncSession, client: Person, notice: AlertNotice | None) -> CrisisHelp:
    return CrisisHelp(tuple(await crisis_contacts(session, client)), await _worker_name(session, client), notice)


async def crisis_language(svc: Services, telegram_id: int, kind: CrisisKind, *, full: bool) -> CrisisHelp | None:
    """Crisis language from this person. None for workers, peer experts and admins: they write about clients,
    and only a client's own words bring the safety message. Someone without an account yet (before /start)
    gets the general help, and nothing is stored.
    `full`: the first hit in a while (see bot.domain.safety): the signal is kept and a rood alert raised.
    Otherwise only the contacts for the short line."""
    now = svc.now()
    async with svc.unit() as session:
        client = await person_by_telegram(session, telegram_id)
        if client is None:
            return CrisisHelp((), None)
        if client.role != Role.CLIENT:
            return None
        notice = None
        if full:
            session.add(CrisisSignal(client_id=client.id, kind=kind, at=now))
            audit(session, at=now, action="crisis.language", actor=client, subject=client, scope=kind)
            if client.active and client.onboarded:
                notice = await alerts.raise_alert(session, svc, client, Source.CRISIS)
        help_ = await _help(session, client, notice)
        await session.commit()
        return help_


async def acute_scan(svc: Services, telegram_id: int) -> CrisisHelp | None:
    """A self-scan answer of 1 ("acuut probleem: ik heb nu hulp nodig"): the same help path as crisis language."""
    now = svc.now()
    async with svc.unit() as session:
        client = await person_by_telegram(session, telegram_id)
        if client is None or client.role != Role.CLIENT or not client.active:
            return None
        audit(session, at=now, action="crisis.scan", actor=client, subject=client)
        notice = await alerts.raise_alert(session, svc, client, Source.SCAN)
        help_ = await _help(session, client, notice)
        await session.commit()
        return help_
