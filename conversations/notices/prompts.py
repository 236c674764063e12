"""The tick's prompts to the client: the daily check-in and the self-scan (a goal's check-in prompt: goals.py).
The words and keyboards are the chat's own, so a prompt and the same question asked in the chat cannot drift."""
from __future__ import annotations

from typing import Any

from bot.outbox.notices import Recipient, Rendered, Session, renders
from bot.services.base import Services
from conversations import keyboards
from conversations.form_texts import PHASE_BUTTONS, PHASE_QUESTION
from conversations.notices.shared import rows, words_for
from conversations.progress.keyboards import scan_invitation


@renders("checkin")
async def checkin(svc: Services, session: Session, client: Recipient, about: Recipient | None,
                  ref: dict[str, Any]) -> Rendered:
    t = words_for(svc, client)
    return Rendered(t.gettext(PHASE_QUESTION), rows(keyboards.phase_choices(t, PHASE_BUTTONS)))


@renders("scan")
async def scan(svc: Services, session: Session, client: Recipient, about: Recipient | None,
               ref: dict[str, Any]) -> Rendered:
    t = words_for(svc, client)
    return Rendered(t.gettext("It is time for your self-scan: how are things going? It takes a few minutes. "
                              "You score each part of your life from 1 to 5."), rows(scan_invitation(t)))
