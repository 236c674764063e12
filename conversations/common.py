"""Shared helpers for flows: who is talking, their translator, replying, the menu, and odd input."""
from __future__ import annotations

import logging
import re
import unicodedata
from datetime import date

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes, ConversationHandler, MessageHandler, filters

from bot.domain.roles import Role
from bot.i18n import N_, Translator, translator
from bot.render.text import split
from bot.services import (
    people,
    security,
)
from bot.services.base import Services
from bot.services.people import PersonView
from conversations import keyboards

log = logging.getLogger(__name__)
NOT_FOR_YOU = N_("This button does not work for you.")
EDITED = N_("You changed a message. I only read new messages. Please send it again.")
Context = ContextTypes.DEFAULT_TYPE

# A typed answer in a conversation: a new text message. Not an edit (update.message is None then; edits get
# EDITED), not a command, not a photo's caption (odd input: the flow asks for a short text).
TEXT = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
# Buttons that switch something on or off: typing their label means the text itself, never "switch it off".
TOGGLES = re.compile(r"^(form:ex|priv:tog|peer:ptheme|prg:pdfopt)(:|$)")
SCREEN = "screen"  # chat_data: the newest message with buttons in this chat, so a typed label can press one


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


def today(context: Context) -> date:
    """Today in the people's time zone, from the injected clock."""
    return services(context).today()


def text_of(update: Update) -> str:
    """The text of a new message (the TEXT filter lets nothing else through), or "" to be safe."""
    return (update.message.text or "") if update.message is not None else ""


async def answer_button(update: Update, text: str | None = None) -> None:
    """Answer a button press first, quietly (or with a short line on the phone's screen): an old button's
    query may already be too old to answer. A typed label pressed as a button has no query to answer."""
    if update.callback_query is None or _typed(update.callback_query):
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
    sent = await context.bot.send_message(update.effective_chat.id, chunks[-1], reply_markup=markup)
    remember_buttons(context, sent)


async def edit_or_say(
    update: Update, context: Context, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Change the message whose button was pressed; when that is not possible (too old, or unchanged), send
    the text fresh."""
    if update.callback_query is not None and not _typed(update.callback_query):
        try:
            edited = await update.callback_query.edit_message_text(text, reply_markup=markup)
        except BadRequest:
            pass  # too old, or unchanged: send it fresh below
        else:
            if isinstance(edited, Message):
                remember_buttons(context, edited)
            return
    await say(update, context, text, markup)


# --- a typed text that equals a button on screen acts as that button -----------------------------------------


def plain(label: str) -> str:
    """A label as people would type it: no emoji or arrows, any case, single spaces ("Verder ➡️" -> "verder")."""
    kept = "".join(ch if unicodedata.category(ch)[0] in "LN" or ch in " :'-" else " "
                   for ch in unicodedata.normalize("NFKC", label))
    return " ".join(kept.casefold().split())


def remember_buttons(context: Context, message: Message | None) -> None:
    """Keep the buttons of the newest message with buttons that the bot sent or changed, per chat. A short
    message after it ("please use the buttons above") leaves them on screen. In memory: after a restart a
    typed label is just text again, which is how it was before."""
    if message is None or context.chat_data is None:
        return
    markup = message.reply_markup
    buttons = [(button.text, button.callback_data) for row in markup.inline_keyboard for button in row
               if isinstance(button.callback_data, str)] if isinstance(markup, InlineKeyboardMarkup) else []
    if buttons:
        context.chat_data[SCREEN] = {"id": message.message_id, "buttons": buttons}


def typed_button(update: Update, context: Context) -> tuple[int, str] | None:
    """(message id, callback data) of the button on screen whose label is what was typed, if exactly one is."""
    screen = context.chat_data.get(SCREEN) if context.chat_data is not None else None
    typed = plain(text_of(update))
    if not screen or not typed:
        return None
    found = {data for label, data in screen["buttons"] if plain(label) == typed and not TOGGLES.match(data)}
    return (int(screen["id"]), found.pop()) if len(found) == 1 else None


def _typed(query: CallbackQuery) -> bool:
    return query.id.startswith("typed:")


async def press_typed(update: Update, context: Context) -> bool:
    """If the text typed equals a button on screen, handle it as a press of that button and return True.

    The press goes to the flows (group 0) only: the guards already saw the typed message, so it is not
    counted twice against the flood limit nor checked twice for crisis language."""
    found = typed_button(update, context)
    if found is None or update.effective_user is None or update.effective_chat is None or update.message is None:
        return False
    message_id, data = found
    shown = Message(message_id=message_id, date=update.message.date, chat=update.effective_chat)
    query = CallbackQuery(id=f"typed:{update.update_id}", from_user=update.effective_user,
                          chat_instance=str(update.effective_chat.id), message=shown, data=data)
    pressed = Update(update_id=update.update_id, callback_query=query)
    pressed.set_bot(context.bot)
    query.set_bot(context.bot)
    shown.set_bot(context.bot)
    application = context.application
    for handler in application.handlers.get(0, []):
        check = handler.check_update(pressed)
        if check is None or check is False:
            continue
        pressed_context = application.context_types.context.from_update(pressed, application)
        await pressed_context.refresh_data()
        await handler.handle_update(pressed, application, check, pressed_context)
        return True
    return False


def text_answer(callback):  # type: ignore[no-untyped-def]
    """Wrap the text handler of a conversation step: a typed button label presses that button instead."""
    async def answer(update: Update, context: Context):  # type: ignore[no-untyped-def]
        if await press_typed(update, context):
            return None  # the press already moved the conversation on
        return await callback(update, context)

    answer.__name__ = getattr(callback, "__name__", "answer")
    return answer


def typed(callback, only: filters.BaseFilter = TEXT) -> MessageHandler:  # type: ignore[no-untyped-def]
    """A conversation step's typed answer (new text only by default), read by `text_answer(callback)`."""
    return MessageHandler(only, text_answer(callback))


async def edited(update: Update, context: Context) -> None:
    """An edited message inside a conversation: say that only new messages count; the step stays open."""
    t = tr(context, await current(update, context))
    await say(update, context, t.gettext(EDITED))


def edit_fallback() -> MessageHandler:
    """For every conversation's fallbacks: edits are answered, never read as an answer."""
    return MessageHandler(filters.UpdateType.EDITED, edited)


async def refuse(update: Update, context: Context, t: Translator, text: str = NOT_FOR_YOU) -> None:
    """A forged or foreign button, or an id that is not yours: a clear line and the way back to the menu."""
    await say(update, context, t.gettext(text), keyboards.menu_button(t))


async def deliver_now(context: Context) -> None:
    """Send what a flow just queued (a consent notice, an alert) now; the minute tick is only the backstop."""
    from bot import outbox
    from conversations import notices  # noqa: F401 - every queued kind can be written (imported by now anyway)

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


def mark_safety_shown(context: Context, *, with_buttons: bool = False) -> None:
    """The safety message (or its short line) answered this update; later handlers must not brush it off.
    `with_buttons`: what the client can do now came with it (conversations/safetyplan), so no menu line after."""
    setattr(context, _SAFETY_SHOWN, "buttons" if with_buttons or getattr(context, _SAFETY_SHOWN, None) == "buttons"
            else True)


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
        if getattr(context, _SAFETY_SHOWN, None) == "buttons":
            return ConversationHandler.END  # the buttons of what to do now are the last thing on screen
        await say(
            update, context, t.gettext("I am here. Want to do something else? Tap Menu."), keyboards.menu_button(t)
        )
        return ConversationHandler.END
    if update.callback_query is not None:
        await security.record_refused_button(
            services(context), update.effective_user.id if update.effective_user else None
        )
        text = t.gettext("This button no longer works. Here is the menu.")
    elif update.edited_message is not None:
        text = t.gettext(EDITED)
    elif update.message is not None and update.message.text and await press_typed(update, context):
        return ConversationHandler.END  # a button's label, typed: handled as that button
    else:
        text = t.gettext("Sorry, I did not understand that. Please choose a button.")
    return await menu_or_welcome(update, context, text)


async def refuse_group(update: Update, context: Context) -> None:
    """Personal data only in private chats: in a group, say so, show nothing, and stop all other handlers."""
    await answer_button(update)
    message = update.effective_message
    if (message is not None and (message.text or "").startswith("/")) or update.callback_query is not None:
        t = tr(context)
        await say(
            update, context, t.gettext("I only work in a private chat with you. Open a chat with me to continue.")
        )
    raise ApplicationHandlerStop
