"""Messages to a client about their own goals: a goal's check-in prompt, a worker's proposal, and the gentle note
when a goal stalls. The words and buttons are the chat's (conversations/goals/), so they answer exactly as on
the goal's page."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.i18n import N_, Translator
from bot.outbox.notices import Recipient, Rendered, Session, renders
from bot.services.base import Services
from bot.services.goals import GoalNotice, goal_notice
from conversations.goals.keyboards import goal_answers, goal_proposal, goal_stall
from conversations.goals.shared import checkin_question
from conversations.notices.shared import rows, written

STALL_TEXT = N_(
    "Your goal \"{goal}\" is not moving right now. That happens, and it is normal. "
    "What would help?"
)


async def _about_goal(svc: Services, session: Session, client: Recipient, ref: dict[str, Any],
                      write: Callable[[Translator, GoalNotice], Rendered]) -> Rendered | None:
    return written(svc, client, await goal_notice(session, client, ref), write)  # withdrawn when the goal is gone


@renders("goal_checkin")
async def goal_checkin(svc: Services, session: Session, client: Recipient, about: Recipient | None,
                       ref: dict[str, Any]) -> Rendered | None:
    """The tick's prompt for a goal's check-in: the same question and answers as "Check in now" in the chat."""
    return await _about_goal(svc, session, client, ref, lambda t, goal: Rendered(
        checkin_question(t, goal.step or goal.title), rows(goal_answers(t, int(ref["checkin"])))))


@renders("goal_proposal")
async def proposal(svc: Services, session: Session, client: Recipient, about: Recipient | None,
                   ref: dict[str, Any]) -> Rendered | None:
    return await _about_goal(svc, session, client, ref, lambda t, goal: Rendered(
        t.gettext("{worker} proposes a goal for you: \"{goal}\". Do you want it? You decide.").format(
            worker=goal.proposer or "?", goal=goal.title),
        rows(goal_proposal(t, goal.goal_id))))


@renders("stall")
async def stall(svc: Services, session: Session, client: Recipient, about: Recipient | None,
                ref: dict[str, Any]) -> Rendered | None:
    return await _about_goal(svc, session, client, ref, lambda t, goal: Rendered(
        t.gettext(STALL_TEXT).format(goal=goal.title), rows(goal_stall(t, goal.goal_id))))
