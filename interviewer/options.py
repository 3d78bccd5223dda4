"""Checks on numeric command-line options, before any audio work: NaN, infinities, negative
or absurd values are refused with a one-line UsageError (exit 2)."""

from __future__ import annotations

import math

from interviewer.errors import UsageError

MAX_SESSION_MINUTES = 240.0  # a mock interview longer than four hours is a typo
MAX_ANSWER_MINUTES = 240.0  # --max-minutes: one answer, decoded in memory (~4 MB a minute)


def check_number(option: str, value: float, low: float, high: float) -> float:
    if not math.isfinite(value) or not low <= value <= high:
        raise UsageError(f"{option} must be a number from {low:g} to {high:g}, not {value!r}")
    return value
