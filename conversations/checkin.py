"""Check-in by phase: "Hoe gaat het vandaag?" with four colours; the answer brings back the client's own plan.
Orange offers to tell the worker; red shows the safety message at once and alerts, with consent."""
from __future__ import annotations

import asyncio
import io
from datetime import time

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.callbacks import BadCallback
from bot.domain.forms import PART_NAMES
from bot.domain.plans import PHASE_EMOJI, Phase
from bot.domain.roles import Role
from bot.domain.schedule import Rhythm
from bot.i18n import N_, Translator
from bot.render.chart import phase_history_png
from bot.render.text import card_essentials, safety_text
from bot.services import checkins
from bot.services.base import NotAllowed
from bot.services.checkins import PHASE_BUTTONS, PHASE_QUESTION, PhaseResult
from conversations import common, keyboards, safety, safetyplan
from conversations.common import Context

REPLIES = {
    Phase.GREEN: N_("Good to hear! This is what you wrote for green:"),
    Phase.YELLOW: N_("Thank you for telling me. This is what you wrote for yellow:"),
    Phase.ORANGE: N_("That is hard. This is what you wrote for orange:"),
    Phase.RED: N_("This is what you wrote for red:"),
}
RHYTHMS = {Rhythm.DAILY: N_("Every day"), Rhythm.WEEKDAYS: N_("Monday to Friday"), Rhythm.OFF: N_("Off")}


async def ask(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    t = common.tr(context, person)
    await common.say(update, context, t.gettext(PHASE_QUESTION), keyboards.phases(t, PHASE_BUTTONS))


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


async def on_phase(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    try:
        phase = Phase(callbacks.parse(update.callback_query.data, "chk").arg or "")
        result = await checkins.record_phase(common.services(context), person.telegram_id, phase)
    except (BadCallback, ValueError, NotAllowed):
        await common.unknown(update, context)
        return
    t = common.tr(context, person)
    markup = keyboards.menu_button(t)
    if phase == Phase.ORANGE and result.worker_name:
        markup = keyboards.tell_worker(t, result.worker_name, phase)
    lines = [f"{PHASE_EMOJI[phase]} " + t.gettext("Saved.")] + [""] + _plan_lines(t, result)
    if phase == Phase.RED:
        common.mark_safety_shown(context)
        await common.say(update, context, safety_text(t, result.contacts))  # first, before anything else
        essentials = card_essentials(t, result.card) if result.card else None
        if essentials:
            await common.say(update, context, essentials)
        told, ask_markup = safety.notice_text(t, result.notice, ask=True)
        if told:
            lines += ["", told]
        markup = ask_markup or markup
    await common.say(update, context, "\n".join(lines), markup)
    if phase == Phase.RED:
        await safetyplan.offer_after_crisis(update, context, t, None)  # one tap: what now, who to call, ...
    if result.notice is not None and result.notice.told:
        await common.deliver_now(context)  # red does not wait for the tick


async def on_tell(update: Update, context: Context) -> None:
    """chk:tell:<phase> (use standing consent) or chk:once:<phase> (the client says: this one time)."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        parsed = callbacks.parse(update.callback_query.data, "chk")
        phase = Phase(parsed.arg or "")
        name = await checkins.tell_worker(common.services(context), person.telegram_id, phase, this_once=parsed.action == "once")
    except (BadCallback, ValueError, NotAllowed):
        await common.unknown(update, context)
        return
    if name is None:
        await common.say(update, context, t.gettext(
            "Right now you do not share alerts with your worker. Shall I send this one message anyway? "
            "Your other choices stay as they are."), keyboards.tell_once(t, phase))
        return
    await common.say(update, context, t.gettext("I have let {names} know.").format(names=name), keyboards.menu_button(t))
    await common.deliver_now(context)


async def settings(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    t = common.tr(context, person)
    await common.say(update, context, t.gettext("How often shall I ask how you are doing? And at what time?"),
                     keyboards.rhythm(t, RHYTHMS))


async def on_setting(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        parsed = callbacks.parse(update.callback_query.data, "chk")
        if parsed.action == "rhythm":
            rhythm, at = Rhythm(parsed.arg or ""), None
        else:
            arg = parsed.arg or ""
            if len(arg) != 4 or not arg.isdigit():
                raise ValueError(arg)
            rhythm, at = None, time(int(arg[:2]), int(arg[2:]))
        rhythm, at, due = await checkins.set_rhythm(common.services(context), person.telegram_id, rhythm=rhythm, at=at)
    except (BadCallback, ValueError, NotAllowed):
        await common.unknown(update, context)
        return
    text = t.gettext("Okay. Next time I ask: {when}.").format(when=t.moment(due)) if due else t.gettext("Okay. I will not ask by myself. You can check in from the menu.")
    await common.say(update, context, text, keyboards.menu_button(t))


async def history_picture(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    svc = common.services(context)
    t = common.tr(context, person)
    entries = await checkins.history(svc, person.telegram_id, days=28)
    png = await asyncio.to_thread(phase_history_png, entries, t, days=28, now=svc.now())
    await context.bot.send_photo(update.effective_chat.id, InputFile(io.BytesIO(png), filename="kleuren.png"),
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

