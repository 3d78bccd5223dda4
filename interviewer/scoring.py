"""Scoring a whole session folder, and publishing a report (json, md, html, index, progress).

Used at the end of a live interview, by `interviewer answer`, and by `interviewer report` to
rebuild a report from the saved audio and transcripts (e.g. after editing a rubric).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interviewer.audio import load_audio
from interviewer.files import atomic_write_json
from interviewer.index import refresh
from interviewer.pipeline import Context, judge_transcript
from interviewer.report import Report, write_report
from interviewer.report.model import SttInfo
from interviewer.transcript import Transcript, combine


def session_report(folder: Path, turns: list[dict], ctx: Context, stt: SttInfo,
                   probed: dict[str, float], clock: float, transcriber: Any = None,
                   rescore: bool = False) -> Report:
    """Judge every candidate turn together on the session clock."""
    parts: list[tuple[float, float, Transcript]] = []
    notes: list[str] = []
    for t in turns:
        if t["role"] != "candidate":
            continue
        wav = folder / t["audio"] if t.get("audio") else None
        saved = folder / t["transcript"] if t.get("transcript") else None
        have_wav = wav is not None and wav.exists()
        have_text = saved is not None and saved.exists()
        if wav is not None and not have_wav:
            notes.append(f"{wav.name} is missing" + (": its saved transcript was used." if have_text
                                                     else " and so is its transcript: the turn is left out."))
        if have_wav and transcriber is not None and (rescore or not have_text):
            tr = transcriber.transcribe_batched(load_audio(wav))
            if saved is not None:
                atomic_write_json(saved, tr.model_dump(mode="json"))
        elif have_text:
            tr = Transcript.model_validate_json(saved.read_text(encoding="utf-8"))  # type: ignore[union-attr]
        else:
            continue
        parts.append((t["start"], t["end"], tr))
    report = judge_transcript(combine(parts, clock), ctx, str(folder), stt, probed=probed)
    report.turns = [dict(t) for t in turns]
    if any(t.get("ended_by") == "typed" for t in turns):
        report.notes.append("Answers were typed: pace, pauses and fillers were not measured.")
    report.notes += notes
    return report


def publish(report: Report, folder: Path, root: Path | None = None) -> Path:
    """Write report.json, report.md and report.html with the progress so far; returns the json."""
    json_path, _ = write_report(report, folder)  # first, so the index sees this session
    points = refresh(root or folder.parent)
    mine = next((i for i, p in enumerate(points) if p.session == folder.name), None)
    report.progress = points[: mine + 1] if mine is not None else []
    write_report(report, folder)
    return json_path
