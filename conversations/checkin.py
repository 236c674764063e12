"""Check-in by phase: "Hoe gaat het vandaag?" with four colours; the answer brings back the client's own plan.
Orange offers to tell the worker; red shows the safety message at once and alerts, with consent."""
from __future__ import annotations

import asyncio
import io
from datetime import time

from telegram import InputFile
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.forms import PART_NAMES
from bot.domain.plans import PHASE_EMOJI, Phase
from bot.domain.roles import Role
from bot.domain.schedule import Rhythm
from bot.i18n import N_, Translator
from bot.render.text import card_essentials, safety_text
from bot.services import checkins
from bot.services.base import NotAllowed
from bot.services.checkins import PhaseResult
from conversations import callbacks, common, keyboards, safety, safetyplan
from conversations.callbacks import BadCallback
from conversations.form_texts import PHASE_BUTTONS, PHASE_QUESTION
from conversations.handler import Turn, handler

REPLIES = {
    Phase.GREEN: N_("Good to hear! This is what you wrote for green:"),
    Phase.YELLOW: N_("Thank you for telling me. This is what you wrote for yellow:"),
    Phase.ORANGE: N_("That is hard. This is what you wrote for orange:"),
    Phase.RED: N_("This is what you wrote for red:"),
}
RHYTHMS = {Rhythm.DAILY: N_("Every day"), Rhythm.WEEKDAYS: N_("Monday to Friday"), Rhythm.OFF: N_("Off")}


@handler(Role.CLIENT, stop=None)
async def ask(turn: Turn) -> None:
    t = turn.t
    await turn.say(t.gettext(PHASE_QUESTION), keyboards.phases(t, PHASE_BUTTONS))


def _plan_lines(t: Translator, result: PhaseResult) -> list[str]:
    plan = result.plan
    if plan is None or not (plan.what_i_do or plan.what_others_do):
        return [t.gettext("You have not written anything for this colour in your signaleringsplan yet.")]
    lines = [t.gettext(REPLIES[result.phase])]
    for key in ("what_i_do", "what_others_do"):
        items = getattr(plan, key)
        if items:
            lines += ["", t.gettext(PART_NAMES[key])] + [f"• {item}" for item in items]
    return lines


@handler(Role.CLIENT, flow="chk", stop=None)
async def on_phase(turn: Turn) -> None:
    try:
        phase = Phase(turn.arg or "")
        result = await checkins.record_phase(turn.svc, turn.person, phase)  # the person read once this update
    except (BadCallback, ValueError, NotAllowed):
        await turn.stale()
        return
    t = turn.t
    markup = keyboards.menu_button(t)
    if phase == Phase.ORANGE and result.worker_name:
        markup = keyboards.tell_worker(t, result.worker_name, phase)
    lines = [f"{PHASE_EMOJI[phase]} " + t.gettext("Saved.")] + [""] + _plan_lines(t, result)
    if phase == Phase.RED:
        common.mark_safety_shown(turn.context)
        await turn.say(safety_text(t, result.contacts))  # first, before anything else
        essentials = card_essentials(t, result.card) if result.card else None
        if essentials:
            await turn.say(essentials)
        told, ask_markup = safety.notice_text(t, result.notice, ask=True)
        if told:
            lines += ["", told]
        markup = ask_markup or markup
    await turn.say("\n".join(lines), markup)
    if phase == Phase.RED:
        await safetyplan.offer_after_crisis(turn.update, turn.context, t, None)  # one tap: what now, who to call
    if result.notice is not None and result.notice.told:
        await turn.deliver_now()  # red does not wait for the tick


@handler(Role.CLIENT, flow="chk", stop=None)
async def on_tell(turn: Turn) -> None:
    """chk:tell:<phase> (use standing consent) or chk:once:<phase> (the client says: this one time)."""
    t = turn.t
    try:
        parsed = turn.data
        phase = Phase(parsed.arg or "")
        name = await checkins.tell_worker(turn.svc, turn.tid, phase, this_once=parsed.action == "once")
    except (BadCallback, ValueError, NotAllowed):
        await turn.stale()
        return
    if name is None:
        await turn.say(t.gettext(
            "Right now you do not share alerts with your worker. Shall I send this one message anyway? "
            "Your other choices stay as they are."), keyboards.tell_once(t, phase))
        return
    await turn.say(t.gettext("I have let {names} know.").format(names=name), keyboards.menu_button(t))
    await turn.deliver_now()


@handler(Role.CLIENT, stop=None)
async def settings(turn: Turn) -> None:
    t = turn.t
    await turn.say(t.gettext("How often shall I ask how you are doing? And at what time?"),
                     keyboards.rhythm(t, RHYTHMS))


@handler(Role.CLIENT, flow="chk", stop=None)
async def on_setting(turn: Turn) -> None:
    t = turn.t
    try:
        parsed = turn.data
        if parsed.action == "rhythm":
            rhythm, at = Rhythm(parsed.arg or ""), None
        else:
            arg = parsed.arg or ""
            if len(arg) != 4 or not arg.isdigit():
                raise ValueError(arg)
            rhythm, at = None, time(int(arg[:2]), int(arg[2:]))
        rhythm, at, due = await checkins.set_rhythm(turn.svc, turn.tid, rhythm=rhythm, at=at)
    except (BadCallback, ValueError, NotAllowed):
        await turn.stale()
        return
    text = (
        t.gettext("Okay. Next time I ask: {when}.").format(when=t.moment(due))
        if due
        else t.gettext("Okay. I will not ask by myself. You can check in from the menu.")
    )
    await turn.say(text, keyboards.menu_button(t))


@handler(Role.CLIENT, stop=None)
async def history_picture(turn: Turn) -> None:
    svc = turn.svc
    t = turn.t
    entries = await checkins.history(svc, turn.tid, days=28)
    from bot.render.chart import phase_history_png  # matplotlib loads on first use, not at start-up

    png = await asyncio.to_thread(phase_history_png, entries, t, days=28, now=svc.now())
    await turn.context.bot.send_photo(turn.update.effective_chat.id, InputFile(io.BytesIO(png), filename="kleuren.png"),
                                 caption=t.gettext("Your colours of the last 4 weeks."))


def handlers() -> list:
    return [
        CommandHandler("checkin", ask),
        CallbackQueryHandler(ask, pattern=r"^menu:checkin$"),
        CallbackQueryHandler(on_phase, pattern=callbacks.pattern("chk", "phase")),
        CallbackQueryHandler(on_tell, pattern=r"^chk:(tell|once):"),
        CallbackQueryHandler(settings, pattern=callbacks.pattern("chk", "settings")),
        CallbackQueryHandler(on_setting, pattern=r"^chk:(rhythm|time):"),
        CallbackQueryHandler(history_picture, pattern=callbacks.pattern("chk", "history")),
    ]

