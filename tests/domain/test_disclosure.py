"""What a worker may learn without the client's consent: one of two sentences, for the ladder's workers only."""
import pytest

from bot.domain.disclosure import Signal, gets_signal, overview_signal, stall_signal
from bot.domain.goals import StallReason
from bot.domain.roles import CareRole


@pytest.mark.parametrize(("reasons", "signal"), [
    ({StallReason.MISSED}, Signal.QUIET),
    ({StallReason.NOT_YET}, Signal.STUCK),
    ({StallReason.MISSED, StallReason.NO_PROGRESS}, Signal.STUCK),
    ({StallReason.OVERDUE}, Signal.STUCK),
    (set(), Signal.STUCK),
])
def test_only_unanswered_prompts_read_as_not_responding(reasons, signal):
    assert stall_signal(reasons) == signal


@pytest.mark.parametrize(("role", "told"), [
    (CareRole.COORDINATING, True), (CareRole.BACKUP, True), (CareRole.PROCESREGISSEUR, True),
    (CareRole.INVOLVED, False), (None, False), ("peer", False), ("household", False),
])
def test_only_the_ladder_hears_the_signal(role, told):
    assert gets_signal(role) is told


@pytest.mark.parametrize(("stuck", "days", "signal"), [
    (True, 0, Signal.STUCK), (True, 30, Signal.STUCK),  # one signal at most: stuck wins
    (False, 7, Signal.QUIET), (False, None, Signal.QUIET), (False, 6, None), (False, 0, None),
])
def test_an_overview_row_shows_one_signal_at_most(stuck, days, signal):
    assert overview_signal(stuck=stuck, days_since_contact=days, no_contact_days=7) == signal
