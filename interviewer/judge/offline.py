"""The offline judge: the answer's meaning, scored by transparent rules from the rubric file.

It reads the `Understanding` of the answer (interviewer.meaning): which step each sentence does,
which key points and trade-offs it makes, whether it answers the asked question. Every number it
uses comes from rubrics/*.toml; every rule that fires is written into the rationale with the
sentences that made it fire and how similar they were to what they matched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from interviewer.content import Criterion, Rubric, Rule
from interviewer.errors import ContentError
from interviewer.judge import Answer
from interviewer.judge.evidence import from_utterance
from interviewer.judge.model import (
    CRITERIA,
    CheckResult,
    CriterionScore,
    Evidence,
    Flag,
    Judgement,
    KeyPointResult,
    Scores,
    StepResult,
)
from interviewer.meaning import Understanding
from interviewer.metrics import Hesitation, Occurrence, Pause
from interviewer.textmatch import find
from interviewer.transcript import clock, join_words

MAX_EVIDENCE = 4  # quotes per finding: enough to check, few enough to read


class OfflineJudge:
    name = "offline"

    def score(self, answer: Answer, rubric: Rubric) -> Judgement:
        u = answer.understanding
        flags = _flags(answer, u)
        agenda = _agenda(answer, u)
        key_points = _key_points(answer, u)
        facts = _facts(answer, agenda, key_points, u)
        scores = {name: _criterion(rubric.criteria[name], facts, answer, u) for name in CRITERIA}
        notes: list[str] = []
        off_topic = u.relevance is not None and u.relevance.off_topic
        if u.relevance is not None and off_topic:
            cap = rubric.overall.offtopic_cap
            for name in ("coverage", "depth"):
                scores[name] = _capped(
                    scores[name],
                    cap,
                    rubric.criteria[name],
                    f"Capped at {cap:g}: the answer is off-topic ({u.relevance.why}).",
                )
        buzz = buzzword_share(u)
        overall, why = overall_score(scores, rubric, off_topic, buzz)
        if why:
            notes.append(why)
        return Judgement(
            agenda=agenda,
            key_points=key_points,
            flags=flags,
            notes=notes,
            scores=Scores(**scores, overall=overall),
        )


def buzzword_share(u: Understanding) -> float:
    return len(u.buzzwords) / len(u.judged) if u.judged else 0.0


def overall_score(
    scores: dict[str, CriterionScore],
    rubric: Rubric,
    off_topic: bool = False,
    buzzwords: float = 0.0,
) -> tuple[float, str]:
    """The weighted mean of the criteria, capped by content: delivery cannot lift an answer with
    nothing in it. Returns the score and, when a cap applied, why."""
    weights = {n: rubric.criteria[n].weight for n in CRITERIA}
    total = sum(weights.values()) or 1.0
    mean = sum(scores[n].score * weights[n] for n in CRITERIA) / total
    o = rubric.overall
    content = sum(scores[n].score for n in o.content) / len(o.content)
    cap = content + o.content_margin
    why = ""
    if off_topic and o.offtopic_cap < min(mean, cap):
        cap, why = o.offtopic_cap, f"Overall capped at {o.offtopic_cap:g}: the answer is off-topic."
    elif buzzwords >= o.buzzword_share and o.buzzword_cap < min(mean, cap):
        cap, why = (
            o.buzzword_cap,
            (
                f"Overall capped at {o.buzzword_cap:g}: {buzzwords:.0%} of the sentences "
                "name agenda or rubric terms with no design behind them."
            ),
        )
    elif mean > cap:
        why = (
            f"Overall capped at {cap:.2f} (the mean of {', '.join(o.content)} plus "
            f"{o.content_margin:g}): delivery cannot lift an answer above its content."
        )
    return round(min(mean, cap), 2), why


def _capped(c: CriterionScore, cap: float, criterion: Criterion, why: str) -> CriterionScore:
    if c.score <= cap:
        return c
    score = max(1, int(cap))
    return c.model_copy(
        update={
            "score": score,
            "level": criterion.levels[str(score)],
            "rationale": f"{c.rationale} {why}",
        }
    )


def _ev(answer: Answer, i: int) -> Evidence:
    """Unit i as evidence: its words in the transcript, or, for a unit the whiteboard said,
    what the board shows, at the end of the turn it was drawn in."""
    unit = answer.understanding.units[i] if i < len(answer.understanding.units) else None
    if unit is not None and unit.drawn:
        return Evidence(quote=unit.shown, start=unit.start, end=unit.end, source="board")
    return from_utterance(answer.transcript, answer.utterances[i])


def _quoted(u: Understanding, i: int, words: int = 12) -> str:
    """A unit as a rationale quotes it: "its words", or drawn "what the board shows"."""
    unit = u.units[i]
    return f'drawn "{_short(unit.shown, words)}"' if unit.drawn else f'"{_short(unit.text, words)}"'


# -- flags ------------------------------------------------------------------------------------


def _flags(answer: Answer, u: Understanding) -> list[Flag]:
    flags = []
    for i, why in sorted(u.flagged.items()):
        ev = _ev(answer, i)
        flags.append(
            Flag(
                kind="grader-injection",
                quote=ev.quote,
                start=ev.start,
                end=ev.end,
                note=f"{why}: ignored for scoring",
                source=ev.source,
            )
        )
    if u.relevance is not None and u.relevance.off_topic and answer.utterances:
        first = _ev(answer, u.said[0] if u.said else 0)
        last = _ev(answer, len(answer.utterances) - 1)
        flags.append(
            Flag(
                kind="off-topic",
                quote=first.quote,
                start=first.start,
                end=last.end,
                note=f"The answer {u.relevance.why}: coverage, depth and overall are capped.",
            )
        )
    for i in u.buzzwords[:MAX_EVIDENCE]:
        ev = _ev(answer, i)
        flags.append(
            Flag(
                kind="buzzwords",
                quote=ev.quote,
                start=ev.start,
                end=ev.end,
                note=f"agenda vocabulary ({', '.join(sorted(set(u.units[i].generic))[:6])}) "
                "with no concrete component, number or decision: earns nothing",
                source=ev.source,
            )
        )
    return flags


# -- agenda -----------------------------------------------------------------------------------


def _agenda(answer: Answer, u: Understanding) -> list[StepResult]:
    results = []
    for step, found in zip(answer.agenda.steps, u.steps, strict=True):
        evidence = [_ev(answer, i) for i in found.evidence[:MAX_EVIDENCE]]
        checks = [
            CheckResult(
                id=c.id,
                name=c.name,
                hit=bool(found.checks.get(c.id)),
                evidence=[_ev(answer, i) for i in found.checks.get(c.id, [])[:2]],
            )
            for c in step.checks
        ]
        note = found.note
        if found.evidence and found.similarity:
            best = found.evidence[0]
            note = (note + "; " if note else "") + (
                f"closest: {_quoted(u, best)} (similarity "
                f"{found.similarity[0]:.2f} to this "
                f"step's examples)"
            )
        if found.status == "missed" and not evidence:
            in_phase = [i for i in u.said if u.labels[i] == step.id][:2]
            evidence = [_ev(answer, i) for i in in_phase]
            if evidence:
                # A quote beside "missed" says why it did not count, never "never shown".
                why = found.note or "nothing in it concrete to this question"
                note = f"said, but not counted: {why}"
        results.append(
            StepResult(
                step=step.id,
                name=step.name,
                status=found.status,
                expect=step.expect,
                evidence=evidence,
                checks=checks,
                note=note,
            )
        )
    return results


def _short(text: str, words: int = 12) -> str:
    w = text.split()
    return " ".join(w[:words]) + (" ..." if len(w) > words else "")


def _key_points(answer: Answer, u: Understanding) -> list[KeyPointResult]:
    hits = {h.point: h for h in u.points}
    out = []
    for p, kp in enumerate(answer.question.key_points):
        h = hits.get(p)
        hit = h is not None and h.unit is not None
        out.append(
            KeyPointResult(
                step=kp.step,
                point=kp.point,
                hit=hit,
                evidence=[_ev(answer, h.unit)] if h is not None and h.unit is not None else [],
                similarity=h.similarity if h is not None else None,
            )
        )
    return out


# -- measured facts the rules may use --------------------------------------------------------

Fact = tuple[float, Callable[[], list[Evidence]], str]


def _facts(
    answer: Answer, agenda: list[StepResult], points: list[KeyPointResult], u: Understanding
) -> dict[str, Fact]:
    m, t = answer.metrics, answer.transcript
    judged_words = sum(
        answer.utterances[i].last_word - answer.utterances[i].first_word + 1 for i in u.said
    )

    def occurrences(items: Sequence[Occurrence | Hesitation]) -> Callable[[], list[Evidence]]:
        return lambda: [
            Evidence(quote=_words_around(answer, o.start, o.end), start=o.start, end=o.end)
            for o in items[:MAX_EVIDENCE]
        ]

    def pauses() -> list[Evidence]:
        return [
            _pause_evidence(p)
            for p in sorted(m.long_pauses, key=lambda p: -p.duration)[:MAX_EVIDENCE]
        ]

    def whole() -> list[Evidence]:
        us = answer.utterances
        return [from_utterance(t, us[0]), from_utterance(t, us[-1])] if us else []

    def phases() -> list[Evidence]:
        return [
            Evidence(
                quote=f"[{span.step}] "
                + from_utterance(t, answer.utterances[span.utterances[0]]).quote,
                start=span.start,
                end=span.end,
            )
            for span in answer.phases[:MAX_EVIDENCE]
        ]

    def opening() -> list[Evidence]:
        return [from_utterance(t, answer.utterances[0])] if answer.utterances else []

    def closing() -> list[Evidence]:
        return [from_utterance(t, answer.utterances[-1])] if answer.utterances else []

    def steps(status: str) -> Callable[[], list[Evidence]]:
        return lambda: [e for s in agenda if s.status == status for e in s.evidence[:1]]

    def tradeoffs() -> list[Evidence]:
        return [_ev(answer, i) for i, _ in u.tradeoffs[: MAX_EVIDENCE * 2]]

    def hit_points() -> list[Evidence]:
        return [e for k in points if k.hit for e in k.evidence][: MAX_EVIDENCE * 2]

    share = sum(k.hit for k in points) / len(points) if points else _substance_share(u)
    worst = max(m.per_phase, key=lambda p: abs(p.share - p.budget_share), default=None)
    split = ", ".join(f"{p.step} {p.share:.0%} vs {p.budget_share:.0%}" for p in m.per_phase)

    def at(i: int) -> str:
        return f'"{_short(u.units[i].text, 14)}" at {clock(u.units[i].start)}'

    trade_detail = "; ".join(f"weighed {at(i)}" for i, _ in u.tradeoffs[:4])
    if u.unweighed:  # the major choices stated as if they were free
        left = "; ".join(at(i) for i, _ in u.unweighed[:3])
        trade_detail = "; ".join(x for x in (trade_detail, f"not weighed: {left}") if x)
    point_detail = "; ".join(
        f"{k.point.split(':')[0][:60]} ({k.similarity:.2f})" for k in points if k.hit
    )[:400]
    return {
        "words_per_minute": (m.words_per_minute, whole, ""),
        "word_count": (float(judged_words), whole, ""),
        "fillers_per_minute": (m.fillers_per_minute, occurrences(m.fillers), ""),
        "disfluencies_per_minute": (
            m.disfluencies_per_minute,
            occurrences(sorted([*m.fillers, *m.hesitations], key=lambda o: o.start)),
            "",
        ),
        "hedges_per_minute": (m.hedges_per_minute, occurrences(m.hedges), ""),
        "long_pause_count": (float(len(m.long_pauses)), pauses, ""),
        "longest_pause_s": (m.longest_pause_s, pauses, ""),
        "silence_share": (m.silence_share, pauses, ""),
        "thinking_time_s": (m.thinking_time_s, opening, ""),
        "budget_deviation": (
            m.budget_deviation,
            phases,
            f"{split}; furthest: {worst.step}" if worst else split,
        ),
        "phases_missing": (float(m.phases_missing), phases, ""),
        "unused_share": (m.unused_share, closing, ""),
        "steps_covered": (float(sum(s.status == "covered" for s in agenda)), steps("covered"), ""),
        "steps_prompted": (
            float(sum(s.status == "prompted" for s in agenda)),
            steps("prompted"),
            "",
        ),
        "steps_partial": (float(sum(s.status == "partial" for s in agenda)), steps("partial"), ""),
        "tradeoffs_weighed": (float(len(u.tradeoffs)), tradeoffs, trade_detail),
        "keypoint_share": (share, hit_points, point_detail),
    }


def _substance_share(u: Understanding) -> float:
    """Without key points (the user's own question): the share of concrete, on-topic sentences,
    a rough stand-in for depth."""
    judged = u.judged
    if not judged:
        return 0.0
    good = [i for i in judged if u.concrete[i] and i not in u.buzzwords]
    return min(1.0, len(good) / max(8, len(judged)))


def _words_around(answer: Answer, start: float, end: float, pad: int = 3) -> str:
    words = answer.transcript.words
    idx = [i for i, w in enumerate(words) if w.start >= start - 1e-6 and w.end <= end + 1e-6]
    if not idx:
        return ""
    lo, hi = max(0, idx[0] - pad), min(len(words), idx[-1] + pad + 1)
    return join_words([w.word for w in words[lo:hi]])


def _pause_evidence(p: Pause) -> Evidence:
    return Evidence(
        quote=f"{p.before} [{p.duration:.1f} s pause] {p.after}".strip(), start=p.start, end=p.end
    )


# -- criteria ---------------------------------------------------------------------------------


def _criterion(
    c: Criterion, facts: dict[str, Fact], answer: Answer, u: Understanding
) -> CriterionScore:
    points = c.base
    reasons: list[str] = []
    evidence: list[Evidence] = []
    details: list[str] = []
    for rule in c.rules:
        fired = _apply(rule, facts, answer, u)
        if fired is None:
            continue
        delta, reason, ev, detail = fired
        points += delta
        reasons.append(f"{reason} ({delta:+g})" if delta else reason)
        evidence += [e for e in ev if e not in evidence]
        if detail and detail not in details:
            details.append(detail)
    score = int(min(5, max(1, round(points))))
    if not reasons:
        reasons.append("No rule fired; the score is the rubric's base.")
    if details:
        reasons.append("Matched: " + " | ".join(details) + ".")
    if not evidence and answer.utterances:
        # Nothing to point at is itself the finding: cite the span that was searched.
        us = answer.utterances
        evidence = [
            from_utterance(answer.transcript, us[0]),
            from_utterance(answer.transcript, us[-1]),
        ]
    return CriterionScore(
        score=score,
        level=c.levels[str(score)],
        rationale=" ".join(reasons),
        evidence=evidence[: MAX_EVIDENCE * 2],
        judge="offline",
    )


def _apply(
    rule: Rule, facts: dict[str, Fact], answer: Answer, u: Understanding
) -> tuple[float, str, list[Evidence], str] | None:
    if rule.metric is not None:
        if rule.metric not in facts:
            raise ContentError(
                f"rubric rule uses unknown metric '{rule.metric}' (known: "
                f"{', '.join(sorted(facts))})"
            )
        value, evidence, detail = facts[rule.metric]
        if rule.above is not None and not value > rule.above:
            return None
        if rule.below is not None and not value < rule.below:
            return None
        limit = rule.above if rule.above is not None else rule.below
        delta = value * rule.per_unit if rule.per_unit is not None else rule.points
        try:
            say = rule.say.format(value=value, limit=limit, hits=0, detail=detail)
        except (KeyError, IndexError, ValueError) as exc:
            raise ContentError(
                f"rubric rule text '{rule.say}' has a bad placeholder ({exc})"
            ) from None
        return delta, say, evidence(), ("" if "{detail}" in rule.say else detail)
    # Phrases (signposts for clarity): only in sentences said to the interviewer (a board has
    # no signposts to earn).
    found = []
    for i in u.said:
        found += [(i, m) for m in find(u.tokens[i], rule.phrases)]
    # distinct (utterance, phrase) pairs: saying one phrase over and over earns it once per sentence
    count = len({(i, m.phrase) for i, m in found})
    if count < rule.min_hits:
        return None
    delta = count * rule.per_hit if rule.per_hit is not None else rule.points
    if rule.max_points is not None:
        delta = min(delta, rule.max_points)
    seen = list(dict.fromkeys(i for i, _ in found))[:MAX_EVIDENCE]
    return (
        delta,
        rule.say.format(value=count, limit=rule.min_hits, hits=count, detail=""),
        [_ev(answer, i) for i in seen],
        "",
    )
