"""What the terminal prints when a report is ready: the same few lines after `answer`,
`practice` and `demo`, so every command ends the same way."""

from __future__ import annotations

from pathlib import Path

from interviewer.judge.model import CRITERIA
from interviewer.report.model import Report
from interviewer.report.numbers import score_text

MAX_TIPS = 3


# How a criterion is named on the terminal, where its id would read oddly.
SHORT_NAMES = {"tradeoffs": "trade-offs"}


def scores_line(r: Report) -> str:
    """Overall, then every criterion (judge.model.CRITERIA: adding one adds it here)."""
    s = r.scores
    parts = [f"{SHORT_NAMES.get(c, c)} {getattr(s, c).score}" for c in CRITERIA]
    return f"overall {score_text(s.overall)}/5  " + "  ".join(parts)


def agenda_line(r: Report) -> str:
    return "agenda: " + ", ".join(f"{a.step} {a.status}" for a in r.agenda)


def summary_lines(r: Report, json_path: Path) -> list[str]:
    """Overall, agenda, why it ended, the top "next time" items, then where the page is."""
    out = [scores_line(r), agenda_line(r)]
    if r.ended is not None:
        out.append(f"ended: {r.ended.text()}")
    if r.next_time:
        out.append("next time:")
        out += [f"  {i}. {tip}" for i, tip in enumerate(r.next_time[:MAX_TIPS], 1)]
    out.append(f"open the report: {json_path.with_suffix('.html')}")
    return out
