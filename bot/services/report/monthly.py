"""The admin's monthly report: an active admin (or the operator) asks for a month; each section is read once."""
from __future__ import annotations

from bot.services.base import NotAllowed, Services, acting_admin, audit
from bot.services.report import sections as read
from bot.services.report.model import Report, month_bounds


async def monthly_report(svc: Services, month: str, *, by_telegram_id: int | None = None) -> Report:
    """The admin's monthly figures. by_telegram_id None: the operator's command line; else an active admin."""
    start, end = month_bounds(month, svc.settings.zone)
    now = svc.now()
    async with svc.unit() as session:
        actor, allowed = await acting_admin(session, by_telegram_id)
        if not allowed:
            audit(session, at=now, action="report.monthly", actor=actor, outcome="denied")
            await session.commit()
            raise NotAllowed("only an admin")
        month_households, people = await read.people(session, start, end)
        sections = (
            people,
            await read.goals(session, start, end),
            await read.stalls(session, start, end),
            await read.response(session, start, end),
            await read.scans(session, start, end),
            await read.outcomes(session, start, end),
            await read.network(session, end, month_households),
        )
        audit(session, at=now, action="report.monthly", actor=actor, scope=month)
        await session.commit()
    return Report(month, start, end, now, sections)
