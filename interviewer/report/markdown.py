"""report.md: the report as a person reads it in a terminal or on GitHub."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interviewer.judge.model import CRITERIA

if TYPE_CHECKING:
    from interviewer.report.model import Report

STATUS_MARK = {"covered": "covered", "prompted": "prompted", "missed": "**missed**"}


def clock(seconds: float) -> str:
    """42.37 -> '0:42.4'"""
    minutes, secs = divmod(max(0.0, seconds), 60)
    return f"{int(minutes)}:{secs:04.1f}"


def _quote(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(r: Report) -> str:
    m, s = r.metrics, r.scores
    out: list[str] = []
    add = out.append
    add(f"# Interview report: {r.question.id}\n")
    add(f"> {r.question.text}\n")
    prompt = f", prompt {r.judge.prompt}" if r.judge.prompt else ""
    add(f"Audio `{r.audio}`, {clock(r.duration_s)} long. Judge: {r.judge.name} "
        f"(rubric {r.judge.rubric} v{r.judge.rubric_version}, agenda {r.judge.agenda}{prompt}). "
        f"Speech model: {r.stt.model} on {r.stt.device}"
        + (f" (live: {r.stt.live_model})" if r.stt.live_model else "")
        + (f"; transcripts by {', '.join(f'{k} ({v})' for k, v in r.stt.transcripts.items())}"
           if r.stt.transcripts else "") + ".\n")

    add(f"## Scores: overall {s.overall:.1f} / 5\n")
    add("| criterion | score | why |\n|---|---|---|")
    for name in CRITERIA:
        c = getattr(s, name)
        add(f"| {name} | {c.score} | {_quote(c.rationale)} |")
    add("")
    for name in CRITERIA:
        c = getattr(s, name)
        add(f"**{name}** ({c.score}/5, {c.judge}): {c.level}")
        for e in c.evidence:
            add(f"- {clock(e.start)}-{clock(e.end)} \"{_quote(e.quote)}\"")
        add("")

    if r.next_time:
        add("## Next time\n")
        for i, tip in enumerate(r.next_time, 1):
            add(f"{i}. {tip}")
        add("")

    if r.flags:
        add("## Flagged\n")
        for f in r.flags:
            add(f"- {clock(f.start)} \"{_quote(f.quote)}\": {f.note}")
        add("")

    add("## Agenda\n")
    add("| step | status | evidence |\n|---|---|---|")
    for step in r.agenda:
        ev = "; ".join(f"{clock(e.start)} \"{_quote(e.quote)}\"" for e in step.evidence[:2]) or "-"
        add(f"| {step.name} | {STATUS_MARK[step.status]} | {ev} |")
        for c in step.checks:
            add(f"| &nbsp;&nbsp;{c.name} | {'yes' if c.hit else '**no**'} | "
                f"{'; '.join(clock(e.start) for e in c.evidence[:3]) or '-'} |")
    add("")
    missed_steps = [st for st in r.agenda if st.status != "covered"]
    missed_points = [k for k in r.key_points if not k.hit]
    if missed_steps or missed_points:
        add("## What was missed\n")
        for st in missed_steps:
            add(f"- **{st.name}** ({st.status}): {st.expect}")
        for k in missed_points:
            add(f"- A strong answer would add ({k.step}): {k.point}")
        add("")

    add("## How the time was spent\n")
    add(f"Thinking time before the first word: {m.thinking_time_s:.1f} s. Pace: "
        f"{m.words_per_minute:.0f} words a minute over {m.word_count} words. Time split "
        f"{m.budget_deviation:.0%} away from the budget's shares.\n")
    if m.per_phase:
        add("| phase | time | share | budget share | wpm | fillers/min | hesitation sounds | long pauses |")
        add("|---|---|---|---|---|---|---|---|")
        for p in m.per_phase:
            add(f"| {p.step} | {clock(p.time_s)} | {p.share:.0%} | {p.budget_share:.0%} | "
                f"{p.words_per_minute:.0f} | {p.fillers_per_minute:.1f} | {p.hesitations} | {p.long_pauses} |")
        add("")

    add(f"## Long pauses (at least {m.long_pause_threshold_s:g} s)\n")
    if m.long_pauses:
        for p in m.long_pauses:
            add(f"- {clock(p.start)}-{clock(p.end)} ({p.duration:.1f} s) after \"{_quote(p.before)}\"")
    else:
        add("None.")
    add("")

    add("## Fillers and hedges\n")
    heard = ", ".join(f"{w} ({sum(f.word == w for f in m.fillers)})" for w in m.fillers_heard)
    add(f"Fillers heard: {heard or 'none'}; {m.fillers_per_minute:.1f} a minute. "
        f"Hedges: {len(m.hedges)} ({m.hedges_per_minute:.1f} a minute).\n")
    add("### Hesitation sounds, heard in the audio, not words\n")
    if m.hesitations:
        add(f"{len(m.hesitations)} ({m.hesitations_per_minute:.1f} a minute): held \"um\", \"uh\" or "
            "\"hmm\" sounds the speech model did not write down.\n")
        for h in m.hesitations:
            add(f"- {clock(h.start)}-{clock(h.end)} ({h.duration:.1f} s)")
    else:
        add("None.")
    add("")
    for note in r.notes:
        add(f"_{note}_\n")

    if len(r.progress) >= 2:
        first, last = r.progress[0], r.progress[-1]
        add("## Progress\n")
        add(f"Since your first session ({first.created_at[:10]}): overall {first.overall:.1f} -> "
            f"{last.overall:.1f}, fillers per minute {first.fillers_per_minute:.1f} -> "
            f"{last.fillers_per_minute:.1f}, longest pause {first.longest_pause_s:.1f} s -> "
            f"{last.longest_pause_s:.1f} s.\n")

    add("## Transcript\n")
    if not r.transcript.segments:
        add("(no speech)")
    for seg in r.transcript.segments:
        add(f"- [{clock(seg.start)}] {seg.text}")
    add("")
    return "\n".join(out)
