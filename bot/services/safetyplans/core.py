"""What the safety plans, the hoopbox and the noodbericht share: the acting client, their newest saved plan,
a row of their own, and whether a thuisplan exists in the household."""
from __future__ import annotations

import json
from typing import Any, TypeVar

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    HopeItem,
    Person,
    ToolDraft,
    ToolVersion,
    TrustedPerson,
)
from bot.domain.forms import Tool
from bot.domain.roles import Role
from bot.services.base import (
    NotAllowed,
    NotFound,
    Services,
    person_by_telegram,
    refuse_forged,
)

Owned = TypeVar("Owned", HopeItem, TrustedPerson)
MAX_OFFERS = 8  # per step: a keyboard stays short enough to read on a phone


async def own_client(session: AsyncSession, telegram_id: int) -> Person:
    person = await person_by_telegram(session, telegram_id)
    if person is None or person.role != Role.CLIENT or not person.active:
        raise NotAllowed("only a client keeps a safety plan")
    return person


async def latest_doc(session: AsyncSession, client_id: int, tool: Tool) -> dict[str, Any] | None:
    row = (await session.execute(
        select(ToolVersion.content).where(ToolVersion.client_id == client_id, ToolVersion.kind == tool)
        .order_by(ToolVersion.version.desc()).limit(1)
    )).scalar_one_or_none()
    return json.loads(row) if row else None

async def home_plan_in_household(session: AsyncSession, person: Person) -> bool:
    """Does anyone in this person's household (themselves included) have a thuisplan, saved or being made?"""
    members = select(Person.id).where(
        Person.household_id == person.household_id) if person.household_id is not None else select(
        Person.id).where(Person.id == person.id)
    saved = exists().where(ToolVersion.client_id.in_(members), ToolVersion.kind == Tool.HOME)
    draft = exists().where(ToolDraft.client_id.in_(members), ToolDraft.kind == Tool.HOME)
    return bool((await session.execute(select(saved | draft))).scalar())


async def has_own_home_plan(session: AsyncSession, client: Person) -> bool:
    """Does the client themselves have a thuisplan, saved or being made?"""
    saved = exists().where(ToolVersion.client_id == client.id, ToolVersion.kind == Tool.HOME)
    draft = exists().where(ToolDraft.client_id == client.id, ToolDraft.kind == Tool.HOME)
    return bool((await session.execute(select(saved | draft))).scalar())

async def own_row(session: AsyncSession, svc: Services, model: type[Owned], row_id: int, client: Person,
                   forged: str) -> Owned:
    """A row of the client's own (a hoopbox item, a trusted person): gone is NotFound (a double tap), someone
    else's id is a forged button (audited, NotAllowed)."""
    row = await session.get(model, row_id)
    if row is None:
        raise NotFound("already removed")
    if row.client_id != client.id:
        await refuse_forged(session, svc.now(), forged, client, "not the client's own")
    return row
