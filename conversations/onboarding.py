"""/start: redeem an invite (or start on your own), explain Houvast, ask the name and a check-in time."""
from __future__ import annotations

from enum import StrEnum

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
)

from bot.domain import invites as invite_rules
from bot.domain.people import SUGGESTED_CHECKIN_TIMES, parse_clock_time
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.services import invites, people
from bot.services.people import PersonView
from conversations import callbacks, common, keyboards, menu, privacy
from conversations.common import Context


class Step(StrEnum):
    INTRO = "onboarding.intro"
    NAME = "onboarding.name"
    TIME = "onboarding.time"


SAFETY = N_(
    "Houvast is not a crisis service. In danger, call 112. "
    "Thinking about suicide? Call 113 or 0800-0113. That is free, day and night."
)
INTROS = {
    Role.CLIENT: N_(
        "Welcome to Houvast.\n\nHere you keep your own plan: your goals, your signals and your crisis card. "
        "You decide what is in it.\n\nYou choose who sees what. Without your consent your worker sees nothing of "
        "your plan. If a goal gets stuck, or you have not responded for a while, your worker hears only that: "
        "not which goal, and not why."
    ),
    Role.WORKER: N_(
        "Welcome to Houvast, as a worker.\n\nYou support your clients with their own plan. "
        "You see only what a client shares with you. When a goal of a client gets stuck, or they have not "
        "responded for a while, you get a short message. Which goal and why, only if the client shares their "
        "goals with you."
    ),
    Role.PEER: N_(
        "Welcome to Houvast, as a peer expert.\n\nYou support peers with your own experience. "
        "You see only what a peer shares with you."
    ),
    Role.ADMIN: N_(
        "Welcome to Houvast, as an admin.\n\nYou invite workers and peer experts. You see no client files."
    ),
}
REDEEM_PROBLEMS = {
    "unknown": N_("I do not know this code. Check it, or ask for a new one."),
    "used": N_("This code has already been used. Ask for a new one."),
    "expired": N_("This code is too old. Ask for a new one."),
    "guessing": N_("Too many wrong codes. Please wait an hour and try again."),
    "wrong_role": N_("This code is for someone else's role. Your own account stays as it is."),
    "already_linked": N_("You already have a worker. A worker can hand you over to someone else."),
}


async def _intro(update: Update, context: Context, person: PersonView) -> Step:
    t = common.tr(context, person)
    text = t.gettext(INTROS[person.role]) + "\n\n" + t.gettext(SAFETY)
    await common.say(update, context, text, keyboards.single(t, N_("Next ➡️"), "onb", "next"))
    return Step.INTRO


async def start(update: Update, context: Context) -> Step | int:
    svc = common.services(context)
    user, chat = update.effective_user, update.effective_chat
    person = await common.current(update, context)
    t = common.tr(context, person)
    if context.args:
        result = await invites.redeem_invite(
            svc, code=invite_rules.normalize(context.args[0]), telegram_id=user.id, chat_id=chat.id,
            locale=person.locale if person else svc.settings.default_language,
        )
        if result.outcome == "linked" and result.person is not None:
            text = t.gettext("You are now linked to your worker {name}.").format(name=result.worker_name or "?")
            await common.show_menu(update, context, result.person, text)
            await privacy.ask_for_new_worker(update, context, result.person.telegram_id)
            return ConversationHandler.END
        if result.outcome == "ok" and result.person is not None:
            return await _intro(update, context, result.person)
        if person is None:
            markup = keyboards.single(t, N_("Start on my own"), "onb", "self")
            await common.say(update, context, t.gettext(REDEEM_PROBLEMS[result.outcome]), markup)
            return ConversationHandler.END
        problem = t.gettext(REDEEM_PROBLEMS[result.outcome])
        if person.onboarded:
            await common.show_menu(update, context, person, problem)
            return ConversationHandler.END
        await common.say(update, context, problem)
        return await _intro(update, context, person)
    if person is None:
        person = await people.start_as_client(
            svc, telegram_id=user.id, chat_id=chat.id, locale=svc.settings.default_language
        )
    if not person.onboarded:
        return await _intro(update, context, person)
    if person.reminders_paused:
        person = await people.set_reminders_paused(svc, user.id, False)
        await common.show_menu(update, context, person, t.gettext("Welcome back. Your reminders are on again."))
    else:
        await common.show_menu(update, context, person, t.gettext("Welcome back, {name}.").format(name=person.name))
    return ConversationHandler.END


async def start_on_own(update: Update, context: Context) -> Step | int:
    await common.answer_button(update)
    svc = common.services(context)
    person = await people.start_as_client(
        svc, telegram_id=update.effective_user.id, chat_id=update.effective_chat.id,
        locale=svc.settings.default_language,
    )
    if person.onboarded:
        return await common.menu_or_welcome(update, context)
    return await _intro(update, context, person)


async def ask_name(update: Update, context: Context) -> Step:
    await common.answer_button(update)
    t = common.tr(context, await common.current(update, context))
    await common.say(update, context, t.gettext("What name may I call you? Type a first name or a nickname."))
    return Step.NAME


async def on_name(update: Update, context: Context) -> Step | int:
    svc = common.services(context)
    person = await people.set_name(svc, update.effective_user.id, common.text_of(update))
    t = common.tr(context, await common.current(update, context))
    if person is None:
        await common.say(update, context, t.gettext("Please type a name with letters, at most 40 characters."))
        return Step.NAME
    if person.role != Role.CLIENT:
        return await _finish(update, context, t)
    await common.say(
        update,
        context,
        t.gettext(
            "Thank you, {name}.\n\nAt what time shall I ask how you are doing? Choose a time, or type one, like 8:30."
        ).format(name=person.name),
        keyboards.checkin_times(t, SUGGESTED_CHECKIN_TIMES),
    )
    return Step.TIME


async def on_time_button(update: Update, context: Context) -> Step | int:
    await common.answer_button(update)
    choice = callbacks.parse(update.callback_query.data, "onb").arg or "none"
    at = None if choice == "none" else parse_clock_time(f"{choice[:2]}:{choice[2:]}")
    return await _save_time(update, context, at)


async def on_time_text(update: Update, context: Context) -> Step | int:
    at = parse_clock_time(common.text_of(update))
    if at is None:
        t = common.tr(context, await common.current(update, context))
        await common.say(
            update,
            context,
            t.gettext("I did not understand that time. Type it like 8:30, or choose a button."),
            keyboards.checkin_times(t, SUGGESTED_CHECKIN_TIMES),
        )
        return Step.TIME
    return await _save_time(update, context, at)


async def _save_time(update: Update, context: Context, at: object) -> int:
    svc = common.services(context)
    await people.set_checkin_time(svc, update.effective_user.id, at)  # type: ignore[arg-type]
    t = common.tr(context, await common.current(update, context))
    return await _finish(update, context, t)


async def _finish(update: Update, context: Context, t: Translator) -> int:
    person = await people.finish_onboarding(common.services(context), update.effective_user.id)
    text = t.gettext("All set, {name}. This is your menu. You can always get it back with /menu.").format(
        name=person.name
    )
    await common.show_menu(update, context, person, text)
    if person.role == Role.CLIENT and person.has_worker:
        await privacy.ask_for_new_worker(update, context, person.telegram_id)
    return ConversationHandler.END


def conversation() -> ConversationHandler:
    text = common.TEXT  # new messages only: an edited message has no update.message (common.edited answers it)
    entry = [
        CommandHandler("start", start),
        CallbackQueryHandler(start_on_own, pattern=callbacks.pattern("onb", "self")),
    ]
    states = {
        Step.INTRO: [CallbackQueryHandler(ask_name, pattern=callbacks.pattern("onb", "next"))],
        Step.NAME: [common.typed(on_name, text)],
        Step.TIME: [
            CallbackQueryHandler(on_time_button, pattern=callbacks.pattern("onb", "time")),
            common.typed(on_time_text, text),
        ],
    }
    return menu.conversation("onboarding", entry, states, menu_button=False)
