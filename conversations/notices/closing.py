"""The client's message when their traject closes: what stays theirs, and the four questions about the support."""
from __future__ import annotations

from typing import Any

from bot.outbox.notices import Recipient, Rendered, Session, renders
from bot.services.base import Services
from bot.services.closing import closed_by
from conversations.notices.shared import rows, words_for
from conversations.progress.keyboards import relation_invitation


@renders("traject_closed")
async def traject_closed(svc: Services, session: Session, client: Recipient, about: Recipient | None,
                         ref: dict[str, Any]) -> Rendered:
    t = words_for(svc, client)
    text = t.gettext(
        "Your traject with {worker} has ended. Houvast stays yours: your plans, crisis card, goals and check-ins "
        "stay. {worker} no longer sees anything of yours.\n\nWill you answer 4 short questions about the support?"
    ).format(worker=await closed_by(session, ref))
    return Rendered(text, rows(relation_invitation(t)))
