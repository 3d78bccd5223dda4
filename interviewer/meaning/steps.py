"""Which agenda step each sentence does, by meaning, smoothed over the whole answer.

Each sentence gets a probability per step from the learned step detector (meaning/detectors.py).
The sequence of phases is then the most likely path through
the agenda (Viterbi): moving on costs a little, going back costs more, so one stray phrase
("how often" inside a sentence about an offline metric) cannot send the rest of the answer back
to clarifying. A sentence that resembles no step stays in the phase around it.
"""

from __future__ import annotations

import numpy as np

from interviewer.content import Meaning


def emissions(probs: np.ndarray, meaning: Meaning) -> np.ndarray:
    """How much each sentence speaks for each step (the detectors' probabilities); a row of
    zeros where it speaks for none, so it stays in the phase around it."""
    informative = probs.max(axis=1, initial=0.0) >= meaning.step_min_p
    return np.where(informative[:, None], probs, 0.0)


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
