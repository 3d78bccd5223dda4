"""What each sentence the board said earned, in words, for the report: the steps, checks and key
points it is evidence for, or why it earned nothing (a repeat of what was said, buzzwords, not
concrete to the question, addressed to the grader)."""

from __future__ import annotations

from collections.abc import Sequence

from interviewer.board.model import BoardTurn
from interviewer.content import Agenda, Meaning, Question
from interviewer.meaning import Understanding
from interviewer.transcript import clock

POINT_CHARS = 60  # a key point is named by its opening words


def board_verdicts(
    boards: Sequence[BoardTurn], u: Understanding, agenda: Agenda, question: Question, m: Meaning
) -> None:
    """Fill in each board line's `counted` and `why` (lines are in the order the understanding
    read them: turn by turn)."""
    drawn = [i for i, unit in enumerate(u.units) if unit.drawn]
    lines = [line for b in boards for line in b.lines]
    for i, line in zip(drawn, lines, strict=True):
        line.counted, line.why = _verdict(u, i, agenda, question, m)


def _verdict(
    u: Understanding, i: int, agenda: Agenda, question: Question, m: Meaning
) -> tuple[bool, str]:
    if i in u.flagged:
        return False, f"{u.flagged[i]}: ignored for scoring"
    if i in u.repeats:
        j = u.repeats[i]
        what = "drawn" if u.units[j].drawn else "said"
        return False, f"repeats what was {what} at {clock(u.units[j].start)}: counted once"
    if i in u.buzzwords:
        return False, "names terms with no design behind them: earns nothing"
    if u.on_topic is not None and u.on_topic[i] < m.sentence_relevance_min:
        return False, "not about this question: earns nothing"
    if not u.concrete[i]:
        return False, "nothing in it concrete to this question: earns nothing"
    names = {s.id: s.name for s in agenda.steps}
    found: list[str] = []
    for s in u.steps:
        if i in s.evidence:
            found.append(f"{names.get(s.step, s.step)} ({s.status})")
        step = next((st for st in agenda.steps if st.id == s.step), None)
        checks = {c.id: c.name for c in step.checks} if step is not None else {}
        found += [f"check: {checks.get(c, c).lower()}" for c, us in s.checks.items() if i in us]
    for h in u.points:
        if h.unit == i and 0 <= h.point < len(question.key_points):
            point = question.key_points[h.point].point
            short = point if len(point) <= POINT_CHARS else point[: POINT_CHARS - 1] + "…"
            found.append(f"key point: {short}")
    if not found:
        return False, "shows no step, check or key point clearly"
    return True, "evidence for " + "; ".join(found)
