"""The self-scan (/scan): each leefdomein scored 1-5, one per message, by the client or by a worker for a client;
the chart over time and the comparison of the two views."""
from __future__ import annotations

import asyncio

from bot.domain.roles import Role
from bot.domain.safety import scan_help_kind, scan_needs_help
from bot.domain.selfscan import (
    DOMAIN_NAMES,
    DOMAIN_QUESTIONS,
    FACES,
    LEVELS,
    domains_for,
    next_unanswered,
)
from bot.i18n import N_, Translator
from bot.services import safety as safety_service
from bot.services import selfscan
from bot.services.base import NotAllowed, NotFound
from bot.services.selfscan import Finished, ScanDraft
from conversations import keyboards, safety
from conversations.callbacks import BadCallback
from conversations.handler import Turn, handler
from conversations.progress import keyboards as progress_keyboards
from conversations.progress.shared import NOT_SHARED, client_list, no_emoji, payload_int, send_file

SCAN_INTRO = N_(
    "How are things going? You give each part of your life a score from 1 to 5.\n"
    "1 means: an acute problem. 5 means: going completely well. There are no wrong answers."
)


ZERO_INTRO = N_("This first scan is your starting point (0-meting). Later you can see what changed.")


KIDS_QUESTION = N_("Do children live in your home?")


KIDS_QUESTION_WORKER = N_("Your scores for {name}. Do children live in {name}'s home?")


TALK_NOTE = N_("💬 Something to talk about: you see this differently. That is not a mistake. Talk about it together.")


@handler(Role.CLIENT, Role.WORKER, stop=None)
async def start_scan(turn: Turn) -> None:
    """/scan, menu:scan, prg:scan (the invitation): the client's own scan. A worker gets their client list."""
    if turn.person.role == Role.WORKER:
        await client_list(turn.update, turn.context, turn.person)
        return
    t = turn.t
    draft = await selfscan.begin(turn.svc, turn.tid)
    lines = [t.gettext(SCAN_INTRO)] + ([t.gettext(ZERO_INTRO)] if draft.first else []) + ["", t.gettext(KIDS_QUESTION)]
    await turn.say("\n".join(lines), progress_keyboards.kids_keyboard(t, draft.scan_id))


@handler(Role.WORKER, flow="prg", stop=None)
async def start_worker_scan(turn: Turn) -> None:
    """prg:wscan:<client_id>: the coordinating worker's own scores for a client."""
    t = turn.t
    draft = await selfscan.begin(turn.svc, turn.tid, turn.int_arg())
    await turn.say(t.gettext(KIDS_QUESTION_WORKER).format(name=draft.client_name),
                   progress_keyboards.kids_keyboard(t, draft.scan_id))


def _question(t: Translator, draft: ScanDraft, kids: bool, index: int) -> str:
    domains = domains_for(kids)
    domain = domains[index]
    head = t.gettext("Part {n} of {total}").format(n=index + 1, total=len(domains))
    if draft.by_role == selfscan.WORKER:
        body = t.gettext("How do you see this for {name}?").format(name=draft.client_name)
    else:
        body = t.gettext(DOMAIN_QUESTIONS[domain])
    return f"{head}\n\n{t.gettext(DOMAIN_NAMES[domain])}\n{body}"


FINISHED = N_("This scan is already finished.")


async def _ask(turn: Turn, draft: ScanDraft, kids: bool, index: int) -> None:
    await turn.say(_question(turn.t, draft, kids, index),
                   progress_keyboards.score_keyboard(turn.t, draft.scan_id, kids, index))


def _scan_payload(turn: Turn, count: int) -> tuple[int, bool, list[int]]:
    """<scan_id>.<kids>[.<index>[.<score>]]: the scan, with or without the children, and what follows."""
    scan_id, kids, *rest = turn.ints(count)
    if kids not in (0, 1) or (rest and not 0 <= rest[0] < len(domains_for(bool(kids)))):
        raise BadCallback("kids or index")
    return scan_id, bool(kids), rest


async def _open(turn: Turn, scan_id: int) -> ScanDraft | None:
    """The scan to go on with, or None after saying it is already finished."""
    try:
        return await selfscan.open_draft(turn.svc, turn.tid, scan_id)
    except NotFound:
        await turn.refuse(FINISHED)
        return None


@handler(Role.CLIENT, Role.WORKER, flow="prg", stop=None)
async def on_kids(turn: Turn) -> None:
    """prg:kids:<scan_id>.<1|0>: with or without the children, then the first domain not answered yet."""
    scan_id, kids, _ = _scan_payload(turn, 2)
    if (draft := await _open(turn, scan_id)) is None:
        return
    index = next_unanswered(draft.scores, domains_for(kids))
    if index is None:
        await _finish(turn, draft.scan_id)
        return
    await _ask(turn, draft, kids, index)


@handler(Role.CLIENT, Role.WORKER, flow="prg", stop=None)
async def on_question(turn: Turn) -> None:
    """prg:sq:<scan_id>.<kids>.<index>: ask one domain again (the back button)."""
    scan_id, kids, (index,) = _scan_payload(turn, 3)
    if (draft := await _open(turn, scan_id)) is not None:
        await _ask(turn, draft, kids, index)


@handler(Role.CLIENT, Role.WORKER, flow="prg", stop=None)
async def on_score(turn: Turn) -> None:
    """prg:ss:<scan_id>.<kids>.<index>.<score> (0: skip): saved at once, then the next domain or the end."""
    t = turn.t
    scan_id, kids, (index, score) = _scan_payload(turn, 4)
    if not 0 <= score <= 5:
        raise BadCallback("score")
    domains = domains_for(kids)
    try:
        draft = await selfscan.answer(turn.svc, turn.tid, scan_id, domains[index], score or None)
    except NotFound:
        await turn.refuse(FINISHED)
        return
    if turn.person.role == Role.CLIENT and scan_needs_help(draft.scores, domains[index], score or None):
        # "1: acuut probleem, ik heb nu hulp nodig": the help path first, then the scan goes on.
        help_ = await safety_service.acute_scan(turn.svc, turn.tid)
        if help_ is not None:
            await safety.send_help(turn.update, turn.context, t, help_, scan_help_kind(domains[index]), ask=True)
    following = next_unanswered(draft.scores, domains)
    if following is None:
        await _finish(turn, scan_id)
    else:
        await _ask(turn, draft, kids, following)


async def _finish(turn: Turn, scan_id: int) -> None:
    t, worker = turn.t, turn.person.role == Role.WORKER
    try:
        result = await selfscan.finish(turn.svc, turn.tid, scan_id)
    except NotFound:
        await turn.note(t.gettext("You skipped every part, so there is nothing to save. "
                                  "You can do the scan again any time with /scan."))
        return
    await turn.say(finished_text(t, result, worker),
                   progress_keyboards.after_scan_keyboard(t, result.client_id, worker=worker))


def finished_text(t: Translator, result: Finished, worker: bool) -> str:
    lines = [t.gettext("✅ Saved. Thank you!"), ""]
    for domain, value in result.scores.items():
        lines.append(
            f"{FACES[value]} {no_emoji(t.gettext(DOMAIN_NAMES[domain]))}: {value} · {t.gettext(LEVELS[value])}"
        )
    if result.zero_meting:
        lines += ["", t.gettext("This is your starting point (0-meting).")]
    if result.next_scan_at is not None:
        lines += ["", t.gettext("I will ask again on {day}. You can also do it earlier with /scan.").format(
            day=t.day(result.next_scan_at))]
    if result.talk_about:
        names = ", ".join(no_emoji(t.gettext(DOMAIN_NAMES[d])) for d in result.talk_about)
        lines += ["", (t.gettext("You and the client see {domains} differently.") if worker
                       else t.gettext("You and your worker see {domains} differently.")).format(domains=names),
                  t.gettext(TALK_NOTE)]
    return "\n".join(lines)


@handler(Role.CLIENT, Role.WORKER, stop=None)
async def later(turn: Turn) -> None:
    """prg:later: every answer is saved already; the scan goes on where it stopped next time."""
    t = turn.t
    await turn.say(t.gettext("Saved. You can go on later where you stopped."), keyboards.menu_button(t))


def _whose(turn: Turn) -> tuple[int, int | None]:
    """prg:<chart|cmp>:<client_id>: the client, and whom the service is asked about (None: the client's own).
    A payload that is no number is a bad button (BadCallback: the handler's refusal)."""
    client_id = payload_int(turn.update)
    return client_id, None if turn.person.role == Role.CLIENT and client_id == turn.person.id else client_id


@handler(Role.CLIENT, Role.WORKER, stop=None)
async def show_chart(turn: Turn) -> None:
    """prg:chart:<client_id>: scores per domain over time. The client's own; a worker only with consent."""
    t = turn.t
    _client_id, about = _whose(turn)
    try:
        history = await selfscan.history(turn.svc, turn.tid, about)
    except NotAllowed:
        await turn.refuse(NOT_SHARED)
        return
    name = history.client_name if turn.person.role == Role.WORKER else None
    from bot.render.scan_chart import scan_chart_png  # matplotlib loads on first use, not at start-up

    png = await asyncio.to_thread(scan_chart_png, history.client, t, worker=history.worker, name=name)
    caption = t.gettext("Your self-scans.") if name is None else t.gettext("Self-scans of {name}.").format(name=name)
    await send_file(turn.update, turn.context, png, "zelfscan.png", photo=True, caption=caption)


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
        lines.append(
            f"{no_emoji(t.gettext(DOMAIN_NAMES[row.domain]))}: {client_label} {client} · {worker_label} {staff}{mark}"
        )
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


@handler(Role.CLIENT, Role.WORKER, stop=None)
async def show_comparison(turn: Turn) -> None:
    """prg:cmp:<client_id>: client and worker side by side; differences of 2+ are something to talk about."""
    t = turn.t
    client_id, about = _whose(turn)
    result = await selfscan.comparison(turn.svc, turn.tid, about)  # NotAllowed: the handler's refusal
    await turn.say(comparison_text(t, result, turn.person.role == Role.WORKER),
                     progress_keyboards.after_scan_keyboard(t, client_id, worker=turn.person.role == Role.WORKER))
