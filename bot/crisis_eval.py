"""`houvast crisis-eval`: how well the crisis detector does on a labelled file of messages.

The file is UTF-8 text, one message per line: `label<TAB>family<TAB>text` (or `label<TAB>text`), where the
label is a crisis kind (suicide, self_harm, acute_danger, danger_from_others, harm_to_others) or `none`.
The repository's own set is in tests/crisis/ (dev.tsv to tune on, test.tsv never tuned on; see
docs/crisis-detector.md).
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.domain.crisis import CrisisHit, CrisisKind, detect

NEGATIVE_LABELS = {"none", "no", "0", "false", "-", "geen"}


@dataclass(frozen=True)
class Example:
    label: CrisisKind | None  # None: no crisis
    family: str
    text: str
    line: int


@dataclass
class Report:
    examples: int = 0
    positives: int = 0
    flagged: int = 0
    true_hits: int = 0
    right_kind: int = 0
    by_kind: Counter = field(default_factory=Counter)  # gold kind -> messages
    found_by_kind: Counter = field(default_factory=Counter)  # gold kind -> flagged
    flagged_as: Counter = field(default_factory=Counter)  # predicted kind -> flags
    correct_as: Counter = field(default_factory=Counter)  # predicted kind -> flags on real crises
    by_family: Counter = field(default_factory=Counter)
    wrong_by_family: Counter = field(default_factory=Counter)
    misses: list[Example] = field(default_factory=list)
    false_alarms: list[tuple[Example, CrisisHit]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def recall(self) -> float:
        return self.true_hits / self.positives if self.positives else 1.0

    @property
    def precision(self) -> float:
        return self.true_hits / self.flagged if self.flagged else 1.0


def parse_label(raw: str) -> CrisisKind | None:
    value = raw.strip().lower()
    if value in NEGATIVE_LABELS:
        return None
    try:
        return CrisisKind(value)
    except ValueError:
        raise ValueError(f"unknown label {raw!r}: use one of {', '.join(CrisisKind)} or none") from None


def read(path: Path) -> list[Example]:
    examples = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) < 2:
            raise ValueError(f"{path}:{number}: expected label<TAB>family<TAB>text or label<TAB>text")
        label, family, text = (
            (parts[0], parts[1], "\t".join(parts[2:])) if len(parts) >= 3 else (parts[0], "", parts[1])
        )
        try:
            examples.append(Example(parse_label(label), family.strip(), text, number))
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: {exc}") from None
    return examples


def evaluate(examples: Iterable[Example], detector: Callable[[str], CrisisHit | None] = detect) -> Report:
    report = Report()
    started = time.perf_counter()
    for example in examples:
        hit = detector(example.text)
        report.examples += 1
        family = f"{example.label or 'none'}/{example.family or '-'}"
        report.by_family[family] += 1
        if hit is not None:
            report.flagged += 1
            report.flagged_as[hit.kind] += 1
        if example.label is not None:
            report.positives += 1
            report.by_kind[example.label] += 1
            if hit is None:
                report.misses.append(example)
                report.wrong_by_family[family] += 1
            else:
                report.true_hits += 1
                report.found_by_kind[example.label] += 1
                report.correct_as[hit.kind] += 1
                report.right_kind += hit.kind == example.label
        elif hit is not None:
            report.false_alarms.append((example, hit))
            report.wrong_by_family[family] += 1
    report.seconds = time.perf_counter() - started
    return report


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "     -"


def format_report(report: Report, *, details: bool = True, families: bool = False) -> str:
    lines = [
        f"messages {report.examples}, crisis {report.positives}, flagged {report.flagged}",
        f"overall  recall {report.recall:.3f}  precision {report.precision:.3f}  "
        f"(right kind on {report.right_kind} of {report.true_hits} hits)",
        "",
        f"{'kind':<20} {'messages':>8} {'recall':>7} {'flags':>6} {'precision':>9}",
    ]
    for kind in CrisisKind:
        lines.append(
            f"{kind.value:<20} {report.by_kind[kind]:>8} {_pct(report.found_by_kind[kind], report.by_kind[kind]):>7} "
            f"{report.flagged_as[kind]:>6} {_pct(report.correct_as[kind], report.flagged_as[kind]):>9}"
        )
    lines.append(f"time: {report.seconds * 1000 / max(report.examples, 1):.2f} ms a message")
    if families:
        lines += ["", "wrong per family:"]
        for family, total in sorted(report.by_family.items()):
            if report.wrong_by_family[family]:
                lines.append(f"  {family:<40} {report.wrong_by_family[family]:>3} of {total}")
    if details:
        lines += ["", f"misses ({len(report.misses)}):"]
        lines += [f"  {e.line:>5} {e.label}/{e.family}: {e.text}" for e in report.misses]
        lines += ["", f"false alarms ({len(report.false_alarms)}):"]
        lines += [f"  {e.line:>5} {e.family} [{hit.kind}: {hit.phrase}]: {e.text}" for e, hit in report.false_alarms]
    return "\n".join(lines)
