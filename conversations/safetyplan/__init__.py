"""Mijn veiligheidsplan: the two safety plans' homes, the hoopbox, the noodbericht, "Wis dit gesprek", and the
one-tap help after a rood check-in or crisis language.

    plans.py        the hub, each plan's home, "Wat kan ik nu doen?", "Wie kan ik bellen?", the offer in a crisis
    hoopbox.py      view, add (a state of the conversation below), take out; a viewer's look
    noodbericht.py  the message, trusted people, sending, who got it
    wipe.py         "Wis dit gesprek"
    keyboards.py    every keyboard of this package
    turn.py         the one opening of every handler

Filling in a plan is the form engine's (conversations/forms.py); views, files and "one part" are the tool buttons
(conversations/tools.py). bot/app.py registers `conversation()` and `handlers()`.
"""
from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from conversations import callbacks, common, menu
from conversations.safetyplan import hoopbox, noodbericht, plans, wipe
from conversations.safetyplan.plans import offer_after_crisis
from conversations.safetyplan.states import State

__all__ = ["conversation", "handlers", "offer_after_crisis"]


def _navigation() -> list:
    """Buttons and commands that need nothing typed. Plain handlers, and fallbacks of the conversation, so that
    in the middle of adding to the hoopbox or typing a message they end it and do what they say."""
    return [
        CommandHandler("veiligheidsplan", plans.hub),
        CommandHandler("hoop", hoopbox.show),
        CommandHandler("noodbericht", noodbericht.send),
        CommandHandler("wis", wipe.wipe),
        CallbackQueryHandler(plans.hub, pattern=r"^menu:safety$"),
        CallbackQueryHandler(plans.home, pattern=callbacks.pattern("sp", "home")),
        CallbackQueryHandler(plans.what_now, pattern=callbacks.pattern("sp", "now")),
        CallbackQueryHandler(plans.who_to_call, pattern=callbacks.pattern("sp", "call")),
        CallbackQueryHandler(plans.show_proposal, pattern=callbacks.pattern("tog", "show")),
        CallbackQueryHandler(hoopbox.show, pattern=callbacks.pattern("hope", "show")),
        CallbackQueryHandler(hoopbox.show_shared, pattern=callbacks.pattern("hope", "of")),
        CallbackQueryHandler(hoopbox.pick, pattern=callbacks.pattern("hope", "pick")),
        CallbackQueryHandler(hoopbox.confirm_remove, pattern=callbacks.pattern("hope", "del")),
        CallbackQueryHandler(hoopbox.remove, pattern=callbacks.pattern("hope", "rm")),
        CallbackQueryHandler(hoopbox.done_adding, pattern=callbacks.pattern("hope", "done")),
        CallbackQueryHandler(noodbericht.setup, pattern=callbacks.pattern("nood", "setup")),
        CallbackQueryHandler(noodbericht.send, pattern=callbacks.pattern("nood", "send")),
        CallbackQueryHandler(noodbericht.status, pattern=callbacks.pattern("nood", "status")),
        CallbackQueryHandler(noodbericht.member, pattern=callbacks.pattern("nood", "member")),
        CallbackQueryHandler(noodbericht.on_consent, pattern=callbacks.pattern("nood", "consent")),
        CallbackQueryHandler(noodbericht.on_text_button, pattern=callbacks.pattern("nood", "tx")),
        CallbackQueryHandler(noodbericht.pick, pattern=callbacks.pattern("nood", "pick")),
        CallbackQueryHandler(noodbericht.remove, pattern=callbacks.pattern("nood", "del")),
        CallbackQueryHandler(wipe.wipe, pattern=callbacks.pattern("wipe", "go")),
        CallbackQueryHandler(wipe.done, pattern=callbacks.pattern("wipe", "ok")),
    ]


def handlers() -> list:
    return _navigation()


def conversation() -> ConversationHandler:
    """The steps where something is sent or typed: the hoopbox's new items, the noodbericht's words, a trusted
    person. Every answer is kept at once; a restart keeps the step (persistent)."""
    anything = filters.ALL & ~filters.COMMAND & ~filters.UpdateType.EDITED
    return ConversationHandler(
        name="safetyplan",
        persistent=True,
        allow_reentry=True,
        entry_points=[
            CallbackQueryHandler(hoopbox.start_adding, pattern=callbacks.pattern("hope", "add")),
            CallbackQueryHandler(noodbericht.choose_text, pattern=callbacks.pattern("nood", "text")),
            CallbackQueryHandler(noodbericht.add, pattern=callbacks.pattern("nood", "add")),
        ],
        states={
            State.HOPE_ADD: [
                MessageHandler(common.TEXT, common.text_answer(hoopbox.on_item)),
                MessageHandler(anything, hoopbox.on_item),
            ],
            State.SOS_TEXT: [
                MessageHandler(common.TEXT, common.text_answer(noodbericht.on_typed_text)),
                MessageHandler(anything, noodbericht.on_typed_text),
            ],
            State.SOS_PERSON: [
                MessageHandler(common.TEXT, common.text_answer(noodbericht.on_person)),
                MessageHandler(anything, noodbericht.on_person),
            ],
        },
        fallbacks=[
            *menu.global_commands(),
            CallbackQueryHandler(menu.show, pattern=callbacks.pattern("menu", "show")),
            *_navigation(),
            common.edit_fallback(),
        ],
    )
