"""Per-sentence results kept by sentence text, so an interview is understood incrementally.

Everything the detectors and cheap features say about a sentence depends on its text (its vector
comes from its text) and on fixed context (the agenda, the question, the rubric's meaning): the
live interviewer re-reads the whole interview at every turn, and only the new turn's sentences
are computed; the rest come from here. The per-turn cost stays flat as the interview grows
(bench/turn_latency.py --typed-turns).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np


class Rows:
    """Row-wise results by (what, the context objects' identities, text). The context objects
    are held while their rows are, so an id is never reused for another object."""

    def __init__(self, limit: int = 200_000):
        self.limit = limit
        self._rows: dict[tuple[Hashable, str], np.ndarray] = {}
        self._held: dict[int, object] = {}

    def get(
        self,
        what: str,
        context: tuple[object, ...],
        texts: Sequence[str],
        compute: Callable[[list[int]], np.ndarray],
        width: int,
    ) -> np.ndarray:
        """Rows for texts; compute(indices) gives the rows of the texts not yet known."""
        key = (what, tuple(id(c) for c in context))
        missing = [i for i, t in enumerate(texts) if (key, t) not in self._rows]
        if missing:
            if len(self._rows) + len(missing) > self.limit:
                self._rows.clear()
                self._held.clear()
                missing = list(range(len(texts)))
            self._held.update((id(c), c) for c in context)
            got = compute(missing)
            for j, i in enumerate(missing):
                self._rows[(key, texts[i])] = got[j]
        if not texts:
            return np.zeros((0, width))
        return np.stack([self._rows[(key, t)] for t in texts]).reshape(len(texts), width)


ROWS = Rows()
