"""The tick's prompts to the client: the daily check-in, a goal's check-in. The words and keyboards are the
chat's own, so a prompt and the same question asked in the chat cannot drift apart."""
from __future__ import annotations

from typing import Any

from bot.outbox.notices import Recipient, Rendered, Session, renders
from bot.services.base import Services
from bot.services.goals import goal_prompt
from conversations import keyboards
from conversations.form_texts import PHASE_BUTTONS, PHASE_QUESTION
from conversations.goals.keyboards import goal_answers
from conversations.goals.shared import checkin_question
from conversations.notices.shared import rows, words_for


@renders("checkin")
async def checkin(svc: Services, session: Session, client: Recipient, about: Recipient | None,
                  ref: dict[str, Any]) -> Rendered:
    t = words_for(svc, client)
    return Rendered(t.gettext(PHASE_QUESTION), rows(keyboards.phase_choices(t, PHASE_BUTTONS)))


@renders("goal_checkin")
async def goal_checkin(svc: Services, session: Session, client: Recipient, about: Recipient | None,
                       ref: dict[str, Any]) -> Rendered | None:
    prompt = await goal_prompt(session, client, ref)
    if prompt is None:  # the goal is gone
        return None
    t = words_for(svc, client)
    return Rendered(checkin_question(t, prompt.step), rows(goal_answers(t, prompt.checkin_id)))
