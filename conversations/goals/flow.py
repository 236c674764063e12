"""The goals conversation and the goal buttons that work from anywhere, registered in one place."""
from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from conversations import callbacks, common, menu
from conversations.goals.checkin_answer import (
    ask_step,
    on_answer,
    on_note_skip,
    on_note_text,
    on_note_voice,
    on_stall,
    on_step_skip,
    on_step_text,
)
from conversations.goals.new_goal import NEW_GOAL, on_new_button, on_new_text, start_new
from conversations.goals.pages import chart, checkin_now, on_proposal, on_status, open_goal, show_list
from conversations.goals.shared import Step
from conversations.handler import buttons

# --- registration --------------------------------------------------------------------------------------


def _navigation() -> list:
    """Buttons and commands that need no open question. Registered as plain handlers and as fallbacks, so
    that in the middle of a question they also end it."""
    return [
        CommandHandler("doelen", show_list),
        CallbackQueryHandler(show_list, pattern=r"^(menu:goals|goal:list)$"),
        CallbackQueryHandler(open_goal, pattern=callbacks.pattern("goal", "open")),
        CallbackQueryHandler(checkin_now, pattern=callbacks.pattern("goal", "checkin")),
        CallbackQueryHandler(on_status, pattern=r"^goal:(pause|resume|reached|stop|stopyes):"),
        CallbackQueryHandler(on_proposal, pattern=r"^goal:(accept|decline):"),
        CallbackQueryHandler(chart, pattern=callbacks.pattern("goal", "chart")),
        CallbackQueryHandler(on_step_skip, pattern=callbacks.pattern("goal", "keep")),
    ]


def handlers() -> list:
    return _navigation()


def conversation() -> ConversationHandler:
    text = common.TEXT
    creating = [
        CallbackQueryHandler(on_new_button, pattern=r"^goal:(dom|skip|day|time|every|who|back|fwd|later)(:|$)"),
        common.typed(on_new_text),
    ]
    return menu.conversation(
        "goals",
        [
            *buttons("goal", {"new": start_new, "step": ask_step}),
            CallbackQueryHandler(on_answer, pattern=callbacks.pattern("gchk")),
            CallbackQueryHandler(on_stall, pattern=callbacks.pattern("gstall")),
        ],
        {
            **{step: list(creating) for step in NEW_GOAL},
            Step.NOTE: [
                CallbackQueryHandler(on_note_skip, pattern=r"^goal:skip:note$"),
                common.typed(on_note_text, text),
                MessageHandler(filters.VOICE, on_note_voice),
            ],
            Step.NEW_STEP: [
                CallbackQueryHandler(on_step_skip, pattern=r"^goal:skip:next$"),
                common.typed(on_step_text, text),
            ],
        },
        *_navigation(),
    )
