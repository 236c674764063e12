"""/mijngegevens as a PDF a client can read: every label and value in plain words (Dutch, or English with /taal),
grouped like the menu, every day with its year; the JSON keeps the raw values."""
import json
import re

from bot.db.models import Base
from bot.i18n import translator
from bot.render.export import COLUMNS, NOT_IN_A_CLIENTS_EXPORT, export_pdf
from bot.services import gdpr
from tests.render.pdftext import page_texts
from tests.services.test_gdpr import CLIENT, seed

DAY = "2026-12-06"
AT = "2026-12-06T20:33:00+00:00"
MONTHS_NL = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"

# One row per table with every column a client's export can hold, with values as the database stores them.
EXPORT = {
    "format": "houvast-export/1",
    "exported_at": AT,
    "person": {
        "id": 1,
        "telegram_id": 1001,
        "chat_id": 1001,
        "role": "client",
        "name": "Sam",
        "locale": "nl",
        "pseudonym": "ab12",
        "household_id": 3,
        "checkin_time": "10:00:00",
        "checkin_rhythm": "weekdays",
        "next_checkin_at": AT,
        "reminders_paused": False,
        "unreachable": False,
        "active": True,
        "onboarded": True,
        "created_at": AT,
        "last_seen_at": AT,
        "deletion_due_at": AT,
        "deactivated_at": AT,
        "relay_contact_id": 7,
        "next_scan_at": AT,
    },
    "household": {"id": 3, "created_at": AT, "closed_at": AT},
    "care_team": [
        {"name": "Anna", "role": "coordinating", "since": AT},
        {"name": "Bram", "role": "backup", "since": AT},
    ],
    "tables": {
        "care_team": [],
        "consents": [{"id": 1, "client_id": 1, "viewer_id": 2, "scope": "crisiskaart", "granted": True,
                      "changed_at": AT, "viewer_name": "Anna"}],
        "phase_checkins": [{"id": 1, "client_id": 1, "phase": "rood", "at": AT}],
        "goals": [{"id": 5, "household_id": 3, "client_id": 1, "owner_id": 1, "domain": "financien",
                   "title": "Mijn schulden op een rij", "why": "Dan slaap ik weer", "step": "Brieven in een map",
                   "target_date": "2027-09-01", "status": "active", "proposed_by_id": 2, "created_at": AT,
                   "checkin_weekday": 1, "checkin_time": "20:00:00", "every_weeks": 2, "next_checkin_at": AT,
                   "last_progress_at": AT, "stall_since": AT, "next_look_at": AT, "recent_prompts": None,
                   "proposed_by_name": "Anna"}],
        "goal_checkins": [{"id": 1, "goal_id": 5, "prompted_at": AT, "answered_at": AT, "answer": "nog_niet",
                           "note": "Drukke week", "voice_file_id": "AwACAgQ"}],
        "goal_events": [{"id": 1, "goal_id": 5, "at": AT, "kind": "created", "by_id": 1,
                         "detail": {"title": "Mijn schulden op een rij", "step": "Brieven in een map"}},
                        {"id": 2, "goal_id": 5, "at": AT, "kind": "stalled", "by_id": None,
                         "detail": {"reasons": ["not_yet", "missed"]}},
                        {"id": 3, "goal_id": 5, "at": AT, "kind": "answer", "by_id": 1,
                         "detail": {"answer": "een_beetje"}}],
        "nudges": [{"id": 9, "goal_id": 5, "reasons": "not_yet,overdue", "created_at": AT, "rungs": "coordinating",
                    "next_climb_at": AT,
                    "snoozed_until": AT, "acknowledged_at": AT, "acknowledged_by_id": 2, "acknowledgement": "contact",
                    "acknowledged_by_name": "Anna"}],
        "nudge_deliveries": [{"id": 1, "nudge_id": 9, "worker_id": 2, "rung": "backup", "created_at": AT,
                              "notified_at": AT, "worker_name": "Bram"}],
        "tool_versions": [
            {"id": 1, "client_id": 1, "kind": "crisiskaart", "version": 1, "saved_at": AT, "saved_by_id": 2,
             "saved_by_name": "Anna",
             "content": {"name": "Sam de Vries", "birth_date": "1990-07-14", "what_helps": ["Een rustige stem"],
                         "contacts": [{"name": "Mam", "phone": "06 12345678", "relation": "moeder"}],
                         "made_with": "Met mijn begeleider"}},
            {"id": 2, "client_id": 1, "kind": "signaleringsplan", "version": 3, "saved_at": AT, "saved_by_id": None,
             "content": {"groen": {"signs_self": ["Ik slaap goed"]}, "rood": {"what_i_do": ["Bel 113"],
                         "contacts": [{"name": "Huisarts", "phone": "020 1234567", "relation": None}]}}},
        ],
        "tool_drafts": [{"id": 1, "client_id": 1, "kind": "signaleringsplan", "step": 4, "updated_at": AT,
                         "content": {"geel": {"signs_self": ["Ik pieker"]}}}],
        "tool_proposals": [{"id": 1, "client_id": 1, "helper_id": 4, "kind": "crisiskaart", "step": 3,
                            "text": "Muziek luisteren", "status": "confirmed", "created_at": AT, "decided_at": AT,
                            "helper_name": "Joost"}],
        "self_scans": [{"id": 1, "client_id": 1, "by_id": None, "by_role": "client", "at": AT,
                        "scores": {"wonen": 3, "financien": 2, "kinderen": 5}, "complete": True}],
        "relation_scores": [{"id": 1, "client_id": 1, "at": AT, "answers": {"listened": 5, "goals_reached": 4}}],
        "peer_contacts": [{"id": 7, "client_id": 1, "peer_id": 4, "theme": "schulden", "status": "active",
                           "proposed_by_id": None, "created_at": AT, "started_at": AT, "ended_at": AT,
                           "last_message_at": AT, "rating": 5, "feedback": "Fijn gesprek", "peer_name": "Joost"}],
        "relay_messages": [{"id": 1, "contact_id": 7, "from_id": 1, "at": AT, "kind": "text", "text": "Hoi Joost",
                            "file_id": None},
                           {"id": 2, "contact_id": 7, "from_id": 4, "at": AT, "kind": "voice", "text": None,
                            "file_id": "AwAC", "from_name": "Joost"}],
        "peer_waiting_list": [{"id": 1, "client_id": 1, "theme": "psychische_gezondheid", "preference": "Een vrouw",
                               "created_at": AT, "resolved_at": AT}],
        "misuse_reports": [{"id": 1, "contact_id": 7, "reporter_id": 1, "at": AT, "text": "Hij stuurde rare dingen",
                            "handled_at": AT}],
        "outbox": [{"id": 1, "dedup_key": "checkin:1:2026-12-06", "person_id": 1, "chat_id": 1001, "kind": "checkin",
                    "payload": {"text": "Hoe gaat het vandaag?", "buttons": []}, "created_at": AT,
                    "next_attempt_at": AT, "claim_token": None, "attempts": 1, "sent_at": AT,
                    "failed_at": None, "last_error": None,
                    "ref": None, "about_id": None, "scope": None}],
        "crisis_signals": [{"id": 1, "client_id": 1, "kind": "suicide", "at": AT}],
        "red_alerts": [
            {
                "id": 1,
                "client_id": 1,
                "source": "crisis_language",
                "created_at": AT,
                "escalate_at": AT,
                "escalated_at": None,
                "taken_at": AT,
                "taken_by_id": 2,
                "taken_by_name": "Anna",
            }
        ],
        "red_alert_deliveries": [
            {"id": 1, "alert_id": 1, "worker_id": 2, "worker_name": "Anna", "role": "coordinating", "created_at": AT}
        ],
        "invites": [
            {
                "id": 1,
                "token_hash": "f" * 64,
                "role": "client",
                "created_by_id": 2,
                "household_id": 3,
                "created_at": AT,
                "expires_at": AT,
                "used_at": AT,
                "used_by_id": 1,
                "created_by_name": "Anna",
            }
        ],
        "invite_attempts": [{"id": 1, "telegram_id": 1001, "at": AT}],
        "conversation_states": [{"id": 1, "name": "goals", "key": "[1001, 1001]", "state": {"s": "goals.why"}}],
        "user_data": [{"telegram_id": 1001, "data": {"goal_new": {"domain": "financien"}}}],
    },
    "audit": [
        {
            "at": AT,
            "action": "goal.created",
            "scope": "goals",
            "outcome": "ok",
            "by_you": True,
            "about_you": True,
            "actor_role": "client",
            "actor_name": "Sam",
            "subject_name": "Sam",
        },
        {
            "at": AT,
            "action": "view",
            "scope": "crisiskaart",
            "outcome": "ok",
            "by_you": False,
            "about_you": True,
            "actor_role": "worker",
            "actor_name": "Anna",
            "subject_name": "Sam",
        },
        {
            "at": AT,
            "action": "consent.revoked",
            "scope": "alerts",
            "outcome": "ok",
            "by_you": True,
            "about_you": False,
            "actor_role": "client",
            "actor_name": "Sam",
            "subject_name": "Anna",
        },
    ],
}


def test_every_column_a_clients_export_can_hold_has_a_label_or_is_named_technical():
    for table in Base.metadata.sorted_tables:
        if table.name in NOT_IN_A_CLIENTS_EXPORT:
            continue
        assert set(COLUMNS.get(table.name, {})) == {c.name for c in table.columns}, table.name


def test_the_example_export_has_every_column():
    """So the render tests below see every field at least once."""
    for name, labels in COLUMNS.items():
        rows = {"people": [EXPORT["person"]], "households": [EXPORT["household"]]}.get(name) or EXPORT["tables"][name]
        if name == "care_team":
            continue  # shown from the export's own care_team part
        assert set(labels) <= set().union(*(row.keys() for row in rows)), name


def read(pdf: bytes) -> str:
    return " ".join(page_texts(pdf)).replace("\n", " ")


def test_every_label_and_value_is_in_plain_dutch_with_full_dates():
    text = read(export_pdf(EXPORT, translator("nl")))
    # What the demo showed: English labels and raw values. None of them, and no raw key at all.
    for raw in ("Relay contact id", "Next scan at", "Nudge deliveries", "Rung", "Snoozed until", "weekdays",
                "active", "financien", "nog_niet", "goal.created", "client"):
        assert raw not in text, raw
    assert not re.findall(r"\b\w+_\w+\b", text)  # no snake_case: no column name, no coded value
    for words in (
        "Hoe vaak ik vraag hoe het gaat: Maandag tot en met vrijdag",
        "Deel van je leven: Geld",
        "Antwoord: Nog niet",
        "Spraakbericht: ja",
        "Om de twee weken",
        "Status: actief",
        "Rood: crisis",
        "Wonen: 3 (Het gaat net)",
        "Volgende zelfscan: zondag 6 december 2026 om 21:33",
        "Je praat nu met je ervaringsdeskundige: ja",
        "Tijd van de dagelijkse vraag: 10:00",
        "Anna (begeleider)",
        "Bram (vervangend begeleider)",
        "Naar: de vervangend begeleider",
        "De streefdatum is voorbij",
        "Geboortedatum: zaterdag 14 juli 1990",
        "Je was bij: Geel: Signalen die ik zelf merk",
        "Gemaakt met: mijn begeleider",
        "Hoi Joost",
        "Joost: spraakbericht",
        "Anna bekeek je gegevens (crisiskaart)",
        "Wat mij helpt",
        "Mam, moeder, 06 12345678",
        "Hoe gaat het vandaag?",
    ):
        assert words in text, words
    # Every day has its year.
    days = re.findall(rf"\b\d{{1,2}} (?:{MONTHS_NL})\b(?: \d{{4}})?", text)
    assert days and all(re.search(r"\d{4}$", day) for day in days)


def test_grouped_like_the_menu():
    text = read(export_pdf(EXPORT, translator("nl")))
    order = ["Over jou", "Wie ziet wat", "Hoe gaat het met mij?", "Mijn doelen", "Mijn signaleringsplan",
             "Mijn crisiskaart", "Hoe staat het ervoor?", "Praten met een ervaringsdeskundige",
             "Berichten die Houvast je stuurde", "Wie wat deed met je gegevens"]
    positions = [text.find(title) for title in order]
    assert -1 not in positions and positions == sorted(positions), dict(zip(order, positions))


def test_english_with_taal():
    text = read(export_pdf(EXPORT, translator("en")))
    for words in ("About you", "How often I ask how you are: Monday to Friday", "Part of your life: Money",
                  "Answer: Not yet", "Sunday 6 December 2026"):
        assert words in text, words
    assert not re.findall(r"\b\w+_\w+\b", text)


async def test_a_real_export_reads_plainly_and_the_json_keeps_the_raw_values(svc):
    await seed(svc)
    data = await gdpr.export_data(svc, CLIENT)
    raw = json.loads(json.dumps(data))  # as the JSON file holds it
    assert raw["person"]["checkin_rhythm"] == "daily" and raw["tables"]["phase_checkins"][0]["phase"] == "rood"
    text = read(export_pdf(raw, translator("nl")))
    assert "elke dag" in text and "Rood: crisis" in text
    assert not re.findall(r"\b\w+_\w+\b", text)
