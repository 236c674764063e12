"""Check-in by phase: the daily "how are you doing today?", its answer, and the alerts it may cause."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import bulk
from bot.db.models import Person, PhaseCheckin, ToolVersion
from bot.domain import forms
from bot.domain.alerts import Source
from bot.domain.consent import Scope
from bot.domain.plans import Contact, CrisisCard, Phase, PhasePlan
from bot.domain.roles import CareRole, Role
from bot.domain.schedule import Rhythm, next_checkin
from bot.outbox import store as outbox
from bot.services import alerts
from bot.services.alerts import AlertNotice
from bot.services.base import NotAllowed, Services, audit, person_by_telegram
from bot.services.caseload import team_members
from bot.services.consent import granted_scopes
from bot.services.people import PersonView
from bot.services.tools import crisis_contacts, own_card


@dataclass(frozen=True)
class PhaseResult:
    phase: Phase
    plan: PhasePlan | None  # that phase of the client's own signaleringsplan, if there is one
    contacts: tuple[Contact, ...]  # the client's own crisis contacts
    worker_name: str | None
    alerts_allowed: bool  # the client shares alerts with their coordinating worker
    alerted: tuple[str, ...] = ()  # names of the workers told at once (rood)
    card: CrisisCard | None = None  # the client's own crisis card, for its essentials on rood
    notice: AlertNotice | None = None  # rood: who was told, who is away, or whom the client may let know


async def _client(session: AsyncSession, telegram_id: int) -> Person:
    client = await person_by_telegram(session, telegram_id)
    if client is None or client.role != Role.CLIENT or not client.active:
        raise NotAllowed("only a client checks in")
    return client



async def _alert(
    session: AsyncSession, svc: Services, client: Person, worker: Person, phase: Phase, now: datetime, *, standing: bool
) -> None:
    """Orange, when the client asks to let the worker know (red is a rood alert, see bot/services/alerts.py).
    A reference, written when sent; under standing consent a revoke withdraws it, "this once" goes regardless."""
    # One alert per client, worker and day and phase: a second tap the same day does not ring again.
    key = f"alert:{client.id}:{worker.id}:{phase}:{now.astimezone(svc.settings.zone).date()}"
    await outbox.refer(session, dedup_key=key, person=worker, kind="orange", about=client, ref={"phase": str(phase)},
                       scope=Scope.ALERTS if standing else None, now=now)
    audit(session, at=now, action="alert.sent", actor=client, subject=worker, scope=phase)


# The two statements of a green or yellow check-in, built once: an update does not build and key them again.
_NEW_CHECKIN = insert(PhaseCheckin.__table__)
_LATEST_PLAN = (
    select(ToolVersion.content)
    .where(ToolVersion.client_id == bindparam("client_id"), ToolVersion.kind == forms.Tool.PLAN)
    .order_by(ToolVersion.version.desc()).limit(1)
)


async def record_phase(svc: Services, client: int | PersonView, phase: Phase) -> PhaseResult:
    """A check-in by colour. `client` is the Telegram id, or the person a flow already read for this update (then
    green and yellow cost three statements in all: nothing else is needed for their reply). Orange also looks up
    the coordinating worker (to offer "let them know"); red raises a rood alert."""
    now = svc.now()
    async with svc.unit() as session:
        if isinstance(client, PersonView):
            if client.role != Role.CLIENT:
                raise NotAllowed("only a client checks in")
            client_id, name, row = client.id, client.name, None
        else:
            row = await _client(session, client)
            client_id, name = row.id, row.name
        # A plain INSERT, not the ORM's unit of work: nothing in this update reads the row back.
        connection = await session.connection()  # Core: neither statement needs the ORM's result work
        await connection.execute(_NEW_CHECKIN, {"client_id": client_id, "phase": phase, "at": now})
        plan_row = (await connection.execute(_LATEST_PLAN, {"client_id": client_id})).scalar_one_or_none()
        plan = forms.to_plan(json.loads(plan_row), name or "").phase(phase) if plan_row else None
        if phase not in (Phase.ORANGE, Phase.RED):
            await session.commit()
            return PhaseResult(phase, plan, (), None, False)
        if row is None:
            row = await session.get(Person, client_id)
            if row is None or not row.active:
                raise NotAllowed("only a client checks in")
        coordinators = await team_members(session, row.household_id, (CareRole.COORDINATING,))
        coordinator = coordinators[0] if coordinators else None
        allowed = coordinator is not None and Scope.ALERTS in await granted_scopes(session, row.id, coordinator.id)
        notice = None
        if phase == Phase.RED:
            # Red does not wait for working hours: a rood alert to the present coordinating and backup worker
            # who have the client's consent (bot/services/alerts.py).
            notice = await alerts.raise_alert(session, svc, row, Source.CHECKIN)
        contacts = tuple(await crisis_contacts(session, row))
        card = await own_card(session, row) if phase == Phase.RED else None
        await session.commit()
        return PhaseResult(phase, plan, contacts, coordinator.name if coordinator else None, allowed,
                           notice.told if notice else (), card, notice)


async def tell_worker(svc: Services, client_telegram_id: int, phase: Phase, *, this_once: bool) -> str | None:
    """The client asks to let the worker know. Without standing consent only when the client says "this once".
    Returns the worker's name when a message was queued, None when consent is needed first. Orange only:
    red always goes as a rood alert (bot/services/alerts.py)."""
    if phase != Phase.ORANGE:
        raise ValueError(phase)
    now = svc.now()
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        coordinators = await team_members(session, client.household_id, (CareRole.COORDINATING,))
        if not coordinators:
            return None
        worker = coordinators[0]
        standing = Scope.ALERTS in await granted_scopes(session, client.id, worker.id)
        if not standing and not this_once:
            return None
        if this_once:
            audit(session, at=now, action="alert.one_time", actor=client, subject=worker, scope=phase)
        await _alert(session, svc, client, worker, phase, now, standing=standing)
        await session.commit()
        return worker.name or "?"


async def set_rhythm(
    svc: Services, client_telegram_id: int, *, rhythm: Rhythm | None = None, at: time | None = None
) -> tuple[Rhythm, time | None, datetime | None]:
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        if rhythm is not None:
            client.checkin_rhythm = rhythm
        if at is not None:
            client.checkin_time = at
        client.next_checkin_at = schedule_for(svc, client)
        result = (Rhythm(client.checkin_rhythm), client.checkin_time, client.next_checkin_at)
        await session.commit()
        return result


def schedule_for(svc: Services, person: Person) -> datetime | None:
    if person.checkin_time is None:
        return None
    return next_checkin(
        person.checkin_time, person.checkin_rhythm or Rhythm.DAILY, now=svc.now(), zone=svc.settings.zone
    )


async def queue_due_prompts(svc: Services, *, batch: int = 500) -> int:
    """The tick's part: one indexed query for prompts that are due, in batches; each gets its next time. The
    prompts of a batch are queued together (one look for existing keys, one insert)."""
    now = svc.now()
    queued = 0
    while True:
        async with svc.unit() as session:
            # The columns the rule needs, not whole people: names and other encrypted fields stay unread.
            due = (await session.execute(
                select(Person.id, Person.chat_id, Person.next_checkin_at, Person.checkin_time, Person.checkin_rhythm,
                       Person.role, Person.active, Person.reminders_paused, Person.deletion_due_at,
                       Person.unreachable)
                .where(Person.next_checkin_at <= now)
                .order_by(Person.next_checkin_at)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )).all()
            prompts = []
            following: dict[int, datetime | None] = {}
            for person in due:
                slot = person.next_checkin_at
                following[person.id] = (
                    next_checkin(
                        person.checkin_time or time(10),
                        person.checkin_rhythm or Rhythm.DAILY,
                        now=now,
                        zone=svc.settings.zone,
                    )
                    if person.checkin_time
                    else None
                )
                skip = (
                    person.role != Role.CLIENT or not person.active or person.reminders_paused
                    or person.deletion_due_at is not None or person.unreachable
                )  # a slot missed while the bot was down still gets one prompt, never a pile of them
                if skip:
                    continue
                prompts.append(outbox.Reference(
                    f"checkin:{person.id}:{slot.isoformat() if slot else now.isoformat()}", person, "checkin"))
            await bulk.set_column(session, Person.next_checkin_at, following)  # one statement, not one per person
            queued += await outbox.refer_many(session, prompts, now=now)
            await session.commit()
        if len(due) < batch:
            return queued


async def history(svc: Services, client_telegram_id: int, *, days: int = 28) -> list[tuple[datetime, Phase]]:
    since = svc.now() - timedelta(days=days)
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        rows = await session.execute(
            select(PhaseCheckin.at, PhaseCheckin.phase)
            .where(PhaseCheckin.client_id == client.id, PhaseCheckin.at >= since)
            .order_by(PhaseCheckin.at)
        )
        return [(at, Phase(phase)) for at, phase in rows.all()]


async def safety_contacts(svc: Services, telegram_id: int) -> tuple[Contact, ...] | None:
    """The client's own crisis contacts for the safety message; None for someone who is not a client."""
    async with svc.unit() as session:
        person = await person_by_telegram(session, telegram_id)
        if person is None or person.role != Role.CLIENT:
            return None
        return tuple(await crisis_contacts(session, person))
