"""The worker's side of progress: /rapport, the monthly report for a chosen month, a client's progress, and the
scaling suggestions with a decision and its reason."""
from __future__ import annotations

import asyncio
from datetime import date

from babel.dates import format_date
from telegram import Update
from telegram.ext import ConversationHandler

from bot.domain.dates import parse_month
from bot.domain.roles import CareRole, Role
from bot.domain.scaling import DIRECTION_NAMES, REASON_TEXTS, Direction
from bot.i18n import N_, Translator
from bot.render.report import caseload_text, report_csv, report_pdf
from bot.services import caseload, report, scaling
from bot.services.base import NotAllowed, NotFound
from bot.services.people import PersonView
from conversations import common, keyboards
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.handler import Turn, handler, listing
from conversations.keyboards import DIRECTION_KEYS
from conversations.progress import keyboards as progress_keyboards
from conversations.progress.shared import DECISION_KEY, Step, no_emoji, payload_arg, payload_int, send_file


@handler(Role.WORKER, Role.ADMIN, stop=None)
async def rapport(turn: Turn) -> None:
    """/rapport, menu:report: a worker's caseload; an admin's monthly report (/rapport 2026-11)."""
    t = turn.t
    svc = turn.svc
    if turn.person.role == Role.ADMIN:
        typed = " ".join(turn.context.args or []) if turn.update.callback_query is None else ""
        if not typed:
            await _choose_month(turn.update, turn.context, t)
            return
        month = parse_month(typed, today=svc.today())
        if month is None:
            await turn.say(t.gettext(
                "I do not understand that month. Type it like /rapport 2026-11 or /rapport november 2026, "
                "or choose one below."))
            await _choose_month(turn.update, turn.context, t)
            return
        await _monthly(turn.update, turn.context, turn.person, month)
        return
    numbers = await report.caseload_report(svc, turn.tid)
    await turn.say(
        caseload_text(numbers, t),
        progress_keyboards.progress_caseload_keyboard(t, [(c.client_id, c.name) for c in numbers.clients_list]),
    )


REPORT_MONTHS = 12  # months to choose from, the current one (so far) first


async def _choose_month(update: Update, context: Context, t: Translator) -> None:
    today = common.services(context).today()
    months = [date(today.year + (today.month - 1 - back) // 12, (today.month - 1 - back) % 12 + 1, 1)
              for back in range(REPORT_MONTHS)]
    choices = [
        (f"{first.year:04d}-{first.month:02d}", format_date(first, "LLLL y", locale=t.locale)) for first in months
    ]
    await common.say(update, context, t.gettext(
        "Which month? The month now runs until today. Or type a month, like /rapport 2025-11."),
        progress_keyboards.report_months(t, choices))


@handler(Role.ADMIN, stop=None)
async def monthly_for(turn: Turn) -> None:
    """prg:month:<YYYY-MM>: the admin's monthly report for the month they chose."""
    try:
        month = payload_arg(turn.update)
        report.month_bounds(month, turn.svc.settings.zone)
    except (BadCallback, ValueError):
        await turn.refuse()
        return
    await _monthly(turn.update, turn.context, turn.person, month)


async def _monthly(update: Update, context: Context, person: PersonView, month: str) -> None:
    svc = common.services(context)
    t = common.tr(context, person)
    if month > f"{svc.today():%Y-%m}":
        await common.say(update, context, t.gettext("That month has not begun yet."), keyboards.menu_button(t))
        return
    try:
        made = await report.monthly_report(svc, month, by_telegram_id=person.telegram_id)
    except ValueError:
        await common.say(update, context, t.gettext("Use a month like 2026-11, for example: /rapport 2026-11"),
                         keyboards.menu_button(t))
        return
    except NotAllowed:
        await common.refuse(update, context, t)
        return
    pdf = await asyncio.to_thread(report_pdf, made, t, organisation=svc.settings.organisation)
    hidden = sum(1 for line in made.lines() if line.suppressed)
    caption = t.gettext("Monthly report {month}: anonymous.").format(
        month=format_date(made.start.astimezone(t.zone).date(), "LLLL y", locale=t.locale))
    caption += " " + t.ngettext("{n} number is hidden; the last part of the PDF says which, and why.",
                                "{n} numbers are hidden; the last part of the PDF says which, and why.", hidden
                                ).format(n=hidden)
    await send_file(update, context, pdf, f"houvast-report-{month}.pdf", caption=caption)
    await send_file(update, context, report_csv(made, t), f"houvast-report-{month}.csv")


@handler(Role.WORKER, stop=None)
async def client_progress(turn: Turn) -> None:
    """prg:client:<client_id>: what a worker can do about one client's progress."""
    t = turn.t
    row = await caseload.client_row(turn.svc, turn.tid, payload_int(turn.update))
    await turn.say(
        t.gettext("Progress of {name}. What would you like to do?").format(name=row.name),
        progress_keyboards.client_progress_keyboard(
            t, row.client_id, coordinating=row.care_role == CareRole.COORDINATING
        ),
    )


def suggestion_text(t: Translator, row: scaling.SuggestionRow) -> str:
    head = (t.gettext("⬆️ Suggestion for {names}: more support.") if row.direction == Direction.UP
            else t.gettext("⬇️ Suggestion for {names}: less support."))
    lines = [head.format(names=", ".join(row.names)), "", t.gettext("Why:")]
    lines += [f"• {t.gettext(REASON_TEXTS[reason])}" for reason in row.reasons]
    lines += ["", t.gettext("Houvast only suggests. You decide, together with the client.")]
    return "\n".join(lines)


@listing(Role.WORKER, rows=scaling.suggestions, empty=N_("No suggestions to scale up or down right now."))
async def show_suggestions(turn: Turn, rows: list[scaling.SuggestionRow]) -> None:
    """prg:sug: op- en afschalen for the households this worker coordinates."""
    t = turn.t
    for row in rows:
        await turn.say(suggestion_text(t, row), progress_keyboards.decide_keyboard(t, row.household_id, row.direction))


@handler(Role.WORKER)
async def decide(turn: Turn) -> int:
    """prg:dec:<household_id>.<u|d>.<u|d|s>: the worker's decision, saved at once; then the reason."""
    t = turn.t
    try:
        household_part, suggested, decided = payload_arg(turn.update).split(".")
        decision_id = await scaling.decide(
            turn.svc, turn.tid, int(household_part),
            suggestion=DIRECTION_KEYS[suggested], decision=DIRECTION_KEYS[decided])
    except (BadCallback, ValueError, KeyError, NotAllowed):
        await turn.refuse()
        return ConversationHandler.END
    turn.user_data[DECISION_KEY] = decision_id
    await turn.say(
        t.gettext("Noted: {decision}. Why? Type a short reason.").format(
            decision=no_emoji(t.gettext(DIRECTION_NAMES[DIRECTION_KEYS[decided]]))
        ),
        progress_keyboards.skip_reason_keyboard(t),
    )
    return Step.REASON


@handler(Role.WORKER)
async def on_reason(turn: Turn) -> int:
    t = turn.t
    decision_id = turn.user_data.pop(DECISION_KEY, None)
    if decision_id is not None:
        try:
            await scaling.set_reason(turn.svc, turn.tid, int(decision_id),
                                     common.text_of(turn.update))
        except (NotAllowed, NotFound):
            await turn.refuse()
            return ConversationHandler.END
    await turn.say(t.gettext("Thank you. The decision and your reason are saved."), keyboards.menu_button(t))
    return ConversationHandler.END


async def skip_reason(update: Update, context: Context) -> int:
    await common.answer_button(update)
    person = await common.current(update, context)
    context.user_data.pop(DECISION_KEY, None)
    t = common.tr(context, person)
    await common.say(update, context, t.gettext("The decision is saved without a reason."), keyboards.menu_button(t))
    return ConversationHandler.END


async def odd_reason(update: Update, context: Context) -> None:
    person = await common.current(update, context)
    t = common.tr(context, person)
    ask = t.gettext("Please type the reason as text, or tap Skip.")
    await common.say(update, context, ask, progress_keyboards.skip_reason_keyboard(t))
