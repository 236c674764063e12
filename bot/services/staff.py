"""Staff changes: a worker who leaves hands their households over; their history stays."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CareTeamMember, Invite, OutboxMessage, Person
from bot.domain.roles import CareRole, Role
from bot.outbox import store as outbox
from bot.services.base import NotAllowed, NotFound, Services, acting_admin, audit, person_by_telegram


async def deactivate_worker(svc: Services, worker_telegram_id: int, *, by_telegram_id: int | None = None) -> list[int]:
    """The worker can no longer use Houvast or see anything; returns the ids of the households that changed.

    Per household the worker coordinated, the backup worker takes over; without a backup the household keeps
    no coordinating worker and every active admin is asked to find one. All of the worker's care-team places
    go. Tool versions they saved and the audit trail stay (they name the worker by pseudonym only).
    by_telegram_id None means the operator's command line; otherwise it must be an active admin.
    """
    now = svc.now()
    async with svc.unit() as session:
        actor, allowed = await acting_admin(session, by_telegram_id)
        if not allowed:
            raise NotAllowed("only an admin deactivates a worker")
        worker = await person_by_telegram(session, worker_telegram_id)
        if worker is None or worker.role != Role.WORKER:
            raise NotFound("worker")
        places = list(
            (
                await session.execute(
                    select(CareTeamMember)
                    .where(CareTeamMember.worker_id == worker.id)
                    .order_by(CareTeamMember.household_id)
                )
            ).scalars()
        )
        admins: list[Person] | None = None
        for place in places:
            if place.role == CareRole.COORDINATING and not await _hand_over(session, now, actor, worker, place):
                if admins is None:
                    admins = list((await session.execute(
                        select(Person).where(Person.role == Role.ADMIN, Person.active.is_(True)).order_by(Person.id)
                    )).scalars())
                await _ask_admins(session, svc, now, admins, worker, place.household_id)
        await _cut_off(session, now, worker)
        if worker.active:
            worker.active, worker.deactivated_at = False, now
            audit(session, at=now, action="worker.deactivated", actor=actor, subject=worker)
        await session.commit()
        return sorted({place.household_id for place in places})


async def _hand_over(
    session: AsyncSession, now: datetime, actor: Person | None, worker: Person, place: CareTeamMember
) -> bool:
    """The household's active backup worker becomes its coordinating worker; False when it has none (then the
    place is audited as vacant)."""
    backup = (
        await session.execute(
            select(CareTeamMember)
            .join(Person, Person.id == CareTeamMember.worker_id)
            .where(
                CareTeamMember.household_id == place.household_id,
                CareTeamMember.role == CareRole.BACKUP,
                CareTeamMember.worker_id != worker.id,
                Person.active.is_(True),
            )
            .order_by(CareTeamMember.since, CareTeamMember.id)
            .limit(1)
        )
    ).scalar_one_or_none()
    scope = f"household:{place.household_id}"
    if backup is None:
        audit(session, at=now, action="care_team.vacant", actor=actor, subject=worker, scope=scope)
        return False
    backup.role, backup.since = CareRole.COORDINATING, now
    successor = await session.get(Person, backup.worker_id)
    audit(session, at=now, action="care_team.handover", actor=actor, subject=successor, scope=scope)
    return True


async def _ask_admins(
    session: AsyncSession, svc: Services, now: datetime, admins: list[Person], worker: Person, household_id: int
) -> None:
    """Every active admin is asked to find the household a coordinating worker."""
    for admin in admins:
        await outbox.refer(session, dedup_key=f"no_coordinator:{household_id}:{worker.id}:{admin.id}", person=admin,
                           kind="staff", ref={"household": household_id}, about=None, now=now)


async def _cut_off(session: AsyncSession, now: datetime, worker: Person) -> None:
    """The worker's place in every care team goes, the coordinating place included (the backup's row took
    over); their open nudges climb on to others at once; nothing about clients reaches them any more."""
    from bot.services.nudges import climb_soon

    await climb_soon(session, now, worker_id=worker.id)
    await session.execute(delete(CareTeamMember).where(CareTeamMember.worker_id == worker.id))
    # Unsent messages to them are dropped...
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.person_id == worker.id, OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)
        )
    )
    # ...and client invites they handed out no longer work (they would link a client to nobody).
    open_invites = await session.execute(
        select(Invite).where(Invite.created_by_id == worker.id, Invite.used_at.is_(None), Invite.expires_at > now)
    )
    for invite in open_invites.scalars():
        invite.expires_at = now
