"""/mijngegevens as a readable PDF: the same data as the JSON file, in plain words, grouped the way the client
knows Houvast (about you, who sees what, your colours, your goals, your signaleringsplan, your crisis card, the
self-scan, talking with a peer expert, messages, codes, and who did what with your data).

Pure: takes the dict of bot.services.gdpr.export_data and a translator, returns PDF bytes. Every column of every
table a client's export can hold has a label here, or is named technical (COLUMNS; a test keeps it complete), and
every coded value is said in words: "elke dag" for "daily", "Geld" for "financien", "Nog niet" for "nog_niet".
Every day is written in full, with its year. The JSON file keeps the raw values for other programs.
DejaVu Sans from matplotlib (bot/render/fonts.py); characters it cannot draw (emoji) are left out.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from babel.dates import format_date, format_time

from bot.domain.forms import CARD_PART_NAMES, CARD_STEPS, PART_NAMES, PHASE_NAMES, STEPS
from bot.domain.safetyplans import HOME, HOME_PART_NAMES, SAFETY, SAFETY_PART_NAMES
from bot.domain.goals import DOMAIN_LABELS, EVERY_LABELS
from bot.domain.outcomes import RELATION_QUESTIONS
from bot.domain.peers import THEME_NAMES
from bot.domain.plans import PHASES
from bot.domain.selfscan import DOMAIN_NAMES, LEVELS
from bot.i18n import N_, Translator
from bot.render.fonts import DASH, GREY, Pdf, drawable, unadorned
from bot.render.text import made_with_words
from bot.domain.consent import CARE_ROLE_NAMES, SCOPE_NAMES
from bot.domain.goals import ANSWER_LABELS
from bot.services.nudges import REASON_TEXTS

Row = dict[str, Any]
PART_NAMES_OF = {SAFETY: SAFETY_PART_NAMES, HOME: HOME_PART_NAMES}  # the safety plans' parts (CARD_PART_NAMES else)
Format = Callable[[Translator, Any], str]

# Tables whose rows are about staff or a whole household, never part of one client's export (gdpr.export_data
# selects rows that point at the client); listed so the completeness test knows they were not forgotten.
NOT_IN_A_CLIENTS_EXPORT = frozenset({
    "absences", "peer_profiles", "scale_decisions", "traject_closings", "audit_log",
    "meta",  # the key canary and the database's purpose: about the installation, not a person
})

# Per table, per column: its label, or None for a technical field (ids, keys, counters) that is in the JSON only.
COLUMNS: dict[str, dict[str, str | None]] = {
    "people": {
        "id": None,
        "telegram_id": N_("Telegram number"),
        "chat_id": None,
        "role": N_("Role"),
        "name": N_("Name"),
        "locale": N_("Language"),
        "pseudonym": None,
        "household_id": None,
        "checkin_time": N_("Time of the daily question"),
        "checkin_rhythm": N_("How often I ask how you are"),
        "next_checkin_at": N_("Next question"),
        "reminders_paused": N_("Reminders paused"),
        "unreachable": N_("Houvast could not reach you"),
        "active": N_("Account in use"),
        "onboarded": N_("Set up"),
        "created_at": N_("In Houvast since"),
        "last_seen_at": N_("Last seen"),
        "deletion_due_at": N_("To be deleted on"),
        "deactivated_at": N_("Stopped on"),
        "relay_contact_id": N_("Talking with your peer expert right now"),
        "next_scan_at": N_("Next self-scan"),
    },
    "households": {"id": None, "created_at": N_("Made on"), "closed_at": N_("Traject closed on")},
    "care_team": {"id": None, "household_id": None, "worker_id": None, "role": N_("Role"), "since": N_("Since")},
    "consents": {
        "id": None,
        "client_id": None,
        "viewer_id": None,
        "scope": N_("What"),
        "granted": N_("Shared"),
        "changed_at": N_("Changed on"),
    },
    "phase_checkins": {"id": None, "client_id": None, "phase": N_("Colour"), "at": N_("When")},
    "goals": {
        "id": None, "household_id": None, "client_id": None, "owner_id": None, "domain": N_("Part of your life"),
        "title": N_("Goal"), "why": N_("Why"), "step": N_("Step now"), "target_date": N_("Reach by"),
        "status": N_("Status"), "proposed_by_id": None, "created_at": N_("Made on"),
        "checkin_weekday": N_("Day of the question"), "checkin_time": N_("Time of the question"),
        "every_weeks": N_("How often"), "next_checkin_at": N_("Next question"),
        "last_progress_at": N_("Last progress"), "stall_since": N_("Not moving since"), "next_look_at": None,
        "recent_prompts": None,
    },
    "goal_checkins": {"id": None, "goal_id": None, "prompted_at": N_("Asked"), "answered_at": N_("Answered"),
                      "answer": N_("Answer"), "note": N_("Note"), "voice_file_id": N_("Voice message")},
    "goal_events": {"id": None, "goal_id": None, "at": N_("When"), "kind": N_("What happened"), "by_id": None,
                    "detail": N_("Details")},
    "nudges": {"id": None, "goal_id": None, "reasons": N_("Why"), "created_at": N_("When"), "rungs": None,
               "next_climb_at": None,
               "snoozed_until": N_("Put off until"), "acknowledged_at": N_("Answered by a worker on"),
               "acknowledged_by_id": None, "acknowledgement": N_("The worker's answer")},
    "nudge_deliveries": {"id": None, "nudge_id": None, "worker_id": None, "rung": N_("To"),
                         "created_at": N_("When"), "notified_at": N_("Sent")},
    "tool_versions": {"id": None, "client_id": None, "kind": None, "version": N_("Version"), "content": None,
                      "saved_at": N_("Saved on"), "saved_by_id": None},
    "tool_drafts": {"id": None, "client_id": None, "kind": None, "content": None, "step": N_("You were at"),
                    "updated_at": N_("Changed on")},
    "tool_proposals": {"id": None, "client_id": None, "helper_id": None, "kind": None, "step": N_("Part"),
                       "text": N_("Proposal"), "status": N_("Status"), "created_at": N_("Made on"),
                       "decided_at": N_("You decided on")},
    "self_scans": {"id": None, "client_id": None, "by_id": None, "by_role": N_("Filled in by"), "at": N_("When"),
                   "scores": N_("Scores"), "complete": N_("Finished")},
    "relation_scores": {"id": None, "client_id": None, "at": N_("When"), "answers": N_("Your answers")},
    "peer_contacts": {"id": None, "client_id": None, "peer_id": None, "theme": N_("Theme"), "status": N_("Status"),
                      "proposed_by_id": None, "created_at": N_("Proposed on"), "started_at": N_("Started on"),
                      "ended_at": N_("Ended on"), "last_message_at": N_("Last message"), "rating": N_("Your rating"),
                      "feedback": N_("Your words about it")},
    "relay_messages": {"id": None, "contact_id": None, "from_id": None, "at": N_("When"), "kind": N_("Kind"),
                       "text": N_("Text"), "file_id": None},
    "peer_waiting_list": {"id": None, "client_id": None, "theme": N_("Theme"),
                          "created_at": N_("Since"), "resolved_at": N_("Until")},
    "misuse_reports": {"id": None, "contact_id": None, "reporter_id": None, "at": N_("When"), "text": N_("Text"),
                       "handled_at": N_("Handled on")},
    "outbox": {"id": None, "dedup_key": None, "person_id": None, "chat_id": None, "kind": N_("About"),
               "payload": N_("Message"), "ref": None, "about_id": None, "scope": None, "created_at": N_("Made on"),
               "next_attempt_at": None, "claim_token": None, "attempts": None, "sent_at": N_("Sent on"),
               "failed_at": N_("Could not be delivered on"), "last_error": None},
    "crisis_signals": {"id": None, "client_id": None, "kind": N_("What it sounded like (never your words)"),
                       "at": N_("When")},
    "red_alerts": {"id": None, "client_id": None, "source": N_("Because of"), "created_at": N_("When"),
                   "escalate_at": None, "escalated_at": N_("Also sent to the procesregisseur on"),
                   "taken_at": N_("Picked up on"), "taken_by_id": None},
    "red_alert_deliveries": {"id": None, "alert_id": None, "worker_id": None, "role": N_("To"),
                             "created_at": N_("When")},
    "invites": {"id": None, "token_hash": None, "role": N_("For"), "created_by_id": None, "household_id": None,
                "created_at": N_("Made on"), "expires_at": N_("Valid until"), "used_at": N_("Used on"),
                "used_by_id": None},
    "invite_attempts": {"id": None, "telegram_id": None, "at": N_("When")},
    "conversation_states": {"id": None, "name": N_("Conversation"), "key": None, "state": None},
    "user_data": {"telegram_id": None, "data": N_("Notes")},
    "hope_items": {"id": None, "client_id": None, "kind": N_("What"), "text": N_("Text or link"), "file_id": None,
                   "file_unique_id": None, "created_at": N_("Added on")},
    "trusted_people": {"id": None, "client_id": None, "person_id": None, "name": N_("Name"),
                       "phone": N_("Phone number"),
                       "consented_at": N_("Houvast may send it to them since"), "created_at": N_("Added on")},
    "emergency_settings": {"client_id": None, "text": N_("Your emergency message"), "updated_at": N_("Changed on")},
    "emergency_sends": {"id": None, "client_id": None, "at": N_("Sent on")},
    "emergency_deliveries": {"id": None, "send_id": None, "person_id": None, "name": N_("To"), "route": N_("How"),
                             "outbox_key": None},
}
# Names of other people, added by the export next to their id (staff only; never another client).
NAME_FIELDS = {
    "viewer_name": N_("Shared with"), "worker_name": N_("Worker"), "saved_by_name": N_("Saved by"),
    "proposed_by_name": N_("Proposed by"), "by_name": N_("By"), "acknowledged_by_name": N_("Answered by"),
    "helper_name": N_("Helper"), "peer_name": N_("Peer expert"), "created_by_name": N_("Made by"),
    "taken_by_name": N_("Picked up by"),
    "used_by_name": None, "owner_name": None, "reporter_name": None, "from_name": N_("From"), "client_name": None,
    "person_name": None,  # a trusted person in Houvast is a client: never named in someone else's export
}

ROLES = {"client": N_("client"), "worker": N_("worker"), "peer": N_("peer expert"), "admin": N_("admin")}
LANGUAGES = {"nl": "Nederlands", "en": "English"}  # each in its own language
RHYTHMS = {"daily": N_("every day"), "weekdays": N_("Monday to Friday"), "off": N_("off")}
GOAL_STATUS = {"proposed": N_("proposed by your worker"), "active": N_("active"), "paused": N_("paused"),
               "reached": N_("reached"), "stopped": N_("stopped")}
GOAL_EVENTS = {
    "created": N_("you made the goal"), "proposed": N_("your worker proposed the goal"),
    "accepted": N_("you said yes to the goal"), "declined": N_("you said no to the goal"),
    "active": N_("you started the goal again"), "paused": N_("you paused the goal"),
    "reached": N_("you reached the goal"), "stopped": N_("you stopped the goal"),
    "changed": N_("the goal was changed"), "answer": N_("you answered how it went"),
    "stalled": N_("the goal was not moving"), "contact_asked": N_("you asked your worker to get in touch"),
}
ACKNOWLEDGEMENTS = {"contact": N_("will get in touch"), "seen": N_("has seen it")}
RUNGS = {"coordinating": N_("your worker"), "backup": N_("the backup worker"),
         "procesregisseur": N_("the procesregisseur"), "digest": N_("your worker, in the morning message")}
PROPOSAL_STATUS = {"open": N_("waiting for your answer"), "confirmed": N_("you said yes"),
                   "changed": N_("you changed it"), "rejected": N_("you said no")}
CONTACT_STATUS = {"proposed": N_("proposed"), "active": N_("active"), "ended": N_("ended"),
                  "declined": N_("you asked for someone else"), "cancelled": N_("did not go ahead")}
RELAY_KINDS = {"text": N_("text"), "voice": N_("voice message"), "photo": N_("photo")}
MESSAGE_KINDS = {
    "checkin": N_("How are you today?"),
    "goal_checkin": N_("How did your step go?"),
    "goal_proposal": N_("A goal your worker proposed"),
    "stall": N_("A goal that is not moving"),
    "scan": N_("The self-scan"),
    "consent": N_("Who sees what"),
    "alert": N_("A message to your worker"),
    "peer": N_("Your peer expert"),
    "together": N_("Filling in together"),
    "traject_closed": N_("The end of the traject"),
    "contact_request": N_("A request to your worker"),
    "nudge": N_("A goal that is not moving"),
    "nudge_digest": N_("A goal that is not moving"),
    "staff": N_("A message from Houvast"),
    "orange": N_("A message to your worker"),
    "alert_escalated": N_("A message to the procesregisseur"),
    "alert_taken": N_("Who picked up your message"),
    "sos": N_("An emergency message"),
}
HOPE_KINDS = {"photo": N_("photo"), "text": N_("text"), "voice": N_("voice message"), "link": N_("link")}
ROUTES = {"houvast": N_("from Houvast"), "share": N_("a ready message for you to send")}
NOT_FROM_HOUVAST = N_("not from Houvast; a ready message for you to send")  # blocked, or withheld (not said why)
# bot.domain.crisis.CrisisKind and bot.domain.alerts.Source
CRISIS_KINDS = {
    "suicide": N_("thoughts of suicide"), "self_harm": N_("hurting yourself"),
    "acute_danger": N_("danger right now"), "danger_from_others": N_("danger from someone else"),
    "harm_to_others": N_("fear of hurting someone"),
}
ALERT_SOURCES = {
    "red_checkin": N_("a red check-in"), "crisis_language": N_("words that sounded like a crisis"),
    "scan_acute": N_("\"very bad\" in the self-scan"), "peer_worry": N_("your peer expert was worried"),
    "asked_once": N_("you asked to let your worker know"),
}
CONVERSATIONS = {
    "onboarding": N_("starting with Houvast"), "link": N_("linking a worker"),
    "forms": N_("filling in your signaleringsplan or crisis card"), "goals": N_("a goal"),
    "propose_goal": N_("a goal proposal"), "absence": N_("being away"), "peers": N_("talking with a peer expert"),
    "progress": N_("your herstelplan"), "safetyplan": N_("your hope box or your emergency message"),
}
ACTIONS = {
    "view": N_("looked at your data"),
    "person.joined": N_("joined Houvast"),
    "worker.linked": N_("linked a worker"),
    "consent.granted": N_("started sharing"),
    "consent.revoked": N_("stopped sharing"),
    "consent.ended": N_("sharing ended"),
    "tool.saved": N_("saved a plan"),
    "alert.sent": N_("sent an alert"),
    "alert.one_time": N_("let the worker know, this once"),
    "data.exported": N_("downloaded your data"),
    "deletion.requested": N_("asked to delete the account"),
    "deletion.cancelled": N_("kept the account after all"),
    "invite.rejected": N_("typed a code that did not work"),
    "invite.guessing": N_("was stopped for an hour after too many wrong codes"),
    "invite.created": N_("made an invite"),
    "button.refused": N_("pressed a button that no longer worked"),
    "goal.created": N_("made a goal"),
    "goal.contact_asked": N_("asked the worker to get in touch about a goal"),
    "scan.done": N_("did a self-scan"),
    "relation.answered": N_("answered questions about the support"),
    "traject.closed": N_("closed the traject"),
    "team.added": N_("joined the care team"),
    "team.ended": N_("left the care team"),
    "team.handover": N_("handed over the care"),
    "care_team.handover": N_("handed over the care"),
    "care_team.vacant": N_("had no worker for a while"),
    "nudge.acknowledged": N_("answered a message about a goal"),
    "nudge.snoozed": N_("put off a message about a goal"),
    "nudge.escalated": N_("passed on a message about a goal"),
    "peer.proposed": N_("proposed a peer expert"),
    "peer.started": N_("started talking with a peer expert"),
    "peer.ended": N_("ended the talks with a peer expert"),
    "peer.declined": N_("asked for another peer expert"),
    "peer.waiting": N_("went on the waiting list"),
    "peer.worry": N_("shared a worry"),
    "peer.worry_red": N_("shared a worry on a red day"),
    "peer.crisis_language": N_("wrote words that may mean a crisis"),
    "peer.misuse_reported": N_("reported misuse"),
    "peer.paused": N_("paused as a peer expert"),
    "peer.suspended": N_("was suspended as a peer expert"),
    "together.proposed": N_("proposed an answer for your plan"),
    "together.confirmed": N_("accepted a proposed answer"),
    "together.changed": N_("changed a proposed answer"),
    "together.rejected": N_("said no to a proposed answer"),
    "scale.decided": N_("decided about more or less support"),
    "absence.set": N_("said they will be away"),
    "absence.cleared": N_("is back"),
    "worker.deactivated": N_("stopped as a worker"),
    "report.monthly": N_("made the monthly report"),
    "deletion.done": N_("deleted an account"),
    "crisis.language": N_("wrote words that may mean a crisis"),
    "crisis.scan": N_('chose "very bad" in the self-scan'),
    "alert.taken": N_("picked up the alert"),
    "alert.escalated": N_("told the procesregisseur that nobody had picked it up"),
    "alert.nobody": N_("could tell nobody"),
    "alert.forged": N_("pressed an alert button that was not for them"),
    "message.withdrawn": N_("a message was not sent after all"),
    "sos.sent": N_("sent an emergency message"), "sos.trusted_added": N_("chose someone for the emergency message"),
    "sos.trusted_removed": N_("took someone off the emergency message"),
    "sos.consent": N_("let Houvast send the emergency message to someone at home"),
    "sos.forged": N_("pressed a button that was not for them"),
    "hope.forged": N_("pressed a button that was not for them"),
}
OUTCOMES = {"denied": N_("refused"), "no_worker": N_("there was no worker")}
WEEKDAY_FIELDS = {("goals", "checkin_weekday")}

_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")


# --- values in words ---------------------------------------------------------------------------------------


def full_day(t: Translator, value: date) -> str:
    """'zondag 6 december 2026': a copy that is kept has years in it."""
    return format_date(value, "EEEE d MMMM y", locale=t.locale)


def full_moment(t: Translator, value: datetime) -> str:
    local = value.astimezone(t.zone)
    return t.gettext("{day} at {time}").format(day=full_day(t, local.date()),
                                               time=format_time(local, "HH:mm", locale=t.locale))


def _label(t: Translator, mapping: dict[str, str], value: Any) -> str:
    msgid = mapping.get(str(value))
    return unadorned(t.gettext(msgid)) if msgid else str(value)


def scalar(t: Translator, value: Any) -> str:
    """A value without a field of its own: yes/no, a day or a moment in full, a time as 10:00."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return t.gettext("yes") if value else t.gettext("no")
    if isinstance(value, str):
        if _ISO_MOMENT.match(value):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return value
            return full_moment(t, moment) if moment.tzinfo else full_day(t, moment.date())
        if _ISO_DAY.match(value):
            try:
                return full_day(t, date.fromisoformat(value))
            except ValueError:
                return value
        if _ISO_TIME.match(value):
            return time.fromisoformat(value).strftime("%H:%M")
    return str(value)


def _scores(t: Translator, scores: Any) -> str:
    names = {str(k): v for k, v in DOMAIN_NAMES.items()}
    if not isinstance(scores, dict):
        return scalar(t, scores)
    parts = [f"{_label(t, names, key)}: {score} ({unadorned(t.gettext(LEVELS[score]))})" if score in LEVELS
             else f"{_label(t, names, key)}: {scalar(t, score)}" for key, score in scores.items()]
    return "; ".join(parts) or DASH


def _answers(t: Translator, answers: Any) -> str:
    if not isinstance(answers, dict):
        return scalar(t, answers)
    return "; ".join(f"{_label(t, RELATION_QUESTIONS, key)} {scalar(t, score)}" for key, score in answers.items())


def _event_detail(t: Translator, detail: Any) -> str:
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except ValueError:
            return detail
    if not isinstance(detail, dict):
        return scalar(t, detail)
    parts = []
    for key, value in detail.items():
        if key == "answer":
            parts.append(_label(t, {str(a): label for a, label in ANSWER_LABELS.items()}, value))
        elif key == "reasons":
            parts += [_label(t, {str(r): x for r, x in REASON_TEXTS.items()}, reason) for reason in value or []]
        elif key in ("title", "step", "why", "target_date", "status"):
            label = COLUMNS["goals"][{"target_date": "target_date"}.get(key, key)] or key
            shown = _label(t, GOAL_STATUS, value) if key == "status" else scalar(t, value)
            parts.append(f"{t.gettext(label)}: {shown}")
        else:
            parts.append(scalar(t, value))
    return "; ".join(parts) or DASH


def _message(t: Translator, payload: Any) -> str:
    if isinstance(payload, dict):
        return str(payload.get("text") or "") or DASH
    return scalar(t, payload)


FORMATS: dict[tuple[str, str], Format] = {
    ("people", "role"): lambda t, v: _label(t, ROLES, v),
    ("people", "locale"): lambda t, v: LANGUAGES.get(v, str(v)),
    ("people", "checkin_rhythm"): lambda t, v: _label(t, RHYTHMS, v),
    ("people", "relay_contact_id"): lambda t, v: t.gettext("yes") if v else t.gettext("no"),
    ("care_team", "role"): lambda t, v: _label(t, CARE_ROLE_NAMES, v),
    ("consents", "scope"): lambda t, v: _label(t, SCOPE_NAMES, v),
    ("phase_checkins", "phase"): lambda t, v: _label(t, {str(k): n for k, n in PHASE_NAMES.items()}, v),
    ("goals", "domain"): lambda t, v: _label(t, {str(k): n for k, n in DOMAIN_LABELS.items()}, v),
    ("goals", "status"): lambda t, v: _label(t, GOAL_STATUS, v),
    ("goals", "checkin_weekday"): lambda t, v: t.weekday(int(v)) if str(v).isdigit() and 1 <= int(v) <= 7 else str(v),
    ("goals", "every_weeks"): lambda t, v: _label(t, {str(k): n for k, n in EVERY_LABELS.items()}, v),
    ("goal_checkins", "answer"): lambda t, v: _label(t, {str(a): n for a, n in ANSWER_LABELS.items()}, v),
    ("goal_checkins", "voice_file_id"): lambda t, v: t.gettext("yes"),
    ("goal_events", "kind"): lambda t, v: _label(t, GOAL_EVENTS, v),
    ("goal_events", "detail"): _event_detail,
    ("nudges", "reasons"): lambda t, v: " ".join(_label(t, {str(r): x for r, x in REASON_TEXTS.items()}, r)
                                                 for r in str(v).split(",") if r),
    ("nudges", "acknowledgement"): lambda t, v: _label(t, ACKNOWLEDGEMENTS, v),
    ("nudge_deliveries", "rung"): lambda t, v: _label(t, RUNGS, v),
    ("tool_proposals", "status"): lambda t, v: _label(t, PROPOSAL_STATUS, v),
    ("self_scans", "by_role"): lambda t, v: t.gettext("you") if v == "client" else _label(t, ROLES, v),
    ("self_scans", "scores"): _scores,
    ("relation_scores", "answers"): _answers,
    ("peer_contacts", "theme"): lambda t, v: _label(t, {str(k): n for k, n in THEME_NAMES.items()}, v),
    ("peer_contacts", "status"): lambda t, v: _label(t, CONTACT_STATUS, v),
    ("peer_waiting_list", "theme"): lambda t, v: _label(t, {str(k): n for k, n in THEME_NAMES.items()}, v),
    ("relay_messages", "kind"): lambda t, v: _label(t, RELAY_KINDS, v),
    ("outbox", "kind"): lambda t, v: _label(t, MESSAGE_KINDS, v),
    ("outbox", "payload"): _message,
    ("crisis_signals", "kind"): lambda t, v: _label(t, CRISIS_KINDS, v),
    ("red_alerts", "source"): lambda t, v: _label(t, ALERT_SOURCES, v),
    ("red_alert_deliveries", "role"): lambda t, v: _label(t, CARE_ROLE_NAMES, v),
    ("invites", "role"): lambda t, v: _label(t, ROLES, v),
    ("conversation_states", "name"): lambda t, v: _label(t, CONVERSATIONS, v),
    ("user_data", "data"): lambda t, v: t.gettext("where you were in a question (in the JSON file)"),
    ("hope_items", "kind"): lambda t, v: _label(t, HOPE_KINDS, v),
    ("emergency_deliveries", "route"): lambda t, v: _label(t, ROUTES, v),
    ("emergency_deliveries", "name"): lambda t, v: str(v),
}


def value_text(t: Translator, table: str, column: str, value: Any) -> str:
    formatter = FORMATS.get((table, column))
    return formatter(t, value) if formatter is not None and value not in (None, "") else scalar(t, value)


# --- the document ---------------------------------------------------------------------------------------------


class _Doc:
    def __init__(self, t: Translator) -> None:
        self.t = t
        title = t.gettext("Your data in Houvast")
        self.pdf = Pdf(title, title, t.locale)
        self.pdf.add_page()

    def text(self, value: object, *, size: float = Pdf.BODY, bold: bool = False, indent: float = 0,
             gap: float = 0, grey: bool = False) -> None:
        text = drawable(str(value)).strip()
        if not text:
            return
        pdf = self.pdf
        left = pdf.l_margin
        # A hanging indent that also holds when one long value runs over a page break.
        pdf.set_left_margin(left + indent)
        pdf.set_x(left + indent)
        pdf.paragraph(text, size=size, bold=bold, colour=GREY if grey else (20, 20, 20))
        pdf.set_left_margin(left)
        pdf.set_x(left)
        if gap:
            pdf.ln(gap)

    def section(self, title: str, intro: str | None = None) -> None:
        self.pdf.ln(3)
        self.pdf.heading(drawable(title))
        if intro:
            self.text(intro, grey=True, size=9.5)
        self.pdf.ln(1)

    def fields(self, table: str, row: Row, *, indent: float = 0, skip: tuple[str, ...] = ()) -> None:
        """Every labelled field with a value, "Label: value"; empty fields say nothing."""
        t = self.t
        for key, value in row.items():
            if key in skip or value in (None, "", [], {}):
                continue
            label = COLUMNS.get(table, {}).get(key, NAME_FIELDS.get(key, "?"))
            if label is None:
                continue
            if label == "?":  # a column added later without a label: still shown, never lost
                label = key.replace("_", " ")
            else:
                label = t.gettext(label)
            self.text(f"{label}: {value_text(t, table, key, value)}", indent=indent)

    def empty(self) -> None:
        self.text(self.t.gettext("Nothing."), grey=True)


def _tool_doc(doc: _Doc, kind: str, content: Any, indent: float) -> None:
    """A saved signaleringsplan or crisis card, with the same headings as in the chat."""
    t = doc.t
    if not isinstance(content, dict) or not content:
        doc.text(t.gettext("Empty."), indent=indent, grey=True)
        return
    if kind == "signaleringsplan":
        for phase in PHASES:
            part = content.get(phase.value) or {}
            if not part:
                continue
            doc.text(unadorned(t.gettext(PHASE_NAMES[phase])), bold=True, indent=indent)
            for key, items in part.items():
                _tool_items(doc, t.gettext(PART_NAMES.get(key, key)), items, indent + 5)
        return
    names = PART_NAMES_OF.get(kind, CARD_PART_NAMES)
    for key, value in content.items():
        heading = t.gettext(names[key]) if key in names else key
        if key == "made_with" and isinstance(value, str):  # "Met mijn begeleider": "Gemaakt met: mijn begeleider"
            alone, who = made_with_words(t, value)
            value = t.gettext("by me") if alone else who
        _tool_items(doc, heading, value, indent)


def _tool_items(doc: _Doc, heading: str, value: Any, indent: float) -> None:
    t = doc.t
    if isinstance(value, list):
        doc.text(heading, bold=True, indent=indent)
        for item in value:
            if isinstance(item, dict):
                item = ", ".join(str(item[k]) for k in ("name", "relation", "phone") if item.get(k))
            doc.text(f"• {item}", indent=indent + 5)
    else:
        doc.text(f"{heading}: {scalar(t, value)}", indent=indent)


def _step_name(t: Translator, kind: str, index: Any) -> str:
    steps = STEPS.get(kind, CARD_STEPS)  # type: ignore[call-overload]
    if not isinstance(index, int) or not 0 <= index < len(steps):
        return scalar(t, index)
    step = steps[index]
    if step.label:
        return t.gettext(step.label)
    name = t.gettext(PART_NAMES.get(step.path[-1], "")) if kind == "signaleringsplan" \
        else t.gettext(CARD_PART_NAMES[step.path[-1]])
    if step.phase is not None:
        name = f"{unadorned(t.gettext(PHASE_NAMES[step.phase])).split(':')[0]}: {name}"
    return name


def _by(rows: list[Row], key: str) -> dict[Any, list[Row]]:
    grouped: dict[Any, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row.get(key)].append(row)
    return grouped


def _tools(doc: _Doc, tables: dict[str, list[Row]], kind: str, title: str, intro: str) -> None:
    t = doc.t
    versions = [r for r in tables.get("tool_versions", []) if r.get("kind") == kind]
    drafts = [r for r in tables.get("tool_drafts", []) if r.get("kind") == kind]
    proposals = [r for r in tables.get("tool_proposals", []) if r.get("kind") == kind]
    doc.section(title, intro)
    if not (versions or drafts or proposals):
        doc.empty()
    for row in versions:
        doc.text(
            t.gettext("Version {n}, saved on {day}").format(n=row.get("version"), day=scalar(t, row.get("saved_at"))),
            bold=True,
        )
        if row.get("saved_by_name"):
            doc.text(f"{t.gettext(NAME_FIELDS['saved_by_name'])}: {row['saved_by_name']}")
        _tool_doc(doc, kind, row.get("content"), 5)
        doc.pdf.ln(2)
    for row in drafts:
        doc.text(t.gettext("Still being filled in, changed on {day}").format(day=scalar(t, row.get("updated_at"))),
                 bold=True)
        doc.text(f"{t.gettext(COLUMNS['tool_drafts']['step'])}: {_step_name(t, kind, row.get('step'))}")
        _tool_doc(doc, kind, row.get("content"), 5)
        doc.pdf.ln(2)
    for row in proposals:
        doc.text(t.gettext("Proposed answer for: {part}").format(part=_step_name(t, kind, row.get("step"))), bold=True)
        doc.fields("tool_proposals", row, indent=5, skip=("step",))
        doc.pdf.ln(1)


def _goals(doc: _Doc, tables: dict[str, list[Row]]) -> None:
    t = doc.t
    doc.section(t.gettext("My goals"), t.gettext("Your goals, with every answer and what happened with them."))
    goals = tables.get("goals", [])
    checkins, events = _by(tables.get("goal_checkins", []), "goal_id"), _by(tables.get("goal_events", []), "goal_id")
    nudges = _by(tables.get("nudges", []), "goal_id")
    deliveries = _by(tables.get("nudge_deliveries", []), "nudge_id")
    if not goals:
        doc.empty()
    for goal in goals:
        doc.text(f"{goal.get('title') or DASH}", bold=True, size=11)
        doc.fields("goals", goal, indent=5, skip=("title",))
        answers = checkins.get(goal.get("id"), [])
        if answers:
            doc.text(t.gettext("Questions about your step"), bold=True, indent=5)
            for row in answers:
                doc.fields("goal_checkins", row, indent=10)
                doc.pdf.ln(1)
        happened = events.get(goal.get("id"), [])
        if happened:
            doc.text(t.gettext("What happened"), bold=True, indent=5)
            for row in happened:
                line = f"{scalar(t, row.get('at'))}: {value_text(t, 'goal_events', 'kind', row.get('kind'))}"
                if row.get("by_name"):
                    line += f" ({row['by_name']})"
                doc.text(line, indent=10)
                if row.get("detail") not in (None, "", {}):
                    doc.text(value_text(t, "goal_events", "detail", row.get("detail")), indent=15, grey=True)
        for row in nudges.get(goal.get("id"), []):
            doc.text(t.gettext("Message to your care team: this goal was not moving"), bold=True, indent=5)
            doc.fields("nudges", row, indent=10)
            for delivery in deliveries.get(row.get("id"), []):
                doc.fields("nudge_deliveries", delivery, indent=15)
        doc.pdf.ln(3)


def _peers(doc: _Doc, tables: dict[str, list[Row]]) -> None:
    t = doc.t
    doc.section(t.gettext("Talking with a peer expert"))
    contacts = tables.get("peer_contacts", [])
    messages = _by(tables.get("relay_messages", []), "contact_id")
    rest = [(name, tables.get(name, [])) for name in ("peer_waiting_list", "misuse_reports")]
    if not contacts and not any(rows for _, rows in rest):
        doc.empty()
    for contact in contacts:
        doc.text(contact.get("peer_name") or t.gettext(NAME_FIELDS["peer_name"]), bold=True)
        doc.fields("peer_contacts", contact, indent=5, skip=("peer_name",))
        said = messages.get(contact.get("id"), [])
        if said:
            doc.text(t.gettext("Messages"), bold=True, indent=5)
        for row in said:
            who = row.get("from_name") or (t.gettext("you") if row.get("from_id") == contact.get("client_id")
                                           else contact.get("peer_name") or DASH)
            body = row.get("text") or value_text(t, "relay_messages", "kind", row.get("kind"))
            doc.text(f"{scalar(t, row.get('at'))}, {who}: {body}", indent=10)
        doc.pdf.ln(2)
    titles = {"peer_waiting_list": N_("On the waiting list"), "misuse_reports": N_("Misuse you reported")}
    for name, rows in rest:
        for row in rows:
            doc.text(t.gettext(titles[name]), bold=True)
            doc.fields(name, row, indent=5)


def _audit(doc: _Doc, trail: list[Row]) -> None:
    t = doc.t
    doc.section(t.gettext("Who did what with your data"))
    if not trail:
        doc.empty()
    for entry in trail:
        role = entry.get("actor_role")
        who = entry.get("actor_name") or (unadorned(t.gettext(ROLES[role])) if role in ROLES else "Houvast")
        action = entry.get("action") or ""
        what = t.gettext(ACTIONS[action]) if action in ACTIONS else action.replace(".", " ").replace("_", " ")
        scope = entry.get("scope")
        extra = f" ({unadorned(t.gettext(SCOPE_NAMES[scope]))})" if scope in SCOPE_NAMES else ""
        other = entry.get("subject_name") if entry.get("by_you") and not entry.get("about_you") else None
        extra += f": {other}" if other else ""
        outcome = entry.get("outcome")
        refused = f" – {t.gettext(OUTCOMES[outcome])}" if outcome in OUTCOMES else ""
        doc.text(f"{scalar(t, entry.get('at'))}: {who} {what}{extra}{refused}")


def _crisis(doc: _Doc, tables: dict[str, list[Row]]) -> None:
    """When what the client wrote sounded like a crisis (the kind and when, never the words), and the rood
    alerts to the care team: who got them and who picked them up."""
    t = doc.t
    signals, alerts = tables.get("crisis_signals", []), tables.get("red_alerts", [])
    doc.section(t.gettext("When things were not going well"),
                t.gettext("When what you wrote sounded like a crisis (only what kind and when, never your words), "
                          "and the messages to your care team."))
    if not signals and not alerts:
        doc.empty()
    for row in signals:
        doc.text(f"{scalar(t, row.get('at'))}: {value_text(t, 'crisis_signals', 'kind', row.get('kind'))}")
    deliveries = tables.get("red_alert_deliveries", [])
    for row in alerts:
        doc.text(f"{scalar(t, row.get('created_at'))}: {value_text(t, 'red_alerts', 'source', row.get('source'))}",
                 bold=True)
        told = [d for d in deliveries if d.get("alert_id") == row.get("id")]
        for delivery in told:
            doc.text(f"• {delivery.get('worker_name') or DASH} "
                     f"({value_text(t, 'red_alert_deliveries', 'role', delivery.get('role'))})", indent=5)
        if row.get("taken_at"):
            doc.text(t.gettext("Picked up by {who} on {moment}").format(
                who=row.get("taken_by_name") or DASH, moment=scalar(t, row["taken_at"])), indent=5)


def _safety(doc: _Doc, tables: dict[str, list[Row]]) -> None:
    """My safety plan: both plans, the hoopbox (what is in it; photos and voice messages stay in the chat) and
    the noodbericht (its text, who gets it, and every time it went)."""
    t = doc.t
    same = t.gettext("Every saved version, and what you were still filling in.")
    _tools(doc, tables, SAFETY, t.gettext("My plan for thoughts of suicide"), same)
    _tools(doc, tables, HOME, t.gettext("My home plan"), same)
    doc.section(t.gettext("My hope box"), t.gettext("What you kept. Photos and voice messages are on Telegram; "
                                                    "the JSON file has their file number."))
    items = tables.get("hope_items", [])
    if not items:
        doc.empty()
    for row in items:
        doc.text(f"{scalar(t, row.get('created_at'))}: {value_text(t, 'hope_items', 'kind', row.get('kind'))}",
                 bold=True)
        if row.get("text"):
            doc.text(str(row["text"]), indent=5)
    doc.section(t.gettext("My emergency message"), t.gettext("Your message, who gets it, and when it went."))
    settings, trusted = tables.get("emergency_settings", []), tables.get("trusted_people", [])
    sends, deliveries = tables.get("emergency_sends", []), _by(tables.get("emergency_deliveries", []), "send_id")
    if not (settings or trusted or sends):
        doc.empty()
    for row in settings:
        doc.fields("emergency_settings", row)
    for row in trusted:
        doc.text(row.get("name") or t.gettext("someone in your household"), bold=True)
        doc.fields("trusted_people", row, indent=5, skip=("name",))
    for row in sends:
        doc.text(f"{t.gettext(COLUMNS['emergency_sends']['at'])}: {scalar(t, row.get('at'))}", bold=True)
        for delivery in deliveries.get(row.get("id"), []):
            who = delivery.get("name") or t.gettext("someone in your household")
            how = (t.gettext(NOT_FROM_HOUVAST) if delivery.get("route") == "houvast" and not delivery.get("outbox_key")
                   else value_text(t, 'emergency_deliveries', 'route', delivery.get('route')))
            doc.text(f"• {who}: {how}", indent=5)


def export_pdf(data: dict[str, Any], t: Translator) -> bytes:
    doc = _Doc(t)
    tables: dict[str, list[Row]] = data.get("tables") or {}
    doc.text(t.gettext("Your data in Houvast"), size=18, bold=True, gap=2)
    if data.get("exported_at"):
        doc.text(t.gettext("Made on {moment}.").format(moment=scalar(t, data["exported_at"])))
    doc.text(t.gettext("This is everything Houvast keeps about you, in the order of the menu. The JSON file holds "
                       "the same data, also the technical fields, in a form other programs can read."), gap=2)

    doc.section(t.gettext("About you"))
    doc.fields("people", data.get("person") or {})

    doc.section(t.gettext("Your household and your care team"))
    if data.get("household"):
        doc.fields("households", data["household"])
    team = data.get("care_team") or []
    if not team:
        doc.text(t.gettext("No worker is linked to you."))
    for member in team:
        doc.text(f"• {member.get('name') or DASH} ({value_text(t, 'care_team', 'role', member.get('role'))}), "
                 f"{t.gettext('since {day}').format(day=scalar(t, member.get('since')))}")

    doc.section(t.gettext("Who sees what"), t.gettext("What you share with whom, and since when."))
    consents = tables.get("consents", [])
    if not consents:
        doc.empty()
    for row in consents:
        shared = t.gettext("shares") if row.get("granted") else t.gettext("does not share")
        doc.text(
            t.gettext("{who}: you {shared} your {what} (since {day})").format(
                who=row.get("viewer_name") or DASH,
                shared=shared,
                what=value_text(t, "consents", "scope", row.get("scope")),
                day=scalar(t, row.get("changed_at")),
            )
        )

    doc.section(t.gettext("How am I doing? Your colours"))
    colours = tables.get("phase_checkins", [])
    if not colours:
        doc.empty()
    for row in colours:
        doc.text(f"{scalar(t, row.get('at'))}: {value_text(t, 'phase_checkins', 'phase', row.get('phase'))}")
    _crisis(doc, tables)

    _goals(doc, tables)
    _tools(doc, tables, "signaleringsplan", t.gettext("My signaleringsplan"),
           t.gettext("Every saved version, and what you were still filling in."))
    _tools(doc, tables, "crisiskaart", t.gettext("My crisis card"),
           t.gettext("Every saved version, and what you were still filling in."))
    _safety(doc, tables)

    doc.section(t.gettext("How are things going? Your self-scans"))
    scans, relation = tables.get("self_scans", []), tables.get("relation_scores", [])
    if not scans and not relation:
        doc.empty()
    for row in scans:
        doc.text(scalar(t, row.get("at")), bold=True)
        doc.fields("self_scans", row, indent=5, skip=("at",))
    for row in relation:
        doc.text(t.gettext("Your answers about the support"), bold=True)
        doc.fields("relation_scores", row, indent=5)

    _peers(doc, tables)

    doc.section(t.gettext("Messages Houvast sent you"))
    sent = tables.get("outbox", [])
    if not sent:
        doc.empty()
    for row in sent:
        when = scalar(t, row.get("sent_at") or row.get("created_at"))
        doc.text(f"{when}: {value_text(t, 'outbox', 'kind', row.get('kind'))}", bold=True)
        doc.text(value_text(t, "outbox", "payload", row.get("payload")), indent=5)
        if row.get("failed_at"):
            doc.text(f"{t.gettext(COLUMNS['outbox']['failed_at'])}: {scalar(t, row['failed_at'])}", indent=5)

    doc.section(t.gettext("Codes"), t.gettext("The invite you used, and codes that did not work."))
    invites, attempts = tables.get("invites", []), tables.get("invite_attempts", [])
    if not invites and not attempts:
        doc.empty()
    for row in invites:
        doc.fields("invites", row)
    for row in attempts:
        doc.text(t.gettext("A code that did not work: {moment}").format(moment=scalar(t, row.get("at"))))

    doc.section(t.gettext("What Houvast remembers for a moment"),
                t.gettext("Where you were in a conversation, so you can go on after a break."))
    states, notes = tables.get("conversation_states", []), tables.get("user_data", [])
    if not states and not notes:
        doc.empty()
    for row in states:
        doc.text(f"• {value_text(t, 'conversation_states', 'name', row.get('name'))}")
    for row in notes:
        doc.text(f"• {value_text(t, 'user_data', 'data', row.get('data'))}")

    # A table added later still appears, with its raw names, until it gets a place above.
    known = set(COLUMNS) | {"tool_versions", "tool_drafts", "tool_proposals"}  # (crisis tables: _crisis)
    for name, rows in tables.items():
        if name not in known and rows:
            doc.section(name.replace("_", " "))
            for row in rows:
                doc.fields(name, row)
                doc.pdf.ln(1)

    _audit(doc, data.get("audit") or [])
    return doc.pdf.bytes()
