"""Phrase matching on timed words: which phrases were said, where, and when.

Matching is on normalized whole-word tokens, so cues read as they are spoken: "trade off" matches
"trade-off" and "tradeoff" only if listed, and "data" never matches "database".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from interviewer.transcript import Utterance, Word, normalize


@dataclass(frozen=True)
class Token:
    text: str
    start: float
    end: float
    word: int  # index of the Word it came from


@dataclass(frozen=True)
class Match:
    phrase: str  # the phrase as listed
    first: int  # token index range [first, last]
    last: int
    start: float
    end: float


def tokenize(words: Sequence[Word]) -> list[Token]:
    tokens: list[Token] = []
    for i, w in enumerate(words):
        for t in normalize(w.word):
            tokens.append(Token(t, w.start, w.end, i))
    return tokens


def sentence_tokens(words: Sequence[Word], sentences: Sequence[Utterance]) -> list[list[Token]]:
    """Each sentence's tokens, made once for every phrase list matched against them (cues,
    injection phrases, signposts)."""
    return [tokenize(words[s.first_word : s.last_word + 1]) for s in sentences]


def find(tokens: Sequence[Token], phrases: Iterable[str]) -> list[Match]:
    """Every non-overlapping occurrence, longest phrase first where two compete, in time order."""
    patterns = sorted(
        {tuple(normalize(p)): p for p in phrases if normalize(p)}.items(),
        key=lambda kv: -len(kv[0]),
    )
    texts = [t.text for t in tokens]
    taken = [False] * len(tokens)
    found: list[Match] = []
    for pattern, phrase in patterns:
        n = len(pattern)
        for i in range(len(texts) - n + 1):
            if tuple(texts[i : i + n]) == pattern and not any(taken[i : i + n]):
                for k in range(i, i + n):
                    taken[k] = True
                found.append(Match(phrase, i, i + n - 1, tokens[i].start, tokens[i + n - 1].end))
    return sorted(found, key=lambda m: m.first)


def contains(text: str, phrases: Iterable[str]) -> list[str]:
    """Phrases present in plain text (no timings needed)."""
    tokens = normalize(text)
    joined = " " + " ".join(tokens) + " "
    return [p for p in phrases if normalize(p) and f" {' '.join(normalize(p))} " in joined]
