"""Which agenda step each sentence does, by meaning, smoothed over the whole answer.

Each sentence is compared with every step's example statements (the best two matches count);
cue phrases add a little evidence. The sequence of phases is then the most likely path through
the agenda (Viterbi): moving on costs a little, going back costs more, so one stray phrase
("how often" inside a sentence about an offline metric) cannot send the rest of the answer back
to clarifying. A sentence that resembles no step stays in the phase around it.
"""

from __future__ import annotations

import numpy as np

from interviewer.content import Agenda, Meaning
from interviewer.meaning.units import Unit
from interviewer.textmatch import Token, find


def examples_of(agenda: Agenda) -> list[list[str]]:
    """Example statements per step, in agenda order (the cues stand in where none are written)."""
    return [s.examples or s.cues for s in agenda.steps]


def similarity(vectors: np.ndarray, examples: np.ndarray, top: int = 2) -> np.ndarray:
    """Per sentence: the mean of its `top` best cosine similarities to the examples."""
    if len(vectors) == 0 or len(examples) == 0:
        return np.zeros(len(vectors), dtype=np.float32)
    sims = vectors @ examples.T
    k = min(top, sims.shape[1])
    return np.sort(sims, axis=1)[:, -k:].mean(axis=1)


def cue_hits(sentences: list[list[Token]], agenda: Agenda) -> np.ndarray:
    """Sentences x steps: how many of each step's cue phrases the sentence says."""
    hits = np.zeros((len(sentences), len(agenda.steps)), dtype=np.float32)
    for i, tokens in enumerate(sentences):
        for k, step in enumerate(agenda.steps):
            hits[i, k] = len(find(tokens, step.cues))
    return hits


def emissions(
    sims: np.ndarray, cues: np.ndarray, units: list[Unit], meaning: Meaning
) -> np.ndarray:
    """How much each sentence speaks for each step; a row of zeros where it speaks for none."""
    score = sims + meaning.cue_bonus * np.minimum(cues, 2)
    score[:, 0] += np.array([meaning.question_bonus if u.is_question else 0.0 for u in units])
    informative = score.max(axis=1, initial=-1.0) >= meaning.step_min_sim
    if len(score) > 1 and meaning.centering:
        # A step whose examples resemble every sentence of this answer (monitoring talk in an
        # MLOps answer) should not win every sentence: each step's mean over the answer is
        # taken out, in part, so sentences go where they stand out.
        column = score.mean(axis=0)
        score = score - meaning.centering * (column - column.mean())
    return np.where(informative[:, None], score, 0.0)


def smooth(score: np.ndarray, meaning: Meaning) -> list[int]:
    """The best path of step indices through the answer (Viterbi over the agenda's order)."""
    n, k = score.shape
    if n == 0:
        return []
    idx = np.arange(k)
    jump = idx[None, :] - idx[:, None]  # from row step to column step
    move = np.where(
        jump == 0,
        meaning.stay_bonus,
        np.where(
            jump > 0,
            -meaning.forward_cost - meaning.skip_cost * (jump - 1),
            meaning.back_cost * jump,
        ),
    )
    start = -meaning.skip_cost * idx  # starting past the first step is allowed, at a small cost
    best = start + score[0]
    back = np.zeros((n, k), dtype=np.int64)
    for i in range(1, n):
        total = best[:, None] + move
        back[i] = total.argmax(axis=0)
        best = total.max(axis=0) + score[i]
    path = [int(best.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]
