"""Judges: agenda status and rubric scores with evidence, offline (judge/offline.py) or an LLM."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from interviewer.content import Agenda, Question, Rubric
from interviewer.judge.model import Judgement
from interviewer.meaning import Understanding
from interviewer.metrics import Metrics
from interviewer.phases import PhaseSpan
from interviewer.transcript import Transcript, Utterance


@dataclass(frozen=True)
class Answer:
    """Everything a judge may look at. Measured facts come in as facts, never to re-estimate."""

    transcript: Transcript
    utterances: list[Utterance]
    phases: list[PhaseSpan]
    metrics: Metrics
    question: Question
    agenda: Agenda
    # What the sentences mean (steps, key points, trade-offs, relevance): computed once in the
    # pipeline and read by every judge.
    understanding: Understanding
    # step id -> time (s) the interviewer probed it; a step first shown after its probe is
    # "prompted", not "covered".
    probed: dict[str, float] = field(default_factory=dict)


class Judge(Protocol):
    name: str

    def score(self, answer: Answer, rubric: Rubric) -> Judgement: ...
