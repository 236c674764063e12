"""The list of goals and a goal's own page: pause, resume, reached, stop, check in now, a worker's proposal,
the chart."""

from __future__ import annotations

import functools
import io
from collections.abc import Awaitable, Callable

from telegram import InputFile
from telegram.ext import ConversationHandler

from bot.domain.goals import GoalStatus
from bot.domain.roles import Role
from bot.services import goals
from bot.services.base import NotAllowed, NotFound
from conversations.callbacks import BadCallback
from conversations.goals import keyboards as goal_keyboards
from conversations.goals.shared import CLOSED, CLOSED_TEXT, checkin_question
from conversations.goals.views import list_text, show_detail
from conversations.handler import STALE, Turn, handler


@handler(Role.CLIENT)
async def show_list(turn: Turn) -> int:
    """menu:goals, /doelen, goal:list."""
    t = turn.t
    items = await goals.my_goals(turn.svc, turn.tid)
    await turn.say(list_text(t, items), goal_keyboards.goal_list(t, items))
    return ConversationHandler.END


@handler(Role.CLIENT, flow="goal", refusal=STALE)
async def open_goal(turn: Turn) -> int:
    """goal:open:<id>"""
    goal = await goals.goal(turn.svc, turn.tid, turn.int_arg())
    await show_detail(turn, goal)
    return ConversationHandler.END


STATUSES = {"pause": GoalStatus.PAUSED, "resume": GoalStatus.ACTIVE, "reached": GoalStatus.REACHED,
            "stopyes": GoalStatus.STOPPED}


async def _closed(turn: Turn) -> int:
    """The answer to a button about a goal that is closed by now."""
    await turn.say(turn.t.gettext(CLOSED_TEXT), goal_keyboards.goal_after(turn.t))
    return ConversationHandler.END


async def _ask_stop(turn: Turn, goal_id: int) -> int:
    t = turn.t
    goal = await goals.goal(turn.svc, turn.tid, goal_id)
    if goal.status in CLOSED:
        raise NotFound("closed")
    await turn.say(t.gettext(
        "Do you want to stop \"{goal}\"? It stays in your history. You can always make a new goal."
    ).format(goal=goal.title), goal_keyboards.goal_stop_confirm(t, goal.id))
    return ConversationHandler.END


def _stale_when_refused(body: Callable[[Turn], Awaitable[int]]) -> Callable[[Turn], Awaitable[int]]:
    """A goal button the body refuses (a bad id, someone else's goal) gets the stale button's answer; a payload
    the opening cannot read at all keeps the opening's own refusal."""

    @functools.wraps(body)
    async def run(turn: Turn) -> int:
        try:
            return await body(turn)
        except (BadCallback, NotAllowed):
            return await turn.stale()

    return run


@handler(Role.CLIENT, flow="goal")
@_stale_when_refused
async def on_status(turn: Turn) -> int:
    """goal:<pause|resume|reached|stopyes>:<id>; goal:stop:<id> asks first. A bad or forged button: stale."""
    t = turn.t
    goal_id = turn.int_arg()
    if turn.action != "stop" and turn.action not in STATUSES:
        raise BadCallback("not a status")
    try:
        if turn.action == "stop":
            return await _ask_stop(turn, goal_id)
        status = STATUSES[turn.action]
        goal = await goals.set_status(turn.svc, turn.tid, goal_id, status)
    except NotFound:
        return await _closed(turn)
    if status == GoalStatus.PAUSED:
        line = t.gettext("⏸ Paused. I will not ask about this goal until you resume it.")
    elif status == GoalStatus.ACTIVE:
        line = t.gettext("▶️ Good to have this goal back.")
    elif status == GoalStatus.REACHED:
        line = t.gettext("🏁 You reached your goal! You can be proud of that. It stays in your history.")
    else:
        await turn.say(t.gettext("Okay, I stopped this goal. It stays in your history."))
        return await show_list(turn.update, turn.context)
    await show_detail(turn, goal, line)
    return ConversationHandler.END


@handler(Role.CLIENT, flow="goal")
@_stale_when_refused
async def checkin_now(turn: Turn) -> int:
    """goal:checkin:<id>: a check-in the client starts; the same four answers as the prompt."""
    t = turn.t
    goal_id = turn.int_arg()
    try:
        goal = await goals.goal(turn.svc, turn.tid, goal_id)
        if goal.status not in (GoalStatus.ACTIVE, GoalStatus.PAUSED):
            raise NotFound("closed")
        checkin_id = await goals.open_checkin(turn.svc, turn.tid, goal.id)
    except NotFound:
        return await _closed(turn)
    await turn.say(checkin_question(t, goal.step or goal.title), goal_keyboards.goal_answers(t, checkin_id))
    return ConversationHandler.END


@handler(Role.CLIENT, flow="goal")
async def on_proposal(turn: Turn) -> int:
    """goal:accept:<id> / goal:decline:<id>: the client decides about a worker's proposal."""
    t = turn.t
    try:
        parsed = turn.data
        goal = await goals.decide_proposal(turn.svc, turn.tid, parsed.int_arg(),
                                           accept=parsed.action == "accept")
    except (BadCallback, NotAllowed):
        return await turn.stale()
    except NotFound:
        await turn.say(t.gettext("You already answered this proposal."), goal_keyboards.goal_after(t))
        return ConversationHandler.END
    if goal.status == GoalStatus.ACTIVE:
        await show_detail(turn, goal, t.gettext(
            "👍 The goal is yours now. You can change the step if you like."))
    else:
        await turn.say(t.gettext("Okay, I did not add this goal. That is your choice."),
                         goal_keyboards.goal_after(t))
    return ConversationHandler.END


@handler(Role.CLIENT)
async def chart(turn: Turn) -> int:
    """goal:chart: check-ins over time per goal, and the goals reached per leefdomein."""
    svc = turn.svc
    t = turn.t
    items = await goals.my_goals(svc, turn.tid, include_closed=True)
    histories = {g.id: await goals.goal_history(svc, turn.tid, g.id)
                 for g in items if g.status != GoalStatus.PROPOSED}
    from bot.render.goal_chart import goals_png  # matplotlib loads on first use, not at start-up

    png = goals_png(items, histories, t)
    await turn.context.bot.send_photo(turn.update.effective_chat.id, InputFile(io.BytesIO(png), filename="doelen.png"),
                                 caption=t.gettext("Your goals: the check-ins over time, and the goals you reached."),
                                 reply_markup=goal_keyboards.goal_after(t))
    return ConversationHandler.END
