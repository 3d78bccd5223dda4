"""The LLM judge: rubric scores from any OpenAI-compatible model, checked before they are used.

The offline judge still runs first: agenda status, key points, grader-injection flags and a
fallback score for every criterion. The LLM sees the transcript as delimited data (with flagged
sentences removed), what the whiteboard shows (as the offline judge reads it, flagged text
removed) and the measured facts as facts; a quote of the board is cited as drawn. Each
criterion it returns is used only if the score is an integer 1-5, at least one quote is really
in the transcript or on the board (quotes that are not are dropped and counted), and the
score is not implausibly far above what the measured evidence supports; otherwise that
criterion falls back to the offline score, and the report says so.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from interviewer.content import Rubric
from interviewer.judge import Answer
from interviewer.judge.evidence import locate, locate_drawn
from interviewer.judge.model import CRITERIA, CriterionScore, Evidence, Judgement, Scores
from interviewer.judge.offline import OfflineJudge, buzzword_share, overall_score
from interviewer.llm.client import LlmClient, LlmFailure
from interviewer.llm.prompts import as_data, load_prompt
from interviewer.transcript import clock

# An LLM score this far above the offline score is treated as the model being talked into it
# (or hallucinating) rather than judging: the offline score stands.
IMPLAUSIBLE_GAP = 3
MIN_QUOTE_WORDS = 3  # a quote shorter than this proves nothing


class CriterionReply(BaseModel):
    score: int = Field(strict=True)  # "5" (a string) is not a score
    rationale: str
    quotes: list[str] = Field(default_factory=list)


class ScoreReply(BaseModel):
    criteria: dict[str, CriterionReply]
    addressed_grader: bool = False


class LlmJudge:
    def __init__(self, client: LlmClient, fallback: OfflineJudge | None = None):
        self.client = client
        self.fallback = fallback or OfflineJudge()
        self.name = f"llm:{client.o.model}"
        self.prompt = load_prompt("judge", "score")

    def score(self, answer: Answer, rubric: Rubric) -> Judgement:
        offline = self.fallback.score(answer, rubric)
        notes: list[str] = []
        try:
            reply = self.client.structured(
                self._messages(answer, rubric, offline), ScoreReply, "interview_scores"
            )
        except LlmFailure as exc:
            notes.append(
                f"LLM judge ({self.client.o.model}) failed ({exc.kind}); every criterion "
                "was scored by the offline judge."
            )
            return offline.model_copy(
                update={"notes": offline.notes + notes, "prompt": self.prompt.id}
            )

        # Only what was said to the grader is removed; an off-topic or buzzword flag marks a
        # judgement about the answer, not words to hide from the judge.
        flagged = [
            (f.start, f.end)
            for f in offline.flags
            if f.kind == "grader-injection" and f.source == "talk"
        ]
        scores: dict[str, CriterionScore] = {}
        dropped = 0
        for name in CRITERIA:
            fallback = getattr(offline.scores, name)
            got = reply.criteria.get(name)
            if got is None:
                scores[name] = self._fallback(fallback, "the LLM gave no score", notes, name)
                continue
            if not 1 <= got.score <= 5:
                scores[name] = self._fallback(
                    fallback, f"the LLM's score {got.score} is outside 1-5", notes, name
                )
                continue
            evidence: list[Evidence] = []
            for q in got.quotes:
                if len(q.split()) < MIN_QUOTE_WORDS:
                    dropped += 1  # one or two words are found anywhere: not evidence
                    continue
                ev = locate(q, answer.transcript) or locate_drawn(q, answer.understanding)
                if ev is None or any(
                    a - 0.01 <= ev.start and ev.end <= b + 0.01 for a, b in flagged
                ):
                    dropped += 1  # not said, or said to the grader: not evidence
                elif ev not in evidence:
                    evidence.append(ev)
            if not evidence:
                scores[name] = self._fallback(
                    fallback, "none of the LLM's quotes are in the transcript", notes, name
                )
                continue
            if got.score - fallback.score >= IMPLAUSIBLE_GAP:
                scores[name] = self._fallback(
                    fallback,
                    f"the LLM's {got.score} is far above what the measured evidence supports",
                    notes,
                    name,
                )
                continue
            scores[name] = CriterionScore(
                score=got.score,
                level=rubric.criteria[name].levels[str(got.score)],
                rationale=got.rationale.strip(),
                evidence=evidence,
                judge=self.name,
            )
        if dropped:
            notes.append(
                f"{dropped} quote(s) from the LLM judge were not in the transcript (or were "
                "addressed to the grader) and were dropped."
            )
        if reply.addressed_grader and not offline.flags:
            notes.append(
                "The LLM judge reports text addressed to the grader that the phrase lists "
                "did not catch; it earned nothing."
            )
        u = answer.understanding
        off_topic = u is not None and u.relevance is not None and u.relevance.off_topic
        if off_topic:  # the LLM scores the content; whether it answers this question is measured
            for name in ("coverage", "depth"):
                if scores[name].judge != "offline":
                    scores[name] = getattr(offline.scores, name)
        overall, why = overall_score(scores, rubric, off_topic, buzzword_share(u) if u else 0.0)
        return Judgement(
            agenda=offline.agenda,
            key_points=offline.key_points,
            flags=offline.flags,
            scores=Scores(**scores, overall=overall),
            notes=offline.notes + notes + ([why] if why and why not in offline.notes else []),
            prompt=self.prompt.id,
        )

    @staticmethod
    def _fallback(offline: CriterionScore, why: str, notes: list[str], name: str) -> CriterionScore:
        notes.append(f"{name}: {why}; the offline judge's score is used.")
        return offline.model_copy(update={"judge": f"offline (LLM fallback: {why})"})

    def _messages(self, answer: Answer, rubric: Rubric, offline: Judgement) -> list[dict[str, str]]:
        flagged = {
            (f.start, f.end)
            for f in offline.flags
            if f.kind == "grader-injection" and f.source == "talk"
        }
        lines = []
        for u in answer.utterances:
            text = u.text
            if any(a - 0.01 <= u.start and u.end <= b + 0.01 for a, b in flagged):
                text = "[removed: addressed to the grader]"
            lines.append(f"[{clock(u.start)}-{clock(u.end)}] {as_data(text)}")
        m = answer.metrics
        facts = [
            f"- duration {m.duration_s:.0f} s; speaking {m.speaking_span_s:.0f} s; "
            f"{m.word_count} words; "
            f"{m.words_per_minute:.0f} words per minute",
            f"- thinking time before the first word: {m.thinking_time_s:.1f} s",
            f"- long pauses (>= {m.long_pause_threshold_s:g} s): {len(m.long_pauses)}"
            + "".join(f"; {clock(p.start)} for {p.duration:.1f} s" for p in m.long_pauses[:8]),
            f"- fillers heard: {len(m.fillers)} ({m.fillers_per_minute:.1f} per minute); hedges: "
            f"{len(m.hedges)} ({m.hedges_per_minute:.1f} per minute)",
            "- time per phase vs budget share: "
            + "; ".join(
                f"{p.step} {p.time_s:.0f} s ({p.share:.0%} vs {p.budget_share:.0%})"
                for p in m.per_phase
            ),
            "- agenda steps (measured by meaning): "
            + ", ".join(f"{s.step} {s.status}" for s in offline.agenda),
        ]
        criteria = []
        for name in CRITERIA:
            c = rubric.criteria[name]
            levels = "; ".join(f"{k}: {v}" for k, v in sorted(c.levels.items()))
            criteria.append(f"- {name} ({c.name}): {c.description} Levels: {levels}")
        board = [
            f"[{clock(u.start)}] {as_data(u.shown or u.text)}"
            for i, u in enumerate(answer.understanding.units)
            if u.drawn and i not in answer.understanding.flagged
        ]
        prompt = self.prompt.render(
            question=as_data(answer.question.text),
            board="\n".join(board) or "(nothing drawn)",
            agenda="\n".join(f"- {s.id}: {s.expect}" for s in answer.agenda.steps),
            key_points="\n".join(f"- {k.point}" for k in answer.question.key_points)
            or "- (none given)",
            criteria="\n".join(criteria),
            facts="\n".join(facts),
            transcript="\n".join(lines),
        )
        return [
            {
                "role": "system",
                "content": "You are a careful, strict interview grader. You reply with JSON only.",
            },
            {"role": "user", "content": prompt},
        ]
