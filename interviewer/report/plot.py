"""The report's progress plot: overall and fillers per minute over sessions, as inline SVG."""

from __future__ import annotations

import html

from interviewer.report.model import Report
from interviewer.report.numbers import delta_text, score_text


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def progress_section(r: Report) -> str:
    """Overall and fillers per minute over the earlier sessions of the same kind."""
    pts = r.progress
    if len(pts) < 2:
        return ""
    w, h, left, right, top, bottom = 640, 220, 40, 48, 16, 34
    fmax = max(max(p.fillers_per_minute for p in pts), 1.0)

    def x(i: int) -> float:
        return left + i * (w - left - right) / (len(pts) - 1)

    def y(v: float, top_value: float) -> float:  # overall on 0-5, fillers on 0-fmax
        return top + (1 - v / top_value) * (h - top - bottom)

    grid = "".join(
        f'<line class="grid" x1="{left}" x2="{w - right}" y1="{y(v, 5):.1f}" '
        f'y2="{y(v, 5):.1f}"/><text class="ax" x="{left - 8}" '
        f'y="{y(v, 5) + 4:.1f}" text-anchor="end">{v}</text>'
        for v in range(6)
    )
    grid += "".join(
        f'<text class="ax" x="{w - right + 8}" y="{y(v, fmax) + 4:.1f}">{v:g}</text>'
        for v in (round(fmax, 1), 0)
    )
    series = (
        ("l-overall", [y(p.overall, 5) for p in pts]),
        ("l-fillers", [y(p.fillers_per_minute, fmax) for p in pts]),
    )
    lines = "".join(
        f'<polyline class="{cls}" points="'
        + " ".join(f"{x(i):.1f},{v:.1f}" for i, v in enumerate(ys))
        + '"/>'
        for cls, ys in series
    )
    dots = "".join(
        f'<circle class="l-overall" cx="{x(i):.1f}" cy="{y(p.overall, 5):.1f}" r="4"><title>'
        f"{esc(p.session)} ({esc(p.created_at[:10])}): overall {score_text(p.overall)}, "
        f"{p.fillers_per_minute:.1f} fillers/min</title></circle>"
        f'<circle class="l-fillers" cx="{x(i):.1f}" cy="{series[1][1][i]:.1f}" r="3"/>'
        f'<text class="ax" x="{x(i):.1f}" y="{h - 12}" text-anchor="middle">{i + 1}</text>'
        for i, p in enumerate(pts)
    )
    a, b = pts[0], pts[-1]
    since = (
        f"Since your first {esc(r.kind)} session: overall {score_text(a.overall)} "
        f"&rarr; {score_text(b.overall)} ({delta_text(b.overall - a.overall)})"
    )
    if not r.typed:
        since += (
            f", fillers per minute {a.fillers_per_minute:.1f} &rarr; {b.fillers_per_minute:.1f}"
        )
    return (
        f'<section id="progress"><h2>Progress</h2><p class="since">{since}.</p>'
        f'<svg class="plot" viewBox="0 0 {w} {h}" role="img" aria-label="overall score '
        f'and fillers per minute over sessions">{grid}{lines}{dots}</svg>'
        f'<div class="blegend"><span><i class="l-overall"></i>overall (0-5, left)</span>'
        f'<span><i class="l-fillers"></i>fillers per minute (right)</span>'
        f"<span>sessions, oldest first</span></div></section>"
    )
