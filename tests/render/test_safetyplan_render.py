"""The safety plans on paper and as a picture: every part (an empty one says so), the checklist to take along,
the numbers to call day and night, and within Telegram's limits however long the answers are."""
from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image

from bot.domain.plans import Contact
from bot.domain.safetyplans import HomePlan, SafetyPlan
from bot.i18n import translator
from bot.render.fonts import MAX_PHOTO_HEIGHT
from bot.render.safetyplan import home_now_text, plan_pdf, plan_png, plan_texts, what_now_text, who_to_call_text
from tests.render.pdftext import page_texts

SAVED = datetime(2026, 3, 28, 9, 0, tzinfo=UTC)
PLAN = SafetyPlan("Sam de Vries", ("Ik slaap niet",), ("Douchen",), (), (Contact("Mam", "06 12345678", "moeder"),),
                  (Contact("113 Zelfmoordpreventie", "0800-0113"),), (), ("Mijn dochter Lisa",), 2, SAVED)
HOME = HomePlan("Sam", ("Drank",), (Contact("Fatima", "06 11112222"),), "paraplu", ("Bij mijn zus",),
                ("ID-kaart", "Bankpas"), (), 1, SAVED)


def test_the_safety_plan_pdf_has_every_step_in_order_and_the_numbers():
    text = " ".join(page_texts(plan_pdf(PLAN, translator("nl")))).replace("\n", " ")
    assert "Veiligheidsplan van Sam de Vries" in text and "Voor als ik aan zelfmoord denk." in text
    assert "Versie 2, bewaard op zaterdag 28 maart 2026." in text
    steps = ["1. Signalen dat het misgaat", "2. Wat ik zelf kan doen", "3. Mensen en plekken die me afleiden",
             "4. Mensen die ik om hulp kan vragen", "5. Hulpverleners en hulplijnen", "6. Mijn omgeving veiliger maken",
             "7. Waarvoor ik leef", "Hulp, dag en nacht"]
    positions = [text.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions)
    assert text.count("Nog niet ingevuld.") == 2 and "Mam (moeder): 06 12345678" in text
    assert "0800-0113" in text and "112" in text


def test_the_thuisplan_has_a_checklist_and_veilig_thuis():
    text = " ".join(page_texts(plan_pdf(HOME, translator("nl"))))
    assert "Thuisplan van Sam" in text and "☐ ID-kaart" in text.replace("\u00a0", " ").replace("  ", " ")
    assert "Veilig Thuis" in text and "0800-2000" in text and "paraplu" in text


def test_a_plan_with_the_longest_answers_stays_a_picture_telegram_takes():
    long = tuple("woord " * 660 for _ in range(60))  # 60 answers of 4,000 characters in every part
    plan = SafetyPlan("Sam", long, long, long, (), (), long, long, 1, SAVED)
    png = plan_png(plan, translator("nl"))
    width, height = Image.open(io.BytesIO(png)).size
    assert width == 1080 and height <= MAX_PHOTO_HEIGHT
    assert len(plan_pdf(plan, translator("nl"))) > 10_000
    assert all(len(chunk) <= 4096 for chunk in plan_texts(plan, translator("nl")))


def test_an_empty_plan_in_messages_says_every_part_is_still_empty():
    texts = "\n".join(plan_texts(SafetyPlan("Sam"), translator("nl")))
    assert texts.count("Nog niet ingevuld.") == 7 and "0800-0113" in texts


def test_what_to_do_and_whom_to_call_without_a_plan_still_give_113_and_112():
    t = translator("nl")
    now = what_now_text(t, None, (), ())
    assert "nog geen eigen stappen" in now and "0800-0113" in now
    call = who_to_call_text(t, (), ())
    assert "nog niemand opgeschreven" in call and "0800-0113" in call and "112" in call
    home = home_now_text(t, None)
    assert "thuisplan maken" in home and "0800-2000" in home and "112" in home
    assert "Uit je thuisplan" in home_now_text(t, HOME)
