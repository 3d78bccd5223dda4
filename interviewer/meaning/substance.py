"""What an answer says of substance: the question's key points, choices it weighs, and whether it
answers the asked question at all (or another one from the bank better)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from interviewer.content import Meaning, Question
from interviewer.meaning.embedder import Embedder
from interviewer.meaning.units import Unit
from interviewer.transcript import normalize

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def profile(question: Question) -> list[str]:
    """What a question is about, as sentences: its text, key points, facts and model answer
    (whether a sentence is about the asked question)."""
    items = outline(question) + [f.answer for f in question.facts]
    items += [s.strip() for s in _SENTENCE_END.split(question.model_answer) if len(s.split()) >= 4]
    return [i for i in items if i.strip()]


def outline(question: Question) -> list[str]:
    """A question in brief, its text and key points: what answers are compared on across the bank
    (like with like, and a few hundred sentences to embed rather than a thousand)."""
    return [i for i in [question.text] + [k.point for k in question.key_points] if i.strip()]


@dataclass(frozen=True)
class Relevance:
    asked: float  # how well the answer fits the asked question (mean best similarity per sentence)
    best_other: str | None  # the bank question that fits best, if not the asked one
    best_other_fit: float
    off_topic: bool
    why: str  # one line for the report


def relevance(
    vectors: np.ndarray,
    question: Question,
    bank: dict[str, Question],
    embedder: Embedder,
    meaning: Meaning,
) -> tuple[Relevance, np.ndarray]:
    """The answer against the asked question and every other question in the bank.

    Returns the verdict and, per sentence, its best similarity to the asked question's profile
    (a sentence about something else earns nothing)."""
    if len(vectors) == 0:
        return Relevance(0.0, None, 0.0, False, "no sentences to compare"), np.zeros(0)
    # A question without key points (the user's own) is compared by its text alone, and so is
    # every other question then: like with like.
    text_only = not question.key_points

    def fit_of(q: Question) -> float:
        items = [q.text] if text_only else outline(q)
        return float((vectors @ embedder.embed(items).T).max(axis=1).mean())

    asked = fit_of(question)
    per_sentence = (vectors @ embedder.embed(profile(question)).T).max(axis=1)
    fits = {
        qid: fit_of(q) for qid, q in bank.items() if qid != question.id and q.text != question.text
    }
    other, other_fit = max(fits.items(), key=lambda kv: kv[1]) if fits else (None, -1.0)
    flush = getattr(embedder, "flush", None)
    if flush is not None:
        flush()  # the bank's profiles are the costly part: keep them for the next run
    # Fitting another question better is evidence only when it fits that one at all: a vague
    # answer fits every question a little, and one of them always a little more.
    fits_other = other_fit >= meaning.relevance_min + meaning.relevance_margin
    if other is not None and fits_other and other_fit - asked > meaning.relevance_margin:
        why = f"fits '{other}' better ({other_fit:.2f}) than the asked question ({asked:.2f})"
        return Relevance(asked, other, other_fit, True, why), per_sentence
    if not text_only and asked < meaning.relevance_min:
        why = f"fits the asked question only {asked:.2f} (under {meaning.relevance_min:g})"
        return Relevance(asked, other, other_fit, True, why), per_sentence
    return Relevance(
        asked, other, other_fit, False, f"fits the asked question {asked:.2f}"
    ), per_sentence


@dataclass(frozen=True)
class PointHit:
    point: int  # index into question.key_points
    unit: int | None  # the sentence that made it (index into units), None: missed
    similarity: float


def key_points(
    vectors: np.ndarray,
    units: list[Unit],
    eligible: list[int],
    question: Question,
    embedder: Embedder,
    meaning: Meaning,
    labels: list[str] | None = None,
    steps: list[str] | None = None,
) -> list[PointHit]:
    """Each key point: the eligible sentence closest to it, a hit above the threshold (a little
    lower when the sentence also says one of the point's cue words). Given the units' steps
    (`labels`) and the agenda's order (`steps`), a point is made only by a sentence of its own
    step or a neighbouring one: "pin down the latency budget before proposing anything" is not
    made by "alert when p99 latency passes 50 ms" at the end of the answer."""
    if not question.key_points:
        return []
    points = embedder.embed([k.point for k in question.key_points])
    place = {s: j for j, s in enumerate(steps or [])}
    out = []
    for p, kp in enumerate(question.key_points):
        cues = [" ".join(normalize(c)) for c in kp.cues if normalize(c)]
        hits = []
        own = place.get(kp.step)
        near = [
            i
            for i in eligible
            if own is None
            or labels is None
            or labels[i] not in place
            or abs(place[labels[i]] - own) <= 1
        ]
        for i in near:
            sim = float(vectors[i] @ points[p])
            text = " " + " ".join(normalize(units[i].text)) + " "
            relief = meaning.keypoint_cue_relief if any(f" {c} " in text for c in cues) else 0.0
            if sim >= meaning.keypoint_sim - relief:
                hits.append((sim, i))
        if hits:
            sim, best = max(hits)
            out.append(PointHit(p, best, round(sim, 3)))
        else:
            closest = max((float(vectors[i] @ points[p]) for i in near), default=0.0)
            out.append(PointHit(p, None, round(closest, 3)))
    return out
