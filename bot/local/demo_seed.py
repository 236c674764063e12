"""The demo people, created on the first start of `houvast demo`: a client with their coordinating worker,
a peer expert and an admin. Their Telegram ids are small numbers only the local Bot API uses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy import select

from bot.db.models import CareTeamMember, Household, PeerProfile, Person
from bot.domain.peers import Theme
from bot.domain.roles import CareRole, Role
from bot.domain.schedule import Rhythm, next_checkin
from bot.i18n import N_, translator
from bot.services.base import Services, new_pseudonym


@dataclass(frozen=True)
class DemoPerson:
    key: str
    telegram_id: int
    name: str
    role: Role


# The demo peer expert's own words, through the catalog like every text a person reads.
DEMO_STORY = N_("I had big debts and I drank too much. With help I found my way back. Now I like to help others.")
DEMO_AVAILABILITY = N_("Weekdays after 14:00")

DEMO_PEOPLE = (
    DemoPerson("sam", 1001, "Sam", Role.CLIENT),
    DemoPerson("anna", 1002, "Anna", Role.WORKER),
    DemoPerson("joost", 1003, "Joost", Role.PEER),
    DemoPerson("ada", 1004, "Ada", Role.ADMIN),
    DemoPerson("bram", 1005, "Bram", Role.WORKER),  # the backup worker of Sam's household: the ladder's next step
)


async def seed_demo(svc: Services) -> None:
    """Idempotent: only adds the demo people that are not there yet."""
    now = svc.now()
    async with svc.unit() as session:
        existing = set((await session.execute(select(Person.telegram_id))).scalars())
        added: dict[str, Person] = {}
        for demo in DEMO_PEOPLE:
            if demo.telegram_id in existing:
                continue
            person = Person(
                telegram_id=demo.telegram_id, chat_id=demo.telegram_id, role=demo.role, name=demo.name,
                locale=svc.settings.default_language, pseudonym=new_pseudonym(), created_at=now,
                onboarded=True, reminders_paused=False, unreachable=False, active=True,
                checkin_time=time(10, 0) if demo.role == Role.CLIENT else None,
            )
            if demo.role == Role.CLIENT:
                person.next_checkin_at = next_checkin(time(10, 0), Rhythm.DAILY, now=now, zone=svc.settings.zone)
            session.add(person)
            added[demo.key] = person
        if "joost" in added:
            await session.flush()
            t = translator(svc.settings.default_language, svc.settings.zone)
            session.add(PeerProfile(
                person_id=added["joost"].id, story=t.gettext(DEMO_STORY), availability=t.gettext(DEMO_AVAILABILITY),
                themes=",".join((Theme.DEBTS, Theme.ADDICTION, Theme.MENTAL_HEALTH)), max_peers=3, suspended=False,
            ))
        if "sam" in added and "anna" in added:
            household = Household(created_at=now)
            session.add(household)
            await session.flush()
            added["sam"].household_id = household.id
            session.add(
                CareTeamMember(
                    household_id=household.id, worker_id=added["anna"].id, role=CareRole.COORDINATING, since=now
                )
            )
            if "bram" in added:
                await session.flush()
                session.add(
                    CareTeamMember(
                        household_id=household.id, worker_id=added["bram"].id, role=CareRole.BACKUP, since=now
                    )
                )
        await session.commit()
