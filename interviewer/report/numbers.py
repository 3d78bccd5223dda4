"""How scores and changes read: the overall moves in quarter steps (four equally weighted
criteria), so it keeps two decimals when the second one carries a step (3.25, not 3.2)."""

from __future__ import annotations


def score_text(value: float) -> str:
    """3.25 -> '3.25', 3.5 -> '3.5', 3.0 -> '3.0'."""
    text = f"{value:.2f}"
    return text[:-1] if text.endswith("0") else text


def delta_text(value: float) -> str:
    """A change in the same precision as the scores it compares: +0.5, -0.25, +0.0."""
    return ("+" if value >= 0 else "-") + score_text(abs(value))
