"""Phrase matching on timed words: which phrases were said, where, and when.

Matching is on normalized whole-word tokens, so cues read as they are spoken: "trade off" matches
"trade-off" and "tradeoff" only if listed, and "data" never matches "database".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

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
    injection phrases, signposts). A sentence's words are the same objects from one reading of
    an interview to the next (graph.session_so_far keeps them), so its tokens are kept too."""
    out = []
    for s in sentences:
        mine = words[s.first_word : s.last_word + 1]
        key = (id(mine[0]), id(mine[-1]), len(mine)) if mine else None
        hit = _TOKENS.get(key) if key else None
        if hit is not None and hit[0] is mine[0] and hit[1] is mine[-1]:
            out.append(hit[2])
            continue
        tokens = tokenize(mine)
        if key is not None:
            if len(_TOKENS) > 100_000:
                _TOKENS.clear()
            _TOKENS[key] = (mine[0], mine[-1], tokens)
        out.append(tokens)
    return out


_TOKENS: dict[tuple[int, int, int], tuple[Word, Word, list[Token]]] = {}


def find(tokens: Sequence[Token], phrases: Iterable[str]) -> list[Match]:
    """Every non-overlapping occurrence, longest phrase first where two compete, in time order."""
    by_first = _patterns(tuple(phrases))
    texts = [t.text for t in tokens]
    # Each occurrence, ranked as a scan of the phrases longest first, then left to right, would
    # meet it; found in one pass over the tokens (phrases indexed by their first word).
    hits: list[tuple[int, int, int, str]] = []  # (rank, start, length, phrase)
    for i, tok in enumerate(texts):
        for rank, pattern, phrase in by_first.get(tok, ()):
            n = len(pattern)
            if tuple(texts[i : i + n]) == pattern:
                hits.append((rank, i, n, phrase))
    hits.sort()
    taken = [False] * len(tokens)
    found: list[Match] = []
    for _, i, n, phrase in hits:
        if not any(taken[i : i + n]):
            for k in range(i, i + n):
                taken[k] = True
            found.append(Match(phrase, i, i + n - 1, tokens[i].start, tokens[i + n - 1].end))
    return sorted(found, key=lambda m: m.first)


@lru_cache(maxsize=1024)
def _patterns(phrases: tuple[str, ...]) -> dict[str, list[tuple[int, tuple[str, ...], str]]]:
    """Phrases as token patterns, ranked longest first, indexed by their first token."""
    unique = {tuple(normalize(p)): p for p in phrases if normalize(p)}
    ranked = sorted(unique.items(), key=lambda kv: -len(kv[0]))
    out: dict[str, list[tuple[int, tuple[str, ...], str]]] = {}
    for rank, (pattern, phrase) in enumerate(ranked):
        out.setdefault(pattern[0], []).append((rank, pattern, phrase))
    return out


def contains(text: str, phrases: Iterable[str]) -> list[str]:
    """Phrases present in plain text (no timings needed)."""
    tokens = normalize(text)
    joined = " " + " ".join(tokens) + " "
    return [p for p in phrases if normalize(p) and f" {' '.join(normalize(p))} " in joined]
