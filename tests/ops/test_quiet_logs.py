"""Quiet logs: a PDF and a scheduler tick leave no INFO chatter of fontTools or APScheduler behind."""
import logging

from bot.cli import setup_logging
from bot.config import Settings
from bot.i18n import translator
from bot.render.card import card_pdf
from tests.render.test_render import FULL_CARD


def test_third_party_info_chatter_is_off_by_default(caplog):
    setup_logging(Settings(log_level="INFO"))
    caplog.set_level(logging.INFO)  # the root: everything a handler would print at INFO
    try:
        card_pdf(FULL_CARD, translator("nl"))  # fontTools subsets the font: ~150 INFO lines when not held back
        logging.getLogger("apscheduler.executors.default").info("Running job tick")
        logging.getLogger("apscheduler.executors.default").info('Job "tick" executed successfully')
        chatter = [r for r in caplog.records if r.name.split(".")[0] in ("fontTools", "apscheduler", "httpx")]
        assert chatter == []
        setup_logging(Settings(log_level="DEBUG"))  # asked for: the scheduler speaks again
        logging.getLogger("apscheduler.executors.default").info("Running job tick")
        assert [r.name for r in caplog.records] == ["apscheduler.executors.default"]
    finally:
        setup_logging(Settings(log_level="INFO"))
