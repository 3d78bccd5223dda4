"""What each speech model hears: word error rate and domain-term recall on three kinds of
speech, and the hesitation detector's recall and precision. Used by bench/stt.py.

- real: recorded people with reference transcripts (a folder of NAME.wav + NAME.txt; see
  scripts/fetch-real-speech.sh for the one the README's figures use);
- piper: the answers in bench/data/answers.toml in a neural voice (Piper, en_US joe);
- espeak: the same answers in espeak-ng.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from common import piper_say, speak
from hesitation_set import Sample, build, load_answers, score

from interviewer.audio import SAMPLE_RATE, Audio, load_audio
from interviewer.content import load_rubric
from interviewer.metrics import heard_hesitations
from interviewer.textmatch import find, tokenize
from interviewer.transcript import Transcript, normalize
from interviewer.wer import word_error_rate

PAUSE_S = 0.35  # between sentences of an answer


@dataclass
class Clip:
    name: str
    samples: np.ndarray
    reference: str


def _sentences(text: str) -> list[str]:
    import re

    return [s for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    gap = np.zeros(int(PAUSE_S * SAMPLE_RATE), dtype=np.float32)
    return np.concatenate([x for p in parts for x in (p, gap)][:-1])


def piper_clips() -> list[Clip]:
    answers, _ = load_answers()
    return [
        Clip(f"piper-{i}", _joined([piper_say(s) for s in _sentences(a)]), a)
        for i, a in enumerate(answers, 1)
    ]


def espeak_clips() -> list[Clip]:
    answers, _ = load_answers()
    return [
        Clip(f"espeak-{i}", _joined([speak(s) for s in _sentences(a)]), a)
        for i, a in enumerate(answers, 1)
    ]


def real_clips(folder: Path) -> list[Clip]:
    """Every NAME.wav (or .flac) beside a NAME.txt holding what was said."""
    clips = []
    for txt in sorted(folder.glob("*.txt")):
        for ext in (".wav", ".flac"):
            audio = txt.with_suffix(ext)
            if audio.is_file():
                clips.append(Clip(txt.stem, load_audio(audio).samples, txt.read_text().strip()))
                break
    return clips


def _squash(text: str) -> str:
    return "".join(normalize(text))


def term_counts(reference: str, hypothesis: str, terms: list[str]) -> tuple[int, int]:
    """(terms said, terms heard): each term counted as often as it was said, heard when the
    transcript holds it as often, spelling aside ("A/B test" = "A-B test", "p99" = "P-99")."""
    said = heard = 0
    hyp = _squash(hypothesis)
    for term in terms:
        n = " ".join(normalize(reference)).count(" ".join(normalize(term)))
        if n:
            said += n
            heard += min(n, hyp.count(_squash(term)))
    return said, heard


@dataclass
class Accuracy:
    wer: float
    words: int
    term_recall: float | None
    terms: int


_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str:
    """0-999 in words, as a reader says them ("47" = "forty seven")."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    rest = n % 100
    return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_words(rest))


def wer_text(reference: str, hypothesis: str) -> tuple[str, str]:
    """Spelling that is not hearing, made the same on both sides before WER (as Whisper's own
    English normalizer does): titles ("Mr." = "mister"), whole numbers under a thousand written
    as digits ("10 of clubs" = "ten of clubs") and hyphens, which join or split as the
    reference spells the word ("re-orders" = "reorders", "cold-hearted" = "cold hearted")."""
    import re

    def numbers(text: str) -> str:
        return re.sub(
            r"(?<![\w.,])\d{1,3}(?![\w.,]?\d)", lambda m: number_words(int(m.group(0))), text
        )

    reference, hypothesis = numbers(reference), numbers(hypothesis)

    def titles(text: str) -> str:
        text = re.sub(r"\bmr\.?(?=\s)", "mister", text, flags=re.IGNORECASE)
        return re.sub(r"\bmrs\.?(?=\s)", "missus", text, flags=re.IGNORECASE)

    reference, hypothesis = titles(reference), titles(hypothesis)
    joined = set(normalize(reference.replace("-", "")))

    def hyphens(m: re.Match) -> str:
        word = m.group(0)
        return word.replace("-", "") if word.replace("-", "").lower() in joined else word

    return reference, re.sub(r"\w+(?:-\w+)+", hyphens, hypothesis)


def accuracy(transcriber, clips: list[Clip], terms: list[str] | None) -> Accuracy:
    errors = words = said = heard = 0
    for c in clips:
        hyp = transcriber.transcribe(Audio(c.samples)).text
        n = len(normalize(c.reference))
        errors += word_error_rate(*wer_text(c.reference, hyp)) * n
        words += n
        if terms:
            s, h = term_counts(c.reference, hyp, terms)
            said, heard = said + s, heard + h
    return Accuracy(round(errors / words, 4), words, round(heard / said, 3) if said else None, said)


@dataclass
class HesitationScore:
    recall: float
    precision: float
    found: int
    true: int
    false_per_min_clean: float
    recall_with_fillers: float  # counting the "um"s Whisper did write, as the report does


def _fillers(t: Transcript) -> list[tuple[float, float]]:
    speech = load_rubric().speech
    return [(m.start, m.end) for m in find(tokenize(t.words), speech.fillers)]


def _heard(t: Transcript) -> list[tuple[float, float]]:
    from interviewer.metrics import Occurrence

    fillers = [Occurrence(word="f", start=a, end=b) for a, b in _fillers(t)]
    return [(h.start, h.end) for h in heard_hesitations(t, fillers)]


def hesitation_scores(transcriber, samples: list[Sample]) -> HesitationScore:
    found, both, truth, false = [], [], [], 0
    minutes = 0.0
    for s in samples:
        th = transcriber.transcribe(Audio(s.hesitant))
        tc = transcriber.transcribe(Audio(s.clean))
        found.append(_heard(th))
        both.append(found[-1] + _fillers(th))
        truth.append(s.truth)
        false += len(_heard(tc))
        minutes += len(s.clean) / SAMPLE_RATE / 60
    tp, n_found, n_true = score(found, truth)
    tp2, _, _ = score(both, truth)
    return HesitationScore(
        round(tp / n_true, 3),
        round(tp / n_found, 3) if n_found else 1.0,
        n_found,
        n_true,
        round(false / minutes, 2),
        round(tp2 / n_true, 3),
    )


def false_per_minute(transcriber, clips: list[Clip]) -> tuple[float, int, float]:
    """Hesitation sounds reported on speech that holds none: (per minute, count, minutes)."""
    n = sum(len(_heard(transcriber.transcribe(Audio(c.samples)))) for c in clips)
    minutes = sum(len(c.samples) for c in clips) / SAMPLE_RATE / 60
    return round(n / minutes, 2) if minutes else 0.0, n, round(minutes, 2)


__all__ = [
    "Clip",
    "accuracy",
    "build",
    "espeak_clips",
    "false_per_minute",
    "hesitation_scores",
    "piper_clips",
    "real_clips",
    "term_counts",
]
