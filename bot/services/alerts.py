"""Rood alerts to the care team: raised by a red check-in, crisis language, a self-scan 1 or "Zorg melden".

The rules are pure (`bot.domain.alerts`); this file finds the team, writes the rows and queues the messages.
A worker's message says what happened and when, never the client's words, and carries "Ik pak het op". The
first worker to press it has it (one atomic UPDATE); the others and the client hear who. Nobody within 30
minutes of working time: `escalate_due` (the tick) tells the procesregisseur that a client needs someone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CareTeamMember, Person, RedAlert, RedAlertDelivery
from bot.domain import alerts as rules
from bot.domain.alerts import Source
from bot.domain.consent import Scope
from bot.domain.ladder import Team
from bot.domain.roles import CareRole, Role
from bot.outbox import store as outbox
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram
from bot.services.consent import granted_scopes
from bot.services.nudges import care_teams, first_name, work_hours


@dataclass(frozen=True)
class AlertNotice:
    """What the client hears about who knows.

    told: first names of the workers who have the alert (now, or already from an open one).
    away: who would have been told but is away.
    ask_name: nobody could be told; the worker the client may let know now ("ja, laat het weten").
    unread_until: outside working hours, from when someone will probably read it.
    """

    told: tuple[str, ...] = ()
    away: tuple[str, ...] = ()
    ask_name: str | None = None
    unread_until: datetime | None = None
    told_ids: tuple[int, ...] = ()  # the workers told, for a message that names them when it is sent


@dataclass(frozen=True)
class TakeResult:
    outcome: str  # "ok" | "already"
    by_name: str  # who has it
    client_name: str
    client_id: int
    by_me: bool = False


async def team_of(session: AsyncSession, svc: Services, client: Person) -> Team:
    if client.household_id is None:
        return Team()
    today = svc.now().astimezone(svc.settings.zone).date()
    return (await care_teams(session, [client.household_id], today)).get(client.household_id, Team())


async def consented(session: AsyncSession, client: Person, team: Team) -> frozenset[int]:
    """The coordinating and backup worker who have the client's consent for alerts."""
    allowed = set()
    for worker_id in {w for w in (team.coordinating, team.backup) if w is not None}:
        if Scope.ALERTS in await granted_scopes(session, client.id, worker_id):
            allowed.add(worker_id)
    return frozenset(allowed)


async def _open_alert(session: AsyncSession, client: Person, now: datetime) -> RedAlert | None:
    row = (await session.execute(
        select(RedAlert).where(RedAlert.client_id == client.id, RedAlert.taken_at.is_(None))
        .order_by(RedAlert.created_at.desc(), RedAlert.id.desc()).limit(1)
    )).scalar_one_or_none()
    return row if row is not None and rules.is_open(row.created_at, False, now) else None


async def _role(session: AsyncSession, client: Person, worker_id: int) -> str:
    role = (
        await session.execute(
            select(CareTeamMember.role).where(
                CareTeamMember.household_id == client.household_id, CareTeamMember.worker_id == worker_id
            )
        )
    ).scalar_one_or_none()
    return role or CareRole.INVOLVED


async def raise_alert(
    session: AsyncSession, svc: Services, client: Person, source: Source, *,
    allowed: frozenset[int] | None = None, peer: Person | None = None,
) -> AlertNotice:
    """In the caller's unit of work: tell the present coordinating and backup worker who are `allowed` (by
    default: who has the client's consent for alerts), at once. An alert of the client that nobody picked up
    yet is reused, so a second signal does not start a second timer; each source still tells each worker once.
    Nobody allowed and present: nothing is written, and the notice says whom the client could let know."""
    now = svc.now()
    team = await team_of(session, svc, client)
    if allowed is None:
        allowed = await consented(session, client, team)
    plan = rules.route(team, allowed)
    names = {w: first_name(await session.get(Person, w)) for w in (*plan.told, *plan.away)}
    away = tuple(names[w] for w in plan.away)
    if not plan.told:
        ask = await session.get(Person, plan.ask_about) if plan.ask_about is not None else None
        audit(session, at=now, action="alert.nobody", subject=client, scope=source)
        return AlertNotice(away=away, ask_name=first_name(ask) if ask else None)
    alert = await _open_alert(session, client, now)
    if alert is None:
        alert = RedAlert(client_id=client.id, source=source, created_at=now,
                         escalate_at=rules.escalate_at(work_hours(svc.settings), now))
        session.add(alert)
        await session.flush()
    delivered = set((await session.execute(
        select(RedAlertDelivery.worker_id).where(RedAlertDelivery.alert_id == alert.id))).scalars())
    standing = await consented(session, client, team)
    for worker_id in plan.told:
        worker = await session.get(Person, worker_id)
        assert worker is not None
        if worker_id not in delivered:
            session.add(RedAlertDelivery(alert_id=alert.id, worker_id=worker_id,
                                         role=await _role(session, client, worker_id), created_at=now))
        # A reference, written when it is sent (bot/outbox/notices.py). Under the client's standing consent
        # for alerts, a revoke withdraws it; told this once ("ja, laat het weten"), it goes regardless.
        if await outbox.refer(
            session, dedup_key=f"red:{alert.id}:{worker_id}:{source}", person=worker, kind="alert", about=client,
            ref={"alert": alert.id, "source": str(source), "at": now.isoformat(), "peer": peer.id if peer else None,
                 "others": [w for w in plan.told if w != worker_id]},
            scope=Scope.ALERTS if worker_id in standing else None, now=now,
        ):
            audit(session, at=now, action="alert.sent", actor=client, subject=worker, scope=source)
    return AlertNotice(tuple(names[w] for w in plan.told), away,
                       unread_until=rules.unread_until(work_hours(svc.settings), now), told_ids=tuple(plan.told))


async def _client(session: AsyncSession, telegram_id: int) -> Person | None:
    person = await person_by_telegram(session, telegram_id)
    if person is None or person.role != Role.CLIENT or not person.active:
        return None
    return person


async def raise_for(svc: Services, client_telegram_id: int, source: Source) -> AlertNotice | None:
    """One unit of work around `raise_alert`; None for anyone who is not an active client."""
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        if client is None:
            return None
        notice = await raise_alert(session, svc, client, source)
        await session.commit()
        return notice


async def allow_once(svc: Services, client_telegram_id: int) -> AlertNotice:
    """The client said "ja, laat het weten" while nobody had consent: the present front-line worker is told,
    this once (audited as such); the standing choices in /privacy stay as they are."""
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        if client is None:
            raise NotAllowed("only a client")
        team = await team_of(session, svc, client)
        target = rules.may_allow_once(team)
        allowed = await consented(session, client, team) | ({target} if target is not None else set())
        if target is not None:
            audit(session, at=svc.now(), action="alert.one_time", actor=client,
                  subject=await session.get(Person, target), scope=Scope.ALERTS)
        notice = await raise_alert(session, svc, client, Source.ASKED, allowed=allowed)
        await session.commit()
        return notice


async def take(svc: Services, worker_telegram_id: int, alert_id: int) -> TakeResult:
    """"Ik pak het op": the first worker wins (one atomic UPDATE); the other workers told and the client hear
    who has it. Only a worker who was told about this alert may press it; anyone else is audited and refused."""
    now = svc.now()
    async with svc.unit() as session:
        worker = await person_by_telegram(session, worker_telegram_id)
        if worker is None or worker.role != Role.WORKER or not worker.active:
            raise NotAllowed("only a worker")
        alert = await session.get(RedAlert, alert_id)
        if alert is None:
            raise NotFound("alert")
        client = await session.get(Person, alert.client_id)
        told = list((await session.execute(
            select(RedAlertDelivery.worker_id).where(RedAlertDelivery.alert_id == alert.id))).scalars())
        if worker.id not in told or client is None:
            audit(session, at=now, action="alert.forged", actor=worker, subject=client, outcome="denied")
            await session.commit()
            raise NotAllowed("not told about this alert")
        # The UPDATE is the first write: a second press waits for the first to commit (SQLite) or for its row
        # lock (PostgreSQL), then finds taken_at set and changes nothing.
        result = await session.execute(
            update(RedAlert).where(RedAlert.id == alert.id, RedAlert.taken_at.is_(None))
            .values(taken_at=now, taken_by_id=worker.id).execution_options(synchronize_session=False)
        )
        by = first_name(worker)
        if result.rowcount != 1:
            await session.refresh(alert)
            taker = await session.get(Person, alert.taken_by_id) if alert.taken_by_id else None
            await session.commit()
            return TakeResult("already", first_name(taker), first_name(client), client.id,
                              by_me=alert.taken_by_id == worker.id)
        audit(session, at=now, action="alert.taken", actor=worker, subject=client)
        for other_id in told:
            if other_id == worker.id:
                continue
            other = await session.get(Person, other_id)
            if other is None:
                continue
            await outbox.refer(
                session, dedup_key=f"red-taken:{alert.id}:{other_id}", person=other, kind="alert_taken", about=client,
                ref={"alert": alert.id}, now=now,
            )
        await outbox.refer(session, dedup_key=f"red-taken-client:{alert.id}", person=client, kind="alert_taken",
                           ref={"alert": alert.id}, about=None, now=now)
        await session.commit()
        return TakeResult("ok", by, first_name(client), client.id, by_me=True)


async def escalate_due(svc: Services, *, batch: int = 100) -> int:
    """The tick's part: alerts nobody picked up within 30 minutes of working time go to the procesregisseur,
    with only the fact that the client needs someone. Each alert escalates once. Returns how many were sent."""
    now = svc.now()
    sent = 0
    while True:
        async with svc.unit() as session:
            rows = list((await session.execute(
                select(RedAlert, Person).join(Person, Person.id == RedAlert.client_id)
                .where(RedAlert.taken_at.is_(None), RedAlert.escalated_at.is_(None), RedAlert.escalate_at <= now)
                .order_by(RedAlert.escalate_at, RedAlert.id).limit(batch)
                .with_for_update(skip_locked=True, of=RedAlert)
            )).all())
            for alert, client in rows:
                alert.escalated_at = now
                team = await team_of(session, svc, client)
                told = list((await session.execute(
                    select(RedAlertDelivery.worker_id).where(RedAlertDelivery.alert_id == alert.id)
                    .order_by(RedAlertDelivery.id))).scalars())
                target_id = rules.escalation_target(team, frozenset(told))
                target = await session.get(Person, target_id) if target_id is not None else None
                if target is None:
                    audit(session, at=now, action="alert.escalated", subject=client, outcome="nobody")
                    continue
                session.add(RedAlertDelivery(alert_id=alert.id, worker_id=target.id, role=CareRole.PROCESREGISSEUR,
                                             created_at=now))
                # Without the client's consent by design: the procesregisseur hears only that someone is needed.
                if await outbox.refer(session, dedup_key=f"red-esc:{alert.id}:{target.id}", person=target,
                                      kind="alert_escalated", about=client, ref={"alert": alert.id, "told": told},
                                      now=now):
                    sent += 1
                audit(session, at=now, action="alert.escalated", subject=client, scope=CareRole.PROCESREGISSEUR)
            await session.commit()
        if len(rows) < batch:
            return sent


# --- what a worker reads, written when it is sent ------------------------------------------------------


async def _still_told(session: AsyncSession, alert_id: int, worker: Person) -> RedAlert | None:
    """The alert, if it still exists and this worker is still on it; else the message is withdrawn."""
    alert = await session.get(RedAlert, alert_id)
    if alert is None or not worker.active:
        return None
    told = (await session.execute(select(RedAlertDelivery.id).where(
        RedAlertDelivery.alert_id == alert.id, RedAlertDelivery.worker_id == worker.id))).first()
    return alert if told is not None else None


@dataclass(frozen=True)
class AlertFacts:
    """A rood alert as a message to a worker says it (conversations/notices/alerts.py): what happened and when,
    never the client's words. `names`: the other workers told, or for an escalation those who were told."""

    alert_id: int
    client_id: int
    source: Source | None
    at: datetime
    names: tuple[str, ...] = ()
    peer: str = "?"
    taken_by: str | None = None


async def _names(session: AsyncSession, ids: list[Any]) -> tuple[str, ...]:
    return tuple([first_name(await session.get(Person, int(w))) for w in ids])


async def alert_facts(session: AsyncSession, worker: Person, client: Person | None, ref: dict[str, Any]
                      ) -> AlertFacts | None:
    """A queued "alert": None when the alert is gone or this worker is no longer on it."""
    alert = await _still_told(session, int(ref["alert"]), worker)
    if alert is None or client is None:
        return None
    peer = await session.get(Person, int(ref["peer"])) if ref.get("peer") else None
    return AlertFacts(alert.id, client.id, Source(ref["source"]), datetime.fromisoformat(ref["at"]),
                      await _names(session, ref.get("others", [])), first_name(peer))


async def escalation_facts(session: AsyncSession, target: Person, client: Person | None, ref: dict[str, Any]
                           ) -> AlertFacts | None:
    """A queued "alert_escalated": None when it was picked up meanwhile (nothing to ask any more)."""
    alert = await _still_told(session, int(ref["alert"]), target)
    if alert is None or client is None or alert.taken_at is not None:
        return None
    return AlertFacts(alert.id, client.id, None, alert.created_at, await _names(session, ref.get("told", [])))


async def taken_facts(session: AsyncSession, recipient: Person, client: Person | None, ref: dict[str, Any]
                      ) -> AlertFacts | None:
    """A queued "alert_taken", to another worker told (`client` set) or to the client themselves."""
    alert = await session.get(RedAlert, int(ref["alert"]))
    if alert is None or alert.taken_by_id is None or (client is None and alert.client_id != recipient.id):
        return None
    taker = await session.get(Person, alert.taken_by_id)
    return AlertFacts(alert.id, alert.client_id, None, alert.taken_at or alert.created_at, taken_by=first_name(taker))
