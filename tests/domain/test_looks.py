"""/wiezietwat's lines: repeats of one look on one day are one group, newest first (bot/domain/looks.py)."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.looks import Look, group_looks

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NINE = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam


def test_the_same_look_three_times_on_one_day_is_one_group_with_its_first_and_last_time():
    looks = [Look("Anna", "coordinating", "crisiskaart", NINE + timedelta(minutes=m), 1) for m in (0, 5, 40)]
    [group] = group_looks(looks, AMSTERDAM)
    assert (group.count, group.first, group.last) == (3, NINE, NINE + timedelta(minutes=40))


def test_another_part_person_version_or_day_is_another_group_newest_first():
    looks = [
        Look("Anna", "coordinating", "crisiskaart", NINE, 1),
        Look("Anna", "coordinating", "crisiskaart", NINE + timedelta(minutes=1), 2),  # a newer version
        Look("Bram", "backup", "crisiskaart", NINE + timedelta(minutes=2), 2),
        Look("Anna", "coordinating", "goals", NINE + timedelta(minutes=3)),
        Look("Anna", "coordinating", "crisiskaart", NINE + timedelta(days=1), 2),
    ]
    groups = group_looks(looks, AMSTERDAM)
    assert len(groups) == 5 and groups[0].last == NINE + timedelta(days=1) and groups[-1].last == NINE


def test_a_day_is_the_local_day():
    late = datetime(2026, 3, 28, 22, 30, tzinfo=UTC)  # 23:30 in Amsterdam, still Saturday
    after_midnight = late + timedelta(minutes=45)  # 00:15 on Sunday in Amsterdam
    groups = group_looks([Look("Anna", None, "goals", late), Look("Anna", None, "goals", after_midnight)], AMSTERDAM)
    assert [g.day.isoformat() for g in groups] == ["2026-03-29", "2026-03-28"]
