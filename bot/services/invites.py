"""Invites: a worker invites a client, `houvast invite` invites workers, peer experts and admins."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CareTeamMember, Household, Invite, InviteAttempt, Person
from bot.domain import invites as rules
from bot.domain.roles import CareRole, Role
from bot.services.base import NotAllowed, Services, audit, person_by_telegram
from bot.services.caseload import has_place
from bot.services.people import PersonView, new_person, view


@dataclass(frozen=True)
class InviteCreated:
    code: str
    link: str
    role: Role
    expires_at: datetime


@dataclass(frozen=True)
class Redeemed:
    """outcome: ok, linked, unknown, used, expired, guessing, already_linked, wrong_role."""

    outcome: str
    person: PersonView | None = None
    worker_name: str | None = None


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


async def create_invite(
    svc: Services, *, role: Role, by_telegram_id: int | None = None, household_id: int | None = None
) -> InviteCreated:
    """by_telegram_id None means the operator's command line. A client invite needs a worker as its creator."""
    now = svc.now()
    async with svc.unit() as session:
        creator = await person_by_telegram(session, by_telegram_id) if by_telegram_id is not None else None
        if by_telegram_id is not None and (creator is None or not creator.active):
            raise NotAllowed("unknown creator")
        if role == Role.CLIENT:
            if creator is None or creator.role != Role.WORKER:
                raise NotAllowed("only a worker invites clients")
            coordinating = household_id is not None and await has_place(
                session, household_id, creator.id, CareRole.COORDINATING
            )
            if household_id is not None and not coordinating:
                audit(session, at=now, action="invite.forged_household", actor=creator, outcome="denied")
                await session.commit()
                raise NotAllowed("not this worker's household")
        elif creator is not None and creator.role != Role.ADMIN:
            raise NotAllowed("only an admin invites staff in the chat")
        code = rules.new_code()
        expires = now + timedelta(days=svc.settings.invite_days)
        session.add(
            Invite(
                token_hash=rules.hash_code(code),
                role=role,
                created_by_id=creator.id if creator else None,
                household_id=household_id,
                created_at=now,
                expires_at=expires,
            )
        )
        audit(session, at=now, action="invite.created", actor=creator, scope=role)
        await session.commit()
    return InviteCreated(code, deep_link(svc.settings.bot_username, code), role, expires)


async def _wrong_attempts(session: AsyncSession, telegram_id: int) -> list[datetime]:
    rows = await session.execute(select(InviteAttempt.at).where(InviteAttempt.telegram_id == telegram_id))
    return list(rows.scalars())


async def redeem_invite(
    svc: Services, *, code: str, telegram_id: int, chat_id: int, locale: str
) -> Redeemed:
    now = svc.now()
    async with svc.unit() as session:
        person = await person_by_telegram(session, telegram_id)
        if rules.is_guessing(await _wrong_attempts(session, telegram_id), now):
            audit(session, at=now, action="invite.guessing", actor=person, outcome="denied")
            await session.commit()
            return Redeemed("guessing")
        invite = (
            await session.execute(
                select(Invite).where(Invite.token_hash == rules.hash_code(code)).with_for_update()
            )
        ).scalar_one_or_none()
        state = rules.InviteState(invite.expires_at, invite.used_at) if invite else None
        problem = rules.why_unusable(state, now)
        if problem is not None or invite is None:
            session.add(InviteAttempt(telegram_id=telegram_id, at=now))
            audit(session, at=now, action="invite.rejected", actor=person, scope=problem, outcome="denied")
            await session.commit()
            return Redeemed(problem or "unknown")
        role = Role(invite.role)
        if person is not None and person.role != role:
            await session.commit()
            return Redeemed("wrong_role", await view(session, person))
        outcome = "ok"
        if person is None:
            person = new_person(svc, telegram_id=telegram_id, chat_id=chat_id, role=role, locale=locale)
            session.add(person)
            await session.flush()
            audit(session, at=now, action="person.joined", actor=person, subject=person, scope=role)
        elif role != Role.CLIENT:
            await session.commit()
            return Redeemed("already_linked", await view(session, person))
        worker_name = None
        if role == Role.CLIENT:
            result = await _link_client(session, person, invite, now)
            if result == "already_linked":
                await session.commit()
                return Redeemed("already_linked", await view(session, person))
            outcome = "linked" if person.onboarded else "ok"
            worker = await session.get(Person, invite.created_by_id) if invite.created_by_id else None
            worker_name = worker.name if worker else None
            audit(session, at=now, action="worker.linked", actor=person, subject=worker)
        invite.used_at = now
        invite.used_by_id = person.id
        result_view = await view(session, person)
        await session.commit()
        return Redeemed(outcome, result_view, worker_name)


async def _link_client(session: AsyncSession, client: Person, invite: Invite, now: datetime) -> str:
    """Put the client in the invite's household, or give the client's household its coordinating worker."""
    if invite.household_id is not None:
        client.household_id = invite.household_id
        return "ok"
    if client.household_id is not None:
        has_worker = (
            await session.execute(
                select(CareTeamMember.id).where(
                    CareTeamMember.household_id == client.household_id,
                    CareTeamMember.role == CareRole.COORDINATING,
                )
            )
        ).first()
        if has_worker:
            return "already_linked"
        household_id = client.household_id
        household = await session.get(Household, household_id)
        if household is not None:
            household.closed_at = None  # a closed traject that gets a worker again is open again
    else:
        household = Household(created_at=now)
        session.add(household)
        await session.flush()
        household_id = household.id
        client.household_id = household_id
    if invite.created_by_id is not None:
        session.add(
            CareTeamMember(
                household_id=household_id, worker_id=invite.created_by_id, role=CareRole.COORDINATING, since=now
            )
        )
        from bot.services.nudges import climb_soon

        await climb_soon(session, now, households=[household_id])
    return "ok"
