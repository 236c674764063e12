"""'Geen contact': a client who answered nothing for a week is marked in the worker's overview."""
from bot.config import Settings
from bot.i18n import translator
from bot.services.nudges import OverviewRow
from conversations.nudges import _row_text


def row(days):
    return OverviewRow(client_id=1, household_id=1, name="Sam", phase=None, shares_goals=True, days_since_contact=days,
                       stalled_goals=0, open_nudges=0)


def test_a_week_without_contact_is_marked():
    t = translator("nl")
    days = Settings().no_contact_days
    assert "geen contact" not in _row_text(t, row(days - 1), days)
    assert "⚠️ 7 dagen geen contact" in _row_text(t, row(days), days)


def test_without_goals_consent_a_row_shows_the_signal_and_no_number():
    from bot.domain.disclosure import Signal

    t = translator("nl")
    quiet = OverviewRow(client_id=1, household_id=1, name="Sam", phase=None, shares_goals=False, signal=Signal.QUIET)
    assert _row_text(t, quiet, 7) == "⚪ Sam: reageerde een tijd niet"
    nothing = OverviewRow(client_id=1, household_id=1, name="Sam", phase=None, shares_goals=False)
    assert _row_text(t, nothing, 7) == "⚪ Sam"


def test_the_stall_policy_comes_from_the_settings(monkeypatch):
    monkeypatch.setenv("HOUVAST_STALL_NO_PROGRESS_DAYS", "21")
    assert Settings().stall_policy.no_progress.days == 21
