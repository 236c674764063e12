"""What every service needs: sessions, the clock and the settings, bundled once at start-up."""
from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.db.models import AuditEntry, Consent, Person
from bot.domain.consent import Scope
from bot.domain.roles import Role


class NotAllowed(Exception):
    """The person asking may not do this (a forged button, someone else's data). Audited where raised."""


class NotFound(Exception):
    """The thing asked for does not exist (any more)."""


@dataclass
class Services:
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    settings: Settings

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """Today where the people are (Europe/Amsterdam by default), from the injected clock."""
        return self.now().astimezone(self.settings.zone).date()

    @property
    def engine(self) -> AsyncEngine:
        return self.sessions.kw["bind"]

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commit is explicit; leaving without commit rolls back."""
        async with self.sessions() as session:
            try:
                yield session
            except BaseException:
                await session.rollback()
                raise


def new_pseudonym() -> str:
    return secrets.token_hex(8)


def audit(
    session: AsyncSession,
    *,
    at: datetime,
    action: str,
    actor: Person | None = None,
    subject: Person | None = None,
    scope: str | None = None,
    outcome: str = "ok",
) -> None:
    """Add an audit row to the open unit of work; it commits with the change it describes."""
    session.add(
        AuditEntry(
            at=at,
            actor=actor.pseudonym if actor else None,
            actor_role=actor.role if actor else None,
            subject=subject.pseudonym if subject else None,
            action=action,
            scope=scope,
            outcome=outcome,
        )
    )


async def refuse_forged(session: AsyncSession, at: datetime, action: str, actor: Person | None, why: str) -> NoReturn:
    """A button that is not this person's (a forged or someone else's id): audited as denied, then NotAllowed."""
    audit(session, at=at, action=action, actor=actor, outcome="denied")
    await session.commit()
    raise NotAllowed(why)


async def viewer_and_subject(
    session: AsyncSession, viewer_telegram_id: int, client_id: int | None
) -> tuple[Person, Person | None]:
    """Who looks (an active person, else NotAllowed) and at whom: themselves when `client_id` is None, else that
    person if there is one. Whether the subject is a client the viewer may see is the caller's rule."""
    viewer = await person_by_telegram(session, viewer_telegram_id)
    if viewer is None or not viewer.active:
        raise NotAllowed("unknown viewer")
    return viewer, viewer if client_id is None else await session.get(Person, client_id)


async def person_by_telegram(session: AsyncSession, telegram_id: int) -> Person | None:
    return (await session.execute(select(Person).where(Person.telegram_id == telegram_id))).scalar_one_or_none()


async def acting_admin(session: AsyncSession, by_telegram_id: int | None) -> tuple[Person | None, bool]:
    """Who does an admin's task, and whether they may: the operator's command line (no Telegram id: None,
    True), or the person with that id, allowed only as an active admin."""
    if by_telegram_id is None:
        return None, True
    actor = await person_by_telegram(session, by_telegram_id)
    return actor, actor is not None and actor.role == Role.ADMIN and actor.active


async def granted_scopes(session: AsyncSession, client_id: int, viewer_id: int) -> frozenset[Scope]:
    """What the client ticked for this viewer. Here, below every service, so the outbox can check it again at
    send time without importing a service (bot/services/consent.py is where consent is changed)."""
    rows = await session.execute(
        select(Consent.scope).where(Consent.client_id == client_id, Consent.viewer_id == viewer_id, Consent.granted)
    )
    return frozenset(Scope(scope) for scope in rows.scalars())
