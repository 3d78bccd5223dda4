"""A turn's sentences embedded while the candidate is still talking.

At the end of a turn the interviewer reads it (meaning/understanding.py): each sentence is
embedded, and so is each sentence joined to the next (one thought Whisper cut in two). Embedding
is most of that reading's time (170 ms of 200 ms for a three-sentence typed turn, profiled here;
more for a spoken one, cut at every comma), and it sits between the end of the turn and the
reply. Each streamed piece is cut into units as the reading will cut it, and its units and
their joins (the first one to the previous piece's last) are embedded as the piece arrives, so
the reading finds them cached. Only a sentence cut differently at a piece's edge is missed.
"""

from __future__ import annotations

from itertools import pairwise

from interviewer.content import Rubric
from interviewer.meaning.embedder import Embedder
from interviewer.meaning.injection import isolate
from interviewer.meaning.units import make_units
from interviewer.transcript import Transcript, utterances


class Ahead:
    """Called with each streamed piece of one turn, in order (StreamingTurn's on_piece)."""

    def __init__(self, embedder: Embedder, rubric: Rubric):
        self.embedder = embedder
        self.rubric = rubric
        self._last: str | None = None  # the previous piece's last unit, to join to the next

    def __call__(self, piece: Transcript) -> None:
        units = make_units(
            piece, isolate(piece, utterances(piece), self.rubric), self.rubric.meaning
        )
        texts = [u.text for u in units]
        if not texts:
            return
        joins = [f"{a} {b}" for a, b in pairwise(texts)]
        if self._last is not None:
            joins.insert(0, f"{self._last} {texts[0]}")
        self.embedder.embed(texts + joins)
        self._last = texts[-1]
