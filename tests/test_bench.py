"""`houvast bench` at tiny sizes: every part runs and its rows are well formed. No timing is asserted."""
import io
import math
import statistics

from rich.console import Console

from bot.bench import SQLITE, Row, iter_markdown, parse_sizes, run_bench


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not math.isnan(value) and value >= 0


async def test_bench_runs_at_tiny_sizes_and_reports_well_formed_rows(tmp_path):
    out = io.StringIO()
    rows = await run_bench(
        [200], [SQLITE], updates=20, outbox_chats=10, pair_messages=4, latency_messages=5, startup_runs=1,
        console=Console(file=out, width=160), workdir=tmp_path,
    )
    assert all(isinstance(row, Row) for row in rows)
    assert {row.section for row in rows} == {"tick", "outbox", "updates", "crisis", "startup"}

    [tick] = [row for row in rows if row.section == "tick"]
    assert tick.skipped is None and tick.database == SQLITE and tick.size == 200
    assert _number(tick.value) and tick.ratio == 1.0  # the only size is its own baseline
    for key in ("seed_s", "cold_tick_s", "peak_mb", "looks", "goal_prompts", "checkin_prompts", "stalls",
                "day_sweep_s", "day_looks", "day_stalls"):
        assert _number(tick.details[key]), key
    assert tick.details["clients"] == 67 and tick.details["checkins"] == 600
    warm = tick.details["warm_ticks_s"]  # the figure is the median of the warm ticks, the slowest shown beside it
    assert len(warm) == 5 and tick.value == sorted(warm)[2] and tick.details["slowest_tick_s"] == max(warm)

    sends = [row for row in rows if row.section == "outbox"]
    assert len(sends) == 5
    assert [row.details["latency_ms"] for row in sends[-2:]] == [50, 150]  # real round trips
    for row in sends:
        assert row.details["sent"] == row.size and _number(row.value) and _number(row.ratio)
        assert row.details["rate_limited"] == 0  # the outbox paces itself: Telegram never has to say 429

    bare, full = [row for row in rows if row.section == "updates"]
    assert bare.ratio == 1.0 and _number(bare.value) and _number(full.value)
    assert full.details["phase_checkins"] == 5 * 20 + 10  # every press of five rounds (and the warm-up) was recorded
    rounds = full.details["rounds_s"]  # the figure is the median round, the slowest shown beside it
    assert len(rounds) == 5 and math.isclose(full.details["ms_per_update"], 1000 * statistics.median(rounds) / 20)
    assert math.isclose(full.details["slowest_ms_per_update"], 1000 * max(rounds) / 20)
    assert full.details["sql_per_update"] <= 4  # issue 15: a phase check-in in at most four statements
    assert math.isclose(full.ratio, full.value / bare.value)

    crisis = [row for row in rows if row.section == "crisis"]
    assert [row.case for row in crisis] == [
        "load (fresh process)", "typical message", "4,000 characters", "4,096 characters, one phrase repeated"]
    for row in crisis:
        assert row.skipped is None and _number(row.value) and _number(row.ratio) and row.ratio > 0

    [start] = [row for row in rows if row.section == "startup"]
    assert start.skipped is None, start.skipped  # `houvast run` reached getUpdates over HTTP, and so did a bare bot
    assert _number(start.value) and _number(start.details["baseline_value"]) and start.ratio > 0

    printed = out.getvalue()
    assert "Tick" in printed and "Outbox" in printed and "Updates" in printed
    assert any(line.startswith("| sqlite | 200 |") for line in iter_markdown(rows))
    assert not list(tmp_path.iterdir())  # scratch databases are removed


def test_sizes_are_parsed_from_the_command_line():
    assert parse_sizes("10000, 100_000") == [10_000, 100_000]
