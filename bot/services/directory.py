"""For the operator's command line: who is who, so `handover` and `deactivate-worker` can be given the right
ids. Ids, first names and roles only: no plans, no check-ins, no contact details. Each listing is audited."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.db.models import CareTeamMember, Household, Person
from bot.domain.roles import Role
from bot.services.base import Services, audit


@dataclass(frozen=True)
class StaffRow:
    telegram_id: int
    first_name: str
    role: str
    active: bool
    coordinating: tuple[int, ...]  # households this worker coordinates


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    closed: bool
    members: tuple[str, ...]  # the clients' first names
    team: tuple[tuple[str, str, int], ...]  # (first name, care role, Telegram id) of each worker


def first_name(name: str | None) -> str:
    parts = (name or "").split()
    return parts[0] if parts else "?"


async def staff(svc: Services) -> list[StaffRow]:
    """Workers, peer experts and admins, by role and Telegram id."""
    async with svc.unit() as session:
        people = list(
            (await session.execute(
                select(Person).where(Person.role != Role.CLIENT).order_by(Person.role, Person.telegram_id)
            )).scalars()
        )
        places = (await session.execute(
            select(CareTeamMember.worker_id, CareTeamMember.household_id)
            .where(CareTeamMember.role == "coordinating").order_by(CareTeamMember.household_id)
        )).all()
        audit(session, at=svc.now(), action="cli_list_staff")
        await session.commit()
    coordinating: dict[int, list[int]] = {}
    for worker_id, household_id in places:
        coordinating.setdefault(worker_id, []).append(household_id)
    return [
        StaffRow(p.telegram_id, first_name(p.name), p.role, p.active, tuple(coordinating.get(p.id, ())))
        for p in people
    ]


async def households(svc: Services, *, worker_telegram_id: int | None = None) -> list[HouseholdRow]:
    """Every household (or those where this worker is in the care team), with its members and care team."""
    async with svc.unit() as session:
        chosen = select(Household.id)
        if worker_telegram_id is not None:
            chosen = chosen.where(Household.id.in_(
                select(CareTeamMember.household_id).join(Person, Person.id == CareTeamMember.worker_id)
                .where(Person.telegram_id == worker_telegram_id)
            ))
        # Subqueries, not lists of ids: a region's hundred thousand households stay one query each.
        found = list((await session.execute(
            select(Household).where(Household.id.in_(chosen)).order_by(Household.id)
        )).scalars())
        members = (await session.execute(
            select(Person.household_id, Person.name)
            .where(Person.household_id.in_(chosen), Person.role == Role.CLIENT).order_by(Person.id)
        )).all()
        team = (await session.execute(
            select(CareTeamMember.household_id, Person.name, CareTeamMember.role, Person.telegram_id)
            .join(Person, Person.id == CareTeamMember.worker_id)
            .where(CareTeamMember.household_id.in_(chosen)).order_by(CareTeamMember.id)
        )).all()
        audit(session, at=svc.now(), action="cli_list_households")
        await session.commit()
    names: dict[int, list[str]] = {}
    for household_id, name in members:
        names.setdefault(household_id, []).append(first_name(name))
    teams: dict[int, list[tuple[str, str, int]]] = {}
    for household_id, name, role, telegram_id in team:
        teams.setdefault(household_id, []).append((first_name(name), role, telegram_id))
    return [
        HouseholdRow(h.id, h.closed_at is not None, tuple(names.get(h.id, ())), tuple(teams.get(h.id, ())))
        for h in found
    ]


async def household_exists(svc: Services, household_id: int) -> bool:
    async with svc.unit() as session:
        return await session.get(Household, household_id) is not None
