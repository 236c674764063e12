"""The progress conversation (the one typed answer: a scale decision's reason) and every progress button,
registered in one place."""
from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from conversations import callbacks, common, menu
from conversations.handler import buttons
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
    return menu.conversation(
        "progress",
        [CallbackQueryHandler(decide, pattern=callbacks.pattern("prg", "dec"))],
        {Step.REASON: [
            common.typed(on_reason), CallbackQueryHandler(skip_reason, pattern=callbacks.pattern("prg", "noreason"))
        ]},
        odd=odd_reason,
    )


def handlers() -> list:
    """For bot/app.py, in group 0 before the catch-alls (the conversation first, like the other flows)."""
    return [
        conversation(),  # the reason typed after a scale decision
        CommandHandler("herstelplan", open_plan),
        CommandHandler("scan", start_scan),
        CommandHandler("rapport", rapport),
        CallbackQueryHandler(open_plan, pattern=r"^menu:herstelplan$"),
        CallbackQueryHandler(start_scan, pattern=r"^(menu|prg):scan$"),
        CallbackQueryHandler(rapport, pattern=r"^menu:report$"),
        CallbackQueryHandler(choose_plan_pdf, pattern=r"^prg:(pdf|pdfopt)(:|$)"),
        *buttons("prg", {
            "plan": open_plan, "part": show_part, "pdfgo": send_plan_pdf,  # herstelplan.py
            "wscan": start_worker_scan, "kids": on_kids, "sq": on_question, "ss": on_score, "later": later,
            "chart": show_chart, "cmp": show_comparison,  # scan.py
            "month": monthly_for, "client": client_progress, "sug": show_suggestions,  # worker.py
            "close": start_closing, "out": on_outcome, "closeok": on_close, "rel": on_relation,  # closing.py
            "noreason": skip_reason,  # a stale "skip" of the reason (worker.py)
        }),
    ]
