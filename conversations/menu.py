"""The main menu and the commands that work from anywhere: /menu, /help, /stop, /taal."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.domain.roles import Role
from bot.i18n import N_
from bot.services import people
from conversations import callbacks, common, keyboards
from conversations.common import Context

HELP = {
    Role.CLIENT: N_(
        "/crisis shows your crisis card at once, with 112 and 113.\n\n"
        "Houvast helps you keep your own plan.\n\n"
        "/menu shows your menu.\n/checkin: how are you today?\n/doelen: your goals.\n"
        "/plan: your signaleringsplan.\n/herstelplan: your whole plan.\n"
        "/veiligheidsplan: your safety plan, hope box and emergency message. /wis deletes this chat.\n"
        "/privacy: who sees what. /wiezietwat: who looked.\n"
        "/stop pauses all reminders. /start turns them on again.\n"
        "/taal changes the language.\n\n"
        "Houvast is not a crisis service. In danger, call 112. "
        "Thinking about suicide? Call 113 or 0800-0113."
    ),
    Role.WORKER: N_(
        "As a worker you invite clients and follow their plans, as far as they share them with you.\n\n"
        "/menu shows your menu.\n/overzicht shows your clients, most urgent first.\n"
        "/afwezig: say when you are away. Your nudges then go to the backup worker.\n"
        "/stop pauses your reminders. /start turns them on again.\n/taal changes the language."
    ),
    Role.PEER: N_(
        "As a peer expert you support peers. You see only what they share with you.\n\n"
        "/menu shows your menu.\n/mijnpeers shows your peers.\n/profiel: your story, themes and when you are free.\n"
        "/stop pauses your reminders. /start turns them on again.\n/taal changes the language."
    ),
    Role.ADMIN: N_(
        "As an admin you invite workers, peer experts and other admins.\n\n"
        "/menu shows your menu.\n/taal changes the language."
    ),
}


async def show(update: Update, context: Context) -> int:
    await common.answer_button(update)
    return await common.menu_or_welcome(update, context)


async def help_command(update: Update, context: Context) -> int:
    await common.answer_button(update)
    person = await common.current(update, context)
    if person is None or not person.onboarded:
        return await common.menu_or_welcome(update, context)
    t = common.tr(context, person)
    await common.say(update, context, t.gettext(HELP[person.role]), keyboards.menu_button(t))
    return ConversationHandler.END


PAUSED = {
    True: N_("I will send you no reminders for now. Type /start or use the menu to turn them on again."),
    False: N_("Your reminders are on again."),
}


async def stop(update: Update, context: Context) -> int:
    """Pause all reminders; also the way out of any flow."""
    return await _set_paused(update, context, True)


async def resume(update: Update, context: Context) -> int:
    return await _set_paused(update, context, False)


async def _set_paused(update: Update, context: Context, paused: bool) -> int:
    await common.answer_button(update)
    person = await common.current(update, context)
    if person is None or not person.onboarded:
        return await common.menu_or_welcome(update, context)
    person = await people.set_reminders_paused(common.services(context), person.telegram_id, paused)
    t = common.tr(context, person)
    await common.show_menu(update, context, person, t.gettext(PAUSED[paused]))
    return ConversationHandler.END


async def choose_language(update: Update, context: Context) -> int:
    await common.answer_button(update)
    person = await common.current(update, context)
    t = common.tr(context, person)
    await common.say(update, context, t.gettext("Which language do you want?"), keyboards.languages())
    return ConversationHandler.END


async def set_language(update: Update, context: Context) -> int:
    await common.answer_button(update)
    person = await common.current(update, context)
    choice = callbacks.parse(update.callback_query.data, "lang").arg
    if person is None or choice not in ("nl", "en"):
        return await common.unknown(update, context)
    person = await people.set_locale(common.services(context), person.telegram_id, choice)
    t = common.tr(context, person)
    await common.show_menu(update, context, person, t.gettext("Okay, I will speak English from now on."))
    return ConversationHandler.END


def global_commands() -> list[CommandHandler]:
    """Work from every state: also registered as fallbacks of each conversation."""
    return [
        CommandHandler("menu", show),
        CommandHandler("help", help_command),
        CommandHandler("stop", stop),
        CommandHandler("taal", choose_language),
    ]


async def odd_input(update: Update, context: Context) -> None:
    """A sticker, photo or other message a question cannot use: say what we need; stay on the question."""
    t = common.tr(context, await common.current(update, context))
    await common.say(update, context, t.gettext("Please answer with a short text, or use the buttons above."))


def fallbacks(*between: BaseHandler, odd: Callable[[Update, Context], Awaitable[Any]] = odd_input,
              menu_button: bool = True) -> list[BaseHandler]:
    """Every conversation's way out, in this order: the global commands, the menu button, the flow's own
    buttons that also leave a question (`between`), edits (answered, never read as an answer), and last
    anything else typed or sent (`odd`)."""
    return [
        *global_commands(),
        *([CallbackQueryHandler(show, pattern=callbacks.pattern("menu", "show"))] if menu_button else []),
        *between,
        common.edit_fallback(),
        MessageHandler(filters.ALL & ~filters.COMMAND & ~filters.UpdateType.EDITED, odd),
    ]


def leaving(callback: Callable[[Update, Context], Awaitable[Any]]) -> Callable[[Update, Context], Awaitable[int]]:
    """A button pressed in the middle of a flow's question that does something else: do what it says, and
    leave the question."""

    async def leave(update: Update, context: Context) -> int:
        await callback(update, context)
        return ConversationHandler.END

    return leave


def conversation(name: str, entry_points: list[BaseHandler], states: dict[Any, list[BaseHandler]],
                 *between: BaseHandler, odd: Callable[[Update, Context], Awaitable[Any]] = odd_input,
                 menu_button: bool = True) -> ConversationHandler:
    """A flow's open questions: kept over a restart (persistent), opened again by its own entry points, and
    left the way every conversation is left (`fallbacks`, with `between`, `odd` and `menu_button`)."""
    return ConversationHandler(
        name=name, persistent=True, allow_reentry=True, entry_points=entry_points, states=states,
        fallbacks=fallbacks(*between, odd=odd, menu_button=menu_button),
    )


def handlers() -> list:
    return [
        *global_commands(),
        *[CallbackQueryHandler(callback, pattern=callbacks.pattern("menu", action)) for action, callback in (
            ("show", show), ("help", help_command), ("pause", stop), ("resume", resume), ("language", choose_language)
        )],
        CallbackQueryHandler(set_language, pattern=callbacks.pattern("lang", "set")),
    ]
