"""What a worker reads about a stalled goal: the full nudge (also when opened from a digest in the chat) and the
morning digest. The facts, and what this worker may see of them, come from bot/services/nudges (consent checked
and the look audited there); here they become words and the chat's keyboards."""
from __future__ import annotations

from typing import Any

from bot.domain.disclosure import Signal
from bot.domain.goals import ANSWER_LABELS
from bot.i18n import N_, Translator
from bot.outbox.notices import Recipient, Rendered, Session, renders
from bot.services.base import Services
from bot.services.nudges import REASON_TEXTS, DigestLine, NudgeFacts, digest_to_send, nudge_to_send
from conversations.notices.shared import rows, written
from conversations.worker_keyboards import digest_keyboard, nudge_keyboard

NUDGE_HEADER = N_("⏸ A goal of {name} has stalled.")
NOT_SHARED = N_("{name} has not shared goal details with you.")
# Without goals consent a worker reads one of these and nothing more (bot/domain/disclosure.py).
SIGNAL_TEXTS = {
    Signal.QUIET: N_("{name} has not responded for a while."),
    Signal.STUCK: N_("A goal of {name} is stuck. Ask how things are going."),
}
NOTES = {
    "escalated": N_("Nobody has responded yet, so this now comes to you as well."),
    "standing_in": N_("The coordinating worker is away, so this comes to you."),
}


def nudge_text(t: Translator, nudge: NudgeFacts) -> str:
    name = nudge.name
    if nudge.signal is not None:
        lines = ["⏸ " + t.gettext(SIGNAL_TEXTS[nudge.signal]).format(name=name),
                 t.gettext(NOT_SHARED).format(name=name)]
    else:
        lines = [t.gettext(NUDGE_HEADER).format(name=name), t.gettext("Goal: {title}").format(title=nudge.title)]
        if nudge.step:
            lines.append(t.gettext("Step: {step}").format(step=nudge.step))
        if nudge.reasons:
            lines += ["", t.gettext("What happened:")] + [f"• {t.gettext(REASON_TEXTS[r])}" for r in nudge.reasons]
        if nudge.checkins:
            lines += ["", t.gettext("Last check-ins:")]
            no_answer = t.gettext("no answer")
            lines += [f"• {t.day(at)}: {t.gettext(ANSWER_LABELS[answer]) if answer else no_answer}"
                      for at, answer in nudge.checkins]
    if nudge.note is not None:
        lines += ["", t.gettext(NOTES[nudge.note])]
    return "\n".join(lines)


def digest_text(t: Translator, digest: list[DigestLine]) -> str:
    lines = [f"{number}. {line.name}: {line.title}" if line.signal is None
             else f"{number}. " + t.gettext(SIGNAL_TEXTS[line.signal]).format(name=line.name)
             for number, line in enumerate(digest, start=1)]
    header = t.ngettext("One message about your clients:", "{n} messages about your clients:",
                        len(lines)).format(n=len(lines))
    return "\n".join([header, *lines, "", t.gettext("Tap a name to see more and respond.")])


@renders("nudge")
async def nudge(svc: Services, session: Session, worker: Recipient, client: Recipient | None,
                ref: dict[str, Any]) -> Rendered | None:
    """Withdrawn when the client's account is gone, or this worker no longer works with them."""
    return written(svc, worker, await nudge_to_send(svc, session, worker, ref), lambda t, facts: Rendered(
        nudge_text(t, facts), rows(nudge_keyboard(t, facts.nudge_id, facts.client_id))))


@renders("nudge_digest")
async def digest(svc: Services, session: Session, worker: Recipient, about: Recipient | None,
                 ref: dict[str, Any]) -> Rendered | None:
    return written(svc, worker, await digest_to_send(svc, session, worker, ref), lambda t, lines: Rendered(
        digest_text(t, lines), rows(digest_keyboard([(line.nudge_id, line.name) for line in lines]))))
