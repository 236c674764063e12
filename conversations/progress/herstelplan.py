"""Mijn herstelplan (/herstelplan): the whole plan in one view, each part on its own, and the PDF with the client's
own ticks for colour and self-scan."""
from __future__ import annotations

import asyncio

from telegram import Update

from bot.domain.roles import Role
from bot.render import herstelplan as plan_render
from bot.services import herstelplan
from bot.services.base import NotAllowed
from bot.services.herstelplan import Part
from conversations import callbacks
from conversations.callbacks import BadCallback
from conversations.handler import Turn, handler
from conversations.progress import keyboards as progress_keyboards
from conversations.progress.shared import HOUSEHOLD_KEY, PART_KEYS, client_list, payload_arg, send_file


@handler(Role.CLIENT, Role.WORKER, stop=None)
async def open_plan(turn: Turn) -> None:
    """/herstelplan, menu:herstelplan, prg:plan[:<client_id>] (a worker: a client of theirs)."""
    t = turn.t
    try:
        client_id = None
        if turn.update.callback_query is not None and turn.update.callback_query.data.startswith("prg:"):
            arg = payload_arg(turn.update)
            client_id = int(arg) if arg else None
        if turn.person.role == Role.WORKER and client_id is None:
            await client_list(turn.update, turn.context, turn.person)
            return
        view = await herstelplan.herstelplan(turn.svc, turn.tid, client_id)
    except (BadCallback, ValueError, NotAllowed):
        await turn.refuse()
        return
    await turn.say(
        plan_render.summary_text(view, t),
        progress_keyboards.herstelplan_keyboard(
            t,
            view.subject.client_id,
            household=bool(view.others or view.household_goals or view.household_goals_hidden),
            client=turn.person.role == Role.CLIENT,
            home=view.subject.home is not None,
        ),
    )


@handler(Role.CLIENT, Role.WORKER, stop=None)
async def show_part(turn: Turn) -> None:
    """prg:part:<client_id>.<g|p|s|c|w|h>: one part of the plan as messages."""
    t = turn.t
    try:
        client_part, key = payload_arg(turn.update).split(".")
        client_id = int(client_part)
        if key != HOUSEHOLD_KEY and key not in PART_KEYS:
            raise BadCallback("part")
        parts = None if key == HOUSEHOLD_KEY else frozenset({PART_KEYS[key]})
        view = await herstelplan.herstelplan(turn.svc, turn.tid, client_id,
                                             household=key == HOUSEHOLD_KEY, parts=parts)
    except (BadCallback, ValueError, NotAllowed):
        await turn.refuse()
        return
    texts = (
        plan_render.household_texts(view, t)
        if key == HOUSEHOLD_KEY
        else plan_render.part_texts(view, PART_KEYS[key], t)
    )
    for text in texts[:-1]:
        await turn.say(text)
    shows_scan = key == "s" and Part.SCAN in view.subject.shown
    await turn.say(
        texts[-1],
        progress_keyboards.herstelplan_part_keyboard(
            t, client_id, scan=shows_scan, client=turn.person.role == Role.CLIENT
        ),
    )


# What the client chooses per PDF (bits of the callback's mask): by default a PDF to show at an agency holds the
# goals, the crisis contacts and who supports the client, and not how they feel today.
PDF_OPTIONS = {1: Part.PHASE, 2: Part.SCAN}


PDF_ALWAYS = frozenset({Part.GOALS, Part.CONTACTS, Part.SUPPORT})


def _pdf_arg(update: Update) -> tuple[int, int]:
    """prg:pdf:<client_id> (choose, nothing extra yet), prg:pdfopt|pdfgo:<client_id>.<mask>."""
    arg = payload_arg(update)
    if "." not in arg:
        return int(arg), 0
    client_id, mask = callbacks.ints(arg, 2)
    if mask >= 2 ** len(PDF_OPTIONS):
        raise BadCallback("mask")
    return client_id, mask


@handler(Role.CLIENT, Role.WORKER, stop=None)
async def choose_plan_pdf(turn: Turn) -> None:
    """prg:pdf:<client_id> and prg:pdfopt:<client_id>.<mask>: what goes in this PDF, ticked per export."""
    t = turn.t
    try:
        client_id, mask = _pdf_arg(turn.update)
        # May this person open this plan at all? (A forged id is refused and audited; nothing is read.)
        await herstelplan.herstelplan(turn.svc, turn.tid, client_id, household=False,
                                      parts=frozenset({Part.SUPPORT}))
    except (BadCallback, ValueError, NotAllowed):
        await turn.refuse()
        return
    text = t.gettext(
        "What goes into the PDF? Your goals (with why and when), your crisis contacts and who supports you are "
        "always in it. Tap to add your last colour or your self-scan. You choose this each time."
    ) if turn.person.role == Role.CLIENT else t.gettext(
        "What goes into the PDF? The goals, the crisis contacts and the support are always in it, as far as they "
        "are shared with you. Tap to add the last colour or the self-scan.")
    markup = progress_keyboards.herstelplan_pdf_choice(t, client_id, mask, client=turn.person.role == Role.CLIENT)
    if turn.update.callback_query is not None and turn.update.callback_query.data.startswith("prg:pdfopt:"):
        await turn.edit(text, markup)  # a tick changes the choice in place
    else:
        await turn.say(text, markup)


@handler(Role.CLIENT, Role.WORKER, stop=None)
async def send_plan_pdf(turn: Turn) -> None:
    """prg:pdfgo:<client_id>.<mask>: the whole plan, as far as this viewer may see it and with what was ticked,
    as one A4 PDF."""
    t = turn.t
    try:
        client_id, mask = _pdf_arg(turn.update)
        parts = PDF_ALWAYS | {part for bit, part in PDF_OPTIONS.items() if mask & bit}
        view = await herstelplan.herstelplan(turn.svc, turn.tid, client_id, parts=parts)
    except (BadCallback, ValueError, NotAllowed):
        await turn.refuse()
        return
    from bot.render.herstelplan_pdf import plan_pdf  # fpdf2 loads on first use, not at start-up

    data = await asyncio.to_thread(plan_pdf, view, t)  # keep the event loop free while it renders
    await send_file(turn.update, turn.context, data, "herstelplan.pdf")
