"""Progress you can see: Mijn herstelplan, the self-scan "Hoe staat het ervoor?", op- en afschalen, closing a
traject, and the reports.

Client: /herstelplan (menu:herstelplan): a short message with a button into each part, and one A4 PDF;
/scan (menu:scan, or the invitation's button): one leefdomein per message; after a closed traject, four short
questions about the support. Worker: /rapport (menu:report): their caseload numbers, suggestions to scale up or
down with decide buttons (and a typed reason), and per client: score the scan, compare, chart, the plan (as far
as shared), close the traject (outcomes a-g, one per message). Admin: /rapport [2026-11]: the monthly PDF + CSV.

Almost everything is carried by the buttons (`prg:...`), so a restart loses nothing: every answer is saved at
once by the services, which also check every id in a button (a forged one raises NotAllowed). The one typed
answer, the reason for a scale decision, is the small persistent conversation "progress".
"""
from __future__ import annotations

import asyncio
import io
from datetime import date
from enum import StrEnum

from babel.dates import format_date
from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import callbacks
from bot.callbacks import BadCallback
from bot.domain.dates import parse_month
from bot.domain.outcomes import (
    NOT_RELEVANT,
    OUTCOME_KEYS,
    OUTCOMES,
    RELATION_KEYS,
    RELATION_QUESTIONS,
    decode_outcomes,
    encode_outcomes,
    scale_for,
)
from bot.domain.roles import CareRole, Role
from bot.domain.safety import scan_help_kind, scan_needs_help
from bot.domain.scaling import DIRECTION_NAMES, REASON_TEXTS, Direction
from bot.domain.selfscan import (
    DOMAIN_NAMES,
    DOMAIN_QUESTIONS,
    FACES,
    LEVELS,
    domains_for,
    next_unanswered,
)
from bot.i18n import N_, Translator
from bot.render import herstelplan as plan_render
from bot.render.report import caseload_text, report_csv, report_pdf
from bot.render.scan_chart import scan_chart_png
from bot.services import caseload, closing, herstelplan, report, scaling, selfscan
from bot.services import safety as safety_service
from bot.services.base import NotAllowed, NotFound
from bot.services.herstelplan import Part
from bot.services.people import PersonView
from bot.services.selfscan import Finished, ScanDraft
from conversations import common, keyboards, menu, safety
from conversations.keyboards import DIRECTION_KEYS
from conversations.common import Context

NOT_SHARED = N_("You cannot see this. The client has not shared it with you.")
SCAN_INTRO = N_(
    "How are things going? You give each part of your life a score from 1 to 5.\n"
    "1 means: an acute problem. 5 means: going completely well. There are no wrong answers."
)
ZERO_INTRO = N_("This first scan is your starting point (0-meting). Later you can see what changed.")
KIDS_QUESTION = N_("Do children live in your home?")
KIDS_QUESTION_WORKER = N_("Your scores for {name}. Do children live in {name}'s home?")
TALK_NOTE = N_("💬 Something to talk about: you see this differently. That is not a mistake. Talk about it together.")
DECISION_KEY = "progress_decision"
PART_KEYS = {"g": Part.GOALS, "p": Part.PHASE, "s": Part.SCAN, "c": Part.CONTACTS, "w": Part.SUPPORT,
             "v": Part.SAFETY, "t": Part.HOME}
HOUSEHOLD_KEY = "h"


class Step(StrEnum):
    REASON = "progress.reason"


# --- helpers ---------------------------------------------------------------------------------------------



def _arg(update: Update) -> str:
    return callbacks.parse(update.callback_query.data, "prg").arg or ""


async def _send_file(update: Update, context: Context, data: bytes, filename: str, *, photo: bool = False,
                     caption: str | None = None) -> None:
    chat_id = update.effective_chat.id
    if photo and int.from_bytes(data[20:24], "big") <= 2560:  # PNG height; taller pictures go as a document
        await context.bot.send_photo(chat_id, InputFile(io.BytesIO(data), filename=filename), caption=caption)
    else:
        await context.bot.send_document(chat_id, InputFile(io.BytesIO(data), filename=filename), caption=caption)


def _plain(label: str) -> str:
    return plan_render.plain(label)


# --- Mijn herstelplan ------------------------------------------------------------------------------------


async def open_plan(update: Update, context: Context) -> None:
    """/herstelplan, menu:herstelplan, prg:plan[:<client_id>] (a worker: a client of theirs)."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        client_id = None
        if update.callback_query is not None and update.callback_query.data.startswith("prg:"):
            arg = _arg(update)
            client_id = int(arg) if arg else None
        if person.role == Role.WORKER and client_id is None:
            await _client_list(update, context, person)
            return
        view = await herstelplan.herstelplan(common.services(context), person.telegram_id, client_id)
    except (BadCallback, ValueError, NotAllowed):
        await common.refuse(update, context, t)
        return
    await common.say(update, context, plan_render.summary_text(view, t),
                     keyboards.herstelplan_keyboard(t, view.subject.client_id, household=bool(view.others or view.household_goals
                                                                             or view.household_goals_hidden),
                                                    client=person.role == Role.CLIENT,
                                                    home=view.subject.home is not None))


async def show_part(update: Update, context: Context) -> None:
    """prg:part:<client_id>.<g|p|s|c|w|h>: one part of the plan as messages."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        client_part, key = _arg(update).split(".")
        client_id = int(client_part)
        if key != HOUSEHOLD_KEY and key not in PART_KEYS:
            raise BadCallback("part")
        parts = None if key == HOUSEHOLD_KEY else frozenset({PART_KEYS[key]})
        view = await herstelplan.herstelplan(common.services(context), person.telegram_id, client_id,
                                             household=key == HOUSEHOLD_KEY, parts=parts)
    except (BadCallback, ValueError, NotAllowed):
        await common.refuse(update, context, t)
        return
    texts = plan_render.household_texts(view, t) if key == HOUSEHOLD_KEY else plan_render.part_texts(view, PART_KEYS[key], t)
    for text in texts[:-1]:
        await common.say(update, context, text)
    shows_scan = key == "s" and Part.SCAN in view.subject.shown
    await common.say(update, context, texts[-1], keyboards.herstelplan_part_keyboard(t, client_id, scan=shows_scan,
                                                                                  client=person.role == Role.CLIENT))


# What the client chooses per PDF (bits of the callback's mask): by default a PDF to show at an agency holds the
# goals, the crisis contacts and who supports the client, and not how they feel today.
PDF_OPTIONS = {1: Part.PHASE, 2: Part.SCAN}
PDF_ALWAYS = frozenset({Part.GOALS, Part.CONTACTS, Part.SUPPORT})


def _pdf_arg(update: Update) -> tuple[int, int]:
    """prg:pdf:<client_id> (choose, nothing extra yet), prg:pdfopt|pdfgo:<client_id>.<mask>."""
    arg = _arg(update)
    if "." not in arg:
        return int(arg), 0
    client_id, mask = callbacks.ints(arg, 2)
    if mask >= 2 ** len(PDF_OPTIONS):
        raise BadCallback("mask")
    return client_id, mask


async def choose_plan_pdf(update: Update, context: Context) -> None:
    """prg:pdf:<client_id> and prg:pdfopt:<client_id>.<mask>: what goes in this PDF, ticked per export."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        client_id, mask = _pdf_arg(update)
        # May this person open this plan at all? (A forged id is refused and audited; nothing is read.)
        await herstelplan.herstelplan(common.services(context), person.telegram_id, client_id, household=False,
                                      parts=frozenset({Part.SUPPORT}))
    except (BadCallback, ValueError, NotAllowed):
        await common.refuse(update, context, t)
        return
    text = t.gettext(
        "What goes into the PDF? Your goals (with why and when), your crisis contacts and who supports you are "
        "always in it. Tap to add your last colour or your self-scan. You choose this each time."
    ) if person.role == Role.CLIENT else t.gettext(
        "What goes into the PDF? The goals, the crisis contacts and the support are always in it, as far as they "
        "are shared with you. Tap to add the last colour or the self-scan.")
    markup = keyboards.herstelplan_pdf_choice(t, client_id, mask, client=person.role == Role.CLIENT)
    if update.callback_query is not None and update.callback_query.data.startswith("prg:pdfopt:"):
        await common.edit_or_say(update, context, text, markup)  # a tick changes the choice in place
    else:
        await common.say(update, context, text, markup)


async def send_plan_pdf(update: Update, context: Context) -> None:
    """prg:pdfgo:<client_id>.<mask>: the whole plan, as far as this viewer may see it and with what was ticked,
    as one A4 PDF."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        client_id, mask = _pdf_arg(update)
        parts = PDF_ALWAYS | {part for bit, part in PDF_OPTIONS.items() if mask & bit}
        view = await herstelplan.herstelplan(common.services(context), person.telegram_id, client_id, parts=parts)
    except (BadCallback, ValueError, NotAllowed):
        await common.refuse(update, context, t)
        return
    data = await asyncio.to_thread(plan_render.plan_pdf, view, t)  # keep the event loop free while it renders
    await _send_file(update, context, data, "herstelplan.pdf")


# --- the self-scan -----------------------------------------------------------------------------------------


async def start_scan(update: Update, context: Context) -> None:
    """/scan, menu:scan, prg:scan (the invitation): the client's own scan. A worker gets their client list."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.WORKER)
    if person is None:
        return
    if person.role == Role.WORKER:
        await _client_list(update, context, person)
        return
    t = common.tr(context, person)
    try:
        draft = await selfscan.begin(common.services(context), person.telegram_id)
    except NotAllowed:
        await common.refuse(update, context, t)
        return
    lines = [t.gettext(SCAN_INTRO)] + ([t.gettext(ZERO_INTRO)] if draft.first else []) + ["", t.gettext(KIDS_QUESTION)]
    await common.say(update, context, "\n".join(lines), keyboards.kids_keyboard(t, draft.scan_id))


async def start_worker_scan(update: Update, context: Context) -> None:
    """prg:wscan:<client_id>: the coordinating worker's own scores for a client."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        draft = await selfscan.begin(common.services(context), person.telegram_id, int(_arg(update)))
    except (BadCallback, ValueError, NotAllowed):
        await common.refuse(update, context, t)
        return
    await common.say(update, context, t.gettext(KIDS_QUESTION_WORKER).format(name=draft.client_name),
                     keyboards.kids_keyboard(t, draft.scan_id))


def _question(t: Translator, draft: ScanDraft, kids: bool, index: int) -> str:
    domains = domains_for(kids)
    domain = domains[index]
    head = t.gettext("Part {n} of {total}").format(n=index + 1, total=len(domains))
    if draft.by_role == selfscan.WORKER:
        body = t.gettext("How do you see this for {name}?").format(name=draft.client_name)
    else:
        body = t.gettext(DOMAIN_QUESTIONS[domain])
    return f"{head}\n\n{t.gettext(DOMAIN_NAMES[domain])}\n{body}"


async def _ask(update: Update, context: Context, t: Translator, draft: ScanDraft, kids: bool, index: int) -> None:
    await common.say(update, context, _question(t, draft, kids, index), keyboards.score_keyboard(t, draft.scan_id, kids, index))


async def on_kids(update: Update, context: Context) -> None:
    """prg:kids:<scan_id>.<1|0>: with or without the children, then the first domain not answered yet."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        scan_id, kids = callbacks.ints(_arg(update), 2)
        if kids not in (0, 1):
            raise BadCallback("kids")
        draft = await selfscan.open_draft(common.services(context), person.telegram_id, scan_id)
    except (BadCallback, ValueError, NotAllowed):
        await common.refuse(update, context, t)
        return
    except NotFound:
        await common.refuse(update, context, t, N_("This scan is already finished."))
        return
    index = next_unanswered(draft.scores, domains_for(bool(kids)))
    if index is None:
        await _finish(update, context, t, person, draft.scan_id)
        return
    await _ask(update, context, t, draft, bool(kids), index)


async def on_question(update: Update, context: Context) -> None:
    """prg:sq:<scan_id>.<kids>.<index>: ask one domain again (the back button)."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        scan_id, kids, index = callbacks.ints(_arg(update), 3)
        if kids not in (0, 1) or not 0 <= index < len(domains_for(bool(kids))):
            raise BadCallback("index")
        draft = await selfscan.open_draft(common.services(context), person.telegram_id, scan_id)
    except (BadCallback, ValueError, NotAllowed):
        await common.refuse(update, context, t)
        return
    except NotFound:
        await common.refuse(update, context, t, N_("This scan is already finished."))
        return
    await _ask(update, context, t, draft, bool(kids), index)


async def on_score(update: Update, context: Context) -> None:
    """prg:ss:<scan_id>.<kids>.<index>.<score> (0: skip): saved at once, then the next domain or the end."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        scan_id, kids, index, score = callbacks.ints(_arg(update), 4)
        domains = domains_for(bool(kids))
        if kids not in (0, 1) or not 0 <= index < len(domains) or not 0 <= score <= 5:
            raise BadCallback("score")
        draft = await selfscan.answer(common.services(context), person.telegram_id, scan_id, domains[index], score or None)
    except (BadCallback, ValueError, NotAllowed):
        await common.refuse(update, context, t)
        return
    except NotFound:
        await common.refuse(update, context, t, N_("This scan is already finished."))
        return
    if person.role == Role.CLIENT and scan_needs_help(draft.scores, domains[index], score or None):
        # "1: acuut probleem, ik heb nu hulp nodig": the help path first, then the scan goes on.
        help_ = await safety_service.acute_scan(common.services(context), person.telegram_id)
        if help_ is not None:
            await safety.send_help(update, context, t, help_, scan_help_kind(domains[index]), ask=True)
    following = next_unanswered(draft.scores, domains)
    if following is None:
        await _finish(update, context, t, person, scan_id)
    else:
        await _ask(update, context, t, draft, bool(kids), following)


async def _finish(update: Update, context: Context, t: Translator, person: PersonView, scan_id: int) -> None:
    try:
        result = await selfscan.finish(common.services(context), person.telegram_id, scan_id)
    except NotFound:
        await common.say(update, context, t.gettext("You skipped every part, so there is nothing to save. "
                                                     "You can do the scan again any time with /scan."),
                         keyboards.menu_button(t))
        return
    except NotAllowed:
        await common.refuse(update, context, t)
        return
    await common.say(update, context, finished_text(t, result, person.role == Role.WORKER),
                     keyboards.after_scan_keyboard(t, result.client_id, worker=person.role == Role.WORKER))


def finished_text(t: Translator, result: Finished, worker: bool) -> str:
    lines = [t.gettext("✅ Saved. Thank you!"), ""]
    for domain, value in result.scores.items():
        lines.append(f"{FACES[value]} {_plain(t.gettext(DOMAIN_NAMES[domain]))}: {value} · {t.gettext(LEVELS[value])}")
    if result.zero_meting:
        lines += ["", t.gettext("This is your starting point (0-meting).")]
    if result.next_scan_at is not None:
        lines += ["", t.gettext("I will ask again on {day}. You can also do it earlier with /scan.").format(
            day=t.day(result.next_scan_at))]
    if result.talk_about:
        names = ", ".join(_plain(t.gettext(DOMAIN_NAMES[d])) for d in result.talk_about)
        lines += ["", (t.gettext("You and the client see {domains} differently.") if worker
                       else t.gettext("You and your worker see {domains} differently.")).format(domains=names),
                  t.gettext(TALK_NOTE)]
    return "\n".join(lines)


async def later(update: Update, context: Context) -> None:
    """prg:later: every answer is saved already; the scan goes on where it stopped next time."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    await common.say(update, context, t.gettext("Saved. You can go on later where you stopped."), keyboards.menu_button(t))


async def show_chart(update: Update, context: Context) -> None:
    """prg:chart:<client_id>: scores per domain over time. The client's own; a worker only with consent."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        client_id = int(_arg(update))
        history = await selfscan.history(common.services(context), person.telegram_id,
                                         None if person.role == Role.CLIENT and client_id == person.id else client_id)
    except (BadCallback, ValueError):
        await common.refuse(update, context, t)
        return
    except NotAllowed:
        await common.refuse(update, context, t, NOT_SHARED)
        return
    name = history.client_name if person.role == Role.WORKER else None
    png = await asyncio.to_thread(scan_chart_png, history.client, t, worker=history.worker, name=name)
    caption = t.gettext("Your self-scans.") if name is None else t.gettext("Self-scans of {name}.").format(name=name)
    await _send_file(update, context, png, "zelfscan.png", photo=True, caption=caption)


def comparison_text(t: Translator, result: selfscan.Comparison, worker: bool) -> str:
    lines = [t.gettext("⚖️ Self-scan side by side"), ""]
    if worker and not result.client_shared:
        lines += [t.gettext("{name} does not share the self-scan with you. You see only your own scores.").format(
            name=result.client_name), ""]
    if not result.rows:
        lines.append(t.gettext("There are no scores yet."))
        return "\n".join(lines)
    client_label = t.gettext("client") if worker else t.gettext("you")
    worker_label = t.gettext("you") if worker else t.gettext("worker")
    for row in result.rows:
        client = "–" if row.client is None else f"{FACES[row.client]} {row.client}"
        staff = "–" if row.worker is None else f"{FACES[row.worker]} {row.worker}"
        mark = " 💬" if row.talk_about else ""
        lines.append(f"{_plain(t.gettext(DOMAIN_NAMES[row.domain]))}: {client_label} {client} · {worker_label} {staff}{mark}")
    dates = []
    if result.client_at:
        dates.append(t.gettext("{who}: {day}").format(who=client_label, day=t.day(result.client_at)))
    if result.worker_at:
        dates.append(t.gettext("{who}: {day}").format(who=worker_label, day=t.day(result.worker_at)))
    if dates:
        lines += ["", " · ".join(dates)]
    if result.talk_about:
        lines += ["", t.gettext(TALK_NOTE)]
    return "\n".join(lines)


async def show_comparison(update: Update, context: Context) -> None:
    """prg:cmp:<client_id>: client and worker side by side; differences of 2+ are something to talk about."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        client_id = int(_arg(update))
        result = await selfscan.comparison(common.services(context), person.telegram_id,
                                           None if person.role == Role.CLIENT and client_id == person.id else client_id)
    except (BadCallback, ValueError, NotAllowed):
        await common.refuse(update, context, t)
        return
    await common.say(update, context, comparison_text(t, result, person.role == Role.WORKER),
                     keyboards.after_scan_keyboard(t, client_id, worker=person.role == Role.WORKER))


# --- the worker: /rapport, a client's progress, suggestions, closing -------------------------------------------


async def _client_list(update: Update, context: Context, worker: PersonView) -> None:
    t = common.tr(context, worker)
    rows = await caseload.my_clients(common.services(context), worker.telegram_id)
    if not rows:
        await common.say(update, context, t.gettext("You have no clients yet."), keyboards.menu_button(t))
        return
    await common.say(update, context, t.gettext("Choose a client:"), keyboards.progress_clients(t, [(r.client_id, r.name) for r in rows]))


async def rapport(update: Update, context: Context) -> None:
    """/rapport, menu:report: a worker's caseload; an admin's monthly report (/rapport 2026-11)."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.WORKER, Role.ADMIN)
    if person is None:
        return
    t = common.tr(context, person)
    svc = common.services(context)
    if person.role == Role.ADMIN:
        typed = " ".join(context.args or []) if update.callback_query is None else ""
        if not typed:
            await _choose_month(update, context, t)
            return
        month = parse_month(typed, today=svc.today())
        if month is None:
            await common.say(update, context, t.gettext(
                "I do not understand that month. Type it like /rapport 2026-11 or /rapport november 2026, "
                "or choose one below."))
            await _choose_month(update, context, t)
            return
        await _monthly(update, context, person, month)
        return
    numbers = await report.caseload_report(svc, person.telegram_id)
    await common.say(update, context, caseload_text(numbers, t),
                     keyboards.progress_caseload_keyboard(t, [(c.client_id, c.name) for c in numbers.clients_list]))


REPORT_MONTHS = 12  # months to choose from, the current one (so far) first


async def _choose_month(update: Update, context: Context, t: Translator) -> None:
    today = common.services(context).today()
    months = [date(today.year + (today.month - 1 - back) // 12, (today.month - 1 - back) % 12 + 1, 1)
              for back in range(REPORT_MONTHS)]
    choices = [(f"{first.year:04d}-{first.month:02d}", format_date(first, "LLLL y", locale=t.locale)) for first in months]
    await common.say(update, context, t.gettext(
        "Which month? The month now runs until today. Or type a month, like /rapport 2025-11."),
        keyboards.report_months(t, choices))


async def monthly_for(update: Update, context: Context) -> None:
    """prg:month:<YYYY-MM>: the admin's monthly report for the month they chose."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.ADMIN)
    if person is None:
        return
    try:
        month = _arg(update)
        report.month_bounds(month, common.services(context).settings.zone)
    except (BadCallback, ValueError):
        await common.refuse(update, context, common.tr(context, person))
        return
    await _monthly(update, context, person, month)


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
    await _send_file(update, context, pdf, f"houvast-report-{month}.pdf", caption=caption)
    await _send_file(update, context, report_csv(made, t), f"houvast-report-{month}.csv")


async def client_progress(update: Update, context: Context) -> None:
    """prg:client:<client_id>: what a worker can do about one client's progress."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        row = await caseload.client_row(common.services(context), person.telegram_id, int(_arg(update)))
    except (BadCallback, ValueError, NotAllowed):
        await common.refuse(update, context, t)
        return
    await common.say(update, context, t.gettext("Progress of {name}. What would you like to do?").format(name=row.name),
                     keyboards.client_progress_keyboard(t, row.client_id, coordinating=row.care_role == CareRole.COORDINATING))


def suggestion_text(t: Translator, row: scaling.SuggestionRow) -> str:
    head = (t.gettext("⬆️ Suggestion for {names}: more support.") if row.direction == Direction.UP
            else t.gettext("⬇️ Suggestion for {names}: less support."))
    lines = [head.format(names=", ".join(row.names)), "", t.gettext("Why:")]
    lines += [f"• {t.gettext(REASON_TEXTS[reason])}" for reason in row.reasons]
    lines += ["", t.gettext("Houvast only suggests. You decide, together with the client.")]
    return "\n".join(lines)


async def show_suggestions(update: Update, context: Context) -> None:
    """prg:sug: op- en afschalen for the households this worker coordinates."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    rows = await scaling.suggestions(common.services(context), person.telegram_id)
    if not rows:
        await common.say(update, context, t.gettext("No suggestions to scale up or down right now."), keyboards.menu_button(t))
        return
    for row in rows:
        await common.say(update, context, suggestion_text(t, row), keyboards.decide_keyboard(t, row.household_id, row.direction))


async def decide(update: Update, context: Context) -> int:
    """prg:dec:<household_id>.<u|d>.<u|d|s>: the worker's decision, saved at once; then the reason."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.WORKER)
    if person is None:
        return ConversationHandler.END
    t = common.tr(context, person)
    try:
        household_part, suggested, decided = _arg(update).split(".")
        decision_id = await scaling.decide(
            common.services(context), person.telegram_id, int(household_part),
            suggestion=DIRECTION_KEYS[suggested], decision=DIRECTION_KEYS[decided])
    except (BadCallback, ValueError, KeyError, NotAllowed):
        await common.refuse(update, context, t)
        return ConversationHandler.END
    context.user_data[DECISION_KEY] = decision_id
    await common.say(update, context, t.gettext("Noted: {decision}. Why? Type a short reason.").format(
        decision=_plain(t.gettext(DIRECTION_NAMES[DIRECTION_KEYS[decided]]))), keyboards.skip_reason_keyboard(t))
    return Step.REASON


async def on_reason(update: Update, context: Context) -> int:
    person = await common.acting_as(update, context, Role.WORKER)
    if person is None:
        return ConversationHandler.END
    t = common.tr(context, person)
    decision_id = context.user_data.pop(DECISION_KEY, None)
    if decision_id is not None:
        try:
            await scaling.set_reason(common.services(context), person.telegram_id, int(decision_id),
                                     common.text_of(update))
        except (NotAllowed, NotFound):
            await common.refuse(update, context, t)
            return ConversationHandler.END
    await common.say(update, context, t.gettext("Thank you. The decision and your reason are saved."), keyboards.menu_button(t))
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
    await common.say(update, context, t.gettext("Please type the reason as text, or tap Skip."), keyboards.skip_reason_keyboard(t))


async def start_closing(update: Update, context: Context) -> None:
    """prg:close:<client_id>: close the household's traject; the outcomes a-g follow, one per message."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        target = await closing.closing_target(common.services(context), person.telegram_id, int(_arg(update)))
    except (BadCallback, ValueError, NotAllowed):
        await common.refuse(update, context, t)
        return
    except NotFound:
        await common.refuse(update, context, t, N_("This traject is already closed."))
        return
    await common.say(update, context, t.gettext(
        "Closing the traject of {names}. Score each outcome from 1 (very bad) to 5 (very good), or n.a. when it does "
        "not apply. The client keeps Houvast: nothing is deleted. Your link with the household ends."
    ).format(names=", ".join(target.names)))
    await _ask_outcome(update, context, t, target.household_id, [])


async def _ask_outcome(update: Update, context: Context, t: Translator, household_id: int, values: list[int | None]) -> None:
    key = OUTCOME_KEYS[len(values)]
    text = t.gettext("Outcome {n} of {total}").format(n=len(values) + 1, total=len(OUTCOME_KEYS)) + "\n\n" + t.gettext(OUTCOMES[key])
    await common.say(update, context, text, keyboards.outcome_keyboard(t, household_id, encode_outcomes(values)))


async def on_outcome(update: Update, context: Context) -> None:
    """prg:out:<household_id>.<answers so far>: the next outcome, or the summary to confirm."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        household_part, encoded = _arg(update).split(".")
        household_id, values = int(household_part), decode_outcomes(encoded)
        if not values:
            raise BadCallback("empty")
    except (BadCallback, ValueError):
        await common.refuse(update, context, t)
        return
    if len(values) < len(OUTCOME_KEYS):
        await _ask_outcome(update, context, t, household_id, values)
        return
    lines = [t.gettext("Your scores:")]
    for key, value in zip(OUTCOME_KEYS, values, strict=True):
        lines.append(f"{t.gettext(OUTCOMES[key])}: {t.gettext(NOT_RELEVANT) if value is None else value}")
    lines += ["", t.gettext("Close the traject now?")]
    await common.say(update, context, "\n".join(lines), keyboards.confirm_close_keyboard(t, household_id, encoded))


async def on_close(update: Update, context: Context) -> None:
    """prg:closeok:<household_id>.<a-g>: close for real."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        household_part, encoded = _arg(update).split(".")
        values = decode_outcomes(encoded)
        if len(values) != len(OUTCOME_KEYS):
            raise BadCallback("incomplete")
        result = await closing.close_traject(common.services(context), person.telegram_id, int(household_part),
                                             dict(zip(OUTCOME_KEYS, values, strict=True)))
    except (BadCallback, ValueError, NotAllowed):
        await common.refuse(update, context, t)
        return
    except NotFound:
        await common.refuse(update, context, t, N_("This traject is already closed."))
        return
    asked = t.ngettext("{n} client gets a few short questions about the support.",
                       "{n} clients get a few short questions about the support.", result.clients_asked)
    await common.say(update, context, t.gettext("The traject is closed. The client keeps Houvast for their own plan.")
                     + " " + asked.format(n=result.clients_asked), keyboards.menu_button(t))
    await common.deliver_now(context)


# --- the client's questions after closing -------------------------------------------------------------------


async def _ask_relation(update: Update, context: Context, t: Translator, key: str) -> None:
    index = RELATION_KEYS.index(key)
    text = t.gettext("Question {n} of {total}").format(n=index + 1, total=len(RELATION_KEYS)) + "\n\n" + t.gettext(RELATION_QUESTIONS[key])
    await common.say(update, context, text, keyboards.relation_keyboard(t, index, scale_for(key)))


async def on_relation(update: Update, context: Context) -> None:
    """prg:rel:start, prg:rel:<index>.<score>: one question per message, each answer saved at once."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    t = common.tr(context, person)
    svc = common.services(context)
    try:
        arg = _arg(update)
        if arg == "start":
            following = await closing.next_question(svc, person.telegram_id)
        else:
            index, score = callbacks.ints(arg, 2)
            if not 0 <= index < len(RELATION_KEYS):
                raise BadCallback("question")
            following = await closing.answer_relation(svc, person.telegram_id, RELATION_KEYS[index], score)
    except (BadCallback, ValueError, NotAllowed):
        await common.refuse(update, context, t)
        return
    if following is None:
        await common.say(update, context, t.gettext(
            "Thank you for your answers. Houvast stays yours: your plan, crisis card and check-ins are still here."),
            keyboards.menu_button(t))
        return
    await _ask_relation(update, context, t, following)


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
