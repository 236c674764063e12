"""Shared helpers for flows: who is talking, their translator, replying, the menu, and odd input."""
from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes, ConversationHandler

from bot.domain.roles import Role
from bot.i18n import N_, Translator, translator
from bot.render.text import split
from bot.services import people
from bot.services.base import Services
from bot.services.people import PersonView
from bot.services import security
from conversations import keyboards

log = logging.getLogger(__name__)
NOT_FOR_YOU = N_("This button does not work for you.")
Context = ContextTypes.DEFAULT_TYPE


def services(context: Context) -> Services:
    return context.application.bot_data["services"]


_PERSON = "_houvast_person"  # on the update's own context object: PTB builds one per update


async def current(update: Update, context: Context) -> PersonView | None:
    """The person behind this update, read once per update: later calls in the same update reuse it, unless a
    row of `people` was written since (a name, a language, an onboarding step), then it is read again."""
    if update.effective_user is None:
        return None
    key = (update.effective_user.id, people.changes())
    cached = getattr(context, _PERSON, None)
    if cached is not None and cached[0] == key:
        return cached[1]
    person = await people.whoami(services(context), update.effective_user.id)
    setattr(context, _PERSON, ((update.effective_user.id, people.changes()), person))
    return person


def tr(context: Context, person: PersonView | None = None) -> Translator:
    svc = services(context)
    return translator(person.locale if person else svc.settings.default_language, svc.settings.zone)


async def answer_button(update: Update, text: str | None = None) -> None:
    """Answer a button press first, quietly (or with a short line on the phone's screen): an old button's
    query may already be too old to answer."""
    if update.callback_query is None:
        return
    try:
        await update.callback_query.answer(text[:200] if text else None)
    except BadRequest as exc:
        log.debug("callback answer failed: %s", exc.message)


async def say(
    update: Update, context: Context, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send a new message to the chat this update came from. A text over Telegram's limit goes out in parts,
    the buttons with the last one, so no flow has to count characters."""
    if update.effective_chat is None:
        return
    chunks = split(text) or [text]
    for chunk in chunks[:-1]:
        await context.bot.send_message(update.effective_chat.id, chunk)
    await context.bot.send_message(update.effective_chat.id, chunks[-1], reply_markup=markup)


async def refuse(update: Update, context: Context, t: Translator, text: str = NOT_FOR_YOU) -> None:
    """A forged or foreign button, or an id that is not yours: a clear line and the way back to the menu."""
    await say(update, context, t.gettext(text), keyboards.menu_button(t))


async def deliver_now(context: Context) -> None:
    """Send what a flow just queued (a consent notice, an alert) now; the minute tick is only the backstop."""
    from bot import outbox

    # One small batch: a flow must not turn into a bulk send; the tick delivers the rest within a minute.
    await outbox.deliver_due(services(context), context.bot, batch=20, budget=0)


async def show_menu(update: Update, context: Context, person: PersonView, text: str | None = None) -> None:
    t = tr(context, person)
    markup = keyboards.main_menu(t, person.role, has_worker=person.has_worker, paused=person.reminders_paused)
    await say(update, context, text or t.gettext("What would you like to do?"), markup)


async def acting_as(update: Update, context: Context, *roles: Role) -> PersonView | None:
    """The onboarded person behind this update, if they have one of these roles. Anyone else gets their menu
    (or the welcome) and None; a button pressed by the wrong person is also audited as a refused button."""
    person = await current(update, context)
    if person is None or not person.onboarded or person.role not in roles:
        if update.callback_query is not None and person is not None and person.onboarded:
            await unknown(update, context)
        else:
            await menu_or_welcome(update, context)
        return None
    return person


async def menu_or_welcome(update: Update, context: Context, text: str | None = None) -> int:
    """The safe place every flow falls back to. Ends whatever conversation called it."""
    person = await current(update, context)
    if person is None or not person.onboarded:
        t = tr(context, person)
        await say(update, context, t.gettext("Hello! I am Houvast. Tap /start to begin."))
    else:
        await show_menu(update, context, person, text)
    return ConversationHandler.END


_SAFETY_SHOWN = "_houvast_safety_shown"  # on the update's own context object: PTB builds one per update


def mark_safety_shown(context: Context) -> None:
    """The safety message (or its short line) answered this update; later handlers must not brush it off."""
    setattr(context, _SAFETY_SHOWN, True)


def safety_shown(context: Context) -> bool:
    return bool(getattr(context, _SAFETY_SHOWN, False))


async def unknown(update: Update, context: Context) -> int:
    """Anything no flow understood: never silence, never a crash; a short answer and the menu.
    After the safety message no "Sorry, I did not understand that": the menu is offered gently instead."""
    await answer_button(update)
    person = await current(update, context)
    t = tr(context, person)
    if update.callback_query is None and safety_shown(context):
        if person is None or not person.onboarded:
            return await menu_or_welcome(update, context)
        await say(update, context, t.gettext("I am here. Want to do something else? Tap Menu."), keyboards.menu_button(t))
        return ConversationHandler.END
    if update.callback_query is not None:
        await security.record_refused_button(services(context), update.effective_user.id if update.effective_user else None)
        text = t.gettext("This button no longer works. Here is the menu.")
    elif update.edited_message is not None:
        text = t.gettext("You changed a message. I only read new messages. Please send it again.")
    else:
        text = t.gettext("Sorry, I did not understand that. Please choose a button.")
    return await menu_or_welcome(update, context, text)


async def refuse_group(update: Update, context: Context) -> None:
    """Personal data only in private chats: in a group, say so, show nothing, and stop all other handlers."""
    await answer_button(update)
    message = update.effective_message
    if message is not None and (message.text or "").startswith("/") or update.callback_query is not None:
        t = tr(context)
        await say(update, context, t.gettext("I only work in a private chat with you. Open a chat with me to continue."))
    raise ApplicationHandlerStop
