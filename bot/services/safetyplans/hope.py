"""The hoopbox: what gives the client hope, kept encrypted; nobody else sees it unless the client shares it."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from bot.db.models import (
    HopeItem,
)
from bot.domain import safetyplans as rules
from bot.domain.consent import Scope
from bot.domain.roles import Role
from bot.domain.safetyplans import HopeKind, HopeRefusal
from bot.services.base import (
    NotAllowed,
    NotFound,
    Services,
    viewer_and_subject,
)
from bot.services.consent import authorize_view
from bot.services.safetyplans.core import (
    own_client,
    own_row,
)

# --- the hoopbox -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HopeView:
    id: int
    kind: HopeKind
    text: str | None
    file_id: str | None


@dataclass(frozen=True)
class HopeBox:
    owner_name: str
    items: tuple[HopeView, ...]

    def item(self, item_id: int) -> HopeView | None:
        return next((item for item in self.items if item.id == item_id), None)


def _hope_view(row: HopeItem) -> HopeView:
    return HopeView(row.id, HopeKind(row.kind), row.text, row.file_id)


async def hope_box(svc: Services, viewer_telegram_id: int, client_id: int | None = None) -> HopeBox:
    """The client's hoopbox; anyone else sees it only when the client shares it with them (audited)."""
    async with svc.unit() as session:
        viewer, client = await viewer_and_subject(session, viewer_telegram_id, client_id)
        if client is None or client.role != Role.CLIENT:
            raise NotFound("client")
        if not await authorize_view(session, viewer=viewer, client=client, scope=Scope.HOPE_BOX, now=svc.now()):
            await session.commit()  # the refused look is audited
            raise NotAllowed("no consent")
        rows = (await session.execute(
            select(HopeItem).where(HopeItem.client_id == client.id).order_by(HopeItem.created_at, HopeItem.id)
        )).scalars()
        box = HopeBox(client.name or "", tuple(_hope_view(row) for row in rows))
        await session.commit()
        return box


@dataclass(frozen=True)
class HopeAdded:
    item: HopeView | None
    refusal: HopeRefusal | None
    count: int  # items in the box now


async def add_hope(
    svc: Services, client_telegram_id: int, kind: HopeKind, *, text: str | None = None, file_id: str | None = None,
    file_unique_id: str | None = None, size: int | None = None,
) -> HopeAdded:
    """Keep one item; refused (with the reason) when the box is full, the file too big for Telegram to give back,
    or the same photo or text is in it already."""
    text = (text or "").strip() or None
    async with svc.unit() as session:
        client = await own_client(session, client_telegram_id)
        rows = list((await session.execute(select(HopeItem).where(HopeItem.client_id == client.id))).scalars())
        duplicate = any(
            (file_unique_id is not None and row.file_unique_id == file_unique_id)
            or (file_id is None and row.file_id is None and row.kind == kind and row.text == text)
            for row in rows
        )
        refusal = rules.hope_refusal(count=len(rows), size=size, duplicate=duplicate,
                                     empty=text is None and file_id is None)
        if refusal is not None:
            return HopeAdded(None, refusal, len(rows))
        row = HopeItem(client_id=client.id, kind=kind, text=text, file_id=file_id, file_unique_id=file_unique_id,
                       created_at=svc.now())
        session.add(row)
        await session.flush()
        view = _hope_view(row)
        await session.commit()
        return HopeAdded(view, None, len(rows) + 1)



async def remove_hope(svc: Services, client_telegram_id: int, item_id: int) -> int:
    """Take one item out of the client's own hoopbox; returns how many are left. Someone else's id: NotAllowed."""
    async with svc.unit() as session:
        client = await own_client(session, client_telegram_id)
        row = await own_row(session, svc, HopeItem, item_id, client, "hope.forged")
        await session.delete(row)
        await session.flush()
        left = (await session.execute(
            select(func.count()).select_from(HopeItem).where(HopeItem.client_id == client.id))).scalar_one()
        await session.commit()
        return int(left)
