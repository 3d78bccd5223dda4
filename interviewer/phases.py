"""Which agenda phase each part of an answer belongs to, as contiguous spans of time.

The phase of each sentence comes from its meaning (interviewer.meaning.steps: similarity to each
step's examples, smoothed over the answer). The same spans feed the measured time-per-phase and
both judges, so they never disagree about where the time went.
"""

from __future__ import annotations

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
    spans: list[PhaseSpan] = []
    for i, (u, step) in enumerate(zip(utts, labels, strict=True)):
        if spans and spans[-1].step == step and not _between_turns(spans[-1].end, u.start, turns):
            spans[-1].utterances.append(i)
            spans[-1].end = u.end
            continue
        if spans and spans[-1].step != step and not _between_turns(spans[-1].end, u.start, turns):
            spans[-1].end = u.start
        spans.append(PhaseSpan(step=step, start=u.start, end=u.end, utterances=[i]))
    return spans


def _between_turns(a: float, b: float, turns: list[tuple[float, float]] | None) -> bool:
    """True when a and b lie in different candidate turns (the interviewer spoke in between)."""
    if not turns:
        return False

    def which(x: float) -> int:
        return next((k for k, (s, e) in enumerate(turns) if s - 1e-6 <= x <= e + 1e-6), -1)

    return which(a) != which(b)


def time_per_step(spans: list[PhaseSpan], agenda: Agenda) -> dict[str, float]:
    used = {s.id: 0.0 for s in agenda.steps}
    for span in spans:
        used[span.step] += span.duration
    return used
