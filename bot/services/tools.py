"""The client's own signaleringsplan and crisiskaart: a draft while filling in, a version at every save."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Person, ToolDraft, ToolVersion
from bot.domain import forms
from bot.domain.consent import Scope
from bot.domain.forms import Document, Tool
from bot.domain.roles import Role
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram, viewer_and_subject
from bot.services.consent import authorize_view

SCOPE_OF = {Tool.PLAN: Scope.SIGNALING_PLAN, Tool.CARD: Scope.CRISIS_CARD, Tool.SAFETY: Scope.SAFETY_PLAN,
            Tool.HOME: Scope.HOME_PLAN}


@dataclass(frozen=True)
class Draft:
    tool: Tool
    doc: Document
    step: int


@dataclass(frozen=True)
class Saved:
    tool: Tool
    doc: Document
    version: int
    saved_at: datetime
    owner_name: str


async def _client(session: AsyncSession, telegram_id: int) -> Person:
    person = await person_by_telegram(session, telegram_id)
    if person is None or person.role != Role.CLIENT or not person.active:
        raise NotAllowed("only a client keeps these tools")
    return person


async def _latest(session: AsyncSession, client_id: int, tool: Tool, offset: int = 0) -> ToolVersion | None:
    return (
        await session.execute(
            select(ToolVersion)
            .where(ToolVersion.client_id == client_id, ToolVersion.kind == tool)
            .order_by(ToolVersion.version.desc())
            .offset(offset)
            .limit(1)
        )
    ).scalar_one_or_none()


async def _draft_row(session: AsyncSession, client_id: int, tool: Tool) -> ToolDraft | None:
    return (
        await session.execute(select(ToolDraft).where(ToolDraft.client_id == client_id, ToolDraft.kind == tool))
    ).scalar_one_or_none()


async def open_draft(svc: Services, client_telegram_id: int, tool: Tool, *, step: int | None = None) -> Draft:
    """The working copy: an unfinished draft, else a copy of the current version, else an empty document."""
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        row = await _draft_row(session, client.id, tool)
        if row is None:
            latest = await _latest(session, client.id, tool)
            doc = json.loads(latest.content) if latest else forms.empty(tool)
            row = ToolDraft(client_id=client.id, kind=tool, content=json.dumps(doc), step=0, updated_at=svc.now())
            session.add(row)
        if step is not None:
            row.step = max(0, min(step, len(forms.STEPS[tool]) - 1))
        draft = Draft(tool, json.loads(row.content), row.step)
        await session.commit()
        return draft


async def update_draft(svc: Services, client_telegram_id: int, tool: Tool, doc: Document, step: int) -> Draft:
    """Store an answer (or a move to another step) at once: a restart in the middle loses nothing."""
    step = max(0, min(step, len(forms.STEPS[tool]) - 1))
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        row = await _draft_row(session, client.id, tool)
        if row is None:
            row = ToolDraft(client_id=client.id, kind=tool, content="{}", step=0, updated_at=svc.now())
            session.add(row)
        row.content, row.step, row.updated_at = json.dumps(doc, ensure_ascii=False), step, svc.now()
        await session.commit()
    return Draft(tool, doc, step)


async def save_version(
    svc: Services, client_telegram_id: int, tool: Tool, *, finished: bool, saved_by_telegram_id: int | None = None
) -> Saved | None:
    """Make the draft a new version (if it changed). Finished: the draft goes; else it stays to continue later."""
    now = svc.now()
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        row = await _draft_row(session, client.id, tool)
        latest = await _latest(session, client.id, tool)
        if row is None:
            return _saved(tool, latest, client) if latest else None
        doc = json.loads(row.content)
        if latest is None or json.loads(latest.content) != doc:
            saver = await person_by_telegram(session, saved_by_telegram_id) if saved_by_telegram_id else client
            latest = ToolVersion(
                client_id=client.id, kind=tool, version=(latest.version + 1) if latest else 1,
                content=json.dumps(doc, ensure_ascii=False), saved_at=now, saved_by_id=saver.id if saver else None,
            )
            session.add(latest)
            audit(session, at=now, action="tool.saved", actor=saver, subject=client, scope=SCOPE_OF[tool])
        if finished:
            await session.delete(row)
        await session.commit()
        return _saved(tool, latest, client)


def _saved(tool: Tool, row: ToolVersion, owner: Person) -> Saved:
    return Saved(tool, json.loads(row.content), row.version, row.saved_at, owner.name or "")


async def has_draft(svc: Services, client_telegram_id: int, tool: Tool) -> bool:
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        return await _draft_row(session, client.id, tool) is not None


async def current(
    svc: Services, viewer_telegram_id: int, tool: Tool, *, client_id: int | None = None, previous: bool = False
) -> Saved | None:
    """The current (or previous) version. For anyone but the client this goes through the consent check."""
    async with svc.unit() as session:
        viewer, client = await viewer_and_subject(session, viewer_telegram_id, client_id)
        if client is None or client.role != Role.CLIENT:
            raise NotFound("client")
        if not await authorize_view(session, viewer=viewer, client=client, scope=SCOPE_OF[tool], now=svc.now()):
            await session.commit()  # keep the audit row of the refused look
            raise NotAllowed("no consent")
        row = await _latest(session, client.id, tool, offset=1 if previous else 0)
        await session.commit()
        return _saved(tool, row, client) if row else None


async def crisis_contacts(session: AsyncSession, client: Person) -> list[forms.Contact]:
    """The contacts of the client's own crisis card (and red-phase plan), for the safety message."""
    contacts: list[forms.Contact] = []
    card = await _latest(session, client.id, Tool.CARD)
    if card:
        contacts += forms.to_card(json.loads(card.content), client.name or "").contacts
    plan = await _latest(session, client.id, Tool.PLAN)
    if plan:
        red = forms.to_plan(json.loads(plan.content), client.name or "").phase(forms.Phase.RED)
        contacts += [c for c in red.contacts if c not in contacts]
    return contacts


async def own_card(session: AsyncSession, client: Person) -> forms.CrisisCard | None:
    """The client's current crisis card (their own data: no consent check needed)."""
    row = await _latest(session, client.id, Tool.CARD)
    return forms.to_card(json.loads(row.content), client.name or "", row.saved_at.date()) if row else None
