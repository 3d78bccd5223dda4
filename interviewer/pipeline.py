"""The answer pipeline, one way: audio -> transcript -> phases -> metrics -> judge -> report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from interviewer.audio import Audio
from interviewer.board.model import BoardTurn
from interviewer.board.snapshots import drawn as board_sentences
from interviewer.board.verdict import board_verdicts
from interviewer.content import Agenda, Question, Rubric, load_questions, question_budget
from interviewer.errors import AudioError
from interviewer.judge import Answer, Judge
from interviewer.judge.offline import OfflineJudge
from interviewer.meaning import Embedder, Understanding, default_embedder, understand
from interviewer.meaning.injection import isolate
from interviewer.meaning.units import Drawn
from interviewer.metrics import measure
from interviewer.phases import PhaseSpan, segment
from interviewer.report.advice import next_time
from interviewer.report.model import JudgeInfo, QuestionInfo, Report, SttInfo
from interviewer.stt import WhisperTranscriber
from interviewer.transcript import Transcript, Utterance, utterances

FILLER_NOTE = (
    "Fillers listed are those the speech model wrote down. Whisper often drops human 'um' and "
    "'uh': the hesitation sounds heard in the audio itself are listed apart, and both count "
    "against clarity."
)


@dataclass(frozen=True)
class Context:
    question: Question
    agenda: Agenda
    rubric: Rubric
    judge: Judge = field(default_factory=OfflineJudge)
    embedder: Embedder = field(default_factory=default_embedder)
    # The questions an answer is compared with for relevance; None: the question bank.
    bank: dict[str, Question] | None = None

    def questions(self) -> dict[str, Question]:
        bank = dict(self.bank if self.bank is not None else load_questions())
        bank.setdefault(self.question.id, self.question)
        return bank


def understand_transcript(
    transcript: Transcript,
    ctx: Context,
    probed: dict[str, float] | None = None,
    full: bool = True,
    drawn: Sequence[Drawn] = (),
) -> tuple[list[Utterance], Understanding, list[PhaseSpan]]:
    """Sentences, their meaning and the phases they make. `full` adds relevance, key points and
    trade-offs (the report); the live interviewer needs only phases and step status. `drawn`:
    what the whiteboard said (interviewer/board/), read after the talk; phases are the talk's."""
    utts = isolate(transcript, utterances(transcript), ctx.rubric)
    u = understand(
        transcript,
        utts,
        ctx.question,
        ctx.agenda,
        ctx.rubric,
        ctx.embedder,
        probed,
        ctx.questions() if full else None,
        drawn,
    )
    turns = [(s.start, s.end) for s in transcript.turns]
    return utts, u, segment(utts, u.labels[: len(utts)], turns)


def judge_transcript(
    transcript: Transcript,
    ctx: Context,
    audio_name: str,
    stt: SttInfo,
    probed: dict[str, float] | None = None,
    minutes: float | None = None,
    boards: Sequence[BoardTurn] = (),
) -> Report:
    """Everything after transcription: pure, so re-scoring needs no model. `minutes`: the
    session's planned length (an interview), against which unused time is measured. `boards`:
    the whiteboard at each turn (board/snapshots.py); what each one's new part earned is
    written into its lines, and the report carries them."""
    utts, u, spans = understand_transcript(transcript, ctx, probed, drawn=board_sentences(boards))
    budget = question_budget(ctx.question, ctx.agenda)
    metrics = measure(transcript, ctx.rubric.speech, spans, budget)
    if minutes:
        left = max(0.0, minutes * 60 - transcript.duration_s)
        metrics.unused_share = round(min(1.0, left / (minutes * 60)), 3)
    answer = Answer(
        transcript=transcript,
        utterances=utts,
        phases=spans,
        metrics=metrics,
        question=ctx.question,
        agenda=ctx.agenda,
        probed=probed or {},
        understanding=u,
    )
    judgement = ctx.judge.score(answer, ctx.rubric)
    q = ctx.question
    report = Report(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        audio=audio_name,
        duration_s=transcript.duration_s,
        question=QuestionInfo(
            id=q.id, text=q.text, category=q.category, track=q.track, agenda=ctx.agenda.id
        ),
        judge=JudgeInfo(
            name=ctx.judge.name,
            rubric=ctx.rubric.id,
            rubric_version=ctx.rubric.version,
            agenda=ctx.agenda.id,
            prompt=judgement.prompt,
        ),
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
    if boards:
        report.board = [b.model_copy(deep=True) for b in boards]
        board_verdicts(report.board, u, ctx.agenda, ctx.question, ctx.rubric.meaning)
    report.next_time = next_time(report, ctx.rubric.advice)
    return report


def score_audio(audio: Audio, ctx: Context, transcriber: WhisperTranscriber) -> Report:
    transcript = transcriber.transcribe(audio)
    if transcript.is_empty:
        raise AudioError(
            f"no speech found in {audio.path} ({audio.duration_s:.1f} s of audio): "
            "check that it is the right file and that the microphone was on"
        )
    stt = transcriber.info()
    report = judge_transcript(transcript, ctx, str(audio.path), stt)
    if audio.unreadable_s:
        report.notes.append(
            f"{audio.unreadable_s:.1f} s of the audio could not be decoded (damaged data): "
            "that stretch is missing from the transcript and the scores."
        )
    return report


@dataclass(frozen=True)
class LiveView:
    """What the live interviewer reads of the interview so far: each step's status, the phase
    spans, and the choices the candidate made without weighing them (text, start)."""

    status: dict[str, str]
    spans: list[PhaseSpan]
    unweighed: list[tuple[str, float]]
    # what the candidate has said so far, embedded once: each sentence, and each joined to the
    # next (the interviewer asks for what is missing, never for what was just said)
    said: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    phase: str | None = None  # where the candidate is now (see `where_now`)


def assess(
    transcript: Transcript, ctx: Context, probed: dict[str, float], drawn: Sequence[Drawn] = ()
) -> LiveView:
    """The live interviewer's view of the interview so far (all candidate turns on the session
    clock), from the same understanding and the same detectors the report uses (the board's
    sentences too, when given: board/snapshots.drawn)."""
    utts, u, spans = understand_transcript(transcript, ctx, probed, full=False, drawn=drawn)
    judged = u.vectors[u.judged] if len(u.units) else u.vectors
    joined = u.joined_vectors if u.joined_vectors is not None else judged[:0]
    return LiveView(
        {s.step: s.status for s in u.steps},
        spans,
        [(u.units[i].text, u.units[i].start) for i, _ in u.unweighed],
        np.vstack([judged, joined]) if len(judged) else judged,
        where_now(spans, utts, transcript),
    )


# The last phase of a turn is where the candidate is only when it holds this many words: a
# closing question or a stray last sentence has no later context yet to place it, and the
# report, which has that context, usually reads it as the phase before (bench/conversations).
SETTLED_WORDS = 20


def where_now(spans: list[PhaseSpan], utts: list[Utterance], transcript: Transcript) -> str | None:
    """Where the candidate is now, read as the report will read it: the phase of the last turn's
    last run of sentences, unless that run is too short to be placed without what follows; then
    the phase that holds most of the turn (later evidence can move it, unlike a high-water mark).
    """
    if not spans:
        return None
    start = transcript.turns[-1].start if transcript.turns else 0.0
    mine = [s for s in spans if s.end > start + 1e-6] or spans[-1:]
    words = [sum(len(utts[i].text.split()) for i in s.utterances) for s in mine]
    if words[-1] >= SETTLED_WORDS or len(mine) == 1:
        return mine[-1].step
    held: dict[str, int] = {}
    for s, w in zip(mine, words, strict=True):
        held[s.step] = held.get(s.step, 0) + w
    return max(held, key=lambda k: held[k])


def phase_now(transcript: Transcript, ctx: Context) -> tuple[str, float] | None:
    """For the live panel: where the answer so far puts the candidate, and when (seconds into
    the transcript) that phase began; None before any words."""
    utts, _, spans = understand_transcript(transcript, ctx, full=False)
    step = where_now(spans, utts, transcript)
    if step is None:
        return None
    return step, min(s.start for s in spans if s.step == step)
