"""The tick's daily check-in prompt to the client (a goal's check-in prompt: goals.py). The words and keyboard
are the chat's own, so the prompt and the same question asked in the chat cannot drift apart."""
from __future__ import annotations

from typing import Any

from bot.outbox.notices import Recipient, Rendered, Session, renders
from bot.services.base import Services
from conversations import keyboards
from conversations.form_texts import PHASE_BUTTONS, PHASE_QUESTION
from conversations.notices.shared import rows, words_for


@renders("checkin")
async def checkin(svc: Services, session: Session, client: Recipient, about: Recipient | None,
                  ref: dict[str, Any]) -> Rendered:
    t = words_for(svc, client)
    return Rendered(t.gettext(PHASE_QUESTION), rows(keyboards.phase_choices(t, PHASE_BUTTONS)))
