"""What the learned detectors see of a sentence: its embedding, a few cheap counts, and how it
stands to a step's (or a check's, or a question's) own descriptions.

Training (meaning/train.py) and use (meaning/detectors.py) build features here and nowhere else,
so the two can never drift apart. Every function is pure: vectors and texts in, a matrix out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from interviewer.content import Meaning
from interviewer.transcript import normalize

# Names of the cheap per-sentence counts, in column order (saved with the weights, checked on load).
SCALARS = (
    "log_words",
    "has_number",
    "is_question",
    "weighing_words",
    "first_person",
    "generic_share",
    "specific_words",
    "list_like",
)
FIRST_PERSON = frozenset({"i", "i'd", "i'm", "i've", "i'll", "me", "my", "myself"})
PAIR_SCALARS = ("best_examples", "description", "cues", "first_step", "last_step", "first_question")
QUESTION_SCALARS = ("profile_best", "profile_top3", "question_text")


def scalars(texts: Sequence[str], meaning: Meaning) -> np.ndarray:
    """Sentences x len(SCALARS): counts a reader would notice without understanding."""
    generic, function = set(meaning.generic), set(meaning.function_words)
    numbers, weighing = set(meaning.number_words), set(meaning.weighing)
    rows = []
    for text in texts:
        tokens = normalize(text)
        content = [t for t in tokens if t not in function and (len(t) > 2 or t.isdigit())]
        specific = {t for t in content if t not in generic and t not in numbers}
        parts = [p for p in text.replace(";", ",").split(",") if normalize(p)]
        short = sum(len(normalize(p)) <= meaning.list_item_words for p in parts)
        rows.append(
            [
                np.log1p(len(tokens)),
                float(any(t in numbers or any(c.isdigit() for c in t) for t in tokens)),
                float(text.rstrip().endswith("?")),
                min(3, sum(t in weighing for t in tokens)) / 3,
                min(3, sum(t in FIRST_PERSON for t in tokens)) / 3,
                sum(t in generic for t in content) / max(1, len(content)),
                min(8, len(specific)) / 8,
                float(len(parts) >= meaning.list_min_items and short >= 0.6 * len(parts)),
            ]
        )
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), len(SCALARS))


def top_mean(vectors: np.ndarray, examples: np.ndarray, top: int = 2) -> np.ndarray:
    """Per sentence: the mean of its `top` best cosine similarities to the examples."""
    if len(vectors) == 0 or len(examples) == 0:
        return np.zeros(len(vectors), dtype=np.float32)
    sims = vectors @ examples.T
    k = min(top, sims.shape[1])
    means: np.ndarray = np.sort(sims, axis=1)[:, -k:].mean(axis=1)
    return means


def centroid(examples: np.ndarray) -> np.ndarray:
    c = examples.mean(axis=0)
    unit: np.ndarray = c / (np.linalg.norm(c) or 1.0)
    return unit


def cue_counts(texts: Sequence[str], cues: list[str]) -> np.ndarray:
    """Per sentence: how many of the cue phrases it says (0, 1, 2 or more, scaled to 0..1)."""
    phrases = [" " + " ".join(normalize(c)) + " " for c in cues if normalize(c)]
    out = np.zeros(len(texts), dtype=np.float32)
    for i, t in enumerate(texts):
        said = " " + " ".join(normalize(t)) + " "
        out[i] = min(2, sum(p in said for p in phrases)) / 2
    return out


def pair(
    vectors: np.ndarray,
    cheap: np.ndarray,
    target: np.ndarray,
    examples: np.ndarray,
    description: np.ndarray,
    cues: np.ndarray,
    position: int,
    count: int,
) -> np.ndarray:
    """Sentences against one step (or check): which meaning directions they share with it
    (the element-wise product with its centroid), how close they come to its examples and its
    description, its cue phrases, and where the step sits in the agenda. Nothing here names a
    step, so a model trained on some agendas scores the steps of another."""
    n = len(vectors)
    first = float(position == 0)
    extra = np.stack(
        [
            top_mean(vectors, examples),
            (vectors @ description).astype(np.float32),
            cues,
            np.full(n, first, dtype=np.float32),
            np.full(n, float(position == count - 1), dtype=np.float32),
            cheap[:, SCALARS.index("is_question")] * first,
        ],
        axis=1,
    )
    return np.hstack([vectors * target[None, :], extra, cheap]).astype(np.float32)


def about(
    vectors: np.ndarray, cheap: np.ndarray, profile: np.ndarray, text: np.ndarray
) -> np.ndarray:
    """Sentences against one question: the sentence itself (is it the kind of thing that names
    something?) and how close it comes to what this question is about."""
    sims = vectors @ profile.T if len(profile) else np.zeros((len(vectors), 1), dtype=np.float32)
    k = min(3, sims.shape[1])
    extra = np.stack(
        [sims.max(axis=1), np.sort(sims, axis=1)[:, -k:].mean(axis=1), vectors @ text], axis=1
    )
    return np.hstack([vectors, extra, cheap]).astype(np.float32)


def alone(vectors: np.ndarray, cheap: np.ndarray) -> np.ndarray:
    """A sentence by itself (does it weigh a choice? does it make one?)."""
    return np.hstack([vectors, cheap]).astype(np.float32)
