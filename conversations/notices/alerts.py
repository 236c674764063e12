"""Messages to the care team when a client is not doing well: orange, when the client asks to let them know."""
from __future__ import annotations

from typing import Any

from bot.domain.plans import PHASE_EMOJI, Phase
from bot.outbox.notices import Recipient, Rendered, Session, renders
from bot.services.base import Services
from conversations.notices.shared import words_for


@renders("orange")
async def orange(svc: Services, session: Session, worker: Recipient, client: Recipient | None,
                 ref: dict[str, Any]) -> Rendered | None:
    if client is None or not worker.active:
        return None
    t = words_for(svc, worker)
    return Rendered(t.gettext("{emoji} {name} chose orange today: things are not going well. {name} asks you to get "
                              "in touch.").format(emoji=PHASE_EMOJI[Phase(ref["phase"])], name=client.name or "?"))
