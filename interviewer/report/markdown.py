"""report.md: the report as a person reads it in a terminal or on GitHub."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from interviewer.judge.model import CRITERIA, Evidence, Flag
from interviewer.report.numbers import delta_text, score_text
from interviewer.transcript import clock

if TYPE_CHECKING:
    from interviewer.report.model import Report

STATUS_MARK = {
    "covered": "covered",
    "prompted": "prompted",
    "partial": "*partial*",
    "missed": "**missed**",
}
# What each status means, said the same way in every report.
STATUS_MEANING = {
    "covered": "shown unprompted, with something concrete",
    "prompted": "shown only after the interviewer asked",
    "partial": "attempted, without anything concrete",
    "missed": "not shown in anything that counts",
}
FLAG_TITLE = {
    "grader-injection": "addressed to the grader",
    "off-topic": "off-topic",
    "buzzwords": "buzzwords without a design",
}


def _quote(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _drawn(e: Evidence | Flag, typed: bool) -> str:
    """A quote of the whiteboard: drawn at 12:40: `Gateway -> Feature store -> Ranker`. Board
    text is the candidate's, typed into a browser: a code span (with no backtick in it to end
    it early) shows it as text, never as markup or a link."""
    return f"drawn{'' if typed else ' at ' + clock(e.start)}: {_code(e.quote)}"


def _code(text: str) -> str:
    return "`" + _quote(text).replace("`", "'") + "`"


def render_markdown(r: Report) -> str:
    m, s = r.metrics, r.scores
    out: list[str] = []
    # Typed answers have no clock: a time next to a quote would be made up.
    at: Callable[[float], str] = (lambda t: "") if r.typed else (lambda t: clock(t) + " ")
    add = out.append
    add(f"# Interview report: {r.question.id}\n")
    add(f"> {r.question.text}\n")
    prompt = f", prompt {r.judge.prompt}" if r.judge.prompt else ""
    judge = (
        f"Judge: {r.judge.name} (rubric {r.judge.rubric} v{r.judge.rubric_version}, "
        f"agenda {r.judge.agenda}{prompt})."
    )
    if r.typed:  # no audio: only words were measured, never time
        add(f"Typed answers, {m.word_count} words. {judge}\n")
    else:
        add(
            f"Audio `{r.audio}`, {clock(r.duration_s)} long. {judge} "
            f"Speech model: {r.stt.model} on {r.stt.device}"
            + (f" (live: {r.stt.live_model})" if r.stt.live_model else "")
            + (
                f"; transcripts by {', '.join(f'{k} ({v})' for k, v in r.stt.transcripts.items())}"
                if r.stt.transcripts
                else ""
            )
            + ".\n"
        )
    if r.ended is not None:
        add(f"Ended: {r.ended.text()}.\n")

    add(f"## Scores: overall {score_text(s.overall)} / 5\n")
    add("| criterion | score | why |\n|---|---|---|")
    for name in CRITERIA:
        c = getattr(s, name)
        add(f"| {name} | {c.score} | {_quote(c.rationale)} |")
    add("")
    for name in CRITERIA:
        c = getattr(s, name)
        add(f"**{name}** ({c.score}/5, {c.judge}): {c.level}")
        for e in c.evidence:
            add(
                f"- {_drawn(e, r.typed)}"
                if e.source == "board"
                else f'- "{_quote(e.quote)}"'
                if r.typed
                else f'- {clock(e.start)}-{clock(e.end)} "{_quote(e.quote)}"'
            )
        add("")

    if r.next_time:
        add("## Next time\n")
        for i, tip in enumerate(r.next_time, 1):
            add(f"{i}. {tip}")
        add("")

    if r.flags:
        add("## Flagged\n")
        for f in r.flags:
            if f.source == "board":
                add(f"- ({FLAG_TITLE[f.kind]}) {_drawn(f, r.typed)}: {f.note}")
            else:
                add(f'- {at(f.start)}({FLAG_TITLE[f.kind]}) "{_quote(f.quote)}": {f.note}')
        add("")

    add("## Agenda\n")
    add("; ".join(f"{k}: {v}" for k, v in STATUS_MEANING.items()) + ".\n")
    add("| step | status | evidence |\n|---|---|---|")
    for step in r.agenda:
        ev = (
            "; ".join(
                _drawn(e, r.typed) if e.source == "board" else f'{at(e.start)}"{_quote(e.quote)}"'
                for e in step.evidence[:2]
            )
            or "-"
        )
        note = f" ({_quote(step.note)})" if step.note else ""
        add(f"| {step.name} | {STATUS_MARK.get(step.status, step.status)}{note} | {ev} |")
        for c in step.checks:  # a sub-row: plain text, so it reads the same in a terminal
            add(
                f"| - {c.name} | {'yes' if c.hit else '**no**'} | "
                f"{'; '.join(_check_at(e, at) for e in c.evidence[:3]) or '-'} |"
            )
    add("")
    missed_steps = [st for st in r.agenda if st.status != "covered"]
    missed_points = [k for k in r.key_points if not k.hit]
    made = [k for k in r.key_points if k.hit]
    if made:
        add("## Key points made\n")
        for k in made:
            shown = k.evidence[0] if k.evidence else None
            said = (
                ""
                if shown is None
                else f" {_drawn(shown, r.typed)}"
                if shown.source == "board"
                else f' {at(shown.start)}"{_quote(shown.quote)}"'
            )
            add(
                f"- ({k.step}) {k.point}:{said} (similarity {k.similarity:.2f})"
                if k.similarity is not None
                else f"- ({k.step}) {k.point}:{said}"
            )
        add("")
    if missed_steps or missed_points:
        add("## What was missed\n")
        for st in missed_steps:
            add(f"- **{st.name}** ({st.status}): {st.expect}")
        for k in missed_points:
            add(f"- A strong answer would add ({k.step}): {k.point}")
        add("")

    if r.board:
        _whiteboard(r, add)

    if r.typed:
        add("## How the answer was split\n")
        add(
            "Answers were typed, so no time, pace, pauses or fillers per minute were measured. "
            "The split below is by words.\n"
        )
        if m.per_phase:
            total = sum(p.words for p in m.per_phase) or 1
            add("| phase | words | share of words | budget share |")
            add("|---|---|---|---|")
            for p in m.per_phase:
                add(f"| {p.step} | {p.words} | {p.words / total:.0%} | {p.budget_share:.0%} |")
            add("")
    else:
        add("## How the time was spent\n")
        add(
            f"Thinking time before the first word: {m.thinking_time_s:.1f} s. Pace: "
            f"{m.words_per_minute:.0f} words a minute over {m.word_count} words. Time split "
            f"{m.budget_deviation:.0%} away from the budget's shares.\n"
        )
        if m.per_phase:
            add(
                "| phase | time | share | budget share | wpm (speaking) | fillers/min | "
                "hesitation sounds | long pauses |"
            )
            add("|---|---|---|---|---|---|---|---|")
            for p in m.per_phase:
                add(
                    f"| {p.step} | {clock(p.time_s)} | {p.share:.0%} | {p.budget_share:.0%} | "
                    f"{p.words_per_minute:.0f} | {p.fillers_per_minute:.1f} | {p.hesitations} "
                    f"| {p.long_pauses} |"
                )
            add("")

        add(f"## Long pauses (at least {m.long_pause_threshold_s:g} s)\n")
        if m.long_pauses:
            for pause in m.long_pauses:
                add(
                    f"- {clock(pause.start)}-{clock(pause.end)} ({pause.duration:.1f} s) "
                    f'after "{_quote(pause.before)}"'
                )
        else:
            add("None.")
        add("")

    add("## Fillers and hedges\n")
    heard = ", ".join(f"{w} ({sum(f.word == w for f in m.fillers)})" for w in m.fillers_heard)
    if r.typed:
        add(f"Fillers typed: {heard or 'none'}. Hedges: {len(m.hedges)}.\n")
    else:
        add(
            f"Fillers heard: {heard or 'none'}; {m.fillers_per_minute:.1f} a minute. "
            f"Hedges: {len(m.hedges)} ({m.hedges_per_minute:.1f} a minute).\n"
        )
        add("### Hesitation sounds, heard in the audio, not words\n")
        if m.hesitations:
            add(
                f'{len(m.hesitations)} ({m.hesitations_per_minute:.1f} a minute): held "um", '
                '"uh" or '
                '"hmm" sounds the speech model did not write down.\n'
            )
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
        line = (
            f"Since your first {r.kind} session ({first.created_at[:10]}): overall "
            f"{score_text(first.overall)} -> {score_text(last.overall)} "
            f"({delta_text(last.overall - first.overall)})"
        )
        if not r.typed:
            line += (
                f", fillers per minute {first.fillers_per_minute:.1f} -> "
                f"{last.fillers_per_minute:.1f}, longest pause {first.longest_pause_s:.1f} s -> "
                f"{last.longest_pause_s:.1f} s"
            )
        add(line + ".\n")

    add("## Transcript\n")
    if not r.transcript.segments:
        add("(no speech)")
    for seg in r.transcript.segments:
        add(f"- {seg.text}" if r.typed else f"- [{clock(seg.start)}] {seg.text}")
    add("")
    return "\n".join(out)


def _check_at(e: Evidence, at: Callable[[float], str]) -> str:
    if e.source == "board":
        return "drawn"
    return at(e.start).strip() or "yes"


def _whiteboard(r: Report, add: Callable[[str], None]) -> None:
    """The board at each answer that saved one: its component graph, and what its new part
    earned. Labels are the candidate's text, shown as list items (escaped like quotes)."""
    # Indented code blocks: the candidate's labels read as text (one line each: no newline in a
    # label can end the block).
    add("## Whiteboard\n")
    for b in r.board:
        when = "" if r.typed else f" ({clock(b.at_s)})"
        add(f"### Answer {b.answer}{when}\n")
        if b.svg:
            add(f"Snapshot: {_code(b.svg)}.\n")
        add("Component graph:\n")
        for line in b.graph:
            add(f"    {line}")
        add("")
        if b.lines:
            add("New on the board, as the judge read it (+ counted, - not):\n")
            for item in b.lines:
                add(f"    {'+' if item.counted else '-'} {item.shown}: {item.why}")
        else:
            add("Nothing new on the board since the last answer.")
        add("")
