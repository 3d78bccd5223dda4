"""What the candidate has not said yet: the follow-ups and curveballs still worth asking.

An interviewer asks about what is missing. A follow-up or curveball whose answer the candidate
has already given (the rules-only fallback when the feature store is down, the delay of
chargeback labels) is never asked; of the rest, the one closest to the candidate's own design
(their last turn) is asked first, so the question follows what they built.

"Already given" is read by meaning, from the same sentence vectors the report uses: the
closest thing said so far (a sentence, or a sentence joined to the next), and the share of the
item's content words the candidate used. Both must agree, so a sentence on the same topic that
does not answer the question ("we'd use velocity features") does not silence the follow-up
("how do you compute the ten-minute count within your latency budget?").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interviewer.meaning.embedder import Embedder
from interviewer.transcript import normalize

# Function words and question words: what remains of a follow-up is what it is about.
_FUNCTION_WORDS = """
    a an the and or but if then so of to in on at by for from with without within into over
    under about as is are was were be been being do does did doing have has had having i you we
    they it he she this that these those there here what which who whom whose when where why how
    would will can could should may might must shall not no yes your our my their its me us them
    any some all each every more most less much many one two three four five ten just also very
    than like up out down off only own same such too again further once both few other"""
_FUNCTION = frozenset(_FUNCTION_WORDS.split())


def content_words(text: str) -> set[str]:
    """A text's content words, cut to five letters so "labels" meets "label" and "labelled"."""
    return {w[:5] for w in normalize(text) if w not in _FUNCTION and not w.isdigit()}


@dataclass(frozen=True)
class Listening:
    """When an item counts as already answered (interviewer lines.toml, [listening])."""

    answered_sim: float = 0.45  # closest sentence said, cosine, at or above: answered ...
    answered_words: float = 0.5  # ... when this share of the item's content words was said too
    sure_sim: float = 0.7  # this close alone is answered, whatever the words
    # a clarifying question no fact's keywords match gets the fact closest in meaning, if this
    # close (cosine of the question to the fact's topic, keywords and answer)
    fact_sim: float = 0.4


@dataclass(frozen=True)
class Heard:
    """Everything the candidate has said so far: its sentence vectors (each sentence, and each
    joined to the next) and its text."""

    vectors: np.ndarray
    text: str


def answered(items: list[str], heard: Heard, embedder: Embedder, how: Listening) -> list[bool]:
    """Per item (a follow-up or curveball): has the candidate already answered it?"""
    if not items or not len(heard.vectors):
        return [False] * len(items)
    sims = (embedder.embed(items) @ heard.vectors.T).max(axis=1)
    words = content_words(heard.text)
    out = []
    for item, sim in zip(items, sims, strict=True):
        mine = content_words(item)
        share = len(mine & words) / len(mine) if mine else 0.0
        close = sim >= how.answered_sim and share >= how.answered_words
        out.append(bool(sim >= how.sure_sim or close))
    return out


def closest(items: list[str], turn: list[str], embedder: Embedder) -> int:
    """The item closest in meaning to what the candidate just said (their own design)."""
    if len(items) == 1 or not turn:
        return 0
    sims = embedder.embed(turn) @ embedder.embed(items).T
    return int(sims.max(axis=0).argmax())
