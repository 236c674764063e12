"""/mijngegevens as a readable PDF: the same data as the JSON file, in sections with plain labels.

Pure: takes the dict of bot.services.gdpr.export_data and a translator, returns PDF bytes. DejaVu Sans from
matplotlib (bot/render/fonts.py); characters it cannot draw (emoji, anything outside the BMP) are left out,
so odd input never breaks the export.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from bot.domain.forms import CARD_PART_NAMES, PART_NAMES, PHASE_NAMES
from bot.i18n import N_, Translator
from bot.render.fonts import Pdf, drawable

TABLE_LABELS = {
    "tool_versions": N_("Saved versions of your plans"),
    "tool_drafts": N_("Plans you were still filling in"),
    "phase_checkins": N_("Your check-ins"),
    "goals": N_("Your goals"),
    "goal_checkins": N_("How your goals went"),
    "goal_events": N_("What happened with your goals"),
    "nudges": N_("Messages to your care team about your goals"),
    "consents": N_("What you share with whom"),
    "outbox": N_("Messages Houvast sent you"),
    "invites": N_("The invite you used"),
    "invite_attempts": N_("Wrong codes you typed"),
    "conversation_states": N_("Where you were in a conversation"),
    "user_data": N_("Temporary notes of the bot"),
    "care_team": N_("Care team"),
    "crisis_signals": N_("When what you wrote sounded like a crisis (only what kind and when, never your words)"),
    "red_alerts": N_("Messages to your care team when things were not going well"),
    "red_alert_deliveries": N_("Who got those messages"),
}
FIELD_LABELS = {
    "telegram_id": N_("Telegram id"),
    "role": N_("Role"),
    "name": N_("Name"),
    "locale": N_("Language"),
    "checkin_time": N_("Check-in time"),
    "checkin_rhythm": N_("Check-in rhythm"),
    "next_checkin_at": N_("Next check-in"),
    "reminders_paused": N_("Reminders paused"),
    "unreachable": N_("Unreachable"),
    "active": N_("Active"),
    "onboarded": N_("Set up"),
    "created_at": N_("Created"),
    "last_seen_at": N_("Last seen"),
    "deletion_due_at": N_("To be deleted on"),
    "deactivated_at": N_("Stopped"),
    "closed_at": N_("Closed"),
    "created_by_name": N_("Made by"),
    "used_by_name": N_("Used by"),
    "expires_at": N_("Valid until"),
    "used_at": N_("Used"),
    "viewer_name": N_("Shared with"),
    "scope": N_("What"),
    "granted": N_("Shared"),
    "changed_at": N_("Changed"),
    "kind": N_("Kind"),
    "payload": N_("Message"),
    "text": N_("Text"),
    "sent_at": N_("Sent"),
    "failed_at": N_("Not delivered"),
    "version": N_("Version"),
    "content": N_("Content"),
    "saved_at": N_("Saved"),
    "saved_by_name": N_("Saved by"),
    "step": N_("Step"),
    "updated_at": N_("Changed"),
    "phase": N_("Phase"),
    "at": N_("When"),
    "since": N_("Since"),
    "data": N_("Data"),
    "state": N_("State"),
    "title": N_("Goal"),
    "why": N_("Why"),
    "domain": N_("Area of life"),
    "status": N_("Status"),
    "target_date": N_("Target date"),
    "note": N_("Note"),
    "answer": N_("Answer"),
    "prompted_at": N_("Asked"),
    "answered_at": N_("Answered"),
    "detail": N_("Details"),
    "proposed_by_name": N_("Proposed by"),
    "by_name": N_("By"),
    "source": N_("Because of"),
    "escalated_at": N_("Also sent to the procesregisseur"),
    "taken_at": N_("Picked up"),
    "taken_by_name": N_("Picked up by"),
}
VALUE_LABELS = {
    "client": N_("client"),
    "worker": N_("worker"),
    "peer": N_("peer expert"),
    "admin": N_("admin"),
    "coordinating": N_("worker"),
    "backup": N_("backup worker"),
    "involved": N_("involved worker"),
    "procesregisseur": N_("procesregisseur"),
    "signaleringsplan": N_("signaleringsplan"),
    "crisiskaart": N_("crisis card"),
    "goals": N_("goals and check-ins"),
    "alerts": N_("alerts on orange and red"),
    **{str(phase): label for phase, label in PHASE_NAMES.items()},
    # bot.domain.crisis.CrisisKind and bot.domain.alerts.Source
    "suicide": N_("thoughts of suicide"),
    "self_harm": N_("hurting yourself"),
    "acute_danger": N_("danger right now"),
    "danger_from_others": N_("danger from someone else"),
    "harm_to_others": N_("fear of hurting someone"),
    "red_checkin": N_("a red check-in"),
    "crisis_language": N_("words that sounded like a crisis"),
    "scan_acute": N_("\"acute problem\" in the self-scan"),
    "peer_worry": N_("your peer expert was worried"),
    "asked_once": N_("you asked to let your worker know"),
}
ACTION_LABELS = {
    "view": N_("looked at your data"),
    "person.joined": N_("joined Houvast"),
    "worker.linked": N_("linked a worker"),
    "consent.granted": N_("started sharing"),
    "consent.revoked": N_("stopped sharing"),
    "tool.saved": N_("saved a plan"),
    "alert.sent": N_("sent an alert"),
    "alert.one_time": N_("let the worker know, this once"),
    "data.exported": N_("downloaded your data"),
    "deletion.requested": N_("asked to delete the account"),
    "deletion.cancelled": N_("kept the account after all"),
    "invite.rejected": N_("typed a code that did not work"),
    "invite.guessing": N_("was stopped for an hour after too many wrong codes"),
    "button.refused": N_("pressed a button that no longer worked"),
    "crisis.language": N_("wrote words that may mean a crisis"),
    "crisis.scan": N_("chose \"acute problem\" in the self-scan"),
    "alert.taken": N_("picked up the alert"),
    "alert.escalated": N_("told the procesregisseur that nobody had picked it up"),
    "alert.nobody": N_("could tell nobody"),
}
# Technical fields: in the JSON file, left out of the PDF so it stays readable.
HIDDEN = {
    "id", "client_id", "person_id", "viewer_id", "saved_by_id", "created_by_id", "used_by_id", "worker_id",
    "household_id", "chat_id", "pseudonym", "dedup_key", "token_hash", "next_attempt_at", "claim_token", "attempts",
    "last_error", "key", "buttons", "redacted", "goal_id", "owner_id", "proposed_by_id", "by_id",
    "acknowledged_by_id", "voice_file_id", "next_look_at", "recent_prompts", "rungs", "alert_id", "taken_by_id", "escalate_at",
}
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NESTED_LABELS: dict[str, str] = {**PART_NAMES, **CARD_PART_NAMES, **{str(k): v for k, v in PHASE_NAMES.items()}}


def _label(t: Translator, key: str) -> str:
    msgid = FIELD_LABELS.get(key) or _NESTED_LABELS.get(key)
    return t.gettext(msgid) if msgid else key.replace("_", " ").capitalize()


def _scalar(t: Translator, value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return t.gettext("yes") if value else t.gettext("no")
    if isinstance(value, str):
        if _ISO_MOMENT.match(value):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return value
            return t.moment(moment) if moment.tzinfo else value
        if _ISO_DAY.match(value):
            try:
                return t.day(date.fromisoformat(value))
            except ValueError:
                return value
        if value in VALUE_LABELS:
            return t.gettext(VALUE_LABELS[value])
        return value
    return str(value)


def _contact_line(item: dict[str, Any]) -> str | None:
    parts = [item.get(k) for k in ("name", "relation", "phone")]
    if set(item) <= {"name", "relation", "phone"} and any(parts):
        return ", ".join(str(p) for p in parts if p)
    return None


class _Doc:
    def __init__(self, t: Translator) -> None:
        self.t = t
        title = t.gettext("Your data in Houvast")
        self.pdf = Pdf(title, title, t.locale)
        self.pdf.add_page()

    def text(
        self, value: object, *, size: float = Pdf.BODY, bold: bool = False, indent: float = 0, gap: float = 0
    ) -> None:
        text = drawable(str(value)).strip()
        if not text:
            return
        pdf = self.pdf
        left = pdf.l_margin
        # A hanging indent that also holds when one long value runs over a page break.
        pdf.set_left_margin(left + indent)
        pdf.set_x(left + indent)
        pdf.paragraph(text, size=size, bold=bold)
        pdf.set_left_margin(left)
        pdf.set_x(left)
        if gap:
            pdf.ln(gap)

    def heading(self, value: str) -> None:
        self.pdf.ln(3)
        self.pdf.heading(drawable(value))
        self.pdf.ln(1)

    def field(self, key: str, value: Any, indent: float = 0) -> None:
        if key in HIDDEN:
            return
        label = _label(self.t, key)
        if isinstance(value, dict):
            self.text(label, bold=True, indent=indent)
            for sub_key, sub_value in value.items():
                self.field(str(sub_key), sub_value, indent + 5)
        elif isinstance(value, list):
            self.text(label, bold=True, indent=indent)
            if not value:
                self.text("–", indent=indent + 5)
            for item in value:
                if isinstance(item, dict):
                    line = _contact_line(item)
                    if line is not None:
                        self.text(f"• {line}", indent=indent + 5)
                    else:
                        for sub_key, sub_value in item.items():
                            self.field(str(sub_key), sub_value, indent + 5)
                elif isinstance(item, list):
                    self.text("• " + ", ".join(_scalar(self.t, v) for v in item), indent=indent + 5)
                else:
                    self.text(f"• {_scalar(self.t, item)}", indent=indent + 5)
        else:
            self.text(f"{label}: {_scalar(self.t, value)}", indent=indent)

    def record(self, row: dict[str, Any]) -> None:
        for key, value in row.items():
            self.field(key, value)
        self.pdf.ln(2.5)


def export_pdf(data: dict[str, Any], t: Translator) -> bytes:
    doc = _Doc(t)
    doc.text(t.gettext("Your data in Houvast"), size=18, bold=True, gap=2)
    exported = data.get("exported_at")
    if exported:
        doc.text(t.gettext("Made on {moment}.").format(moment=_scalar(t, exported)))
    doc.text(
        t.gettext("This is everything Houvast keeps about you. The JSON file holds the same data, "
                  "also the technical fields, in a form other programs can read."),
        gap=2,
    )

    doc.heading(t.gettext("About you"))
    doc.record(data.get("person") or {})

    if data.get("household"):
        doc.heading(t.gettext("Your household"))
        doc.record(data["household"])
    doc.heading(t.gettext("Your care team"))
    team = data.get("care_team") or []
    if not team:
        doc.text(t.gettext("No worker is linked to you."))
    for member in team:
        role = _scalar(t, member.get("role"))
        doc.text(f"• {member.get('name') or '?'} ({role})")

    order = list(TABLE_LABELS)  # what matters most first; tables added later come after
    tables = sorted(
        (data.get("tables") or {}).items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)
    )
    for table, rows in tables:
        if not rows:
            continue
        doc.heading(t.gettext(TABLE_LABELS[table]) if table in TABLE_LABELS else table.replace("_", " ").capitalize())
        for row in rows:
            doc.record(row)

    doc.heading(t.gettext("Who did what with your data"))
    trail = data.get("audit") or []
    if not trail:
        doc.text(t.gettext("Nothing yet."))
    for entry in trail:
        who = entry.get("actor_name") or (
            t.gettext(VALUE_LABELS[role]) if (role := entry.get("actor_role")) in VALUE_LABELS else "Houvast"
        )
        action = entry.get("action") or ""
        what = t.gettext(ACTION_LABELS[action]) if action in ACTION_LABELS else action
        scope = entry.get("scope")
        extra = f" ({t.gettext(VALUE_LABELS[scope])})" if scope in VALUE_LABELS else ""
        other = entry.get("subject_name") if entry.get("by_you") and not entry.get("about_you") else None
        extra += f" – {other}" if other else ""
        refused = f" – {t.gettext('refused')}" if entry.get("outcome") == "denied" else ""
        doc.text(f"{_scalar(t, entry.get('at'))}: {who} {what}{extra}{refused}")
    return doc.pdf.bytes()
