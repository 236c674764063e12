"""The crisis detector measured on the labelled set's test part, which the lists and the model never saw
while they were tuned (docs/crisis-detector.md). The figures the issue asks for: recall >= 0.95 and
precision >= 0.90 overall."""
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.crisis_eval import evaluate, format_report, read
from bot.crisis_train import writers
from bot.domain.crisis import CrisisKind, detect, model

DATA = Path(__file__).resolve().parent.parent / "crisis"
runner = CliRunner()


def test_the_test_part_reaches_the_figures() -> None:
    result = runner.invoke(
        app, ["crisis-eval", str(DATA / "test.tsv"), "--min-recall", "0.95", "--min-precision", "0.90"]
    )
    assert result.exit_code == 0, result.output
    assert "overall  recall" in result.output
    for kind in CrisisKind:  # per kind, then the misses and false alarms by name
        assert kind.value in result.output
    assert "misses (" in result.output and "false alarms (" in result.output


def test_the_figures_can_fail() -> None:
    """Too strict a bar fails the command: the test above is a real check, not a formality."""
    result = runner.invoke(app, ["crisis-eval", str(DATA / "test.tsv"), "--quiet", "--min-precision", "0.999"])
    assert result.exit_code == 1


def test_the_set_is_large_varied_and_split_by_writer() -> None:
    dev, test = read(DATA / "dev.tsv"), read(DATA / "test.tsv")
    everything = dev + test
    assert len(everything) >= 1500
    assert sum(e.label is not None for e in everything) >= 0.4 * len(everything)
    assert {e.label for e in everything} == set(CrisisKind) | {None}
    false_alarm_families = {e.family for e in everything if e.label is None}
    assert {"other_person", "media", "past_resolved", "denied", "figurative"} <= false_alarm_families
    # No writer is on both sides, and no message either.
    assert not set(writers(DATA / "dev.tsv")) & set(writers(DATA / "test.tsv"))
    assert not {e.text for e in dev} & {e.text for e in test}


def test_a_report_names_each_miss_and_false_alarm() -> None:
    examples = read(DATA / "test.tsv")[:40]
    report = evaluate(examples, detector=lambda text: None)  # a detector that never fires misses everything
    assert report.recall == 0 and len(report.misses) == sum(e.label is not None for e in examples)
    assert report.misses[0].text in format_report(report)


def test_model_scores_as_scikit_learn_trained_it() -> None:
    checks = model().checks
    assert len(checks) >= 5
    for text, none in checks:
        assert model().probabilities(text)["none"] == pytest.approx(none, abs=1e-5)


@pytest.mark.parametrize(
    "text",
    [
        "😭😭😭😭",
        "🔪" * 2048,
        "x" * 4096,
        ("ik wil dood " * 400)[:4096],
        "I just want to die, ik kan niet meer",
        "ik wil doooooooooooood",
        "ikwilnietmeerleven",
        "<b>ik wil dood</b> <script>alert(1)</script>",
        "",
        "\u200b\u200b",
        "ik . . . , , ! ? wil",
    ],
)
def test_odd_input_is_checked_without_error(text: str) -> None:
    hit = detect(text)
    assert hit is None or hit.kind in set(CrisisKind)


def test_odd_crisis_input_still_counts() -> None:
    for text in ("ik wil doooooooooooood", "ikwilnietmeerleven", "<b>ik wil dood</b>", "I want to die, echt"):
        assert detect(text) is not None, text
    assert detect("😭😭😭😭") is None
