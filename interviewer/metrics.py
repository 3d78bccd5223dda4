"""Measured speech facts: pure functions of words, VAD speech regions and phase spans.

Nothing here is estimated by a model or a judge. Pauses come from VAD regions (where the signal
is silent), checked against words (a word Whisper placed confidently inside a "silence" means VAD
missed soft speech there), because Whisper's word times drift around silence.
"""

from __future__ import annotations

from itertools import pairwise

from pydantic import BaseModel, Field

from interviewer.content import Speech
from interviewer.phases import PhaseSpan
from interviewer.textmatch import find, tokenize
from interviewer.transcript import Span, Transcript, join_words

# A word inside a VAD gap splits the pause only when it is clearly speech: long enough to be
# a real word and well inside the gap (drifted words sit at its edges).
INNER_WORD_MIN_S = 0.15
INNER_WORD_MARGIN_S = 0.3
INNER_WORD_MIN_PROB = 0.5


class Pause(BaseModel):
    start: float
    end: float
    duration: float
    before: str = ""  # the words either side, for quoting
    after: str = ""


class Occurrence(BaseModel):
    word: str  # the filler or hedge as listed in the rubric
    start: float
    end: float


class Hesitation(BaseModel):
    """A hesitation sound heard in the audio, not a word (interviewer/hesitations.py)."""

    start: float
    end: float
    duration: float


class PhaseMetrics(BaseModel):
    step: str
    time_s: float
    share: float  # of the answer's speaking span
    budget_min: float
    budget_share: float
    words: int
    speaking_s: float = 0.0  # the candidate's speaking time in this phase (rates use it)
    words_per_minute: float
    fillers: int
    fillers_per_minute: float
    long_pauses: int
    hesitations: int = 0
    hesitations_per_minute: float = 0.0


class Metrics(BaseModel):
    duration_s: float
    speaking_span_s: float  # first word to last word
    speech_s: float  # VAD speech time within that span
    word_count: int
    words_per_minute: float
    thinking_time_s: float  # start of audio to the first word
    long_pause_threshold_s: float
    long_pauses: list[Pause] = Field(default_factory=list)
    longest_pause_s: float = 0.0
    silence_share: float = 0.0  # long-pause time / speaking span
    fillers: list[Occurrence] = Field(default_factory=list)
    fillers_per_minute: float = 0.0
    fillers_heard: list[str] = Field(default_factory=list)
    hedges: list[Occurrence] = Field(default_factory=list)
    hedges_per_minute: float = 0.0
    # Hesitation sounds heard in the audio that Whisper did not write as words.
    hesitations: list[Hesitation] = Field(default_factory=list)
    hesitations_per_minute: float = 0.0
    # Fillers plus hesitation sounds weighted by the rubric's [speech] hesitation_weight.
    disfluencies_per_minute: float = 0.0
    per_phase: list[PhaseMetrics] = Field(default_factory=list)
    budget_deviation: float = 0.0  # 0: time split exactly as budgeted, 1: nothing alike
    phases_missing: int = 0
    # A session only: the share of its planned minutes left unused when it ended (0 for a
    # single answer, which has no planned length).
    unused_share: float = 0.0


def _per_minute(count: int, seconds: float) -> float:
    return round(count / (seconds / 60), 2) if seconds > 0 else 0.0


def thinking_time(t: Transcript) -> float:
    """Start of the (first) answer to its first word, from the VAD region that word sits in."""
    if not t.words:
        return round(t.duration_s, 3)
    start, _, words = next((w for w in t.windows() if w[2]), t.windows()[0])
    first = words[0]
    for r in t.speech_regions:
        if r.end > first.start and r.start < first.end + 0.5:
            # VAD's edge: Whisper's first word often starts early
            return round(max(0.0, max(r.start, start) - start), 3)
    return round(first.start - start, 3)


def speaking_span(t: Transcript) -> float:
    """First word to last word, summed over turns (the interviewer's time is not included)."""
    return sum(ws[-1].end - ws[0].start for _, _, ws in t.windows() if ws)


def long_pauses(t: Transcript, threshold: float) -> list[Pause]:
    pauses: list[Pause] = []
    for start, end, words in t.windows():
        if not words:
            continue
        first, last = words[0].start, words[-1].end
        regions = [r for r in t.speech_regions if start <= r.start < end]
        if regions:
            gaps = [Span(start=a.end, end=b.start) for a, b in pairwise(regions)]
        else:  # no VAD regions at all: the word timings are all there is
            gaps = [Span(start=a.end, end=b.start) for a, b in pairwise(words)]
        for gap in gaps:
            if gap.end <= first or gap.start >= last:
                continue  # leading silence is thinking time; trailing silence is not a pause
            for piece in _split_at_inner_words(gap, t):
                if piece.end - piece.start >= threshold:
                    pauses.append(_pause(piece, t))
    return pauses


def _split_at_inner_words(gap: Span, t: Transcript) -> list[Span]:
    pieces = [gap]
    for w in t.words:
        if (
            w.end - w.start >= INNER_WORD_MIN_S
            and w.probability >= INNER_WORD_MIN_PROB
            and w.start > gap.start + INNER_WORD_MARGIN_S
            and w.end < gap.end - INNER_WORD_MARGIN_S
        ):
            last = pieces.pop()
            pieces += [Span(start=last.start, end=w.start), Span(start=w.end, end=last.end)]
    return pieces


def _pause(span: Span, t: Transcript) -> Pause:
    mid = (span.start + span.end) / 2
    before = [w.word for w in t.words if (w.start + w.end) / 2 <= mid][-4:]
    after = [w.word for w in t.words if (w.start + w.end) / 2 > mid][:4]
    return Pause(
        start=round(span.start, 3),
        end=round(span.end, 3),
        duration=round(span.end - span.start, 3),
        before=join_words(before),
        after=join_words(after),
    )


def heard_hesitations(t: Transcript, fillers: list[Occurrence]) -> list[Hesitation]:
    """The transcript's hesitation sounds, less any Whisper did write down as a filler (counted
    once, as the filler)."""
    return [
        Hesitation(start=h.start, end=h.end, duration=round(h.end - h.start, 3))
        for h in t.hesitations
        if not any(f.start < h.end + 0.1 and f.end > h.start - 0.1 for f in fillers)
    ]


def measure(
    t: Transcript,
    speech: Speech,
    spans: list[PhaseSpan] | None = None,
    budget: dict[str, float] | None = None,
) -> Metrics:
    tokens = tokenize(t.words)
    span_s = speaking_span(t)
    speech_s = sum(r.end - r.start for r in t.speech_regions)
    pauses = long_pauses(t, speech.long_pause_s)
    fillers = [
        Occurrence(word=m.phrase, start=m.start, end=m.end)
        for m in find(tokens, speech.fillers + speech.tics)
    ]
    hedges = [
        Occurrence(word=m.phrase, start=m.start, end=m.end) for m in find(tokens, speech.hedges)
    ]
    hesitations = heard_hesitations(t, fillers)
    m = Metrics(
        duration_s=round(t.duration_s, 3),
        speaking_span_s=round(span_s, 3),
        speech_s=round(speech_s, 3),
        word_count=len(t.words),
        words_per_minute=_per_minute(len(t.words), span_s),
        thinking_time_s=thinking_time(t),
        long_pause_threshold_s=speech.long_pause_s,
        long_pauses=pauses,
        longest_pause_s=max((p.duration for p in pauses), default=0.0),
        silence_share=round(sum(p.duration for p in pauses) / span_s, 3) if span_s else 0.0,
        fillers=fillers,
        fillers_per_minute=_per_minute(len(fillers), span_s),
        fillers_heard=sorted({f.word for f in fillers}),
        hedges=hedges,
        hedges_per_minute=_per_minute(len(hedges), span_s),
        hesitations=hesitations,
        hesitations_per_minute=_per_minute(len(hesitations), span_s),
        disfluencies_per_minute=(
            round((len(fillers) + speech.hesitation_weight * len(hesitations)) / (span_s / 60), 2)
            if span_s > 0
            else 0.0
        ),
    )
    if spans is not None and budget:
        _add_phases(m, t, spans, budget)
    return m


def _add_phases(
    m: Metrics, t: Transcript, spans: list[PhaseSpan], budget: dict[str, float]
) -> None:
    total_budget = sum(budget.values()) or 1.0
    total_time = sum(s.duration for s in spans) or 1.0
    for step, minutes in budget.items():
        mine = [s for s in spans if s.step == step]
        time_s = sum(s.duration for s in mine)

        def inside(a: float, b: float, mine: list[PhaseSpan] = mine) -> bool:
            return any(s.start <= a and b <= s.end + 1e-6 for s in mine)

        words = sum(1 for w in t.words if inside(w.start, w.start))
        fillers = sum(1 for f in m.fillers if inside(f.start, f.start))
        pauses = sum(1 for p in m.long_pauses if inside(p.start, p.start))
        # Rates use the candidate's own speaking time in the phase (first to last word of each
        # turn's part in it, as the overall pace does): a phase's span also holds the
        # interviewer's lines and the wait between turns, which would make the pace look slow.
        speaking = 0.0
        for _, _, ws in t.windows():
            mine_ws = [w for w in ws if inside(w.start, w.start)]
            if mine_ws:
                speaking += mine_ws[-1].end - mine_ws[0].start
        sounds = sum(1 for h in m.hesitations if inside(h.start, h.start))
        m.per_phase.append(
            PhaseMetrics(
                step=step,
                time_s=round(time_s, 2),
                share=round(time_s / total_time, 3),
                budget_min=minutes,
                budget_share=round(minutes / total_budget, 3),
                words=words,
                speaking_s=round(speaking, 2),
                words_per_minute=_per_minute(words, speaking),
                fillers=fillers,
                fillers_per_minute=_per_minute(fillers, speaking),
                long_pauses=pauses,
                hesitations=sounds,
                hesitations_per_minute=_per_minute(sounds, speaking),
            )
        )
    m.budget_deviation = round(0.5 * sum(abs(p.share - p.budget_share) for p in m.per_phase), 3)
    m.phases_missing = sum(1 for p in m.per_phase if p.time_s == 0)
