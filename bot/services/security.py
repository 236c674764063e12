"""Refused actions: forged or stale buttons and the like leave an audit row, never personal data in logs."""
from __future__ import annotations

from bot.services.base import Services, audit, person_by_telegram


async def record_refused_button(svc: Services, telegram_id: int | None, scope: str | None = None) -> None:
    async with svc.unit() as session:
        actor = await person_by_telegram(session, telegram_id) if telegram_id is not None else None
        audit(session, at=svc.now(), action="button.refused", actor=actor, scope=scope, outcome="denied")
        await session.commit()
