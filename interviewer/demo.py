"""`interviewer demo`: score the bundled strong and weak example answers, offline.

The example answers live in recordings/examples/ (spoken by espeak-ng from examples.toml). Each
is scored as a candidate's turn; the session report puts them side by side.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from interviewer.audio import load_audio
from interviewer.content import get_question, load_agenda, load_rubric
from interviewer.errors import ContentError
from interviewer.judge.model import CRITERIA
from interviewer.pipeline import Context, score_audio
from interviewer.report import Report, write_report
from interviewer.report.markdown import clock
from interviewer.settings import Paths, SttOptions
from interviewer.stt import WhisperTranscriber


def load_examples(directory: Path = Paths().examples) -> tuple[str, list[dict]]:
    manifest = directory / "examples.toml"
    if not manifest.is_file():
        raise ContentError(f"no example answers at {manifest}")
    data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    return data["question"], data["answers"]


def run_demo(out: Path, stt: SttOptions = SttOptions(), examples: Path = Paths().examples) -> Path:
    question_id, answers = load_examples(examples)
    question = get_question(question_id)
    ctx = Context(question, load_agenda(question.agenda), load_rubric())
    transcriber = WhisperTranscriber(stt)  # one model load for every answer
    reports: list[tuple[str, Report, Path]] = []
    for answer in answers:
        audio = load_audio(examples / answer["file"])
        report = score_audio(audio, ctx, transcriber)
        _, md = write_report(report, out / answer["label"])
        reports.append((answer["label"], report, md))
        print(f"{answer['label']:>6}: overall {report.scores.overall:.1f}/5  "
              + "  ".join(f"{a.step} {a.status}" for a in report.agenda))
    session = out / "report.md"
    session.write_text(_session_markdown(question.text, reports, out), encoding="utf-8")
    (out / "session.json").write_text(json.dumps({
        "question": question.id,
        "answers": [{"label": label, "audio": r.audio, "report": str(md.relative_to(out).parent / "report.json"),
                     "overall": r.scores.overall} for label, r, md in reports],
    }, indent=2) + "\n", encoding="utf-8")
    return session


def _session_markdown(text: str, reports: list[tuple[str, Report, Path]], out: Path) -> str:
    lines = ["# Demo session: two answers to one question\n", f"> {text}\n",
             "| answer | overall | " + " | ".join(CRITERIA) + " | agenda | long pauses | fillers/min |",
             "|---|---|" + "---|" * len(CRITERIA) + "---|---|---|"]
    for label, r, md in reports:
        scores = " | ".join(str(getattr(r.scores, c).score) for c in CRITERIA)
        agenda = ", ".join(f"{a.step} {a.status}" for a in r.agenda)
        lines.append(f"| [{label}]({md.relative_to(out)}) | {r.scores.overall:.1f} | {scores} | "
                     f"{agenda} | {len(r.metrics.long_pauses)} | {r.metrics.fillers_per_minute:.1f} |")
    lines.append("")
    for label, r, _ in reports:
        lines.append(f"## {label}\n")
        missed = [a for a in r.agenda if a.status != "covered"]
        for a in missed:
            lines.append(f"- missed **{a.name}**: {a.expect}")
        for p in r.metrics.long_pauses:
            lines.append(f"- long pause at {clock(p.start)} ({p.duration:.1f} s)")
        if not missed and not r.metrics.long_pauses:
            lines.append("- every agenda step covered, no long pauses")
        lines.append("")
    return "\n".join(lines)
