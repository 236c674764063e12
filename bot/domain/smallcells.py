"""Small-cell suppression for reports at network level: no count, mean or rate can point at a few people.

Every count smaller than `THRESHOLD` (including 0) is shown as "< 5"; a mean, median or rate over fewer than
`THRESHOLD` values (or people) is not shown at all, also as "< 5". The report applies these to every number
it shows, so nothing smaller reaches a PDF or CSV.
"""
from __future__ import annotations

from collections.abc import Sequence
from statistics import mean, median

THRESHOLD = 5
SUPPRESSED = "< 5"


def count_cell(n: int, threshold: int = THRESHOLD) -> str:
    if n < 0:
        raise ValueError("a count is never negative")
    return SUPPRESSED if n < threshold else str(n)


def _number(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    return "0.0" if text in ("-0.0", "-0") else text


def mean_cell(values: Sequence[float], threshold: int = THRESHOLD, *, digits: int = 1, signed: bool = False) -> str:
    """The mean of at least `threshold` values, else "< 5". `signed` shows a plus for a rise (+0.4)."""
    if len(values) < threshold:
        return SUPPRESSED
    text = _number(mean(values), digits)
    return f"+{text}" if signed and not text.startswith("-") and text != _number(0, digits) else text


def median_cell(values: Sequence[float], threshold: int = THRESHOLD, *, digits: int = 1) -> str:
    if len(values) < threshold:
        return SUPPRESSED
    return _number(median(values), digits)


def rate_cell(part: int, whole: int, threshold: int = THRESHOLD) -> str:
    """A percentage, only when both the part and the whole are at least `threshold`."""
    if part < 0 or whole < 0 or part > whole:
        raise ValueError("need 0 <= part <= whole")
    if part < threshold or whole < threshold:
        return SUPPRESSED
    return f"{round(100 * part / whole)}%"
