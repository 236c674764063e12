"""The worker's side of stalled goals: the nudge's buttons, /overzicht (the caseload by urgency) and /afwezig."""
from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import callbacks
from bot.callbacks import BadCallback
from bot.domain.dates import numeric, parse_day
from bot.domain.disclosure import Signal
from bot.domain.plans import PHASE_EMOJI
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.services import nudges
from bot.services.base import NotAllowed, NotFound
from bot.services.nudges import AbsenceView, BadDates, OverviewRow
from bot.services.people import PersonView
from conversations import common, keyboards, menu
from conversations.common import Context

ASK_FROM = N_("From which day are you away? Type a date, like {example}. Or a word, like \"tomorrow\" or \"Monday\".")
ASK_TO = N_("Until which day are you away (the last day)? Type a date, like {example}. "
            "Or words, like \"Friday\" or \"in two weeks\".")
BAD_DATE = N_("I could not read that date. Please type it like {example}, or like \"tomorrow\".")
WRONG_ORDER = N_("The first day is after the last day.")
FROM_KEY = "absence_from"
OVERVIEW_SIGNALS = {Signal.QUIET: N_("has not responded for a while"), Signal.STUCK: N_("a goal is stuck")}


class Step(StrEnum):
    FROM = "absence.from"
    TO = "absence.to"


def _day(context: Context, text: str) -> date | None:
    return parse_day(text, today=common.today(context), direction="future")


def _ask(t: Translator, context: Context, question: str, after: date | None = None) -> str:
    """A question with an example day that lies ahead: a week after today, or after the first day away."""
    return t.gettext(question).format(example=numeric((after or common.today(context)) + timedelta(days=7)))




# --- the nudge's buttons ------------------------------------------------------------------------------



async def open_nudge(update: Update, context: Context) -> None:
    """ndg:open:<id>, from a digest: the full nudge with its buttons."""
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return
    t = common.tr(context, worker)
    try:
        nudge_id = callbacks.parse(update.callback_query.data, "ndg").int_arg()
        message = await nudges.nudge_message(common.services(context), worker.telegram_id, nudge_id)
    except (BadCallback, NotAllowed, NotFound):
        await common.refuse(update, context, t)
        return
    await common.say(update, context, message.text, keyboards.as_markup(message.buttons))


async def acknowledge(update: Update, context: Context) -> None:
    """ndg:contact:<id> and ndg:seen:<id>: the first one wins; whoever comes later hears who did."""
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return
    t = common.tr(context, worker)
    try:
        parsed = callbacks.parse(update.callback_query.data, "ndg")
        result = await nudges.acknowledge(common.services(context), worker.telegram_id, parsed.int_arg(), parsed.action)
    except (BadCallback, ValueError, NotAllowed, NotFound):
        await common.refuse(update, context, t)
        return
    if result.outcome == "ok":
        text = (
            t.gettext("Thank you. It is noted that you will get in touch with {name}.") if parsed.action == "contact"
            else t.gettext("Thank you. It is noted that you have seen this.")
        ).format(name=result.client_name)
    elif result.by_me:
        text = t.gettext("You already responded to this.")
    else:
        text = t.gettext("{name} already responded to this.").format(name=result.by_name)
    await common.say(update, context, text, keyboards.after_nudge(t, result.client_id))


async def later(update: Update, context: Context) -> None:
    """ndg:later:<id>.<days>: quiet for a while, then back to this worker."""
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return
    t = common.tr(context, worker)
    try:
        nudge_part, days_part = (callbacks.parse(update.callback_query.data, "ndg").arg or "").split(".")
        if not (nudge_part.isdigit() and days_part.isdigit()):
            raise BadCallback("expected <id>.<days>")
        result = await nudges.snooze(common.services(context), worker.telegram_id, int(nudge_part), int(days_part))
    except (BadCallback, ValueError, NotAllowed, NotFound):
        await common.refuse(update, context, t)
        return
    if result.outcome == "ok" and result.until is not None:
        text = t.gettext("Okay. I will bring this up again on {day}.").format(day=t.day(result.until))
    else:
        text = t.gettext("{name} already responded to this.").format(name=result.by_name)
    await common.say(update, context, text, keyboards.menu_button(t))


# --- /overzicht ---------------------------------------------------------------------------------------


def _row_text(t: Translator, row: OverviewRow, no_contact_days: int) -> str:
    if not row.shares_goals:  # at most the one sentence a worker may read without consent
        what = t.gettext(OVERVIEW_SIGNALS[row.signal]) if row.signal else ""
        return f"{_mark(row)} {row.name}" + (f": {what}" if what else "")
    if row.days_since_contact is None:
        contact = t.gettext("no contact yet")
    elif row.days_since_contact >= no_contact_days:  # "geen contact": a week without an answer
        contact = t.ngettext("⚠️ no contact for {n} day", "⚠️ no contact for {n} days", row.days_since_contact).format(
            n=row.days_since_contact)
    elif row.days_since_contact == 0:
        contact = t.gettext("in contact today")
    else:
        contact = t.ngettext("{n} day since contact", "{n} days since contact", row.days_since_contact).format(
            n=row.days_since_contact)
    parts = [contact]
    if row.stalled_goals:
        parts.append(t.ngettext("{n} stalled goal", "{n} stalled goals", row.stalled_goals).format(n=row.stalled_goals))
    if row.open_nudges:
        parts.append(t.ngettext("{n} open nudge", "{n} open nudges", row.open_nudges).format(n=row.open_nudges))
    return f"{_mark(row)} {row.name}: " + " · ".join(parts)


def _mark(row: OverviewRow) -> str:
    return PHASE_EMOJI[row.phase] if row.phase else "⚪"


async def show_overview(update: Update, context: Context) -> None:
    """/overzicht, menu:overview and ovz:page:<n>: one page of the caseload, most urgent first."""
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return
    t = common.tr(context, worker)
    page = 0
    if update.callback_query is not None and (update.callback_query.data or "").startswith("ovz:"):
        try:
            page = callbacks.parse(update.callback_query.data, "ovz").int_arg()
        except BadCallback:
            page = 0
    result = await nudges.overview(common.services(context), worker.telegram_id, page=page)
    if not result.total:
        await common.say(update, context, t.gettext("You have no clients yet."), keyboards.menu_button(t))
        return
    lines = [t.gettext("Your clients, most urgent first (page {page} of {pages}):").format(
        page=result.page + 1, pages=result.pages), ""]
    no_contact_days = common.services(context).settings.no_contact_days
    lines += [_row_text(t, row, no_contact_days) for row in result.rows]
    lines += ["", t.gettext("A colour shows only for clients who share alerts on orange and red with you."),
              t.gettext("Days, stalled goals and nudges show only for clients who share their goals with you. "
                        "For the others you see at most that a goal is stuck or that they have not responded "
                        "for a while.")]
    text, markup = "\n".join(lines), keyboards.overview_keyboard(t, result, [f"{_mark(r)} {r.name}" for r in result.rows])
    if update.callback_query is not None and (update.callback_query.data or "").startswith("ovz:"):
        await common.edit_or_say(update, context, text, markup)  # paging changes the overview in place
    else:
        await common.say(update, context, text, markup)


# --- /afwezig -----------------------------------------------------------------------------------------


async def _confirm(update: Update, context: Context, t: Translator, absence: AbsenceView) -> None:
    await common.say(update, context, t.gettext(
        "You are away from {start} to {end}. Meanwhile nudges about your clients go to their backup worker."
    ).format(start=t.day(absence.starts_on), end=t.day(absence.ends_on)), keyboards.absence_keyboard(t, can_end=True))


async def _save(update: Update, context: Context, t: Translator, worker: PersonView, start: date, end: date) -> bool:
    """True when saved; otherwise says why (the caller asks again)."""
    try:
        absence = await nudges.set_absence(common.services(context), worker.telegram_id, start, end)
    except BadDates as exc:
        if exc.reason == "order":
            await common.say(update, context, t.gettext(WRONG_ORDER))
        else:
            await common.say(update, context, t.gettext("That day has already passed. Please choose a day from today on."))
        return False
    await _confirm(update, context, t, absence)
    return True


async def start_absence(update: Update, context: Context) -> int:
    """/afwezig [from to]: with two dates at once, else asked one by one; shows a current absence to end it."""
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return ConversationHandler.END
    t = common.tr(context, worker)
    args = context.args or []
    if args:
        start, end = _two_days(context, args)
        if start is None or end is None:
            await common.say(update, context, _ask(t, context, BAD_DATE))
        elif await _save(update, context, t, worker, start, end):
            return ConversationHandler.END
    current = await nudges.my_absences(common.services(context), worker.telegram_id)
    text = _ask(t, context, ASK_FROM)
    if current:
        text = t.gettext("You are away from {start} to {end}.").format(
            start=t.day(current[0].starts_on), end=t.day(current[0].ends_on)) + "\n\n" + text
    await common.say(update, context, text, keyboards.absence_keyboard(t, can_end=bool(current)))
    return Step.FROM


def _two_days(context: Context, args: list[str]) -> tuple[date | None, date | None]:
    """`/afwezig 14-12 18-12`, `/afwezig maandag tot vrijdag`, `/afwezig morgen t/m over twee weken`."""
    text = " ".join(args)
    for word in (" tot en met ", " t/m ", " tot ", " until ", " - "):
        if word in f" {text} ":
            first, _, last = f" {text} ".partition(word)
            return _day(context, first), _day(context, last)
    if len(args) == 2:
        return _day(context, args[0]), _day(context, args[1])
    return None, None


async def on_from(update: Update, context: Context) -> int:
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return ConversationHandler.END
    t = common.tr(context, worker)
    start = _day(context, common.text_of(update))
    if start is None:
        await common.say(update, context, _ask(t, context, BAD_DATE))
        return Step.FROM
    context.user_data[FROM_KEY] = start.isoformat()
    await common.say(update, context, t.gettext("From {day}.").format(day=t.day(start)) + "\n\n"
                     + _ask(t, context, ASK_TO, after=start))
    return Step.TO


async def on_to(update: Update, context: Context) -> int:
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return ConversationHandler.END
    t = common.tr(context, worker)
    end = _day(context, common.text_of(update))
    raw_start = context.user_data.get(FROM_KEY)
    if raw_start is None:
        await common.say(update, context, _ask(t, context, ASK_FROM))
        return Step.FROM
    start = date.fromisoformat(raw_start)
    if end is None:
        await common.say(update, context, _ask(t, context, BAD_DATE, after=start))
        return Step.TO
    if start > end:
        await common.say(update, context, t.gettext(WRONG_ORDER) + "\n\n" + _ask(t, context, ASK_FROM))
        return Step.FROM
    if not await _save(update, context, t, worker, start, end):
        await common.say(update, context, _ask(t, context, ASK_TO, after=start))
        return Step.TO
    context.user_data.pop(FROM_KEY, None)
    return ConversationHandler.END


async def end_absence(update: Update, context: Context) -> int:
    """afw:end: back early (also the way out of the questions)."""
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return ConversationHandler.END
    t = common.tr(context, worker)
    context.user_data.pop(FROM_KEY, None)
    ended = await nudges.clear_absence(common.services(context), worker.telegram_id)
    if ended:
        text = t.gettext("Welcome back. Nudges about your clients come to you again.")
    else:
        text = t.gettext("You have no absence planned.")
    await common.say(update, context, text, keyboards.menu_button(t))
    return ConversationHandler.END


async def odd_input(update: Update, context: Context) -> int | None:
    """A sticker or photo while we wait for a date: ask again, stay in the step."""
    person = await common.current(update, context)
    t = common.tr(context, person)
    await common.say(update, context, _ask(t, context, BAD_DATE))
    return None


def absence_conversation() -> ConversationHandler:
    return ConversationHandler(
        name="absence",
        persistent=True,
        allow_reentry=True,
        entry_points=[
            CommandHandler("afwezig", start_absence),
            CallbackQueryHandler(start_absence, pattern=callbacks.pattern("menu", "absence")),
        ],
        states={
            Step.FROM: [MessageHandler(common.TEXT, common.text_answer(on_from))],
            Step.TO: [MessageHandler(common.TEXT, common.text_answer(on_to))],
        },
        fallbacks=[
            *menu.global_commands(),
            CallbackQueryHandler(menu.show, pattern=callbacks.pattern("menu", "show")),
            CallbackQueryHandler(end_absence, pattern=callbacks.pattern("afw", "end")),
            common.edit_fallback(),
            MessageHandler(filters.ALL & ~filters.COMMAND & ~filters.UpdateType.EDITED, odd_input),
        ],
    )


def handlers() -> list:
    """For bot/app.py, in group 0 before the catch-alls (the conversation first, like the other flows)."""
    return [
        absence_conversation(),  # /afwezig and its two dates
        CallbackQueryHandler(end_absence, pattern=callbacks.pattern("afw", "end")),  # "I am back" later on
        CallbackQueryHandler(open_nudge, pattern=callbacks.pattern("ndg", "open")),
        CallbackQueryHandler(acknowledge, pattern=r"^ndg:(contact|seen)(:|$)"),
        CallbackQueryHandler(later, pattern=callbacks.pattern("ndg", "later")),
        CommandHandler("overzicht", show_overview),
        CallbackQueryHandler(show_overview, pattern=callbacks.pattern("menu", "overview")),
        CallbackQueryHandler(show_overview, pattern=callbacks.pattern("ovz", "page")),
    ]
