"""The answer to a goal's check-in prompt (gchk:<answer>:<checkin_id>), an optional note, and after "done" the
next step; a changed or smaller step; the gentle choices when a goal stalls (gstall:...)."""
from __future__ import annotations

from telegram.ext import ConversationHandler

from bot.domain.goals import STALL_CHOICES, Answer, GoalStatus, answer_from_key
from bot.domain.roles import Role
from bot.i18n import N_
from bot.services import goal_requests, goals
from bot.services.base import NotAllowed, NotFound
from conversations import callbacks, common
from conversations.callbacks import BadCallback
from conversations.goals import keyboards as goal_keyboards
from conversations.goals.shared import (
    CLOSED,
    CLOSED_TEXT,
    MAX_NOTE,
    MAX_TEXT,
    NOTE_QUESTION,
    Step,
    read_answer,
)
from conversations.goals.views import show_detail
from conversations.handler import STALE, Turn, handler

# Said right after an answer to a check-in. Never shaming: not yet is an answer too.
ACKS = {
    Answer.DONE: N_("✅ Saved. Great that it worked!"),
    Answer.PARTLY: N_("🙂 Saved. A little is also a step forward."),
    Answer.NOT_YET: N_("⏳ Saved. That is okay. Some weeks are harder than others. Thank you for telling me."),
}


@handler(Role.CLIENT, flow="gchk")
async def on_answer(turn: Turn) -> Step | int:
    """gchk:<done|partly|notyet|change>:<checkin_id>, from the tick's prompt or from 'Check in now'."""
    t = turn.t
    try:
        parsed = turn.data
        answer = answer_from_key(parsed.action)
        checkin_id = parsed.int_arg()
        result = await goals.answer_checkin(turn.svc, turn.tid, checkin_id, answer)
    except (BadCallback, ValueError, NotAllowed, NotFound):
        return await turn.stale()
    turn.user_data.pop("goal_step", None)
    if answer == Answer.CHANGE:
        turn.user_data.pop("goal_note", None)
        await show_detail(turn, result.goal, t.gettext("Okay. What do you want to change?"))
        return ConversationHandler.END
    turn.user_data["goal_note"] = {"checkin": checkin_id, "goal": result.goal.id, "done": answer == Answer.DONE}
    await turn.say(f"{t.gettext(ACKS[answer])}\n\n{t.gettext(NOTE_QUESTION)}", goal_keyboards.goal_skip(t, "note"))
    return Step.NOTE


@handler(Role.CLIENT)
async def on_note_text(turn: Turn) -> Step | int:
    t = turn.t
    value, cut, problem = read_answer(t, common.text_of(turn.update), MAX_NOTE, back=False)
    if problem:
        await turn.say(f"{problem}\n\n{t.gettext(NOTE_QUESTION)}", goal_keyboards.goal_skip(t, "note"))
        return Step.NOTE
    return await _save_note(turn, text=value, cut=cut)


@handler(Role.CLIENT)
async def on_note_voice(turn: Turn) -> Step | int:
    return await _save_note(turn, voice=turn.update.message.voice.file_id)


@handler(Role.CLIENT)
async def on_note_skip(turn: Turn) -> Step | int:
    return await _after_note(turn, None)


async def _save_note(turn: Turn, *, text: str | None = None, voice: str | None = None,
                     cut: str | None = None) -> Step | int:
    info = turn.user_data.get("goal_note")
    if not info:
        return await turn.menu_or_welcome()
    try:
        await goals.add_note(turn.svc, turn.tid, int(info["checkin"]), text=text, voice_file_id=voice)
    except (KeyError, TypeError, ValueError, NotAllowed, NotFound):
        turn.user_data.pop("goal_note", None)
        return await turn.stale()
    saved = turn.t.gettext("🎙 I saved your voice message.") if voice else turn.t.gettext("📝 I saved your note.")
    return await _after_note(turn, cut or saved)


async def _after_note(turn: Turn, saved: str | None) -> Step | int:
    info = turn.user_data.pop("goal_note", None)
    if not info:
        return await turn.menu_or_welcome()
    t = turn.t
    try:
        goal = await goals.goal(turn.svc, turn.tid, int(info["goal"]))
    except (KeyError, TypeError, ValueError, NotAllowed):
        return await turn.stale()
    lines = [saved] if saved else []
    if info.get("done") and goal.status not in CLOSED:
        turn.user_data["goal_step"] = {"goal": goal.id, "after": "done"}
        lines.append(t.gettext("Well done! What is your next small step?"))
        if goal.step:
            lines.append(t.gettext("Your step was: {step}").format(step=goal.step))
        await turn.say("\n\n".join(lines), goal_keyboards.goal_skip(t, "next"))
        return Step.NEW_STEP
    if goal.status == GoalStatus.ACTIVE and goal.next_checkin_at:
        moment = t.moment(goal.next_checkin_at)
        lines.append(t.gettext("Thank you. I will ask again on {moment}.").format(moment=moment))
    else:
        lines.append(t.gettext("Thank you."))
    await turn.say("\n\n".join(lines), goal_keyboards.goal_after(t, goal.id))
    return ConversationHandler.END


@handler(Role.CLIENT, refusal=STALE)
async def ask_step(turn: Turn) -> Step | int:
    """goal:step:<id> (from a goal's page) and gstall:smaller:<id> (from the stall message)."""
    parsed = callbacks.parse(turn.update.callback_query.data if turn.update.callback_query else None)
    return await _new_step(turn, parsed.int_arg(), smaller=parsed.flow == "gstall")


async def _new_step(turn: Turn, goal_id: int, *, smaller: bool) -> Step | int:
    t = turn.t
    goal = await goals.goal(turn.svc, turn.tid, goal_id)
    if goal.status in CLOSED or goal.status == GoalStatus.PROPOSED:
        await turn.say(t.gettext(CLOSED_TEXT), goal_keyboards.goal_after(t))
        return ConversationHandler.END
    turn.user_data.pop("goal_note", None)
    turn.user_data["goal_step"] = {"goal": goal.id, "after": "smaller" if smaller else "change"}
    lines = [t.gettext("What is a smaller step? Something you can do this week.") if smaller
             else t.gettext("What is your new step? Keep it small.")]
    if goal.step:
        lines.append(t.gettext("Step now: {step}").format(step=goal.step))
    await turn.say("\n\n".join(lines), goal_keyboards.goal_keep_step(t, goal.id))
    return Step.NEW_STEP


@handler(Role.CLIENT)
async def on_step_text(turn: Turn) -> Step | int:
    info = (turn.user_data or {}).get("goal_step")
    if not info:
        return await turn.menu_or_welcome()
    t = turn.t
    value, cut, problem = read_answer(t, common.text_of(turn.update), MAX_TEXT, back=False)
    if problem:
        markup = (
            goal_keyboards.goal_skip(t, "next")
            if info.get("after") == "done"
            else goal_keyboards.goal_keep_step(t, int(info["goal"]))
        )
        await turn.say(problem, markup)
        return Step.NEW_STEP
    try:
        goal = await goals.change_goal(turn.svc, turn.tid, int(info["goal"]), step=value)
    except (KeyError, TypeError, ValueError, NotAllowed, NotFound):
        turn.user_data.pop("goal_step", None)
        return await turn.stale()
    turn.user_data.pop("goal_step", None)
    line = t.gettext("Saved. Your new step: {step}").format(step=goal.step)
    if cut:
        line = cut + "\n\n" + line
    if goal.status == GoalStatus.ACTIVE and goal.next_checkin_at:
        line += "\n" + t.gettext("I will ask how it goes on {moment}.").format(moment=t.moment(goal.next_checkin_at))
    await show_detail(turn, goal, line)
    return ConversationHandler.END


@handler(Role.CLIENT)
async def on_step_skip(turn: Turn) -> int:
    """goal:skip:next (after 'done': no new step now) and goal:keep:<id> (keep the step as it is)."""
    turn.user_data.pop("goal_step", None)
    t = turn.t
    await turn.say(t.gettext("Okay. The step stays as it is."), goal_keyboards.goal_after(t))
    return ConversationHandler.END


@handler(Role.CLIENT, flow="gstall", refusal=STALE)
async def on_stall(turn: Turn) -> Step | int:
    """gstall:<smaller|pause|worker>:<goal_id>"""
    goal_id = turn.int_arg()
    if turn.action not in STALL_CHOICES:
        raise BadCallback(turn.action)
    if turn.action == "smaller":
        return await _new_step(turn, goal_id, smaller=True)
    t = turn.t
    try:
        if turn.action == "pause":
            await goals.set_status(turn.svc, turn.tid, goal_id, GoalStatus.PAUSED)
            await turn.say(t.gettext("⏸ I paused this goal. You can resume it any time from your goals."),
                           goal_keyboards.goal_after(t, goal_id))
            return ConversationHandler.END
        name = await goal_requests.ask_worker_contact(turn.svc, turn.tid, goal_id)
    except NotFound:
        await turn.say(t.gettext(CLOSED_TEXT), goal_keyboards.goal_after(t))
        return ConversationHandler.END
    if name is None:
        await turn.say(t.gettext(
            "You have no worker linked right now, so there is nobody I can ask. "
            "You can link a worker from the menu. Or make the step smaller, or pause the goal."),
            goal_keyboards.goal_stall_other(t, goal_id))
        return ConversationHandler.END
    await turn.say(t.gettext(
        "I have asked {name} to get in touch with you. This can take until the next working day.").format(name=name),
        goal_keyboards.goal_after(t, goal_id))
    await turn.deliver_now()
    return ConversationHandler.END
