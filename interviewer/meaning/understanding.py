"""One answer, understood once: its sentences, their meaning, the phase each belongs to, and what
each step, key point and trade-off rests on. The offline judge and the live interviewer both read
this record, so they can never disagree about what was covered.

The whiteboard is read here too, as sentences (`Drawn`, from interviewer/board/) placed after the
spoken ones: the same detectors give them steps, checks, concreteness and key points, and the
same rules make a board of buzzword boxes earn nothing, like a spoken list of terms. What a
board unit does differently, and why:
- it has no place in the phases (time spent talking): its step is its most likely one, and it
  makes a step "attempted" only as evidence, never by being in the step's phase;
- it is concrete by itself alone (never read joined to a neighbour: it has none in the talk);
- it weighs no choice and makes none to weigh: a drawing shows structure, not reasoning;
- one that repeats what was said (or drawn at an earlier turn) counts once: a board unit within
  `board_repeat_sim` of a spoken sentence (alone or joined to the next) or of an earlier board
  unit is no evidence of its own. So the talk is never double-counted, and a board that adds
  what the talk lacked (the missing part of a `partial` step) can still make it `covered`;
- a key point the talk made is cited from the talk; the board makes only the ones it missed;
- it does not move the verdict on whether the answer is about the asked question (the talk's
  alone), though one about something else earns nothing, like such a spoken sentence.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from interviewer.content import Agenda, Meaning, Question, Rubric
from interviewer.meaning import detectors, injection, steps
from interviewer.meaning.embedder import Embedder
from interviewer.meaning.substance import PointHit, Relevance, key_points, profile, relevance
from interviewer.meaning.units import Drawn, Unit, drawn_units, is_buzzwords, is_list, make_units
from interviewer.textmatch import Token, contains, sentence_tokens, tokenize
from interviewer.transcript import Transcript, Utterance, Word


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
    step_sims: np.ndarray  # units x steps: p(the sentence serves the step), learned
    labels: list[str]  # the phase of each unit, smoothed
    flagged: dict[int, str]  # grader-injection: unit -> why
    buzzwords: list[int]
    concrete: list[bool]
    steps: list[StepFinding]
    tokens: list[list[Token]]  # each unit's, for phrase matching: made once (sentence_tokens)
    relevance: Relevance | None = None
    on_topic: np.ndarray | None = None  # per unit: best similarity to the asked question
    points: list[PointHit] = field(default_factory=list)
    tradeoffs: list[tuple[int, float]] = field(default_factory=list)  # (unit, p weighs)
    # choices made and not weighed, by their own sentence or the next: (unit, p choice)
    unweighed: list[tuple[int, float]] = field(default_factory=list)
    concrete_p: np.ndarray | None = None  # per unit: p(concrete to this question)
    # each unit joined to the next, embedded: one thought Whisper cut in two, read whole
    # (spoken units only)
    joined_vectors: np.ndarray | None = None
    # board unit -> the unit it repeats (a spoken one, or one drawn at an earlier turn)
    repeats: dict[int, int] = field(default_factory=dict)

    @property
    def judged(self) -> list[int]:
        return [i for i in range(len(self.units)) if i not in self.flagged]

    @property
    def said(self) -> list[int]:
        """Judged units that were spoken (not drawn)."""
        return [i for i in self.judged if not self.units[i].drawn]

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
    drawn: Sequence[Drawn] = (),
) -> Understanding:
    """With `bank`, also relevance and key points (the report). Steps, checks, trade-offs and
    concreteness come from the learned detectors (meaning/detectors.py) either way, so the live
    interviewer and the report read the same decisions. `drawn`: what the whiteboard says
    (see the module's docstring); without it, the answer is the talk alone."""
    meaning = rubric.meaning
    det = detectors.load()
    talk = make_units(transcript, utts, meaning)
    n = len(talk)  # units [0, n) are spoken, [n, ...) drawn
    units = talk + drawn_units(list(drawn), n, meaning)
    texts = [u.text for u in units]
    vectors = embedder.embed(texts)
    tokens = sentence_tokens(transcript.words, utts)
    examples = embedder.embed(meaning.injection_examples)
    flagged = injection.flag(utts, tokens, vectors[:n], examples, rubric)
    if len(units) > n:
        # Text on the board addressed to the grader is flagged like speech, and earns nothing.
        board_utts = [
            Utterance(text=d.text, start=d.at, end=d.at, first_word=0, last_word=0) for d in drawn
        ]
        board_tokens = [
            tokenize([Word(word=w, start=d.at, end=d.at) for w in d.text.split()]) for d in drawn
        ]
        tokens = tokens + board_tokens
        found = injection.flag(board_utts, board_tokens, vectors[n:], examples, rubric)
        flagged.update({n + i: why for i, why in found.items()})
    k = len(agenda.steps)
    step_p = det.steps(vectors, texts, agenda, embedder, meaning) if units else np.zeros((0, k))
    for j, step in enumerate(agenda.steps):
        if step.checks and units:
            # A sentence that states one of a step's checks (an offline metric, the training
            # data) serves that step, however much it sounds like another ("I'd measure how
            # often the bought item is in the top fifty" is the baseline's metric, not monitoring).
            stated = np.max(
                list(det.checks(vectors, texts, step, embedder, meaning).values()), axis=0
            )
            step_p[:, j] = np.maximum(step_p[:, j], stated)
    # Speech is cut at commas, and one thought often lands in two pieces ("I'd run it on a
    # sample," / "because shadow doubles the cost"): each piece is also read joined to its
    # neighbours, and the better reading counts.
    joined = [f"{a} {b}" for a, b in pairwise(texts[:n])]
    jv = embedder.embed(joined) if joined else np.zeros((0, vectors.shape[1]))
    # ...but never across two turns: the interviewer spoke between them ("The trade-off is
    # accuracy versus serving cost." ended one answer; "After launch, I would compare ..." began
    # the next). Such a join reads as nothing.
    within = _within_turns(units[:n], transcript)
    own = det.concrete(vectors, texts, question, embedder, meaning)
    own_joined = within * det.concrete(jv, joined, question, embedder, meaning)
    concrete_p = np.concatenate([_in_context(own[:n], own_joined), own[n:]])
    # A run of names ("embeddings, semantic search, hybrid search,") borrows nothing from its
    # neighbours: a list is concrete by what it names, or not at all.
    for i, u in enumerate(units):
        if is_list(u, meaning):
            concrete_p[i] = own[i]
    score = steps.emissions(step_p[:n], meaning)
    for i in flagged:
        if i < n:
            score[i] = 0.0  # said to the grader: no part in the phases either
    labels = [agenda.steps[j].id for j in steps.smooth(score, meaning)]
    # A board unit has no place in time's phases: its step is the one it most likely serves.
    labels += [agenda.steps[int(row.argmax())].id if k else "" for row in step_p[n:]]
    concrete = [bool(p >= meaning.concrete_min_p) for p in concrete_p]
    # A list of agenda terms is buzzwords unless the detector finds it tied to this question
    # ("amount, merchant type, card age, device fingerprint" names the problem's own things).
    buzz = [
        i
        for i, u in enumerate(units)
        if i not in flagged and is_buzzwords(u, meaning) and not concrete[i]
    ]
    result = Understanding(
        units=units,
        vectors=vectors,
        step_sims=step_p,
        labels=labels,
        flagged=flagged,
        buzzwords=buzz,
        concrete=concrete,
        steps=[],
        tokens=tokens,
        concrete_p=concrete_p,
        joined_vectors=jv,
    )
    if bank is not None and units:
        said = result.said
        rel, on_topic = relevance(vectors[said], question, bank, embedder, meaning)
        result.relevance = rel
        result.on_topic = np.zeros(len(units))
        result.on_topic[said] = on_topic
        board = [i for i in result.judged if i >= n]
        if board:  # each drawn sentence against the question, as relevance does a spoken one
            prof = embedder.embed(profile(question))
            result.on_topic[board] = (vectors[board] @ prof.T).max(axis=1)
    eligible = _eligible(result, meaning)
    if len(units) > n:
        result.repeats = _repeats(result, eligible, meaning)
        eligible = [i for i in eligible if i not in result.repeats]
    result.steps = [
        _step(result, agenda, j, eligible, det, embedder, rubric, probed or {}) for j in range(k)
    ]
    if bank is not None:
        spoken = [i for i in eligible if i < n]
        order = [st.id for st in agenda.steps]
        result.points = key_points(
            vectors, units, spoken, question, embedder, meaning, labels, order
        )
        if len(eligible) > len(spoken):  # the board makes the key points the talk missed
            board_points = key_points(
                vectors, units, eligible[len(spoken) :], question, embedder, meaning
            )
            result.points = [
                b if a.unit is None and (b.unit is not None or b.similarity > a.similarity) else a
                for a, b in zip(result.points, board_points, strict=True)
            ]
    # Trade-offs are reasoning, which only the talk carries: the board's units take no part.
    weighs = _lent_by_next(
        det.weighs(vectors[:n], texts[:n], meaning),
        within * det.weighs(jv, joined, meaning),
        meaning.weighs_min_p,
        [t.rstrip().endswith((".", "!", "?")) for t in texts[:n]],
    )
    choice = _with_next(
        det.choice(vectors[:n], texts[:n], meaning), within * det.choice(jv, joined, meaning)
    )
    said = [
        i
        for i in result.said
        if not units[i].is_question
        and i not in buzz
        and concrete[i]
        and (result.on_topic is None or result.on_topic[i] >= meaning.sentence_relevance_min)
    ]
    # One weighed choice per run of weighing pieces: a choice and its reason cut in two (or
    # read twice, alone and joined) is one choice weighed, not two.
    off_topic = result.relevance is not None and result.relevance.off_topic
    # Weighed "for this problem": choices in an answer to another question weigh nothing here.
    weighing = [] if off_topic else [i for i in said if weighs[i] >= meaning.weighs_min_p]
    result.tradeoffs = [
        (i, float(weighs[i]))
        for n, i in enumerate(weighing)
        if n == 0
        or weighing[n - 1] != i - 1
        or units[i - 1].text.rstrip().endswith((".", "!", "?"))
    ]
    weighed = set(weighing)
    # A choice is weighed by its own sentence or by the next one ("I'd use trees. They train in
    # minutes, where a network would need a GPU we don't have.")
    # Assumptions (anywhere) and questions while clarifying are not design choices to weigh.
    first = agenda.steps[0].id if agenda.steps else ""
    result.unweighed = [
        (i, float(choice[i]))
        for i in said
        if choice[i] >= meaning.choice_min_p
        and labels[i] != first
        and not contains(units[i].text, meaning.assuming)
        and i not in weighed
        and i + 1 not in weighed
    ]
    return result


def _within_turns(units: Sequence[Unit], transcript: Transcript) -> np.ndarray:
    """Per join of a unit to the next: 1.0 when both are in one candidate turn, else 0.0 (a
    single answer, with no turns on record, is one turn)."""
    starts = [t.start for t in transcript.turns]
    turn = [bisect_right(starts, u.start + 1e-6) for u in units]
    return np.array([float(a == b) for a, b in pairwise(turn)])


def _with_next(alone: np.ndarray, joined: np.ndarray) -> np.ndarray:
    """Per piece: its own probability, or that of it joined to the next piece if higher."""
    out = alone.copy()
    if len(joined):
        out[:-1] = np.maximum(out[:-1], joined)
    return out


def _lent_by_next(
    alone: np.ndarray, joined: np.ndarray, min_p: float, sentence_ends: list[bool]
) -> np.ndarray:
    """Per piece: its own probability, or that of it joined to the next piece, unless the piece
    ends a sentence and the next reaches min_p alone. Then the join's weighing is the next
    sentence's own ("To iterate, the bottleneck is ranking latency." + "I would cache
    embeddings, which is cheaper, but ..."): counted there, once, and quoted where it is said.
    Within a sentence cut at a comma, the choice's clause keeps it: the run is quoted from it."""
    out = alone.copy()
    if len(joined):
        lent = (alone[1:] < min_p) | ~np.array(sentence_ends[:-1], dtype=bool)
        out[:-1] = np.where(lent, np.maximum(out[:-1], joined), out[:-1])
    return out


def _in_context(alone: np.ndarray, joined: np.ndarray) -> np.ndarray:
    """Per piece: the best of it alone, joined to the next piece, joined to the one before."""
    out = _with_next(alone, joined)
    if len(joined):
        out[1:] = np.maximum(out[1:], joined)
    return out


def _repeats(r: Understanding, eligible: list[int], meaning: Meaning) -> dict[int, int]:
    """Board units (of the eligible ones) that repeat a spoken sentence, alone or joined to the
    next, or an earlier eligible board unit: unit -> the unit it repeats. The spoken sentence is
    the evidence; its drawing adds nothing of its own."""
    said = r.said
    pairs = list(range(len(r.joined_vectors))) if r.joined_vectors is not None else []
    out: dict[int, int] = {}
    kept: list[int] = []
    for i in (j for j in eligible if r.units[j].drawn):
        rows = [r.vectors[said]] if said else []
        rows += [r.joined_vectors[pairs]] if pairs and r.joined_vectors is not None else []
        rows += [r.vectors[kept]] if kept else []
        if rows:
            sims = np.vstack(rows) @ r.vectors[i]
            best = int(sims.argmax())
            if sims[best] >= meaning.board_repeat_sim:
                out[i] = ([*said, *pairs, *kept])[best]
                continue
        kept.append(i)
    return out


def _eligible(r: Understanding, meaning: Meaning, concrete: bool = True) -> list[int]:
    """Sentences that can count as substance: said to the interviewer, concrete to this question
    (unless `concrete` is False), not buzzwords, about the asked question, and (drawn ones) not
    a repeat of what was said."""
    out = []
    for i in r.judged:
        if (concrete and not r.concrete[i]) or i in r.buzzwords or i in r.repeats:
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
    det: detectors.Detectors,
    embedder: Embedder,
    rubric: Rubric,
    probed: dict[str, float],
) -> StepFinding:
    """A step is covered by the evidence its sentences carry, not by how many there are: each
    concrete sentence that serves the step adds its probability, weighted by how much it says,
    so one dense sentence can cover a step and a thought Whisper cut in three still adds up."""
    meaning = rubric.meaning
    step = agenda.steps[k]
    off_topic = r.relevance is not None and r.relevance.off_topic
    in_phase = [i for i in r.said if r.labels[i] == step.id]
    p = r.step_sims[:, k] if len(r.units) else np.zeros(0)
    evidence: list[tuple[float, int]] = []
    for i in eligible:
        own = r.labels[i] == step.id and p[i] >= meaning.step_min_p
        if own or p[i] >= meaning.step_clear_p:
            evidence.append((float(p[i]), i))
    evidence.sort(reverse=True)
    mass = sum(s * _density(r.units[i], meaning) for s, i in evidence)
    checks: dict[str, list[int]] = {}
    if step.checks and r.units:
        first = agenda.steps[0].id
        texts = [u.text for u in r.units]
        probs = det.checks(r.vectors, texts, step, embedder, meaning)
        # A check states a part of the design ("a logistic regression with a cross entropy
        # loss"): generic to ML, it still shows the part; buzzword lists still show nothing.
        stated = _eligible(r, meaning, concrete=False)
        checks = {
            c: [i for i in stated if r.labels[i] != first and pc[i] >= meaning.check_min_p]
            for c, pc in probs.items()
        }
    # Sub-checks (data, model, objective, metric) are one way to show a baseline; a first version
    # described in other terms shows it through the step's own evidence, like any other step.
    by_checks = bool(step.checks) and sum(bool(v) for v in checks.values()) >= step.min_checks
    need = step.cover_mass or meaning.cover_mass
    covered = by_checks or mass >= need
    units = [i for _, i in evidence]
    if by_checks and not units:
        units = sorted({v[0] for v in checks.values() if v})
    note = ""
    if off_topic and r.relevance is not None:
        covered = False
        # The verdict as measured: "fits the asked question only 0.19" is a vague answer, not
        # one about another question.
        note = (
            f"the answer is about '{r.relevance.best_other}' instead"
            if r.relevance.why.startswith("fits '")
            else "the answer stays too far from this question to count"
        )
    attempted = bool(in_phase) or bool(units) or any(checks.values())
    if covered:
        status = "covered"
        at = probed.get(step.id)
        # Prompted: what was said before the interviewer asked did not cover the step by itself.
        before = [(s, i) for s, i in evidence if r.units[i].start < at] if at is not None else []
        early = sum(s * _density(r.units[i], meaning) for s, i in before)
        checked_early = sum(
            any(r.units[i].start < at for i in v) for v in checks.values() if at is not None
        )
        if at is not None and early < need and checked_early < max(1, step.min_checks):
            status = "prompted"
    elif off_topic and units:
        # What was said is shown as said (the quotes beside the status attempt the step); it
        # does not cover this question's step because the answer is off-topic.
        status = "partial"
    elif off_topic:
        status = "missed"
    elif attempted:
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


def _density(u: Unit, meaning: Meaning) -> float:
    """How much one sentence can carry: a fragment counts for less, a long dense one for more.
    A question asks for one fact however few its words ("and what is the latency budget?")."""
    d = min(2.0, max(0.5, u.words / meaning.dense_words))
    return max(1.0, d) if u.is_question else d
