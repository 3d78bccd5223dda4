"""`interviewer demo`: two complete mock interviews, offline, on bundled example answers.

The example candidates are built in, in interviewer/builtin/examples/ (spoken by espeak-ng from
examples.toml, see scripts/make_examples.py):
a strong one and a weak one, one FLAC per turn. Each goes through the real interview graph as
`practice --answers` would, with both sides' lines printed. Each candidate is a real session
folder beside the demo folder (<out>-strong, <out>-weak), so `sessions`, `replay` and `report`
work on it; the demo folder holds a report that puts the two side by side.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from interviewer.audio.mic import WavMicrophone
from interviewer.audio.voice import SilentVoice
from interviewer.content import get_question, load_agenda, load_rubric
from interviewer.errors import ContentError, SessionError
from interviewer.files import atomic_write_json, atomic_write_text, disk_full
from interviewer.interview.graph import Deps
from interviewer.interview.lines import load_lines
from interviewer.interview.practice import Practice
from interviewer.judge.model import CRITERIA
from interviewer.report import Report
from interviewer.report.numbers import score_text
from interviewer.report.summary import summary_lines
from interviewer.scoring import publish
from interviewer.session import Session
from interviewer.settings import InterviewOptions, Paths, SttOptions
from interviewer.stt import WhisperTranscriber
from interviewer.transcript import clock

# The demo's recorded answers last about three minutes: the session is sized to them, so timing
# judges how the time was spent, not that a 45-minute slot was left empty.
DEMO_MINUTES = 3.0


def load_examples(directory: Path | None = None) -> tuple[str, list[dict[str, Any]]]:
    manifest = (directory or Paths().examples) / "examples.toml"
    if not manifest.is_file():
        raise ContentError(f"no example answers at {manifest}")
    data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    return data["question"], data["candidates"]


def run_demo(out: Path, stt: SttOptions = SttOptions(), examples: Path | None = None) -> Path:
    examples = examples or Paths().examples
    question_id, candidates = load_examples(examples)
    question = get_question(question_id)
    try:  # before the model loads: a folder that cannot be made fails at once, in one line
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise disk_full(exc, out) or SessionError(
            f"cannot create {out} ({exc.strerror or exc}): set INTERVIEWER_HOME or --out to a "
            "folder you can write"
        ) from None
    transcriber = WhisperTranscriber(stt)  # one model load for both interviews
    transcriber.load()
    info = transcriber.info()
    reports: list[tuple[str, Report, Path]] = []
    for candidate in candidates:
        label = candidate["label"]
        # A session of its own, beside the demo folder: recordings/<id>/ like any session.
        session = Session(f"{out.name}-{label}", out.parent / f"{out.name}-{label}")
        session.dir.mkdir(parents=True, exist_ok=True)
        print(f"\n=== {label} candidate (session {session.id}) ===")
        deps = Deps(
            session_dir=session.dir,
            question=question,
            agenda=load_agenda(question.agenda),
            rubric=load_rubric(),
            lines=load_lines(),
            transcriber=transcriber,
            options=InterviewOptions(minutes=DEMO_MINUTES),
            stt=info,
        )
        mic = WavMicrophone([examples / t["file"] for t in candidate["turns"]])
        run = Practice(
            session=session,
            deps=deps,
            voice=SilentVoice(),
            mic=mic,
            minutes=DEMO_MINUTES,
            candidate_label=f"{label} candidate",
            settings={"input": "answers", "voice": False, "demo": True},
        )
        report_json = run.run()
        report = Report.model_validate_json(report_json.read_text())
        report.demo = True  # kept out of the user's own progress
        publish(report, session.dir)
        reports.append((label, report, report_json.with_suffix(".md")))
        print("\n".join(summary_lines(report, report_json)))
    md = atomic_write_text(out / "report.md", _session_markdown(question.text, reports, out))
    # demo.json, not session.json: this folder is not a session `replay` could play.
    atomic_write_json(
        out / "demo.json",
        {
            "question": question.id,
            "candidates": [
                {"label": label, "session": md.parent.name, "overall": r.scores.overall}
                for label, r, md in reports
            ],
        },
    )
    return md


def _session_markdown(text: str, reports: list[tuple[str, Report, Path]], out: Path) -> str:
    lines = [
        "# Demo: two mock interviews on one question\n",
        f"> {text}\n",
        "| candidate | overall | "
        + " | ".join(CRITERIA)
        + " | agenda | long pauses | fillers/min |",
        "|---|---|" + "---|" * len(CRITERIA) + "---|---|---|",
    ]
    for label, r, md in reports:
        scores = " | ".join(str(getattr(r.scores, c).score) for c in CRITERIA)
        agenda = ", ".join(f"{a.step} {a.status}" for a in r.agenda)
        lines.append(
            f"| [{label}](../{md.parent.name}/report.html) | {score_text(r.scores.overall)} | "
            f"{scores} | "
            f"{agenda} | {len(r.metrics.long_pauses)} | {r.metrics.fillers_per_minute:.1f} |"
        )
    lines.append("")
    for label, r, _ in reports:
        lines.append(f"## {label}\n")
        for t in r.turns:
            who = "interviewer" if t["role"] == "interviewer" else "candidate"
            lines.append(f"- [{clock(t['start'])}] **{who}**: {t['text']}")
        lines.append("")
        missed = [a for a in r.agenda if a.status != "covered"]
        for a in missed:
            lines.append(f"- {a.status} **{a.name}**: {a.expect}")
        for p in r.metrics.long_pauses:
            lines.append(f"- long pause at {clock(p.start)} ({p.duration:.1f} s)")
        if not missed and not r.metrics.long_pauses:
            lines.append("- every agenda step covered unprompted, no long pauses")
        lines.append("")
    return "\n".join(lines)
