"""The answer pipeline, one way: audio -> transcript -> phases -> metrics -> judge -> report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from interviewer.audio import Audio
from interviewer.content import Agenda, Question, Rubric, question_budget
from interviewer.errors import AudioError
from interviewer.judge import Answer, Judge
from interviewer.judge.offline import OfflineJudge
from interviewer.metrics import measure
from interviewer.phases import PhaseSpan, segment
from interviewer.report.advice import next_time
from interviewer.report.model import JudgeInfo, QuestionInfo, Report, SttInfo
from interviewer.stt import WhisperTranscriber
from interviewer.transcript import Transcript, utterances

FILLER_NOTE = (
    "Fillers listed are those the speech model wrote down. Whisper often drops human 'um' and "
    "'uh', so a low count is a lower bound, not proof of fluent speech."
)


@dataclass(frozen=True)
class Context:
    question: Question
    agenda: Agenda
    rubric: Rubric
    judge: Judge = field(default_factory=OfflineJudge)


def judge_transcript(transcript: Transcript, ctx: Context, audio_name: str,
                     stt: SttInfo, probed: dict[str, float] | None = None) -> Report:
    """Everything after transcription: pure, so re-scoring needs no model."""
    utts = utterances(transcript)
    spans = segment(transcript, utts, ctx.agenda)
    budget = question_budget(ctx.question, ctx.agenda)
    metrics = measure(transcript, ctx.rubric.speech, spans, budget)
    answer = Answer(transcript=transcript, utterances=utts, phases=spans, metrics=metrics,
                    question=ctx.question, agenda=ctx.agenda, probed=probed or {})
    judgement = ctx.judge.score(answer, ctx.rubric)
    q = ctx.question
    report = Report(
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        audio=audio_name,
        duration_s=transcript.duration_s,
        question=QuestionInfo(id=q.id, text=q.text, category=q.category, track=q.track,
                              agenda=ctx.agenda.id),
        judge=JudgeInfo(name=ctx.judge.name, rubric=ctx.rubric.id,
                        rubric_version=ctx.rubric.version, agenda=ctx.agenda.id,
                        prompt=judgement.prompt),
        stt=stt,
        transcript=transcript,
        metrics=metrics,
        phases=spans,
        agenda=judgement.agenda,
        key_points=judgement.key_points,
        scores=judgement.scores,
        flags=judgement.flags,
        notes=[FILLER_NOTE] + judgement.notes,
    )
    report.next_time = next_time(report)
    return report


def score_audio(audio: Audio, ctx: Context, transcriber: WhisperTranscriber) -> Report:
    transcript = transcriber.transcribe(audio)
    if transcript.is_empty:
        raise AudioError(
            f"no speech found in {audio.path} ({audio.duration_s:.1f} s of audio): "
            "check that it is the right file and that the microphone was on"
        )
    stt = SttInfo(model=transcriber.model_name, device=transcriber.device,
                  compute_type=transcriber.compute_type)
    report = judge_transcript(transcript, ctx, str(audio.path), stt)
    if audio.unreadable_s:
        report.notes.append(f"{audio.unreadable_s:.1f} s of the audio could not be decoded (damaged data): "
                            "that stretch is missing from the transcript and the scores.")
    return report


def assess_turn(transcript: Transcript, ctx: Context) -> tuple[set[str], list[PhaseSpan]]:
    """Which agenda steps one turn covers, and its phase spans (the live interviewer's view)."""
    utts = utterances(transcript)
    spans = segment(transcript, utts, ctx.agenda)
    metrics = measure(transcript, ctx.rubric.speech)
    answer = Answer(transcript=transcript, utterances=utts, phases=spans, metrics=metrics,
                    question=ctx.question, agenda=ctx.agenda)
    judgement = OfflineJudge().score(answer, ctx.rubric)
    return {a.step for a in judgement.agenda if a.status != "missed"}, spans
