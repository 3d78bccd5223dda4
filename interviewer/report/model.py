"""The Report schema: everything one scored answer produced, in one pydantic model."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from interviewer.board.model import BoardTurn
from interviewer.judge.model import Flag, KeyPointResult, Scores, StepResult
from interviewer.metrics import Metrics
from interviewer.phases import PhaseSpan
from interviewer.transcript import SttInfo as SttInfo  # its home is the transcript
from interviewer.transcript import Transcript

SCHEMA_VERSION = 1


class QuestionInfo(BaseModel):
    id: str
    text: str
    category: str
    track: str
    agenda: str


class JudgeInfo(BaseModel):
    name: str  # "offline" or "llm:<model>"; each criterion also says who scored it
    rubric: str
    rubric_version: str
    agenda: str
    prompt: str | None = None  # the LLM judge's prompt name@version


Kind = Literal["spoken", "typed", "answer", "demo"]


def session_kind(turns: list[dict[str, Any]]) -> Kind:
    """spoken: an interview answered aloud; typed: answered with --text (no audio, so no
    timing is measured); answer: one recorded answer scored by `interviewer answer`."""
    if any(t.get("ended_by") == "typed" for t in turns):
        return "typed"
    if not any(t.get("role") == "interviewer" for t in turns):
        return "answer"
    return "spoken"


EndReason = Literal["time", "done", "stopped", "out_of_answers", "interrupted"]


class Ended(BaseModel):
    """Why the interview ended, and how much of the planned time was left."""

    reason: EndReason
    at_s: float  # session clock when it ended
    minutes: float  # the planned length
    unused_s: float  # planned time left when it ended; 0 when the time ran out
    answers: int = 0  # the candidate's turns before it ended
    typed: bool = False  # typed answers: the clock is an estimate, so no time of day is given

    def text(self) -> str:
        at = (
            f"after {self.answers} answer{'' if self.answers == 1 else 's'}"
            if self.typed
            else f"at {_clock_min(self.at_s)}"
        )
        left = (
            f", with {_minutes(self.unused_s)} of {self.minutes:g} unused"
            if self.unused_s >= 30
            else ""
        )
        return {
            "time": f"the {self.minutes:g} minutes ran out",
            "done": f"you said you were done {at}{left}",
            "stopped": f"you stopped the interview {at}{left}",
            "out_of_answers": f"the recorded answers ran out {at}{left}",
            "interrupted": f"it was interrupted {at} and not resumed{left}",
        }[self.reason]


def _clock_min(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d}"


def _minutes(seconds: float) -> str:
    minutes = round(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def ended_from(turns: list[dict[str, Any]], minutes: float | None) -> Ended | None:
    """From the interview's turns: the wrap line says why (the graph records it); no wrap line
    means the interview never finished."""
    if not minutes or not any(t.get("role") == "interviewer" for t in turns):
        return None  # a single recorded answer has no planned length
    wrap = next((t for t in reversed(turns) if t.get("kind") == "wrap"), None)
    if wrap is not None:
        reason, at = wrap.get("ended") or "done", float(wrap["start"])
    else:
        reason, at = "interrupted", max(float(t["end"]) for t in turns)
    unused = 0.0 if reason == "time" else max(0.0, minutes * 60 - at)
    return Ended(
        reason=reason,
        at_s=round(at, 2),
        minutes=minutes,
        unused_s=round(unused, 1),
        answers=sum(t.get("role") == "candidate" for t in turns),
        typed=session_kind(turns) == "typed",
    )


class ProgressPoint(BaseModel):
    session: str
    created_at: str
    question: str
    kind: Kind = "spoken"
    overall: float
    coverage: int
    fillers_per_minute: float
    longest_pause_s: float


class Report(BaseModel):
    schema_version: int = SCHEMA_VERSION
    created_at: str
    audio: str  # the answer's audio file, as given
    duration_s: float  # all times in the report are seconds from the start of this audio
    question: QuestionInfo
    judge: JudgeInfo
    stt: SttInfo
    transcript: Transcript
    metrics: Metrics
    phases: list[PhaseSpan]
    agenda: list[StepResult]
    key_points: list[KeyPointResult]
    scores: Scores
    flags: list[Flag] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    # The turns in order (who spoke, text, audio file name in the report's folder, start and end
    # on the clock). A single recorded answer is one candidate turn starting at 0.
    turns: list[dict[str, Any]] = Field(default_factory=list)
    # The changes that would raise the score most, most valuable first (report/advice.py).
    next_time: list[str] = Field(default_factory=list)
    # A demo candidate (`interviewer demo`): listed by `sessions`, kept out of your own trends.
    demo: bool = False
    # Why the interview ended (None for a single recorded answer).
    ended: Ended | None = None
    # Earlier sessions of the same kind for the trend ("since your first session"), oldest first.
    progress: list[ProgressPoint] = Field(default_factory=list)
    # The whiteboard at each candidate turn that saved one: its component graph, and what its
    # new part said and earned (interviewer/board/). Empty without a board.
    board: list[BoardTurn] = Field(default_factory=list)

    @property
    def kind(self) -> Kind:
        return "demo" if self.demo else session_kind(self.turns)

    @property
    def typed(self) -> bool:
        """Typed answers have no audio: no time, pace, pause or filler rate was measured."""
        return self.kind == "typed"
