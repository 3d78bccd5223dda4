""" "Next time": the three changes that would raise the score most, from what the report measured.

Each candidate change carries an estimate of the points it would win (coverage gains a point per
step shown unprompted; a speech habit over the rubric's limit costs the points its rule takes);
the list is the three largest, most valuable first. Plain rules, so the advice can be checked;
their limits are the rubric's [advice] table, like every other threshold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from interviewer.content import Advice
from interviewer.transcript import clock

if TYPE_CHECKING:
    from interviewer.report.model import Report

MAX_ITEMS = 3


def next_time(r: Report, limits: Advice | None = None) -> list[str]:
    limits = limits or Advice()
    m, s = r.metrics, r.scores
    ideas: list[tuple[float, str]] = []
    missed = [st for st in r.agenda if st.status == "missed"]
    if len(missed) == 1:
        ideas.append(
            (1.0, f"Cover {missed[0].name.lower()} without being asked: {missed[0].expect}")
        )
    elif missed:  # one item: the habit to build is walking the whole agenda
        names = ", ".join(st.name.lower() for st in missed)
        ideas.append(
            (
                float(len(missed)),
                f"Walk the agenda out loud, unprompted: {names} did not "
                f"count. Start with: {missed[0].expect}",
            )
        )
    for st in r.agenda:
        if st.status == "partial":
            ideas.append(
                (
                    0.8,
                    f"Make {st.name.lower()} concrete for this question "
                    f"({st.note.split(';')[0]}): {st.expect}",
                )
            )
        if st.status == "prompted":
            ideas.append(
                (0.9, f"Bring up {st.name.lower()} before the interviewer has to ask: {st.expect}")
            )
    if s.tradeoffs.score <= limits.tradeoffs_score:
        ideas.append(
            (
                min(2.0, 4 - s.tradeoffs.score) * 0.8,
                "Name the trade-off of each major choice: what it costs (latency, money, "
                "accuracy, freshness) and which alternative you turned down.",
            )
        )
    if m.long_pauses:
        longest = max(m.long_pauses, key=lambda p: p.duration)
        ideas.append(
            (
                0.5 + 0.2 * min(len(m.long_pauses), 5),
                f"Think out loud through silences: {len(m.long_pauses)} pause(s) of "
                f"{m.long_pause_threshold_s:g} s or more, the longest {longest.duration:.1f} s at "
                f"{clock(longest.start)}. Say what you are weighing.",
            )
        )
    if m.fillers_per_minute > limits.fillers_per_minute and not r.typed:
        words = ", ".join(f'"{w}"' for w in m.fillers_heard[:4])
        ideas.append(
            (
                0.6 + min(m.fillers_per_minute, 12) / 20,
                f"Cut fillers ({m.fillers_per_minute:.1f} a minute: {words}); a short silent "
                "pause sounds more confident.",
            )
        )
    if m.hedges_per_minute > limits.hedges_per_minute:
        ideas.append(
            (
                0.5,
                f"Commit to choices: {len(m.hedges)} hedges (maybe, I think, probably). "
                "State an assumption and move on.",
            )
        )
    if m.thinking_time_s > limits.thinking_time_s and not r.typed:
        ideas.append(
            (
                0.6,
                f"Start sooner: {m.thinking_time_s:.0f} s passed before your first word. "
                "Open with a clarifying question while you think.",
            )
        )
    if m.budget_deviation > limits.budget_deviation and m.per_phase:
        if r.typed:  # typed answers were never timed: the split is by words, as the report shows
            total = sum(p.words for p in m.per_phase) or 1
            share = {p.step: p.words / total for p in m.per_phase}
            what, it = "Rebalance your answer", "of your words"
        else:
            share = {p.step: p.share for p in m.per_phase}
            what, it = "Rebalance your time", "of it"
        worst = max(m.per_phase, key=lambda p: abs(share[p.step] - p.budget_share))
        more = "less" if share[worst.step] > worst.budget_share else "more"
        ideas.append(
            (
                0.7,
                f"{what}: {worst.step} took {share[worst.step]:.0%} {it} against "
                f"{worst.budget_share:.0%} budgeted; spend {more} there.",
            )
        )
    for kp in r.key_points:
        if not kp.hit:
            ideas.append((0.3, f"Mention ({kp.step}): {kp.point}"))
    ideas.sort(key=lambda x: -x[0])  # stable: agenda order breaks ties
    return [text for _, text in ideas[:MAX_ITEMS]]
