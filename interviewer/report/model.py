"""The Report schema: everything one scored answer produced, in one pydantic model."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from interviewer.files import atomic_write_json, atomic_write_text
from interviewer.judge.model import Flag, KeyPointResult, Scores, StepResult
from interviewer.metrics import Metrics
from interviewer.phases import PhaseSpan
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


class SttInfo(BaseModel):
    model: str  # the model behind the report's transcripts
    device: str
    compute_type: str
    live_model: str | None = None  # the live interviewer's streaming model, if one ran
    # Which model made each answer's transcript, counted (a turn whose one-pass transcript
    # failed keeps its streamed one).
    transcripts: dict[str, int] = Field(default_factory=dict)


class ProgressPoint(BaseModel):
    session: str
    created_at: str
    question: str
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
    turns: list[dict] = Field(default_factory=list)
    # The changes that would raise the score most, most valuable first (report/advice.py).
    next_time: list[str] = Field(default_factory=list)
    # Earlier sessions for the trend ("since your first session"), oldest first.
    progress: list["ProgressPoint"] = Field(default_factory=list)


def write_report(report: Report, out_dir: Path) -> tuple[Path, Path]:
    """report.json, report.md and report.html, each written atomically."""
    from interviewer.report.html import render_html
    from interviewer.report.markdown import render_markdown

    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = atomic_write_json(out_dir / "report.json", report.model_dump(mode="json"))
    md_path = atomic_write_text(out_dir / "report.md", render_markdown(report))
    atomic_write_text(out_dir / "report.html", render_html(report, out_dir))
    return json_path, md_path
