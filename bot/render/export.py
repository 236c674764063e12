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

from typing import Any

from bot.domain.consent import SCOPE_NAMES
from bot.domain.safetyplans import HOME, SAFETY
from bot.i18n import N_, Translator
from bot.render.export_doc import Doc, by_key, tools_part
from bot.render.export_words import (
    ACTIONS,
    COLUMNS,
    NAME_FIELDS,
    NOT_FROM_HOUVAST,
    OUTCOMES,
    ROLES,
    Row,
    scalar,
    value_text,
)
from bot.render.export_words import NOT_IN_A_CLIENTS_EXPORT as NOT_IN_A_CLIENTS_EXPORT  # for the tests
from bot.render.fonts import DASH, unadorned


def _goals(doc: Doc, tables: dict[str, list[Row]]) -> None:
    t = doc.t
    doc.section(t.gettext("My goals"), t.gettext("Your goals, with every answer and what happened with them."))
    goals = tables.get("goals", [])
    checkins = by_key(tables.get("goal_checkins", []), "goal_id")
    events = by_key(tables.get("goal_events", []), "goal_id")
    nudges = by_key(tables.get("nudges", []), "goal_id")
    deliveries = by_key(tables.get("nudge_deliveries", []), "nudge_id")
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


def _peers(doc: Doc, tables: dict[str, list[Row]]) -> None:
    t = doc.t
    doc.section(t.gettext("Talking with a peer expert"))
    contacts = tables.get("peer_contacts", [])
    messages = by_key(tables.get("relay_messages", []), "contact_id")
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


def _audit(doc: Doc, trail: list[Row]) -> None:
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


def _crisis(doc: Doc, tables: dict[str, list[Row]]) -> None:
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


def _safety(doc: Doc, tables: dict[str, list[Row]]) -> None:
    """My safety plan: both plans, the hoopbox (what is in it; photos and voice messages stay in the chat) and
    the noodbericht (its text, who gets it, and every time it went)."""
    t = doc.t
    same = t.gettext("Every saved version, and what you were still filling in.")
    tools_part(doc, tables, SAFETY, t.gettext("My plan for thoughts of suicide"), same)
    tools_part(doc, tables, HOME, t.gettext("My home plan"), same)
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
    sends, deliveries = tables.get("emergency_sends", []), by_key(tables.get("emergency_deliveries", []), "send_id")
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
    """The readable export: the parts in the order of the menu, then the trail of who did what."""
    doc = Doc(t)
    tables: dict[str, list[Row]] = data.get("tables") or {}
    _about_you(doc, data)
    _sharing_and_colours(doc, tables)
    _crisis(doc, tables)
    _goals(doc, tables)
    tools_part(doc, tables, "signaleringsplan", t.gettext("My signaleringsplan"),
           t.gettext("Every saved version, and what you were still filling in."))
    tools_part(doc, tables, "crisiskaart", t.gettext("My crisis card"),
           t.gettext("Every saved version, and what you were still filling in."))
    _safety(doc, tables)
    _scans(doc, tables)
    _peers(doc, tables)
    _messages_and_codes(doc, tables)
    _not_placed_yet(doc, tables)
    _audit(doc, data.get("audit") or [])
    return doc.pdf.bytes()


def _about_you(doc: Doc, data: dict[str, Any]) -> None:
    """The title, the person and their household and care team."""
    t = doc.t
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


def _sharing_and_colours(doc: Doc, tables: dict[str, list[Row]]) -> None:
    t = doc.t
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


def _scans(doc: Doc, tables: dict[str, list[Row]]) -> None:
    t = doc.t
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


def _messages_and_codes(doc: Doc, tables: dict[str, list[Row]]) -> None:
    """What Houvast sent, the codes used, and what it remembers for a moment."""
    t = doc.t
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


def _not_placed_yet(doc: Doc, tables: dict[str, list[Row]]) -> None:
    # A table added later still appears, with its raw names, until it gets a place above.
    known = set(COLUMNS) | {"tool_versions", "tool_drafts", "tool_proposals"}  # (crisis tables: _crisis)
    for name, rows in tables.items():
        if name not in known and rows:
            doc.section(name.replace("_", " "))
            for row in rows:
                doc.fields(name, row)
                doc.pdf.ln(1)
