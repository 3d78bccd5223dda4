"""Which agenda phase each part of an answer belongs to, from the agenda's own cue phrases.

Each utterance goes to the step whose cues it hits most; an utterance with no cues stays in the
phase before it (people rarely announce every sentence). The same segmentation feeds the
measured time-per-phase and both judges, so they never disagree about where the time went.
"""

from __future__ import annotations

from pydantic import BaseModel

from interviewer.content import Agenda
from interviewer.textmatch import find, tokenize
from interviewer.transcript import Transcript, Utterance

CHECK_CUE_WEIGHT = 0.5  # sub-check cues ("data", "model") are generic: they count half


class PhaseSpan(BaseModel):
    step: str
    start: float
    end: float
    utterances: list[int]  # indices into the utterance list

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


def label(transcript: Transcript, utts: list[Utterance], agenda: Agenda) -> list[str]:
    labels: list[str] = []
    order = {s.id: n for n, s in enumerate(agenda.steps)}
    current = agenda.steps[0].id
    for u in utts:
        tokens = tokenize(transcript.words[u.first_word:u.last_word + 1])
        weights: dict[str, float] = {}
        direct: dict[str, int] = {}
        for step in agenda.steps:
            direct[step.id] = len(find(tokens, step.cues))
            w = float(direct[step.id])
            for check in step.checks:
                w += CHECK_CUE_WEIGHT * len(find(tokens, check.cues))
            if step.count_questions and u.is_question and current == agenda.steps[0].id:
                w += 1.0
            weights[step.id] = w
        best = max(weights.values())
        if best > 0:
            tied = [s for s, w in weights.items() if w == best]
            choice = current if current in tied else tied[0]
            # Going back to an earlier phase takes one of its own cues, not just a generic
            # sub-check word ("accuracy" while iterating is not a return to the baseline).
            if order[choice] >= order[current] or direct[choice] > 0:
                current = choice
        labels.append(current)
    return labels


def segment(transcript: Transcript, utts: list[Utterance], agenda: Agenda) -> list[PhaseSpan]:
    """Contiguous runs of one step; a run lasts until the next begins (pauses included)."""
    labels = label(transcript, utts, agenda)
    spans: list[PhaseSpan] = []
    for i, (u, step) in enumerate(zip(utts, labels)):
        if spans and spans[-1].step == step:
            spans[-1].utterances.append(i)
            spans[-1].end = u.end
            continue
        if spans:
            spans[-1].end = u.start
        spans.append(PhaseSpan(step=step, start=u.start, end=u.end, utterances=[i]))
    return spans


def time_per_step(spans: list[PhaseSpan], agenda: Agenda) -> dict[str, float]:
    used = {s.id: 0.0 for s in agenda.steps}
    for span in spans:
        used[span.step] += span.duration
    return used
