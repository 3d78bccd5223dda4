"""What a judge produces: agenda status, rubric scores and flags, each with timed evidence."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# covered: shown unprompted, with something concrete; prompted: shown only after the interviewer
# asked; partial: attempted without anything concrete (the note says what was missing); missed:
# never shown.
Status = Literal["covered", "prompted", "partial", "missed"]
CRITERIA = ("clarity", "tradeoffs", "timing", "coverage", "depth")


class Evidence(BaseModel):
    quote: str  # words from the transcript (a pause is quoted with the words around it)
    start: float  # seconds from the start of the audio
    end: float
    # "board": what the whiteboard showed ("Gateway -> Feature store -> Ranker"), drawn by the
    # end of the turn at `start` (= `end`), not words said: shown as "drawn at 12:40: ...".
    source: Literal["talk", "board"] = "talk"


class CheckResult(BaseModel):
    id: str
    name: str
    hit: bool
    evidence: list[Evidence] = Field(default_factory=list)


class StepResult(BaseModel):
    step: str
    name: str
    status: Status
    expect: str  # what a strong answer does here
    evidence: list[Evidence] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)
    note: str = ""  # what was missing (partial), and the closest match with its similarity


class KeyPointResult(BaseModel):
    step: str
    point: str
    hit: bool
    evidence: list[Evidence] = Field(default_factory=list)
    similarity: float | None = None  # of the closest sentence to the point


class CriterionScore(BaseModel):
    score: int = Field(ge=1, le=5)
    level: str  # the rubric's descriptor for that score
    rationale: str
    evidence: list[Evidence] = Field(default_factory=list)
    judge: str = "offline"  # who scored it: "offline" or "llm:<model>"


class Scores(BaseModel):
    clarity: CriterionScore
    tradeoffs: CriterionScore
    timing: CriterionScore
    coverage: CriterionScore
    depth: CriterionScore
    overall: float  # weighted mean of the criteria, capped by content; computed, never judged


class Flag(BaseModel):
    kind: Literal["grader-injection", "off-topic", "buzzwords"]
    quote: str
    start: float
    end: float
    note: str
    source: Literal["talk", "board"] = "talk"  # "board": the quote is what the board showed


class Judgement(BaseModel):
    agenda: list[StepResult]
    key_points: list[KeyPointResult]
    scores: Scores
    flags: list[Flag] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # e.g. which criteria fell back and why
    prompt: str | None = None  # the LLM prompt name@version, when an LLM scored
