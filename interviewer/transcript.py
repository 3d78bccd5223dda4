"""What transcription produces: words with times, segments, and VAD speech regions."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field


class Word(BaseModel):
    word: str  # as Whisper wrote it, punctuation attached, no leading space
    start: float  # seconds from the start of the audio
    end: float
    probability: float = 1.0


class Segment(BaseModel):
    text: str
    start: float
    end: float


class Span(BaseModel):
    """A stretch of time in seconds: a VAD speech region, a hesitation, a candidate's turn."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start

    def shifted(self, dt: float) -> Span:
        return Span(start=round(self.start + dt, 3), end=round(self.end + dt, 3))


class SttInfo(BaseModel):
    """Which speech model made a report's transcripts, and where it ran."""

    model: str  # the model behind the report's transcripts
    device: str
    compute_type: str
    live_model: str | None = None  # the live interviewer's streaming model, if one ran
    # Which model made each answer's transcript, counted (a turn whose one-pass transcript
    # failed keeps its streamed one).
    transcripts: dict[str, int] = Field(default_factory=dict)

    @classmethod
    def none(cls, model: str) -> SttInfo:
        """No model ran: typed answers, or a report rebuilt from saved transcripts."""
        return cls(model=model, device="none", compute_type="none")


class Transcript(BaseModel):
    text: str = ""
    words: list[Word] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)
    speech_regions: list[Span] = Field(default_factory=list)  # Silero VAD, tight padding
    # Hesitation sounds heard in the audio that no word accounts for (interviewer/hesitations.py).
    hesitations: list[Span] = Field(default_factory=list)
    duration_s: float = 0.0
    model: str = ""
    # In a live session: the candidate's turns on the session clock. Silence between turns is
    # the interviewer talking, not a pause. Empty for a single recorded answer.
    turns: list[Span] = Field(default_factory=list)

    def windows(self) -> list[tuple[float, float, list[Word]]]:
        """(turn start, turn end, its words) per candidate turn; one window for a single answer."""
        if not self.turns:
            return [(0.0, self.duration_s, list(self.words))]
        return [
            (s.start, s.end, [w for w in self.words if s.start <= w.start < s.end])
            for s in self.turns
        ]

    @property
    def is_empty(self) -> bool:
        return not self.words

    # The one place that moves a transcript in time: a turn placed on the session clock, a
    # streamed piece placed in its turn, a turn cut out of a batched pass.

    def shifted(self, dt: float) -> Transcript:
        """The same transcript dt seconds later (earlier when negative); times rounded to ms."""

        def at(x: float) -> float:
            return round(x + dt, 3)

        return self.model_copy(
            update={
                "words": [
                    w.model_copy(update={"start": at(w.start), "end": at(w.end)})
                    for w in self.words
                ],
                "segments": [
                    s.model_copy(update={"start": at(s.start), "end": at(s.end)})
                    for s in self.segments
                ],
                "speech_regions": [r.shifted(dt) for r in self.speech_regions],
                "hesitations": [h.shifted(dt) for h in self.hesitations],
                "turns": [t.shifted(dt) for t in self.turns],
            }
        )

    def window(self, a: float, b: float, pad: float = 0.0) -> Transcript:
        """What starts within [a - pad, b + pad), on its own clock (a is 0, nothing before 0).

        pad catches what lies in the silence laid between clips batched end to end (each side
        takes half of it). Segments are rebuilt from the words inside them, as a batched pass may
        put the end of one clip and the start of the next in one segment; speech regions and
        hesitations end where the window does.
        """
        duration = round(b - a, 3)

        def inside(x: float) -> bool:
            return a - pad <= x < b + pad

        def at(x: float) -> float:
            return round(max(0.0, x - a), 3)

        words = [w for w in self.words if inside(w.start)]
        segments = []
        for sg in self.segments:
            mine = [w for w in words if sg.start - 0.01 <= w.start <= sg.end + 0.01]
            if mine:
                segments.append(
                    Segment(
                        text=join_words([w.word for w in mine]),
                        start=at(mine[0].start),
                        end=at(mine[-1].end),
                    )
                )
        return Transcript(
            text=" ".join(sg.text for sg in segments).strip(),
            words=[w.model_copy(update={"start": at(w.start), "end": at(w.end)}) for w in words],
            segments=segments,
            speech_regions=[
                Span(start=at(r.start), end=min(at(r.end), duration))
                for r in self.speech_regions
                if inside(r.start)
            ],
            hesitations=[
                Span(start=at(h.start), end=min(at(h.end), duration))
                for h in self.hesitations
                if inside(h.start)
            ],
            duration_s=duration,
            model=self.model,
        )


def ends_sentence(text: str) -> bool:
    """Whether a word or an utterance ends a sentence: ., ? or !, before any closing quote or
    bracket."""
    return text.rstrip("\"')]").endswith((".", "?", "!"))


def clock(seconds: float) -> str:
    """A time on a transcript's clock as people read it: 42.37 -> '0:42.4'."""
    minutes, secs = divmod(max(0.0, seconds), 60)
    return f"{int(minutes)}:{secs:04.1f}"


_TOKEN = re.compile(r"[a-z0-9']+")


def join_words(words: list[str]) -> str:
    """Words back into text: Whisper splits "two-tower" into "two" + "-tower" and "10,000"
    into "10" + ",000"; those pieces attach to the word before them."""
    out = ""
    for w in words:
        w = w.strip()
        if not w:
            continue
        attach = not out or w[0] in "-,.%'?!:;" or out.endswith("-")
        out += w if attach else " " + w
    return out


def normalize(text: str) -> list[str]:
    """Lower-case word tokens without punctuation: the form phrase matching and WER use."""
    text = text.lower().replace("-", " ").replace("’", "'")
    return _TOKEN.findall(text)


class Utterance(BaseModel):
    """A sentence, or a run of words cut at a pause: the unit quoted as evidence."""

    text: str
    start: float
    end: float
    first_word: int
    last_word: int

    @property
    def is_question(self) -> bool:
        return self.text.rstrip().endswith("?")


# A silence this long between words ends an utterance even without punctuation.
UTTERANCE_GAP_S = 1.0
MAX_UTTERANCE_WORDS = 40
# Whisper often runs sentences together with commas ("...on click data, after launch I would
# monitor drift"): a comma ends an utterance once it has this many words, so one utterance
# rarely spans two agenda phases.
COMMA_SPLIT_WORDS = 8


def utterances(transcript: Transcript) -> list[Utterance]:
    words = transcript.words
    out: list[Utterance] = []
    begin = 0
    for i, w in enumerate(words):
        last = i == len(words) - 1
        ends = ends_sentence(w.word)
        ends_clause = w.word.endswith(",") and i - begin + 1 >= COMMA_SPLIT_WORDS
        gap = (not last) and words[i + 1].start - w.end >= UTTERANCE_GAP_S
        too_long = i - begin + 1 >= MAX_UTTERANCE_WORDS
        if last or ends or ends_clause or gap or too_long:
            chunk = words[begin : i + 1]
            out.append(
                Utterance(
                    text=join_words([x.word for x in chunk]),
                    start=chunk[0].start,
                    end=chunk[-1].end,
                    first_word=begin,
                    last_word=i,
                )
            )
            begin = i + 1
    return out


def combine(parts: list[tuple[float, float, Transcript]], duration_s: float) -> Transcript:
    """Candidate turns placed on the session clock: (turn start, turn end, its transcript)."""
    out = concatenate([t.shifted(start) for start, _, t in parts], duration_s)
    out.turns = [Span(start=round(start, 3), end=round(end, 3)) for start, end, _ in parts]
    out.text = out.text or " ".join(p[2].text for p in parts).strip()
    return out


def concatenate(pieces: list[Transcript], duration_s: float) -> Transcript:
    """Pieces already on one clock, in order, as one transcript."""
    out = Transcript(duration_s=round(duration_s, 3))
    for t in pieces:
        out.words += t.words
        out.segments += t.segments
        out.speech_regions += t.speech_regions
        out.hesitations += t.hesitations
        out.model = out.model or t.model
    out.text = " ".join(s.text for s in out.segments).strip()
    return out


def typed(text: str, words_per_second: float = 2.5) -> Transcript:
    """A typed answer (--text) as a transcript with nominal timings: no speech facts in it."""
    words, t = [], 0.0
    for w in text.split():
        words.append(Word(word=w, start=round(t, 3), end=round(t + 0.8 / words_per_second, 3)))
        t += 1 / words_per_second
    return Transcript(
        text=text.strip(),
        words=words,
        duration_s=round(t, 3),
        segments=[Segment(text=text.strip(), start=0.0, end=round(t, 3))] if words else [],
        speech_regions=[Span(start=0.0, end=round(t, 3))] if words else [],
        model="typed",
    )
