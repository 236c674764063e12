"""Closing a traject: the outcome per question, the confirmation, and the client's questions afterwards."""
from __future__ import annotations

from telegram import Update

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
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.services import closing
from bot.services.base import NotAllowed
from conversations import callbacks, common, keyboards
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.handler import Turn, handler
from conversations.progress import keyboards as progress_keyboards
from conversations.progress.shared import payload_arg, payload_int, payload_parts

ALREADY_CLOSED = N_("This traject is already closed.")


@handler(Role.WORKER, stop=None, gone=ALREADY_CLOSED)
async def start_closing(turn: Turn) -> None:
    """prg:close:<client_id>: close the household's traject; the outcomes a-g follow, one per message."""
    t = turn.t
    target = await closing.closing_target(turn.svc, turn.tid, payload_int(turn.update))
    await turn.say(t.gettext(
        "Closing the traject of {names}. Score each outcome from 1 (very bad) to 5 (very good), or n.a. when it does "
        "not apply. The client keeps Houvast: nothing is deleted. Your link with the household ends."
    ).format(names=", ".join(target.names)))
    await _ask_outcome(turn.update, turn.context, t, target.household_id, [])


async def _ask_outcome(
    update: Update, context: Context, t: Translator, household_id: int, values: list[int | None]
) -> None:
    key = OUTCOME_KEYS[len(values)]
    text = (
        t.gettext("Outcome {n} of {total}").format(n=len(values) + 1, total=len(OUTCOME_KEYS))
        + "\n\n"
        + t.gettext(OUTCOMES[key])
    )
    await common.say(
        update, context, text, progress_keyboards.outcome_keyboard(t, household_id, encode_outcomes(values))
    )


@handler(Role.WORKER, stop=None)
async def on_outcome(turn: Turn) -> None:
    """prg:out:<household_id>.<answers so far>: the next outcome, or the summary to confirm."""
    t = turn.t
    household_id, encoded, values = _outcomes(turn)
    if not values:
        raise BadCallback("empty")
    if len(values) < len(OUTCOME_KEYS):
        await _ask_outcome(turn.update, turn.context, t, household_id, values)
        return
    lines = [t.gettext("Your scores:")]
    for key, value in zip(OUTCOME_KEYS, values, strict=True):
        lines.append(f"{t.gettext(OUTCOMES[key])}: {t.gettext(NOT_RELEVANT) if value is None else value}")
    lines += ["", t.gettext("Close the traject now?")]
    await turn.say("\n".join(lines), progress_keyboards.confirm_close_keyboard(t, household_id, encoded))


def _outcomes(turn: Turn) -> tuple[int, str, list[int | None]]:
    """<household_id>.<answers so far>: the household, the encoded answers and the answers, or BadCallback."""
    household_part, encoded = payload_parts(turn.update, 2)
    try:
        return payload_int(turn.update, household_part), encoded, decode_outcomes(encoded)
    except ValueError as exc:
        raise BadCallback("not outcomes") from exc


@handler(Role.WORKER, stop=None, gone=ALREADY_CLOSED)
async def on_close(turn: Turn) -> None:
    """prg:closeok:<household_id>.<a-g>: close for real."""
    t = turn.t
    household_id, _encoded, values = _outcomes(turn)
    if len(values) != len(OUTCOME_KEYS):
        raise BadCallback("incomplete")
    result = await closing.close_traject(turn.svc, turn.tid, household_id, dict(zip(OUTCOME_KEYS, values, strict=True)))
    asked = t.ngettext("{n} client gets a few short questions about the support.",
                       "{n} clients get a few short questions about the support.", result.clients_asked)
    await turn.say(t.gettext("The traject is closed. The client keeps Houvast for their own plan.")
                     + " " + asked.format(n=result.clients_asked), keyboards.menu_button(t))
    await turn.deliver_now()


async def _ask_relation(update: Update, context: Context, t: Translator, key: str) -> None:
    index = RELATION_KEYS.index(key)
    text = (
        t.gettext("Question {n} of {total}").format(n=index + 1, total=len(RELATION_KEYS))
        + "\n\n"
        + t.gettext(RELATION_QUESTIONS[key])
    )
    await common.say(update, context, text, progress_keyboards.relation_keyboard(t, index, scale_for(key)))


@handler(Role.CLIENT, stop=None)
async def on_relation(turn: Turn) -> None:
    """prg:rel:start, prg:rel:<index>.<score>: one question per message, each answer saved at once."""
    t = turn.t
    svc = turn.svc
    try:
        arg = payload_arg(turn.update)
        if arg == "start":
            following = await closing.next_question(svc, turn.tid)
        else:
            index, score = callbacks.ints(arg, 2)
            if not 0 <= index < len(RELATION_KEYS):
                raise BadCallback("question")
            following = await closing.answer_relation(svc, turn.tid, RELATION_KEYS[index], score)
    except (BadCallback, ValueError, NotAllowed):
        await turn.refuse()
        return
    if following is None:
        await turn.say(t.gettext(
            "Thank you for your answers. Houvast stays yours: your plan, crisis card and check-ins are still here."),
            keyboards.menu_button(t))
        return
    await _ask_relation(turn.update, turn.context, t, following)
