"""report.html: one scored session as a single offline page you can click through and listen to.

Rendered server-side: every piece of text from the report (the transcript is user speech, judge
output may quote it) goes through html.escape here, and the page's script only seeks and plays
audio, so it never builds markup from data. Every moment on the page (a quote, a pause, a filler,
a word) carries its session-clock time in data-start and the id of the turn audio that holds it in
data-audio; the script plays that file from data-start minus the turn's start.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from interviewer.board.model import BoardTurn
from interviewer.board.snapshots import svg_bytes, svg_file
from interviewer.judge.model import CRITERIA, Evidence
from interviewer.metrics import Occurrence
from interviewer.report.markdown import FLAG_TITLE, STATUS_MEANING
from interviewer.report.model import Report
from interviewer.report.numbers import score_text
from interviewer.report.plot import progress_section
from interviewer.transcript import Word, clock, normalize

AUDIO_TYPES = {
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".m4a": "audio/mp4",
    ".webm": "audio/webm",
}
STEP_COLOURS = 6  # --step0 .. --step5 in report.css; more steps reuse them
# A word Whisper timed a hair outside its turn still belongs to it.
TURN_SLACK_S = 0.05
# Board snapshots are embedded (as images) while they total at most this; past it, each is named.
BOARD_EMBED_MB = 16.0


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _t(seconds: float) -> str:
    """Times in data attributes: always three decimals, so tests and scripts can match them."""
    return f"{seconds:.3f}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _template(name: str) -> str:
    return resources.files("interviewer.report").joinpath("templates", name).read_text("utf-8")


@dataclass
class _Turn:
    n: int
    role: str
    kind: str
    text: str
    start: float
    end: float
    audio: str | None  # the file name the report gives, if any
    src: str | None = None  # what the <audio> element loads; None when the file is missing
    label: str = ""  # "Answer 2": how the page names a candidate turn

    @property
    def player(self) -> str:
        return f"audio-{self.n}"


def _single_audio(r: Report, folder: Path) -> str | None:
    """A report without turns: its audio beside it, else its own name (shown as missing)."""
    given = Path(r.audio).name if r.audio else ""
    found = [n for n in (given, "turn-01.wav") if n and (folder / n).is_file()]
    return found[0] if found else given if Path(given).suffix.lower() in AUDIO_TYPES else None


def _load_turns(r: Report, folder: Path, embed_limit_mb: float) -> list[_Turn]:
    raw = r.turns or [
        {  # an older single-answer report: one candidate turn from 0
            "n": 0,
            "role": "candidate",
            "kind": "answer",
            "text": r.transcript.text,
            "audio": _single_audio(r, folder),
            "start": 0.0,
            "end": r.duration_s,
        }
    ]
    turns = []
    for i, row in enumerate(raw):
        # Only a bare name beside the report: a report never makes the page read other files.
        name = Path(row["audio"]).name if row.get("audio") else None
        turns.append(
            _Turn(
                n=int(row.get("n", i)),
                role=row.get("role", "candidate"),
                kind=row.get("kind", ""),
                text=row.get("text", ""),
                start=float(row.get("start", 0.0)),
                end=float(row.get("end", 0.0)),
                audio=name,
            )
        )
    for k, t in enumerate([t for t in turns if t.role == "candidate"], start=1):
        t.label = f"Answer {k}"
    files = {t.audio: folder / t.audio for t in turns if t.audio and (folder / t.audio).is_file()}
    # Embedded audio makes the page one file you can mail; past the limit it would be too heavy
    # to open, so the page points at the files beside it instead.
    embed = sum(p.stat().st_size for p in files.values()) <= embed_limit_mb * 1024 * 1024
    srcs = {name: _data_uri(path) if embed else quote(name) for name, path in files.items()}
    for t in turns:
        t.src = srcs.get(t.audio) if t.audio else None
    return turns


def _data_uri(path: Path) -> str:
    kind = AUDIO_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _filler_words(words: list[Word], fillers: list[Occurrence]) -> set[int]:
    """Indices of the words each filler is made of ("you know" is two words; Whisper may
    give the second one zero length, so times alone cannot tell where a filler ends)."""
    out: set[int] = set()
    for f in fillers:
        need = len(normalize(f.word))
        i = next((i for i, w in enumerate(words) if w.start >= f.start - 0.01), len(words))
        while need > 0 and i < len(words):
            out.add(i)
            need -= max(1, len(normalize(words[i].word)))
            i += 1
    return out


def _board_images(r: Report, folder: Path) -> dict[int, str]:
    """Answer number -> the data: URL of its board snapshot. The SVG came from the browser: it
    is only ever an <img> (which runs no script and loads nothing), never inlined markup, and
    only after svg_bytes checked it is an SVG within bounds. The file is found by the answer
    number, never by a path read from report.json."""
    out: dict[int, str] = {}
    total = 0
    for b in r.board:
        data = svg_bytes(svg_file(folder, b.answer)) if b.svg else None
        if data is None or total + len(data) > BOARD_EMBED_MB * 1024 * 1024:
            continue
        total += len(data)
        out[b.answer] = f"data:image/svg+xml;base64,{base64.b64encode(data).decode()}"
    return out


class _Page:
    def __init__(self, r: Report, turns: list[_Turn], boards: dict[int, str] | None = None):
        self.r = r
        self.turns = turns
        self.board_images = boards or {}
        self.board_of = {b.turn: b for b in r.board}  # turn n -> its board
        self.board_at = {round(b.at_s, 2): b for b in r.board}  # when it was drawn -> board
        self.answers = [t for t in turns if t.role == "candidate"]
        self.colour: dict[str, str] = {}  # step -> its colour, in agenda order
        for step in [s.step for s in r.agenda] + [p.step for p in r.metrics.per_phase]:
            self.colour.setdefault(step, f"var(--step{len(self.colour) % STEP_COLOURS})")
        self.step_name = {s.step: s.name for s in r.agenda}
        self.audible = any(t.src for t in self.answers)  # any answer you can click to hear

    def col(self, step: str) -> str:
        return self.colour.get(step, "var(--step0)")

    # -- moments ------------------------------------------------------------------------------
    def turn_at(self, t: float) -> _Turn | None:
        for turn in self.answers:
            if turn.start - TURN_SLACK_S <= t < turn.end + TURN_SLACK_S:
                return turn
        before = [a for a in self.answers if a.start <= t]
        return before[-1] if before else None

    def moment(
        self,
        kind: str,
        start: float,
        end: float,
        inner: str,
        cls: str,
        title: str = "",
        style: str = "",
        tag: str = "button",
    ) -> str:
        """A clickable moment when its turn's audio exists; the same text, inert, when not.
        Words are spans, not buttons, so the transcript still reads and copies as text."""
        turn = self.turn_at(start)
        attrs = (
            f'class="{cls}" data-kind="{kind}" data-start="{_t(start)}" data-end="{_t(end)}"'
            + (f' style="{style}"' if style else "")
        )
        if turn is None or turn.src is None:
            return f'<span {attrs} title="{esc(title)}">{inner}</span>'
        tip = f"{title} - play from {clock(start)}" if title else f"Play from {clock(start)}"
        kind_attr = ' type="button"' if tag == "button" else ""
        return (
            f'<{tag}{kind_attr} {attrs} data-audio="{turn.player}" '
            f'title="{esc(tip)}">{inner}</{tag}>'
        )

    def at(self, t: float) -> str:
        """A quote's time on the clock; typed answers have none worth showing."""
        return "" if self.r.typed else f'<span class="at">{clock(t)}</span> '

    def drawn_when(self, t: float) -> str:
        """When a board quote was drawn: "drawn at 12:40" (typed answers have no clock: "drawn
        in Answer 2")."""
        b = self.board_at.get(round(t, 2))
        if self.r.typed:
            return f"drawn in Answer {b.answer}" if b is not None else "drawn"
        return f"drawn at {clock(t)}"

    def drawn(self, start: float, inner: str, cls: str, title: str = "") -> str:
        """A moment the board showed: a link to that turn's board, never an audio moment."""
        b = self.board_at.get(round(start, 2))
        href = f' href="#board-{b.answer}"' if b is not None else ""
        return f'<a class="{cls} drawn"{href} title="{esc(title or "see the board")}">{inner}</a>'

    def quote(self, e: Evidence) -> str:
        if e.source == "board":
            return self.drawn(
                e.start,
                f'<span class="at">{esc(self.drawn_when(e.start))}:</span> <q>{esc(e.quote)}</q>',
                "q",
            )
        return self.moment(
            "quote", e.start, e.end, self.at(e.start) + f"<q>{esc(e.quote)}</q>", "q"
        )

    def quotes(self, evidence: list[Evidence]) -> str:
        if not evidence:
            return ""
        items = "".join(f"<li>{self.quote(e)}</li>" for e in evidence)
        return f'<ul class="quotes">{items}</ul>'

    # -- sections -----------------------------------------------------------------------------
    def header(self) -> str:
        r, q = self.r, self.r.question
        try:
            d = datetime.fromisoformat(r.created_at)
            when = f"{d.day} {d:%b %Y, %H:%M} {d.tzname() or ''}".strip()
        except ValueError:
            when = r.created_at
        judges = sorted({getattr(r.scores, c).judge for c in CRITERIA})
        prompt = f", prompt {r.judge.prompt}" if r.judge.prompt else ""
        judge = (
            "Judge",
            f"{r.judge.name}{prompt}"
            + (f" (criteria by {', '.join(judges)})" if judges != [r.judge.name] else ""),
        )
        rubric = ("Rubric", f"{r.judge.rubric} v{r.judge.rubric_version}, agenda {r.judge.agenda}")
        if r.typed:  # no audio: a duration or a speech model would be made up
            meta = [
                ("Date", when),
                ("Answers", f"typed, {r.metrics.word_count} words"),
                judge,
                rubric,
            ]
        else:
            meta = [
                ("Date", when),
                ("Duration", clock(r.duration_s)),
                judge,
                rubric,
                (
                    "Speech model",
                    f"{r.stt.model} on {r.stt.device}"
                    + (f" (live: {r.stt.live_model})" if r.stt.live_model else ""),
                ),
            ]
        rows = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in meta)
        ended = (
            f'<p class="ended" id="ended">Ended: {esc(r.ended.text())}.</p>'
            if r.ended is not None
            else ""
        )
        return (
            f'<header id="summary"><div class="overall" title="weighted mean of the criteria">'
            f'<span class="big">{score_text(r.scores.overall)}</span><span>/ 5 overall</span></div>'
            f'<p class="eyebrow">Mock interview report &middot; {esc(q.id)} &middot; '
            f"{esc(q.category)} / {esc(q.track)}</p>"
            f'<h1>{esc(q.text)}</h1>{ended}<dl class="meta">{rows}</dl></header>'
        )

    def scores(self) -> str:
        cards = []
        for name in CRITERIA:
            c = getattr(self.r.scores, name)
            pips = "".join(f'<i class="{"on" if i < c.score else ""}"></i>' for i in range(5))
            cards.append(
                f'<article class="card score s{c.score}" id="score-{name}">'
                f'<h3>{esc(name)} <span class="val">{c.score}/5</span></h3>'
                f'<div class="pips" aria-hidden="true">{pips}</div>'
                f'<p class="level">{esc(c.level)}</p><p>{esc(c.rationale)}</p>'
                f'<p class="by">scored by {esc(c.judge)}</p>{self.quotes(c.evidence)}</article>'
            )
        return (
            f'<section id="scores"><h2>Scores</h2><div class="grid">{"".join(cards)}</div>'
            f"</section>"
        )

    def flags(self) -> str:
        if not self.r.flags:
            return ""
        items = "".join(
            "<li>"
            + (
                self.drawn(
                    f.start,
                    f'<span class="at">{esc(self.drawn_when(f.start))}:</span> '
                    f"<q>{esc(f.quote)}</q>",
                    "q",
                )
                if f.source == "board"
                else self.moment(
                    "flag", f.start, f.end, self.at(f.start) + f"<q>{esc(f.quote)}</q>", "q"
                )
            )
            + f' <span class="kind">{esc(FLAG_TITLE[f.kind])}</span> {esc(f.note)}</li>'
            for f in self.r.flags
        )
        return (
            f'<section id="flags" class="warn"><h2>Flagged</h2><p>Sentences that earned nothing: '
            f"requests to the grader (never taken as instructions), an answer to another question, "
            f"and agenda vocabulary with no design behind it.</p><ul>{items}</ul></section>"
        )

    def agenda(self) -> str:
        cards = []
        for st in self.r.agenda:
            checks = "".join(
                f'<li class="{"hit" if c.hit else "miss"}"><span class="mark">'
                f"{'&#10003;' if c.hit else '&#10007;'}</span> {esc(c.name)} "
                + " ".join(
                    self.drawn(e.start, "drawn", "chip", e.quote)
                    if e.source == "board"
                    else self.moment(
                        "quote",
                        e.start,
                        e.end,
                        esc(e.quote[:32]) if self.r.typed else clock(e.start),
                        "chip",
                        e.quote,
                    )
                    for e in c.evidence[:3]
                )
                + "</li>"
                for c in st.checks
            )
            unhit = [k.point for k in self.r.key_points if k.step == st.step and not k.hit]
            advice = ""
            if st.status != "covered":
                items = "".join(f"<li>{esc(p)}</li>" for p in unhit)
                advice = (
                    f'<div class="advice"><h4>What a strong answer would have added</h4>'
                    f"<p>{esc(st.expect)}</p>{f'<ul>{items}</ul>' if items else ''}</div>"
                )
            elif unhit:
                items = "".join(f"<li>{esc(p)}</li>" for p in unhit)
                advice = (
                    f'<div class="advice soft"><h4>Also worth saying</h4><ul>{items}</ul></div>'
                )
            cards.append(
                f'<article class="card step {st.status}" data-step="{esc(st.step)}">'
                f'<h3><span class="swatch" style="background:{self.col(st.step)}"></span>'
                f'{esc(st.name)} <span class="status {st.status}">{st.status}</span></h3>'
                f"{f'<p class=note>{esc(st.note)}</p>' if st.note else ''}"
                f"{self.quotes(st.evidence)}"
                f"{f'<ul class=checks>{checks}</ul>' if checks else ''}{advice}</article>"
            )
        legend = (
            '<p class="legend">'
            + " ".join(
                f'<span class="status {k}">{k}</span> {esc(v)}' for k, v in STATUS_MEANING.items()
            )
            + "</p>"
        )
        return f'<section id="agenda"><h2>Agenda</h2>{legend}{"".join(cards)}</section>'

    def track(self, turn: _Turn) -> str:
        """One answer as a strip: phase band, speech against silence, long pauses, fillers."""
        m, span = self.r.metrics, max(turn.end - turn.start, 1e-6)

        def pct(t: float) -> float:
            return min(max((t - turn.start) / span * 100, 0.0), 100.0)

        def box(a: float, b: float) -> str:
            return f"left:{pct(a):.2f}%;width:{max(pct(b) - pct(a), 0.3):.2f}%"

        def inside(a: float, b: float) -> bool:
            return a < turn.end and b > turn.start

        parts = [
            f'<div class="band" style="{box(p.start, p.end)};background:{self.col(p.step)}" '
            f'title="{esc(self.step_name.get(p.step, p.step))}"></div>'
            for p in self.r.phases
            if inside(p.start, p.end)
        ]
        parts += [
            f'<div class="speech" style="{box(s.start, s.end)}"></div>'
            for s in self.r.transcript.speech_regions
            if inside(s.start, s.end)
        ]
        parts += [
            self.moment(
                "pause",
                p.start,
                p.end,
                f"{p.duration:.1f}s",
                "pause",
                f"{p.duration:.1f} s pause after \u201c{p.before}\u201d",
                box(p.start, p.end),
            )
            for p in m.long_pauses
            if turn.start <= p.start < turn.end
        ]
        parts += [
            self.moment(
                "filler",
                f.start,
                f.end,
                "",
                "filler",
                f"filler \u201c{f.word}\u201d",
                f"left:{pct(f.start):.2f}%",
            )
            for f in m.fillers
            if turn.start <= f.start < turn.end
        ]
        parts += [
            self.moment(
                "hesitation",
                h.start,
                h.end,
                "",
                "hesitation",
                f"hesitation sound, {h.duration:.1f} s (heard, not a word)",
                box(h.start, h.end),
            )
            for h in m.hesitations
            if turn.start <= h.start < turn.end
        ]
        if turn.src:  # anywhere on the strip plays from there
            attrs = (
                f'data-audio="{turn.player}" data-turn-start="{_t(turn.start)}" '
                f'data-turn-end="{_t(turn.end)}"'
            )
            nofile = ""
        else:
            attrs, nofile = "data-noaudio", '<small class="nofile">no audio</small>'
        return (
            f'<div class="trow"><div class="tlabel">{turn.label}<small>{clock(turn.start)}'
            f'&ndash;{clock(turn.end)}</small>{nofile}</div><div class="track" {attrs}>'
            f'{"".join(parts)}<div class="playhead"></div></div></div>'
        )

    def timeline(self) -> str:
        m = self.r.metrics
        if self.r.typed:
            return (
                '<section id="timeline"><h2>Timeline</h2><p class="facts">Answers were typed: '
                f"{m.word_count} words, {_count(len(m.hedges), 'hedge')}. With no audio, no "
                "thinking time, pace, pauses or fillers per minute were measured.</p></section>"
            )
        steps = "".join(
            f'<span><i style="background:{c}"></i>{esc(self.step_name.get(s, s))}</span>'
            for s, c in self.colour.items()
        )
        heard = ", ".join(m.fillers_heard) or "none"
        facts = (
            f"Thinking time before the first word {m.thinking_time_s:.1f} s &middot; "
            f"{m.words_per_minute:.0f} words a minute over {m.word_count} words &middot; "
            f"{_count(len(m.long_pauses), 'long pause')} of {m.long_pause_threshold_s:g} s "
            f"or more (longest {m.longest_pause_s:.1f} s) &middot; "
            f"{m.fillers_per_minute:.1f} fillers a minute ({esc(heard)}) &middot; "
            f"{_count(len(m.hesitations), 'hesitation sound')} &middot; "
            f"{_count(len(m.hedges), 'hedge')}"
        )
        rows = "".join(self.track(t) for t in self.answers)
        sounds = "".join(
            "<li>"
            + self.moment(
                "hesitation",
                h.start,
                h.end,
                f'<span class="at">{clock(h.start)}</span> {h.duration:.1f} s',
                "q",
                "hesitation sound",
            )
            + "</li>"
            for h in m.hesitations
        )
        heard_list = (
            f"<h3>Hesitation sounds, heard in the audio, not words</h3>"
            f'<ul class="quotes hesitations">{sounds}</ul>'
            if sounds
            else ""
        )
        return (
            f'<section id="timeline"><h2>Timeline</h2><p class="facts">{facts}</p>'
            f'<div class="tlegend"><span><i class="speech"></i>speech</span>'
            f'<span><i class="silence"></i>silence</span><span><i class="pause"></i>long pause'
            f'</span><span><i class="filler"></i>filler</span>'
            f'<span><i class="hesitation"></i>hesitation sound</span>{steps}</div>{rows}'
            + (
                '<p class="hint">Click a pause, a filler, a hesitation sound or anywhere on an '
                "answer to hear it.</p>"
                if self.audible
                else ""
            )
            + f"{heard_list}</section>"
        )

    def per_phase(self) -> str:
        m = self.r.metrics
        if not m.per_phase:
            return (
                '<section id="per-phase"><h2>Per phase</h2>'
                "<p>No agenda budget for this question.</p></section>"
            )
        if self.r.typed:
            return self.per_phase_typed()
        bars, rows = [], []
        for p in m.per_phase:
            name = esc(self.step_name.get(p.step, p.step))
            bars.append(
                f'<div class="brow"><span class="bname">{name}</span><div class="bars">'
                f'<div class="used" style="width:{p.share * 100:.1f}%;'
                f'background:{self.col(p.step)}"></div><div class="budget" '
                f'style="width:{p.budget_share * 100:.1f}%"></div></div><span class="bval">'
                f"{p.share:.0%} <small>vs {p.budget_share:.0%}</small></span></div>"
            )
            over = "over" if p.share > p.budget_share * 1.5 and p.time_s else ""
            rows.append(
                f'<tr class="{over}"><th scope="row">{name}</th>'
                f"<td>{clock(p.time_s)}</td><td>{p.share:.0%}</td>"
                f"<td>{p.budget_min:g} min ({p.budget_share:.0%})</td>"
                f"<td>{p.words_per_minute:.0f}</td><td>{p.fillers_per_minute:.1f}</td>"
                f"<td>{p.long_pauses}</td></tr>"
            )
        return (
            f'<section id="per-phase"><h2>Per phase</h2><div class="chart" role="img" '
            f'aria-label="time used per phase against the budget share">'
            f'<div class="blegend"><span><i class="used"></i>time used</span><span>'
            f'<i class="budget"></i>budget share</span></div>{"".join(bars)}</div>'
            f"<table><thead><tr><th>phase</th><th>time used</th><th>share</th><th>budget</th>"
            f'<th title="words a minute of your own speaking time in the phase">words/min</th>'
            f"<th>fillers/min</th><th>long pauses</th></tr></thead>"
            f'<tbody>{"".join(rows)}</tbody></table><p class="hint">Time split '
            f"{m.budget_deviation:.0%} away from the budget&rsquo;s shares.</p></section>"
        )

    def per_phase_typed(self) -> str:
        m = self.r.metrics
        total = sum(p.words for p in m.per_phase) or 1
        rows = "".join(
            f'<tr><th scope="row">{esc(self.step_name.get(p.step, p.step))}</th>'
            f"<td>{p.words}</td><td>{p.words / total:.0%}</td>"
            f"<td>{p.budget_min:g} min ({p.budget_share:.0%})</td></tr>"
            for p in m.per_phase
        )
        return (
            '<section id="per-phase"><h2>Per phase</h2><p class="hint">Answers were typed, so '
            "the split is by words, not time.</p><table><thead><tr><th>phase</th><th>words</th>"
            "<th>share of words</th><th>budget</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>"
        )

    def next_time(self) -> str:
        if not self.r.next_time:
            body = "<p>Nothing stands out: keep doing what you did.</p>"
        else:
            body = "<ol>" + "".join(f"<li>{esc(x)}</li>" for x in self.r.next_time) + "</ol>"
        return f'<section id="next-time"><h2>Next time</h2>{body}</section>'

    def progress(self) -> str:
        return progress_section(self.r)

    def transcript(self) -> str:
        words = self.r.transcript.words
        filler_words = _filler_words(words, self.r.metrics.fillers)
        out = []
        for turn in self.turns:
            who = "Interviewer" if turn.role == "interviewer" else f"You &middot; {turn.label}"
            kind = "" if turn.role == "candidate" else f'<span class="kind">{esc(turn.kind)}</span>'
            when = "" if self.r.typed else f"<small>{clock(turn.start)}</small>"
            head = f'<div class="who">{who}{when}{kind}</div>'
            if turn.src:
                player = (
                    f'<audio id="{turn.player}" controls preload="metadata" src="{turn.src}" '
                    f'data-label="{esc(turn.label or "Interviewer")}" '
                    f'data-start="{_t(turn.start)}" data-end="{_t(turn.end)}"></audio>'
                )
            elif turn.audio:
                player = f'<p class="missing">audio missing: {esc(turn.audio)}</p>'
            else:
                player = ""
            mine = [
                (i, w)
                for i, w in enumerate(words)
                if turn.start - TURN_SLACK_S <= w.start < turn.end
            ]
            if turn.role == "interviewer" or not mine:
                body = f"<p>{esc(turn.text)}</p>"
            else:
                pauses = [p for p in self.r.metrics.long_pauses if turn.start <= p.start < turn.end]
                spans, prev = [], ""
                for i, w in mine:
                    while pauses and pauses[0].start <= w.start:
                        p = pauses.pop(0)
                        spans.append(
                            " "
                            + self.moment(
                                "pause-inline",
                                p.start,
                                p.end,
                                f"{p.duration:.1f}s",
                                "ipause",
                                "long pause",
                            )
                        )
                    text = w.word.strip()
                    # Whisper's word pieces ("two" "-tower", "10" ",000") join without a space.
                    gap = "" if not prev or text[:1] in "-,.%'?!:;" or prev.endswith("-") else " "
                    spans.append(
                        gap
                        + self.moment(
                            "word",
                            w.start,
                            w.end,
                            esc(text),
                            "w fill" if i in filler_words else "w",
                            tag="span",
                        )
                    )
                    prev = text
                body = f'<p class="words">{"".join(spans)}</p>'
            board = self.board_of.get(turn.n) if turn.role == "candidate" else None
            if board is not None:  # the board beside what was said
                body = f'<div class="with-board"><div>{body}</div>{self.board(board)}</div>'
            out.append(
                f'<div class="turn {turn.role}" id="turn-{turn.n}">{head}{player}{body}</div>'
            )
        hint = (
            "Click any word to play from there; fillers are underlined."
            if self.audible
            else "Fillers are underlined."
        )
        return (
            f'<section id="transcript"><h2>Transcript</h2><p class="hint">{hint}</p>'
            f"{''.join(out)}</section>"
        )

    def board(self, b: BoardTurn) -> str:
        """One turn's whiteboard: the snapshot, its component graph, and what its new part
        earned. Every label is the candidate's text: escaped like the transcript."""
        src = self.board_images.get(b.answer)
        label = f"Answer {b.answer}"
        when = f"the end of {label}" + ("" if self.r.typed else f" ({clock(b.at_s)})")
        if src is not None:
            image = (
                f'<img src="{src}" alt="{esc(f"The whiteboard at the end of {label}")}" '
                'decoding="async">'
            )
        elif b.svg:
            image = f'<p class="missing">snapshot not shown: {esc(b.svg)}</p>'
        else:
            image = ""
        graph = "".join(f"<li><code>{esc(line)}</code></li>" for line in b.graph)
        earned = "".join(
            f'<li class="{"hit" if line.counted else "miss"}">'
            f'<span class="mark">{"&#10003;" if line.counted else "&#10007;"}</span> '
            f"<code>{esc(line.shown)}</code> <small>{esc(line.why)}</small></li>"
            for line in b.lines
        )
        return (
            f'<figure class="board" id="board-{b.answer}">{image}'
            f"<figcaption>The whiteboard at {esc(when)}</figcaption>"
            + (f'<h4>Component graph</h4><ul class="graph">{graph}</ul>' if graph else "")
            + (
                f'<h4>New on the board: what it earned</h4><ul class="earned">{earned}</ul>'
                if earned
                else "<p><small>Nothing new on the board since the last answer.</small></p>"
            )
            + "</figure>"
        )

    def notes(self) -> str:
        if not self.r.notes:
            return ""
        items = "".join(f"<li>{esc(n)}</li>" for n in self.r.notes)
        return f'<section id="notes"><h2>Notes</h2><ul>{items}</ul></section>'


def render_html(report: Report, folder: Path, embed_limit_mb: float = 25.0) -> str:
    """The whole page. Turn audio in `folder` is embedded as data: URIs while it totals at most
    embed_limit_mb MiB, and linked by file name (so the page must stay beside it) past that."""
    page = _Page(
        report,
        _load_turns(report, Path(folder), embed_limit_mb),
        _board_images(report, Path(folder)),
    )
    sections = (
        page.header,
        page.scores,
        page.flags,
        page.agenda,
        page.timeline,
        page.per_phase,
        page.next_time,
        page.progress,
        page.transcript,
        page.notes,
    )
    body = "".join(section() for section in sections)
    parts = {
        "title": esc(f"Interview report: {report.question.id}"),
        "body": body,
        "css": _template("report.css"),
        "js": _template("report.js"),
    }
    # One pass, so text that happens to contain "{{js}}" is never expanded again.
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], _template("report.html"))
