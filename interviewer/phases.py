"""Which agenda phase each part of an answer belongs to, as contiguous spans of time.

The phase of each sentence comes from its meaning (interviewer.meaning.steps: similarity to each
step's examples, smoothed over the answer). The same spans feed the measured time-per-phase and
both judges, so they never disagree about where the time went.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from pydantic import BaseModel

from interviewer.content import Agenda
from interviewer.transcript import Utterance


class PhaseSpan(BaseModel):
    step: str
    start: float
    end: float
    utterances: list[int]  # indices into the utterance list

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


def segment(
    utts: list[Utterance], labels: list[str], turns: list[tuple[float, float]] | None = None
) -> list[PhaseSpan]:
    """Contiguous runs of one step; a run lasts until the next begins (pauses included), but never
    across the interviewer's time between two turns."""
    which = _turn_finder(turns)
    spans: list[PhaseSpan] = []
    for i, (u, step) in enumerate(zip(utts, labels, strict=True)):
        apart = bool(spans) and which(spans[-1].end) != which(u.start)
        if spans and spans[-1].step == step and not apart:
            spans[-1].utterances.append(i)
            spans[-1].end = u.end
            continue
        if spans and spans[-1].step != step and not apart:
            spans[-1].end = u.start
        spans.append(PhaseSpan(step=step, start=u.start, end=u.end, utterances=[i]))
    return spans


def _turn_finder(turns: list[tuple[float, float]] | None) -> Callable[[float], int]:
    """Which candidate turn a time lies in (-1: none), by bisection over the turns' starts."""
    if not turns:
        return lambda x: 0
    starts = [s - 1e-6 for s, _ in turns]

    def which(x: float) -> int:
        k = bisect_right(starts, x) - 1
        return k if k >= 0 and x <= turns[k][1] + 1e-6 else -1

    return which


def time_per_step(spans: list[PhaseSpan], agenda: Agenda) -> dict[str, float]:
    used = {s.id: 0.0 for s in agenda.steps}
    for span in spans:
        used[span.step] += span.duration
    return used
