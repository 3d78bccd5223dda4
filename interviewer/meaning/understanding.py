"""One answer, understood once: its sentences, their meaning, the phase each belongs to, and what
each step, key point and trade-off rests on. The offline judge and the live interviewer both read
this record, so they can never disagree about what was covered."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from interviewer.content import Agenda, Meaning, Question, Rubric
from interviewer.meaning import injection, steps
from interviewer.meaning.embedder import Embedder
from interviewer.meaning.substance import (
    PointHit,
    Relevance,
    key_points,
    relevance,
    weighs_choice,
)
from interviewer.meaning.units import Unit, is_buzzwords, is_concrete, make_units
from interviewer.textmatch import Token, find, sentence_tokens
from interviewer.transcript import Transcript, Utterance


@dataclass(frozen=True)
class StepFinding:
    step: str
    status: str  # covered | prompted | partial | missed
    evidence: list[int]  # unit indices, strongest first
    similarity: list[float]  # of each evidence unit to the step's examples
    checks: dict[str, list[int]] = field(default_factory=dict)  # check id -> units
    note: str = ""


@dataclass
class Understanding:
    units: list[Unit]
    vectors: np.ndarray  # one unit-length row per unit
    step_sims: np.ndarray  # units x steps: similarity to the step's examples
    labels: list[str]  # the phase of each unit, smoothed
    flagged: dict[int, str]  # grader-injection: unit -> why
    buzzwords: list[int]
    concrete: list[bool]
    steps: list[StepFinding]
    tokens: list[list[Token]]  # each unit's, for phrase matching: made once (sentence_tokens)
    relevance: Relevance | None = None
    on_topic: np.ndarray | None = None  # per unit: best similarity to the asked question
    points: list[PointHit] = field(default_factory=list)
    tradeoffs: list[tuple[int, float]] = field(default_factory=list)  # (unit, similarity)

    @property
    def judged(self) -> list[int]:
        return [i for i in range(len(self.units)) if i not in self.flagged]

    def status(self, step: str) -> str:
        return next(s.status for s in self.steps if s.step == step)


def understand(
    transcript: Transcript,
    utts: list[Utterance],
    question: Question,
    agenda: Agenda,
    rubric: Rubric,
    embedder: Embedder,
    probed: dict[str, float] | None = None,
    bank: dict[str, Question] | None = None,
) -> Understanding:
    """With `bank`, also relevance, key points and trade-offs (the report); without, only what the
    live interviewer needs to pick its next move: phases and step status."""
    meaning = rubric.meaning
    units = make_units(transcript, utts, meaning)
    vectors = embedder.embed([u.text for u in units])
    tokens = sentence_tokens(transcript.words, utts)
    flagged = injection.flag(
        utts, tokens, vectors, embedder.embed(meaning.injection_examples), rubric
    )
    examples = steps.examples_of(agenda)
    sims = (
        np.stack(
            [steps.similarity(vectors, embedder.embed(ex), meaning.top_matches) for ex in examples],
            axis=1,
        )
        if units
        else np.zeros((0, len(agenda.steps)))
    )
    cues = steps.cue_hits(tokens, agenda)
    score = steps.emissions(sims, cues, units, meaning)
    for i in flagged:
        score[i] = 0.0  # said to the grader: no part in the phases either
    labels = [agenda.steps[k].id for k in steps.smooth(score, meaning)]
    concrete = [is_concrete(u, meaning) for u in units]
    buzz = [i for i, u in enumerate(units) if i not in flagged and is_buzzwords(u, meaning)]
    result = Understanding(
        units=units,
        vectors=vectors,
        step_sims=sims,
        labels=labels,
        flagged=flagged,
        buzzwords=buzz,
        concrete=concrete,
        steps=[],
        tokens=tokens,
    )
    if bank is not None and units:
        rel, on_topic = relevance(vectors[result.judged], question, bank, embedder, meaning)
        result.relevance = rel
        result.on_topic = np.zeros(len(units))
        result.on_topic[result.judged] = on_topic
    eligible = _eligible(result, meaning)
    # How close each sentence comes to each of the question's key points: a step is covered by
    # something about *this* question, not by a generic sentence that would fit any question.
    points = (
        embedder.embed([kp.point for kp in question.key_points]) if question.key_points else None
    )
    near = (vectors @ points.T) if points is not None and units else None
    result.steps = [
        _step(
            result,
            agenda,
            k,
            eligible,
            cues,
            score,
            transcript,
            embedder,
            rubric,
            probed or {},
            _grounding(question, agenda.steps[k].id, near),
        )
        for k in range(len(agenda.steps))
    ]
    if bank is not None:
        result.points = key_points(vectors, units, eligible, question, embedder, meaning)
        trade = (
            steps.similarity(
                vectors, embedder.embed(meaning.tradeoff_examples), meaning.top_matches
            )
            if units
            else np.zeros(0)
        )
        result.tradeoffs = [
            (i, float(trade[i]))
            for i in eligible
            if weighs_choice(units[i], float(trade[i]), meaning)
        ]
    return result


def _grounding(question: Question, step: str, near: np.ndarray | None) -> np.ndarray | None:
    """Per sentence: its best similarity to the question's key points for this step (None when
    the question has none for it)."""
    cols = [p for p, kp in enumerate(question.key_points) if kp.step == step]
    if near is None or not cols:
        return None
    return near[:, cols].max(axis=1)


def _eligible(r: Understanding, meaning: Meaning) -> list[int]:
    """Sentences that can count as substance: said to the interviewer, concrete, not buzzwords,
    and about the asked question."""
    out = []
    for i in r.judged:
        if not r.concrete[i] or i in r.buzzwords:
            continue
        if r.on_topic is not None and r.on_topic[i] < meaning.sentence_relevance_min:
            continue
        out.append(i)
    return out


def _step(
    r: Understanding,
    agenda: Agenda,
    k: int,
    eligible: list[int],
    cues: np.ndarray,
    score: np.ndarray,
    transcript: Transcript,
    embedder: Embedder,
    rubric: Rubric,
    probed: dict[str, float],
    grounding: np.ndarray | None,
) -> StepFinding:
    meaning = rubric.meaning
    step = agenda.steps[k]
    off_topic = r.relevance is not None and r.relevance.off_topic
    in_phase = [i for i in r.judged if r.labels[i] == step.id]
    evidence: list[tuple[float, int]] = []
    candidates = list(eligible)
    if step.count_questions:
        # A clarifying question is short by nature ("and what is the latency budget?"): asked
        # in this phase, it counts without naming anything beyond the agenda's words.
        candidates += [
            i
            for i in r.judged
            if r.units[i].is_question
            and i not in r.buzzwords
            and i not in eligible
            and (r.on_topic is None or r.on_topic[i] >= meaning.sentence_relevance_min)
        ]
    for i in candidates:
        s = float(score[i, k])
        own = r.labels[i] == step.id and s >= meaning.cover_sim
        clear = (
            int(np.argmax(score[i])) == k and s >= meaning.cover_sim + meaning.out_of_phase_margin
        )
        asked = (
            step.count_questions
            and r.labels[i] == step.id
            and r.units[i].is_question
            and r.units[i].start <= transcript.duration_s * meaning.question_window
            and s >= meaning.step_min_sim
        )
        if own or clear or asked:
            evidence.append((s, i))
    evidence.sort(reverse=True)
    checks: dict[str, list[int]] = {}
    first = agenda.steps[0].id
    for check in step.checks:
        ex = embedder.embed(check.examples or check.cues)
        sims = steps.similarity(r.vectors, ex, meaning.top_matches) if r.units else np.zeros(0)
        # A named thing ("logistic regression", "cross entropy") in a concrete sentence of the
        # step's own phase shows the check even when the whole sentence reads as something else.
        named = {i for i in eligible if r.labels[i] == step.id and find(r.tokens[i], check.cues)}
        checks[check.id] = [
            i
            for i in eligible
            if r.labels[i] != first and (sims[i] >= meaning.check_sim or i in named)
        ]
    # Sub-checks (data, model, objective, metric) are one way to show a baseline; a first version
    # described in other terms (serving a model, a rollout plan) shows it through the step's own
    # examples, like any other step.
    by_checks = bool(step.checks) and sum(bool(v) for v in checks.values()) >= step.min_checks
    # A developed phase: several concrete sentences that the phase path puts in this step, one
    # of them close to the step's examples. A strong candidate describes a step in their own
    # terms ("a second verifier pass re-reads each comment"), far from any example sentence.
    developed = (
        meaning.developed_phase > 0
        and bool(evidence)
        and sum(r.labels[i] == step.id for i in eligible) >= meaning.developed_phase
    )
    covered = (
        by_checks
        or developed
        or len(evidence) >= step.min_hits
        or (bool(evidence) and evidence[0][0] >= meaning.strong_sim)
    )
    units = [i for _, i in evidence]
    if grounding is not None and covered:
        support = [
            i
            for i in set(units)
            | {i for v in checks.values() for i in v}
            | {i for i in eligible if r.labels[i] == step.id}
        ]
        if max((float(grounding[i]) for i in support), default=0.0) < meaning.grounding_min:
            covered = False  # nothing in it comes near what this question asks of the step
    if by_checks and not units:
        units = sorted({v[0] for v in checks.values() if v})
    note = ""
    if off_topic:
        covered = False
        note = "the answer is about another question"
    attempted = bool(in_phase) or bool(units) or any(checks.values())
    if covered:
        status = "covered"
        at = probed.get(step.id)
        if at is not None and min(r.units[i].start for i in units) >= at:
            status = "prompted"
    elif attempted and not off_topic:
        status = "partial"
        lacking = [c.name.lower() for c in step.checks if not checks.get(c.id)]
        note = (
            f"missing: {', '.join(lacking)}"
            if lacking and step.checks
            else (step.missing or "nothing concrete")
        )
    else:
        status = "missed"
    return StepFinding(
        step=step.id,
        status=status,
        evidence=units,
        similarity=[round(s, 3) for s, _ in evidence],
        checks=checks,
        note=note,
    )
