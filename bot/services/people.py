"""People: who is this, onboarding answers, language, pausing reminders."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from bot.db.models import CareTeamMember, Household, Person
from bot.domain.people import clean_name
from bot.domain.roles import CareRole, Role
from bot.services.base import NotFound, Services, audit, new_pseudonym, person_by_telegram

SEEN_RESOLUTION = timedelta(minutes=5)  # "last contact" is shown in days; minutes are plenty


@dataclass(frozen=True)
class PersonView:
    id: int
    telegram_id: int
    role: Role
    name: str | None
    locale: str
    onboarded: bool
    reminders_paused: bool
    checkin_time: time | None
    has_worker: bool


async def _coordinator_id(session: AsyncSession, household_id: int | None) -> int | None:
    if household_id is None:
        return None
    return (
        await session.execute(
            select(CareTeamMember.worker_id).where(
                CareTeamMember.household_id == household_id, CareTeamMember.role == CareRole.COORDINATING
            )
        )
    ).scalar_one_or_none()


def _view(person: Person | Row, has_worker: bool) -> PersonView:
    return PersonView(
        id=person.id,
        telegram_id=person.telegram_id,
        role=Role(person.role),
        name=person.name,
        locale=person.locale,
        onboarded=person.onboarded,
        reminders_paused=person.reminders_paused,
        checkin_time=person.checkin_time,
        has_worker=has_worker,
    )


async def view(session: AsyncSession, person: Person) -> PersonView:
    return _view(person, await _coordinator_id(session, person.household_id) is not None)


# Whether the person's household has a coordinating worker, in the same query as the person.
_HAS_WORKER = (
    select(CareTeamMember.id)
    .where(CareTeamMember.household_id == Person.household_id, CareTeamMember.role == CareRole.COORDINATING)
    .exists()
    .label("has_worker")
)


# Every update reads this: the columns a PersonView needs, not an ORM object, in a statement built once.
_WHOAMI = select(
    Person.id, Person.telegram_id, Person.role, Person.name, Person.locale, Person.onboarded, Person.reminders_paused,
    Person.checkin_time, Person.active, Person.unreachable, Person.last_seen_at, _HAS_WORKER,
).where(Person.telegram_id == bindparam("telegram_id"))


async def whoami(svc: Services, telegram_id: int) -> PersonView | None:
    """The person behind an update, in one query (flows read it once per update: conversations/common.current)."""
    # A Core connection, not a session: a row of columns needs no unit of work and none of the ORM's result work.
    async with svc.engine.connect() as connection:
        row = (await connection.execute(_WHOAMI, {"telegram_id": telegram_id})).first()
        if row is None or not row.active:
            return None
        now = svc.now()
        # Written at most every few minutes and only when something changed: every update reads this row.
        if row.unreachable or row.last_seen_at is None or now - row.last_seen_at >= SEEN_RESOLUTION:
            # They are writing to us: reachable again (they unblocked the bot).
            await connection.execute(update(Person).where(Person.id == row.id)
                                     .values(last_seen_at=now, unreachable=False))
            await connection.commit()
        return _view(row, bool(row.has_worker))


class _Changes:
    """A count of writes to `people` in this process: a view read earlier in an update is reused only while no
    row of `people` changed since (any change, anyone's: cheap to count, never stale)."""

    count = 0


def changes() -> int:
    return _Changes.count


@event.listens_for(Session, "after_flush")
def _people_flushed(session: Session, _flush: UOWTransaction) -> None:
    if any(isinstance(obj, Person) for obj in (*session.new, *session.dirty, *session.deleted)):
        _Changes.count += 1


@event.listens_for(Session, "do_orm_execute")
def _people_updated(state: ORMExecuteState) -> None:
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if (state.is_update or state.is_delete) and table == "people":
        _Changes.count += 1


def new_person(svc: Services, *, telegram_id: int, chat_id: int, role: Role, locale: str) -> Person:
    return Person(
        telegram_id=telegram_id,
        chat_id=chat_id,
        role=role,
        locale=locale,
        pseudonym=new_pseudonym(),
        created_at=svc.now(),
        last_seen_at=svc.now(),
        onboarded=False,
        reminders_paused=False,
        unreachable=False,
        active=True,
    )


async def start_as_client(svc: Services, *, telegram_id: int, chat_id: int, locale: str) -> PersonView:
    """Someone without an invite: a client on their own, self-management only, in a household of their own."""
    async with svc.unit() as session:
        existing = await person_by_telegram(session, telegram_id)
        if existing is not None:
            return await view(session, existing)
        household = Household(created_at=svc.now())
        session.add(household)
        await session.flush()
        person = new_person(svc, telegram_id=telegram_id, chat_id=chat_id, role=Role.CLIENT, locale=locale)
        person.household_id = household.id
        session.add(person)
        await session.flush()
        audit(session, at=svc.now(), action="person.joined", actor=person, subject=person, scope=Role.CLIENT)
        result = await view(session, person)
        await session.commit()
        return result


async def _update(svc: Services, telegram_id: int, **values: object) -> PersonView:
    async with svc.unit() as session:
        person = await person_by_telegram(session, telegram_id)
        if person is None:
            raise NotFound("person")
        for key, value in values.items():
            setattr(person, key, value)
        result = await view(session, person)
        await session.commit()
        return result


async def set_name(svc: Services, telegram_id: int, raw: str) -> PersonView | None:
    """None when the name cannot be used; the flow asks again."""
    name = clean_name(raw)
    if name is None:
        return None
    return await _update(svc, telegram_id, name=name)


async def set_checkin_time(svc: Services, telegram_id: int, at: time | None) -> PersonView:
    """Also plans the first check-in prompt (daily by default), from the database, not an in-memory job."""
    from bot.domain.schedule import next_checkin

    due = next_checkin(at, "daily", now=svc.now(), zone=svc.settings.zone) if at is not None else None
    return await _update(svc, telegram_id, checkin_time=at, next_checkin_at=due)


async def finish_onboarding(svc: Services, telegram_id: int) -> PersonView:
    return await _update(svc, telegram_id, onboarded=True)


async def set_locale(svc: Services, telegram_id: int, locale: str) -> PersonView:
    if locale not in ("nl", "en"):
        raise ValueError(locale)
    return await _update(svc, telegram_id, locale=locale)


async def set_reminders_paused(svc: Services, telegram_id: int, paused: bool) -> PersonView:
    return await _update(svc, telegram_id, reminders_paused=paused)


@dataclass(frozen=True)
class HouseholdSummary:
    household_id: int
    member_names: tuple[str, ...]


async def coordinated_households(svc: Services, worker_telegram_id: int) -> list[HouseholdSummary]:
    """The households a worker coordinates, with their members' names (the worker's own caseload only)."""
    async with svc.unit() as session:
        worker = await person_by_telegram(session, worker_telegram_id)
        if worker is None or worker.role != Role.WORKER:
            return []
        rows = (
            await session.execute(
                select(CareTeamMember.household_id, Person.name)
                .join(Person, Person.household_id == CareTeamMember.household_id)
                .where(CareTeamMember.worker_id == worker.id, CareTeamMember.role == CareRole.COORDINATING)
                .where(Person.role == Role.CLIENT, Person.active.is_(True))
                .order_by(CareTeamMember.household_id, Person.id)
            )
        ).all()
    grouped: dict[int, list[str]] = {}
    for household_id, name in rows:
        grouped.setdefault(household_id, []).append(name or "?")
    return [HouseholdSummary(hid, tuple(names)) for hid, names in grouped.items()]
