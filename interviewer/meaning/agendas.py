"""Which agenda a question given only as text calls for, chosen by meaning: "tell me about a
time..." is a behavioral (star) question, "what is calibration?" a concept one.

The question is compared with every bank question of each agenda; the agenda whose questions it
sits closest to (the mean of its three best matches) wins. The bank is content, so a user who
adds questions of their own agenda teaches this choice too.
"""

from __future__ import annotations

import numpy as np

from interviewer.content import Question
from interviewer.meaning.embedder import Embedder

TOP = 3  # bank questions per agenda that speak for it


def choose_agenda(text: str, bank: dict[str, Question], embedder: Embedder) -> tuple[str, float]:
    """The agenda id that fits `text` best, and how close it came (cosine, -1..1)."""
    by_agenda: dict[str, list[str]] = {}
    for q in bank.values():
        by_agenda.setdefault(q.agenda, []).append(q.text)
    if not by_agenda:
        return "ml-design", 0.0
    asked = embedder.embed([text])[0]
    fits = {}
    for agenda, texts in sorted(by_agenda.items()):
        sims = np.sort(embedder.embed(texts) @ asked)[::-1][:TOP]
        fits[agenda] = float(sims.mean())
    best = max(fits, key=lambda a: fits[a])
    return best, fits[best]
