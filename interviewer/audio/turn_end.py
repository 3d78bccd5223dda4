"""When the candidate has finished: from what was said, how it was said, and the silence so far.

A silence timer alone either cuts thinking pauses off or leaves dead air after every answer. Here
each pause in a turn is judged once speech stops for `listen_s`:

- **how it sounded**: the end-of-turn audio model (Smart Turn) scores the last 8 s; when it
  hears an ending, the microphone closes the live-transcript chunk at once, so the words of the
  last sentence are decoded while the pause goes on;
- **what was said**: the streamed transcript of the turn so far, read with the cue lists in
  prompts/turns/cues.toml: a clause left open ("...and for ranking I would use"), thinking aloud
  ("let me think"), a promise of more ("First, ..." with no second yet), a question to the
  interviewer, or a hand-over ("that covers it"); a turn of only a few words so far ("Sorry.",
  "Labels come from chargebacks.") is the opening of an answer, and waits longer;
- **the silence so far**, against the wait those two call for. `patience_s` (--patience) is the
  longest the interviewer ever waits.

`TurnEnd.step(silence_s, audio, text) -> Verdict` is called by the microphone after each block.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from interviewer.audio.smart_turn import EndOfTurnModel
from interviewer.settings import Paths, TurnTakingOptions

_WORD = re.compile(r"[a-z0-9']+")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


@dataclass(frozen=True)
class Cues:
    open_endings: frozenset[str]
    thinking: tuple[str, ...]
    handover: tuple[str, ...]
    promises: tuple[str, ...]
    promise_openers: tuple[str, ...]
    lead_ins: frozenset[str]
    delivered: tuple[str, ...]
    modals: frozenset[str]
    closed_by: frozenset[str]
    brief_words: int
    open_pairs: tuple[str, ...]
    self_asked: tuple[str, ...]


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    data = tomllib.loads(Paths().find("prompts", "turns", "cues.toml").read_text("utf-8"))
    return Cues(
        open_endings=frozenset(data["open_endings"]),
        thinking=tuple(data["thinking"]),
        handover=tuple(data["handover"]),
        promises=tuple(data["promises"]),
        promise_openers=tuple(data["promise_openers"]),
        lead_ins=frozenset(data["lead_ins"]),
        delivered=tuple(data["delivered"]),
        modals=frozenset(data["modals"]),
        closed_by=frozenset(data["closed_by"]),
        brief_words=int(data["brief_words"]),
        open_pairs=tuple(data["open_pairs"]),
        self_asked=tuple(data["self_asked"]),
    )


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def _has(words: list[str], phrase: str) -> int:
    """Where the phrase (whole words) last starts in words, or -1."""
    p = phrase.split()
    for i in range(len(words) - len(p), -1, -1):
        if words[i : i + len(p)] == p:
            return i
    return -1


# What the words of the turn so far say about a pause after them.
OPEN = "open"  # a clause left open: keep waiting, up to patience
THINKING = "thinking"  # "let me think": keep waiting, up to patience
PROMISED = "promised"  # "First, ..." and no second yet: a breath between items
QUESTION = "question"  # a question, perhaps to the interviewer: answer it if it sounded asked
ASKING = "asking"  # a question that opens the turn: put to the interviewer, answered soon
HANDOVER = "handover"  # "that covers it": answer now
SENTENCE = "sentence"  # a whole sentence: the audio decides how long to wait
BRIEF = "brief"  # a few words so far ("Sorry.", "So that's the model side."): more is coming
TRAILING = "trailing"  # no full stop: open, unless the audio heard an ending
NOTHING = "nothing"  # no words (yet)


def read_cue(text: str, cues: Cues | None = None) -> str:
    """The cue the turn's words give at a pause (one of the constants above)."""
    cues = cues or load_cues()
    cue = _read_cue(text, cues)
    # A turn of a few words ("Sorry.", "Okay.", "Labels come from chargebacks.") sounds finished
    # and reads as a whole sentence, yet it is how answers open: the start of more, not an
    # answer to an open interview question. A question or a hand-over is answered as ever;
    # words without a full stop keep their own, longer wait unless they sounded final.
    if cue in (SENTENCE, PROMISED) and len(_words(text)) < cues.brief_words:
        return BRIEF
    return cue


def _read_cue(text: str, cues: Cues) -> str:
    words = _words(text)
    if not words:
        return NOTHING
    if words[-1] in cues.open_endings or any(words[-2:] == p.split() for p in cues.open_pairs):
        return OPEN  # "...and that means the", "...and that means that"
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if _words(s)]
    last = _words(sentences[-1]) if sentences else words
    # "Let me see. Okay." - a word or two after thinking aloud is still thinking.
    thought = _words(sentences[-2]) if len(sentences) >= 2 and len(last) <= 2 else []
    if any(_has(last, p) >= 0 or _has(thought, p) >= 0 for p in cues.thinking):
        return THINKING
    # A hand-over ends the turn's last sentence, or is most of it ("That's all, I'm done";
    # Whisper may leave off the full stop); "that's all the data we keep, and" is not one.
    at = max((_has(last, p) for p in cues.handover), default=-1)
    if at >= 0 and (len(last) <= 10 or at >= len(last) - 6):
        return HANDOVER
    if len(last) >= 3 and last[-2] in cues.modals and not cues.closed_by & set(last[:-2]):
        return OPEN  # "...and for ranking I would use."
    # Whisper ends a finished sentence with a full stop; without one (or with a comma) the
    # clause may still be open, though Whisper also leaves the stop off a turn's last words.
    if not text.rstrip().endswith((".", "?", "!")):
        return TRAILING
    # More was promised ("First, ...", "two things") and not delivered: mid-answer, even when
    # the sentence is a question ("First, where does the money go? Is it the prompts?").
    promised = max(
        max((_has(words, p) for p in cues.promises), default=-1), _opened(sentences, cues)
    )
    if promised >= 0:
        after = words[promised + 1 :]
        if not any(_has(after, d) >= 0 for d in cues.delivered):
            return PROMISED
    # A question to the interviewer; "So how do we handle new users?" is thinking aloud.
    if sentences and sentences[-1].rstrip().endswith("?") and last[0] not in ("so", "and"):
        before = len(words) - len(last)
        if before < cues.brief_words and not any(_has(last, p) >= 0 for p in cues.self_asked):
            return ASKING
        return QUESTION
    return SENTENCE


def _opened(sentences: list[str], cues: Cues) -> int:
    """Where in the turn's words the last sentence opening with a promise ("First, ...", "So
    to start, ...") puts it, or -1."""
    at, found = 0, -1
    for s in sentences:
        w = _words(s)
        lead = 0
        while lead < len(w) - 1 and w[lead] in cues.lead_ins:
            lead += 1
        for p in cues.promise_openers:
            n = len(p.split())
            if w[lead : lead + n] == p.split():
                found = at + lead + n - 1
        at += len(w)
    return found


@dataclass(frozen=True)
class Verdict:
    end: bool  # the turn is over
    why: str  # what decided: the cue, with the audio's score when it counted
    wait_s: float  # the silence that ends the turn, as things stand (for the live panel)
    cut: bool = False  # close the live-transcript chunk now, so its words are decoded
    expect: str = ""  # what the interviewer is waiting for, in words, for the panel


@dataclass
class _Pause:
    at: int  # the sample where speech last stopped: identifies the pause
    p: float | None = None  # the audio model's score at listen_s
    p_late: float | None = None  # ...and at recheck_s, when the first was unsure
    cut: bool = False


@dataclass
class TurnEnd:
    """One turn's end-of-turn judge. Not thread-safe: the microphone's writer thread owns it."""

    options: TurnTakingOptions
    patience_s: float
    model: EndOfTurnModel | None = None
    cues: Cues = field(default_factory=load_cues)
    scores: list[tuple[float, float]] = field(default_factory=list)  # (silence s, p) for the log
    _pause: _Pause | None = None

    def step(
        self,
        speech_stopped_at: int,
        silence_s: float,
        audio: Callable[[], np.ndarray],
        text: Callable[[], str | None] | None,
    ) -> Verdict:
        """speech_stopped_at identifies the current pause (a new one restarts the judgement);
        audio() gives the last seconds of the turn; text() the turn's words so far, or None
        while a closed chunk is still being decoded. Without text (no live transcript), every
        pause is read as after a whole sentence: the sound and the silence decide."""
        o = self.options
        if self._pause is None or self._pause.at != speech_stopped_at:
            self._pause = _Pause(speech_stopped_at)
        pause = self._pause
        if silence_s < o.listen_s:
            return Verdict(False, "speaking", self.patience_s, expect="listening")
        if self.model is not None and pause.p is None:
            pause.p = self.model.score(audio())
            self.scores.append((round(silence_s, 2), round(pause.p, 3)))
        cut = False
        if pause.p is not None and pause.p >= o.p_end and not pause.cut:
            pause.cut = cut = True  # likely the end: get its last words decoded now
        words = text() if text is not None else ""
        if words is None:
            # The last words are being decoded: they decide, so wait for them. Ending sooner
            # gains nothing (the reply needs them too) and a clause left open that sounded
            # final ("...a regression model on") would be cut off.
            return Verdict(False, "decoding", self.patience_s, cut, "reading your last words")
        cue = read_cue(words, self.cues) if text is not None else SENTENCE
        wait, expect = self._wait(cue, pause, silence_s, audio)
        why = cue if pause.p is None else f"{cue} p={pause.p_late or pause.p:.2f}"
        return Verdict(silence_s >= wait, why, wait, cut, expect)

    def _wait(
        self, cue: str, pause: _Pause, silence_s: float, audio: Callable[[], np.ndarray]
    ) -> tuple[float, str]:
        o = self.options
        patience = self.patience_s
        sounds_done = pause.p is None or pause.p >= o.p_end  # no model: the words decide
        if cue == HANDOVER or (cue in (QUESTION, ASKING) and sounds_done):
            return min(o.handover_s, patience), "you handed over: replying"
        if cue == ASKING:
            # Put to the interviewer, but it did not sound finished: Whisper may have closed a
            # question that goes on ("Are we predicting for food delivery?" [breath] "where the
            # restaurant cooks first, or parcels?"). A short look for more, not the 2.5 s.
            return min(o.recheck_s, patience), "you asked: replying in a moment"
        if cue in (OPEN, THINKING, NOTHING):
            what = "take your time" if cue != OPEN else "you are mid-sentence"
            return patience, f"{what}: waiting up to {patience:.0f} s"
        if cue == PROMISED:
            return min(o.promised_s, patience), "you said there is more: waiting"
        if cue == BRIEF:
            return min(o.brief_s, patience), "a few words so far: waiting for the rest"
        if cue == TRAILING:  # no full stop: open, unless it sounded like an ending
            if sounds_done and pause.p is not None:
                return min(o.unsure_s, patience), "a sentence without an ending: waiting a little"
            return patience, f"you may be mid-sentence: waiting up to {patience:.0f} s"
        if self.model is None:  # no audio model: the silence rule
            return min(o.fallback_s, patience), "a whole sentence: waiting"
        if pause.p is not None and pause.p >= o.p_end:
            return min(o.settle_s, patience), "you sound finished: replying"
        # A question that does not sound like a hand-over ("Is it the prompts, or idle GPUs?"
        # said on the way to an answer) is judged like any sentence.
        if silence_s >= o.recheck_s and pause.p_late is None:
            pause.p_late = self.model.score(audio())  # more trailing silence: a firmer reading
            self.scores.append((round(silence_s, 2), round(pause.p_late, 3)))
        if pause.p_late is not None and pause.p_late >= o.p_end:
            return min(o.recheck_s, patience), "you sound finished: replying"
        return min(o.unsure_s, patience), "a whole sentence: waiting a little"
