"""Evidence: quotes tied to the moments they were said, and checked against the transcript."""

from __future__ import annotations

import difflib

from interviewer.judge.model import Evidence
from interviewer.meaning.understanding import Understanding
from interviewer.textmatch import tokenize
from interviewer.transcript import Transcript, Utterance, Word, join_words, normalize

QUOTE_MAX_WORDS = 30
FUZZY_MIN_RATIO = 0.85  # how close a quote must be to transcript words to count as said


def quote_words(
    words: list[Word],
    first: int,
    last: int,
    focus: tuple[int, int] | None = None,
    max_words: int = QUOTE_MAX_WORDS,
) -> Evidence:
    """Words[first..last] as a quote, cut to max_words around the focus words if too long."""
    if last - first + 1 > max_words:
        centre = (focus[0] + focus[1]) // 2 if focus else first
        first = max(first, min(centre - max_words // 2, last - max_words + 1))
        last = first + max_words - 1
    chunk = words[first : last + 1]
    return Evidence(
        quote=join_words([w.word for w in chunk]), start=chunk[0].start, end=chunk[-1].end
    )


def from_utterance(t: Transcript, u: Utterance, focus_word: int | None = None) -> Evidence:
    focus = (focus_word, focus_word) if focus_word is not None else None
    return quote_words(t.words, u.first_word, u.last_word, focus)


def locate(quote: str, t: Transcript) -> Evidence | None:
    """Where in the transcript a quote was said, or None if it was not (fabricated)."""
    wanted = normalize(quote)
    if not wanted or not t.words:
        return None
    tokens = tokenize(t.words)
    texts = [tok.text for tok in tokens]
    n = len(wanted)
    for i in range(len(texts) - n + 1):
        if texts[i : i + n] == wanted:
            return _span(t, tokens[i].word, tokens[i + n - 1].word)
    # Whisper and the quoter may differ by a word or two ("gonna"/"going to"): accept close ones.
    best, best_i = 0.0, -1
    for i in range(0, max(1, len(texts) - n + 1)):
        ratio = difflib.SequenceMatcher(None, texts[i : i + n], wanted).ratio()
        if ratio > best:
            best, best_i = ratio, i
    if best >= FUZZY_MIN_RATIO:
        last = min(best_i + n - 1, len(tokens) - 1)
        return _span(t, tokens[best_i].word, tokens[last].word)
    return None


def locate_drawn(quote: str, u: Understanding) -> Evidence | None:
    """A quote of what the whiteboard shows: cited as drawn, at the time it was saved. Text on
    the board addressed to the grader is no evidence, as when it is said."""
    wanted = normalize(quote)
    n = len(wanted)
    for i, unit in enumerate(u.units):
        if not n or not unit.drawn or i in u.flagged:
            continue
        for text in (unit.shown, unit.text):
            have = normalize(text)
            if any(have[k : k + n] == wanted for k in range(len(have) - n + 1)):
                return Evidence(
                    quote=unit.shown or unit.text, start=unit.start, end=unit.end, source="board"
                )
    return None


def _span(t: Transcript, first_word: int, last_word: int) -> Evidence:
    chunk = t.words[first_word : last_word + 1]
    return Evidence(
        quote=join_words([w.word for w in chunk]), start=chunk[0].start, end=chunk[-1].end
    )
