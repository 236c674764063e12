"""The progress conversation (the one typed answer: a scale decision's reason) and every progress button,
registered in one place."""
from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import callbacks
from conversations import common, menu
from conversations.progress.closing import on_close, on_outcome, on_relation, start_closing
from conversations.progress.herstelplan import choose_plan_pdf, open_plan, send_plan_pdf, show_part
from conversations.progress.scan import (
    later,
    on_kids,
    on_question,
    on_score,
    show_chart,
    show_comparison,
    start_scan,
    start_worker_scan,
)
from conversations.progress.shared import Step
from conversations.progress.worker import (
    client_progress,
    decide,
    monthly_for,
    odd_reason,
    on_reason,
    rapport,
    show_suggestions,
    skip_reason,
)

# --- registration ---------------------------------------------------------------------------------------------


def conversation() -> ConversationHandler:
    """The one typed answer of this feature: the reason for a scale decision."""
    return ConversationHandler(
        name="progress",
        persistent=True,
        allow_reentry=True,
        entry_points=[CallbackQueryHandler(decide, pattern=callbacks.pattern("prg", "dec"))],
        states={Step.REASON: [
            MessageHandler(common.TEXT, common.text_answer(on_reason)),
            CallbackQueryHandler(skip_reason, pattern=callbacks.pattern("prg", "noreason")),
        ]},
        fallbacks=[
            *menu.global_commands(),
            CallbackQueryHandler(menu.show, pattern=callbacks.pattern("menu", "show")),
            common.edit_fallback(),
            MessageHandler(filters.ALL & ~filters.COMMAND & ~filters.UpdateType.EDITED, odd_reason),
        ],
    )


def handlers() -> list:
    """For bot/app.py, in group 0 before the catch-alls (the conversation first, like the other flows)."""
    return [
        conversation(),  # the reason typed after a scale decision
        CommandHandler("herstelplan", open_plan),
        CallbackQueryHandler(open_plan, pattern=r"^menu:herstelplan$"),
        CallbackQueryHandler(open_plan, pattern=callbacks.pattern("prg", "plan")),
        CallbackQueryHandler(show_part, pattern=callbacks.pattern("prg", "part")),
        CallbackQueryHandler(choose_plan_pdf, pattern=r"^prg:(pdf|pdfopt)(:|$)"),
        CallbackQueryHandler(send_plan_pdf, pattern=callbacks.pattern("prg", "pdfgo")),
        CommandHandler("scan", start_scan),
        CallbackQueryHandler(start_scan, pattern=r"^menu:scan$"),
        CallbackQueryHandler(start_scan, pattern=r"^prg:scan$"),
        CallbackQueryHandler(start_worker_scan, pattern=callbacks.pattern("prg", "wscan")),
        CallbackQueryHandler(on_kids, pattern=callbacks.pattern("prg", "kids")),
        CallbackQueryHandler(on_question, pattern=callbacks.pattern("prg", "sq")),
        CallbackQueryHandler(on_score, pattern=callbacks.pattern("prg", "ss")),
        CallbackQueryHandler(later, pattern=callbacks.pattern("prg", "later")),
        CallbackQueryHandler(show_chart, pattern=callbacks.pattern("prg", "chart")),
        CallbackQueryHandler(show_comparison, pattern=callbacks.pattern("prg", "cmp")),
        CommandHandler("rapport", rapport),
        CallbackQueryHandler(rapport, pattern=r"^menu:report$"),
        CallbackQueryHandler(monthly_for, pattern=callbacks.pattern("prg", "month")),
        CallbackQueryHandler(client_progress, pattern=callbacks.pattern("prg", "client")),
        CallbackQueryHandler(show_suggestions, pattern=callbacks.pattern("prg", "sug")),
        CallbackQueryHandler(start_closing, pattern=callbacks.pattern("prg", "close")),
        CallbackQueryHandler(on_outcome, pattern=callbacks.pattern("prg", "out")),
        CallbackQueryHandler(on_close, pattern=callbacks.pattern("prg", "closeok")),
        CallbackQueryHandler(on_relation, pattern=callbacks.pattern("prg", "rel")),
        CallbackQueryHandler(skip_reason, pattern=callbacks.pattern("prg", "noreason")),  # a stale "skip"
    ]
