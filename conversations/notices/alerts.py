"""Messages to the care team when a client is not doing well: a rood alert (what happened and when, never the
client's words, with "I will pick it up"), its escalation, who picked it up; and orange, when the client asks to
let the worker know. The facts come from bot/services/alerts.py, through its checks."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.domain.alerts import Source
from bot.domain.plans import PHASE_EMOJI, Phase
from bot.i18n import N_, Translator, join_names
from bot.outbox.notices import Recipient, Rendered, Session, renders
from bot.services.alerts import AlertFacts, alert_facts, escalation_facts, taken_facts
from bot.services.base import Services
from bot.services.nudges import first_name
from conversations.notices.shared import rows, words_for, written
from conversations.worker_keyboards import alert_take

# What a worker reads, per source: that it happened and when; never what the client wrote or scored.
WORKER_TEXTS = {
    Source.CHECKIN: N_("{emoji} {name} chose red today: crisis. Please get in touch now."),
    Source.CRISIS: N_("🔴 {name} wrote something that may mean a crisis ({when}). Please get in touch now."),
    Source.SCAN: N_("🔴 {name} chose \"acute problem: I need help now\" in the self-scan ({when}). "
                    "Please get in touch now."),
    Source.WORRY: N_("📣 {peer}, the peer expert of {name}, is worried about {name}. Please get in touch with {name}."),
    Source.ASKED: N_("🔴 {name} wants you to know that things are not going well right now ({when}). "
                     "Please get in touch."),
}
ALSO_TOLD = N_("Also told: {names}.")
ESCALATED = N_("🔴 {name} needs someone now. A message went to {workers} on {when}, but nobody has picked it up yet. "
               "Please make sure someone gets in touch.")


FactsOf = Callable[[Session, Recipient, Recipient | None, dict[str, Any]], Awaitable[AlertFacts | None]]


async def _to_take(svc: Services, session: Session, worker: Recipient, client: Recipient | None, ref: dict[str, Any],
                   facts_of: FactsOf, write: Callable[[Translator, AlertFacts, Recipient], str]) -> Rendered | None:
    """A message a worker can act on: its text, "I will pick it up" and the dossier; None when it is withdrawn."""
    facts = await facts_of(session, worker, client, ref)
    if facts is None or client is None:
        return None
    t = words_for(svc, worker)
    return Rendered(write(t, facts, client), rows(alert_take(t, facts.alert_id, facts.client_id)))


def _alert_text(t: Translator, facts: AlertFacts, client: Recipient) -> str:
    text = t.gettext(WORKER_TEXTS[Source(facts.source)]).format(
        emoji=PHASE_EMOJI[Phase.RED], name=client.name or "?", when=t.moment(facts.at), peer=facts.peer)
    if facts.names:
        text += "\n\n" + t.gettext(ALSO_TOLD).format(names=join_names(t, list(facts.names)))
    return text


@renders("alert")
async def alert(svc: Services, session: Session, worker: Recipient, client: Recipient | None,
                ref: dict[str, Any]) -> Rendered | None:
    return await _to_take(svc, session, worker, client, ref, alert_facts, _alert_text)


@renders("alert_escalated")
async def escalated(svc: Services, session: Session, target: Recipient, client: Recipient | None,
                    ref: dict[str, Any]) -> Rendered | None:
    """Withdrawn when it was picked up meanwhile: nothing to ask of the procesregisseur any more."""
    return await _to_take(svc, session, target, client, ref, escalation_facts, lambda t, facts, client: t.gettext(
        ESCALATED).format(name=first_name(client), workers=join_names(t, list(facts.names)), when=t.moment(facts.at)))


@renders("alert_taken")
async def taken(svc: Services, session: Session, recipient: Recipient, client: Recipient | None,
                ref: dict[str, Any]) -> Rendered | None:
    """To the other workers told, and to the client themselves (no `client`: it is about them)."""
    return written(svc, recipient, await taken_facts(session, recipient, client, ref), lambda t, facts: Rendered(
        t.gettext("{worker} has seen your message and will get in touch with you.").format(worker=facts.taken_by)
        if client is None else
        t.gettext("✅ {worker} picked up the alert about {name}.").format(worker=facts.taken_by,
                                                                         name=client.name or "?")
    ))


@renders("orange")
async def orange(svc: Services, session: Session, worker: Recipient, client: Recipient | None,
                 ref: dict[str, Any]) -> Rendered | None:
    if client is None or not worker.active:
        return None
    t = words_for(svc, worker)
    return Rendered(t.gettext("{emoji} {name} chose orange today: things are not going well. {name} asks you to get "
                              "in touch.").format(emoji=PHASE_EMOJI[Phase(ref["phase"])], name=client.name or "?"))
