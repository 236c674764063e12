"""The worker's side of stalled goals: the nudge's buttons, /overzicht (the caseload by urgency) and /afwezig."""
from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.domain.dates import numeric, parse_day
from bot.domain.disclosure import Signal, no_contact_for
from bot.domain.plans import PHASE_EMOJI
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.services import nudges
from bot.services.base import NotAllowed, NotFound
from bot.services.nudges import AbsenceView, BadDates, OverviewRow
from bot.services.people import PersonView
from conversations import callbacks, common, keyboards, menu, worker_keyboards
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.handler import Turn, handler
from conversations.notices.nudges import nudge_text

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



@handler(Role.WORKER, flow="ndg", stop=None)
async def open_nudge(turn: Turn) -> None:
    """ndg:open:<id>, from a digest: the full nudge with its buttons."""
    nudge_id = turn.int_arg()
    facts = await nudges.nudge_message(turn.svc, turn.tid, nudge_id)
    await turn.say(nudge_text(turn.t, facts), worker_keyboards.nudge_keyboard(turn.t, facts.nudge_id, facts.client_id))


@handler(Role.WORKER, flow="ndg", stop=None)
async def acknowledge(turn: Turn) -> None:
    """ndg:contact:<id> and ndg:seen:<id>: the first one wins; whoever comes later hears who did."""
    t = turn.t
    try:
        parsed = turn.data
        result = await nudges.acknowledge(turn.svc, turn.tid, parsed.int_arg(), parsed.action)
    except (BadCallback, ValueError, NotAllowed, NotFound):
        await turn.refuse()
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
    await turn.say(text, worker_keyboards.after_nudge(t, result.client_id))


@handler(Role.WORKER, flow="ndg", stop=None)
async def later(turn: Turn) -> None:
    """ndg:later:<id>.<days>: quiet for a while, then back to this worker."""
    t = turn.t
    try:
        nudge_part, days_part = (turn.arg or "").split(".")
        if not (nudge_part.isdigit() and days_part.isdigit()):
            raise BadCallback("expected <id>.<days>")
        result = await nudges.snooze(turn.svc, turn.tid, int(nudge_part), int(days_part))
    except (BadCallback, ValueError, NotAllowed, NotFound):
        await turn.refuse()
        return
    if result.outcome == "ok" and result.until is not None:
        text = t.gettext("Okay. I will bring this up again on {day}.").format(day=t.day(result.until))
    else:
        text = t.gettext("{name} already responded to this.").format(name=result.by_name)
    await turn.say(text, keyboards.menu_button(t))


# --- /overzicht ---------------------------------------------------------------------------------------


def _row_text(t: Translator, row: OverviewRow, no_contact_days: int) -> str:
    if not row.shares_goals:  # at most the one sentence a worker may read without consent
        what = t.gettext(OVERVIEW_SIGNALS[row.signal]) if row.signal else ""
        return f"{_mark(row)} {row.name}" + (f": {what}" if what else "")
    if row.days_since_contact is None:
        contact = t.gettext("no contact yet")
    elif no_contact_for(row.days_since_contact, no_contact_days):  # "geen contact": a week without an answer
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


@handler(Role.WORKER, flow="ovz", stop=None)
async def show_overview(turn: Turn) -> None:
    """/overzicht, menu:overview and ovz:page:<n>: one page of the caseload, most urgent first."""
    t = turn.t
    page = 0
    if turn.update.callback_query is not None and (turn.update.callback_query.data or "").startswith("ovz:"):
        try:
            page = turn.int_arg()
        except BadCallback:
            page = 0
    result = await nudges.overview(turn.svc, turn.tid, page=page)
    if not result.total:
        return await turn.note(t.gettext("You have no clients yet."))
    lines = [t.gettext("Your clients, most urgent first (page {page} of {pages}):").format(
        page=result.page + 1, pages=result.pages), ""]
    no_contact_days = turn.svc.settings.no_contact_days
    lines += [_row_text(t, row, no_contact_days) for row in result.rows]
    lines += ["", t.gettext("A colour shows only for clients who share alerts on orange and red with you."),
              t.gettext("Days, stalled goals and nudges show only for clients who share their goals with you. "
                        "For the others you see at most that a goal is stuck or that they have not responded "
                        "for a while.")]
    text, markup = (
        "\n".join(lines),
        worker_keyboards.overview_keyboard(t, result, [f"{_mark(r)} {r.name}" for r in result.rows]),
    )
    if turn.update.callback_query is not None and (turn.update.callback_query.data or "").startswith("ovz:"):
        await turn.edit(text, markup)  # paging changes the overview in place
    else:
        await turn.say(text, markup)


# --- /afwezig -----------------------------------------------------------------------------------------


async def _confirm(update: Update, context: Context, t: Translator, absence: AbsenceView) -> None:
    await common.say(update, context, t.gettext(
        "You are away from {start} to {end}. Meanwhile nudges about your clients go to their backup worker."
    ).format(start=t.day(absence.starts_on), end=t.day(absence.ends_on)),
        worker_keyboards.absence_keyboard(t, can_end=True))


async def _save(update: Update, context: Context, t: Translator, worker: PersonView, start: date, end: date) -> bool:
    """True when saved; otherwise says why (the caller asks again)."""
    try:
        absence = await nudges.set_absence(common.services(context), worker.telegram_id, start, end)
    except BadDates as exc:
        if exc.reason == "order":
            await common.say(update, context, t.gettext(WRONG_ORDER))
        else:
            await common.say(
                update, context, t.gettext("That day has already passed. Please choose a day from today on.")
            )
        return False
    await _confirm(update, context, t, absence)
    return True


@handler(Role.WORKER)
async def start_absence(turn: Turn) -> int:
    """/afwezig [from to]: with two dates at once, else asked one by one; shows a current absence to end it."""
    t = turn.t
    args = turn.context.args or []
    if args:
        start, end = _two_days(turn.context, args)
        if start is None or end is None:
            await turn.say(_ask(t, turn.context, BAD_DATE))
        elif await _save(turn.update, turn.context, t, turn.person, start, end):
            return ConversationHandler.END
    current = await nudges.my_absences(turn.svc, turn.tid)
    text = _ask(t, turn.context, ASK_FROM)
    if current:
        text = t.gettext("You are away from {start} to {end}.").format(
            start=t.day(current[0].starts_on), end=t.day(current[0].ends_on)) + "\n\n" + text
    await turn.say(text, worker_keyboards.absence_keyboard(t, can_end=bool(current)))
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


@handler(Role.WORKER)
async def on_from(turn: Turn) -> int:
    t = turn.t
    start = _day(turn.context, common.text_of(turn.update))
    if start is None:
        await turn.say(_ask(t, turn.context, BAD_DATE))
        return Step.FROM
    turn.user_data[FROM_KEY] = start.isoformat()
    await turn.say(t.gettext("From {day}.").format(day=t.day(start)) + "\n\n"
                     + _ask(t, turn.context, ASK_TO, after=start))
    return Step.TO


@handler(Role.WORKER)
async def on_to(turn: Turn) -> int:
    t = turn.t
    end = _day(turn.context, common.text_of(turn.update))
    raw_start = turn.user_data.get(FROM_KEY)
    if raw_start is None:
        await turn.say(_ask(t, turn.context, ASK_FROM))
        return Step.FROM
    start = date.fromisoformat(raw_start)
    if end is None:
        await turn.say(_ask(t, turn.context, BAD_DATE, after=start))
        return Step.TO
    if start > end:
        await turn.say(t.gettext(WRONG_ORDER) + "\n\n" + _ask(t, turn.context, ASK_FROM))
        return Step.FROM
    if not await _save(turn.update, turn.context, t, turn.person, start, end):
        await turn.say(_ask(t, turn.context, ASK_TO, after=start))
        return Step.TO
    turn.user_data.pop(FROM_KEY, None)
    return ConversationHandler.END


@handler(Role.WORKER)
async def end_absence(turn: Turn) -> int:
    """afw:end: back early (also the way out of the questions)."""
    t = turn.t
    turn.user_data.pop(FROM_KEY, None)
    ended = await nudges.clear_absence(turn.svc, turn.tid)
    if ended:
        text = t.gettext("Welcome back. Nudges about your clients come to you again.")
    else:
        text = t.gettext("You have no absence planned.")
    await turn.say(text, keyboards.menu_button(t))
    return ConversationHandler.END


async def odd_input(update: Update, context: Context) -> int | None:
    """A sticker or photo while we wait for a date: ask again, stay in the step."""
    person = await common.current(update, context)
    t = common.tr(context, person)
    await common.say(update, context, _ask(t, context, BAD_DATE))
    return None


def absence_conversation() -> ConversationHandler:
    entry = [
        CommandHandler("afwezig", start_absence),
        CallbackQueryHandler(start_absence, pattern=callbacks.pattern("menu", "absence")),
    ]
    states = {Step.FROM: [common.typed(on_from)], Step.TO: [common.typed(on_to)]}
    back = CallbackQueryHandler(end_absence, pattern=callbacks.pattern("afw", "end"))
    return menu.conversation("absence", entry, states, back, odd=odd_input)


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
