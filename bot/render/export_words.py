"""The words of the export (bot/render/export.py): every column's label or the mark that it is technical
(COLUMNS; a test keeps it complete), and every stored value said in words, every day in full with its year.

Just over 400 lines because COLUMNS lists every column of every table the export holds: one table to check
against the schema, which splitting would scatter."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from babel.dates import format_date, format_time

from bot.domain.consent import CARE_ROLE_NAMES, SCOPE_NAMES
from bot.domain.forms import PHASE_NAMES
from bot.domain.goals import ANSWER_LABELS, DOMAIN_LABELS, EVERY_LABELS
from bot.domain.outcomes import RELATION_QUESTIONS
from bot.domain.peers import THEME_NAMES
from bot.domain.selfscan import DOMAIN_NAMES, LEVELS
from bot.i18n import N_, Translator
from bot.render.fonts import DASH, unadorned
from bot.services.nudges import REASON_TEXTS

Row = dict[str, Any]
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
# bot.domain.crisis.CrisisKind and bot.domain.alerts.Source
CRISIS_KINDS = {
    "suicide": N_("thoughts of suicide"), "self_harm": N_("hurting yourself"),
    "acute_danger": N_("danger right now"), "danger_from_others": N_("danger from someone else"),
    "harm_to_others": N_("fear of hurting someone"),
}
HOPE_KINDS = {"photo": N_("photo"), "text": N_("text"), "voice": N_("voice message"), "link": N_("link")}
ROUTES = {"houvast": N_("from Houvast"), "share": N_("a ready message for you to send")}
NOT_FROM_HOUVAST = N_("not from Houvast; a ready message for you to send")  # blocked, or withheld (not said why)
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
