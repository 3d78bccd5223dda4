"""The offline judge: transparent rules read from the rubric and agenda files.

Every number it uses comes from rubrics/*.toml or rubrics/agendas/*.toml; every rule that fires
is written into the rationale with the moments that made it fire.
"""

from __future__ import annotations

from typing import Callable

from interviewer.content import Criterion, Rubric, Rule
from interviewer.errors import ContentError
from interviewer.judge import Answer
from interviewer.judge.evidence import from_utterance
from interviewer.judge.model import (
    CRITERIA, CheckResult, CriterionScore, Evidence, Flag, Judgement, KeyPointResult, Scores,
    StepResult,
)
from interviewer.metrics import Pause
from interviewer.textmatch import Match, find, tokenize
from interviewer.transcript import Utterance, join_words

MAX_EVIDENCE = 4  # quotes per finding: enough to check, few enough to read
QUESTION_WINDOW = 1 / 3  # clarifying questions count in the first third of an answer


class OfflineJudge:
    name = "offline"

    def score(self, answer: Answer, rubric: Rubric) -> Judgement:
        flags, judged = _flag_injections(answer, rubric)
        hits = _Hits(answer, judged)
        agenda = _agenda_status(answer, hits)
        key_points = [
            KeyPointResult(step=kp.step, point=kp.point, hit=bool(ev), evidence=ev)
            for kp in answer.question.key_points
            for ev in [hits.evidence(kp.cues)]
        ]
        facts = _facts(answer, agenda, hits)
        scores = {name: _criterion(rubric.criteria[name], facts, hits, answer) for name in CRITERIA}
        overall = overall_score(scores, rubric)
        return Judgement(agenda=agenda, key_points=key_points, flags=flags,
                         scores=Scores(**scores, overall=overall))


def overall_score(scores: dict[str, CriterionScore], rubric: Rubric) -> float:
    weights = {n: rubric.criteria[n].weight for n in CRITERIA}
    total = sum(weights.values()) or 1.0
    return round(sum(scores[n].score * weights[n] for n in CRITERIA) / total, 2)


# -- grader injection -------------------------------------------------------------------------


def _flag_injections(answer: Answer, rubric: Rubric) -> tuple[list[Flag], list[int]]:
    """Sentences addressed to the grader are flagged and take no further part in judging.

    Checked per whole sentence (utterances may be clauses cut at commas), so "Whoever is
    scoring this, ..., give me five." is caught as one request.
    """
    flags: list[Flag] = []
    judged: list[int] = []
    for group in _sentences(answer.utterances):
        first, last = answer.utterances[group[0]], answer.utterances[group[-1]]
        tokens = tokenize(answer.transcript.words[first.first_word:last.last_word + 1])
        found = [m.phrase for m in find(tokens, rubric.injection)]
        if not found:
            who = find(tokens, rubric.injection_addressee)
            asks = find(tokens, rubric.injection_command)
            if who and asks:
                found = [f"{who[0].phrase} ... {asks[0].phrase}"]
        if not found:
            judged += group
            continue
        for i in group:
            ev = from_utterance(answer.transcript, answer.utterances[i])
            flags.append(Flag(kind="grader-injection", quote=ev.quote, start=ev.start, end=ev.end,
                              note=f"addresses the grader ('{found[0]}'): ignored for scoring"))
    return flags, judged


def _sentences(utts: list[Utterance]) -> list[list[int]]:
    groups: list[list[int]] = [[]]
    for i, u in enumerate(utts):
        groups[-1].append(i)
        if u.text.rstrip("\"')]").endswith((".", "?", "!")):
            groups.append([])
    return [g for g in groups if g]


# -- phrase hits ------------------------------------------------------------------------------


class _Hits:
    """Phrase matches over the judged utterances, with evidence."""

    def __init__(self, answer: Answer, judged: list[int]):
        self.answer = answer
        self.judged = judged
        self._tokens = {
            i: tokenize(answer.transcript.words[u.first_word:u.last_word + 1])
            for i, u in enumerate(answer.utterances) if i in set(judged)
        }

    def matches(self, phrases: list[str], only: set[int] | None = None) -> list[tuple[int, Match]]:
        out = []
        for i in self.judged:
            if only is not None and i not in only:
                continue
            out += [(i, m) for m in find(self._tokens[i], phrases)]
        return out

    def evidence_of(self, found: list[tuple[int, Match]]) -> list[Evidence]:
        seen: list[int] = []
        for i, _ in found:
            if i not in seen:
                seen.append(i)
        return [from_utterance(self.answer.transcript, self.answer.utterances[i])
                for i in seen[:MAX_EVIDENCE]]

    def evidence(self, phrases: list[str], only: set[int] | None = None) -> list[Evidence]:
        return self.evidence_of(self.matches(phrases, only))

    def utterance(self, i: int) -> Utterance:
        return self.answer.utterances[i]


# -- agenda -----------------------------------------------------------------------------------


def _agenda_status(answer: Answer, hits: _Hits) -> list[StepResult]:
    results = []
    first_step = answer.agenda.steps[0].id
    in_first_phase = {i for span in answer.phases if span.step == first_step for i in span.utterances}
    for step in answer.agenda.steps:
        # A cue counts for its step only where the answer was in that phase: "what is the
        # latency budget?" while clarifying is not iterating on latency.
        own_phase = {i for span in answer.phases if span.step == step.id for i in span.utterances}
        found = hits.matches(step.cues, own_phase)
        if step.count_questions:
            window = answer.transcript.duration_s * QUESTION_WINDOW
            found += [(i, None) for i in hits.judged  # type: ignore[misc]
                      if hits.utterance(i).is_question and hits.utterance(i).start <= window]
        distinct = {m.phrase for _, m in found if m is not None}
        distinct |= {f"?{i}" for i, m in found if m is None}
        covered = len(distinct) >= step.min_hits
        checks = []
        if step.checks:
            # A question about data while clarifying is not a baseline's data plan.
            outside_clarify = set(hits.judged) - in_first_phase if step.id != first_step else None
            for check in step.checks:
                ev = hits.evidence(check.cues, outside_clarify)
                checks.append(CheckResult(id=check.id, name=check.name, hit=bool(ev), evidence=ev))
            covered = sum(c.hit for c in checks) >= step.min_checks
        evidence = hits.evidence_of(sorted(found, key=lambda f: f[0]))
        if not evidence:
            evidence = [e for c in checks for e in c.evidence[:1]][:MAX_EVIDENCE]
        status = "covered" if covered else "missed"
        probe_at = answer.probed.get(step.id)
        if covered and probe_at is not None:
            first_shown = min((e.start for e in evidence), default=probe_at)
            status = "prompted" if first_shown >= probe_at else "covered"
        results.append(StepResult(step=step.id, name=step.name, status=status, expect=step.expect,
                                  evidence=evidence if covered else evidence[:2], checks=checks))
    return results


# -- measured facts the rules may use --------------------------------------------------------

Fact = tuple[float, Callable[[], list[Evidence]]]


def _facts(answer: Answer, agenda: list[StepResult], hits: "_Hits") -> dict[str, Fact]:
    m, t = answer.metrics, answer.transcript
    # Words said to the interviewer: sentences addressed to the grader do not count.
    judged_words = sum(answer.utterances[i].last_word - answer.utterances[i].first_word + 1
                       for i in hits.judged)

    def occurrences(items: list) -> Callable[[], list[Evidence]]:
        return lambda: [Evidence(quote=_words_around(answer, o.start, o.end), start=o.start,
                                 end=o.end) for o in items[:MAX_EVIDENCE]]

    def pauses() -> list[Evidence]:
        return [_pause_evidence(p) for p in sorted(m.long_pauses, key=lambda p: -p.duration)[:MAX_EVIDENCE]]

    def whole() -> list[Evidence]:
        u = answer.utterances
        return [from_utterance(t, u[0]), from_utterance(t, u[-1])] if u else []

    def phases() -> list[Evidence]:
        return [Evidence(quote=f"[{span.step}] " + from_utterance(t, answer.utterances[span.utterances[0]]).quote,
                         start=span.start, end=span.end) for span in answer.phases[:MAX_EVIDENCE]]

    def opening() -> list[Evidence]:
        return [from_utterance(t, answer.utterances[0])] if answer.utterances else []

    def covered() -> list[Evidence]:
        return [e for s in agenda if s.status == "covered" for e in s.evidence[:1]]

    return {
        "words_per_minute": (m.words_per_minute, whole),
        "word_count": (float(judged_words), whole),
        "fillers_per_minute": (m.fillers_per_minute, occurrences(m.fillers)),
        "disfluencies_per_minute": (m.disfluencies_per_minute, occurrences(sorted(m.fillers + m.hesitations, key=lambda o: o.start))),  # noqa: E501
        "hedges_per_minute": (m.hedges_per_minute, occurrences(m.hedges)),
        "long_pause_count": (float(len(m.long_pauses)), pauses),
        "longest_pause_s": (m.longest_pause_s, pauses),
        "silence_share": (m.silence_share, pauses),
        "thinking_time_s": (m.thinking_time_s, opening),
        "budget_deviation": (m.budget_deviation, phases),
        "phases_missing": (float(m.phases_missing), phases),
        "steps_covered": (float(sum(s.status == "covered" for s in agenda)), covered),
    }


def _words_around(answer: Answer, start: float, end: float, pad: int = 3) -> str:
    words = answer.transcript.words
    idx = [i for i, w in enumerate(words) if w.start >= start - 1e-6 and w.end <= end + 1e-6]
    if not idx:
        return ""
    lo, hi = max(0, idx[0] - pad), min(len(words), idx[-1] + pad + 1)
    return join_words([w.word for w in words[lo:hi]])


def _pause_evidence(p: Pause) -> Evidence:
    return Evidence(quote=f"{p.before} [{p.duration:.1f} s pause] {p.after}".strip(),
                    start=p.start, end=p.end)


# -- criteria ---------------------------------------------------------------------------------


def _criterion(c: Criterion, facts: dict[str, Fact], hits: _Hits, answer: Answer) -> CriterionScore:
    points = c.base
    reasons: list[str] = []
    evidence: list[Evidence] = []
    for rule in c.rules:
        fired = _apply(rule, facts, hits)
        if fired is None:
            continue
        delta, reason, ev = fired
        points += delta
        reasons.append(f"{reason} ({delta:+g})" if delta else reason)
        evidence += [e for e in ev if e not in evidence]
    score = int(min(5, max(1, round(points))))
    if not reasons:
        reasons.append("No rule fired; the score is the rubric's base.")
    if not evidence and answer.utterances:
        # Nothing to point at is itself the finding: cite the span that was searched.
        u = answer.utterances
        evidence = [from_utterance(answer.transcript, u[0]), from_utterance(answer.transcript, u[-1])]
    return CriterionScore(score=score, level=c.levels[str(score)], rationale=" ".join(reasons),
                          evidence=evidence[:MAX_EVIDENCE * 2], judge="offline")


def _apply(rule: Rule, facts: dict[str, Fact], hits: _Hits) -> tuple[float, str, list[Evidence]] | None:
    if rule.metric is not None:
        if rule.metric not in facts:
            raise ContentError(f"rubric rule uses unknown metric '{rule.metric}' (known: {', '.join(sorted(facts))})")
        value, evidence = facts[rule.metric]
        if rule.above is not None and not value > rule.above:
            return None
        if rule.below is not None and not value < rule.below:
            return None
        limit = rule.above if rule.above is not None else rule.below
        delta = value * rule.per_unit if rule.per_unit is not None else rule.points
        return delta, rule.say.format(value=value, limit=limit, hits=0), evidence()
    found = hits.matches(rule.phrases)
    # distinct (utterance, phrase) pairs: saying one phrase over and over earns it once per sentence
    count = len({(i, m.phrase) for i, m in found})
    if count < rule.min_hits:
        return None
    delta = count * rule.per_hit if rule.per_hit is not None else rule.points
    if rule.max_points is not None:
        delta = min(delta, rule.max_points)
    return delta, rule.say.format(value=count, limit=rule.min_hits, hits=count), hits.evidence_of(found)
