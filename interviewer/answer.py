"""`interviewer answer`: one recorded answer saved as a one-turn session folder.

Above session.py (it publishes the report, which scoring does), so session.py needs nothing
from the report or scoring.
"""

from __future__ import annotations

from pathlib import Path

from interviewer.audio.io import Audio, save_wav
from interviewer.files import atomic_write_json
from interviewer.report.model import Report
from interviewer.scoring import publish
from interviewer.session import Session
from interviewer.settings import Paths

TEXT_SUFFIXES = (".txt", ".md", ".text")  # a typed answer, judged as `practice --text` would
MAX_TEXT_BYTES = 200_000  # a written answer far longer than any interview is not an answer


def read_typed(path: Path) -> str:
    """A written answer's text, refusing what cannot be one (one line of error, exit 3)."""
    from interviewer.errors import AudioError

    if not path.is_file():
        raise AudioError(f"no such file: {path}")
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise AudioError(f"{path} is over {MAX_TEXT_BYTES // 1000} kB: not one answer")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AudioError(f"{path} is not UTF-8 text") from None
    text = " ".join(text.split())
    if not text:
        raise AudioError(f"{path} holds no words")
    return text


def save_answer(folder: Path, audio: Audio | None, report: Report) -> Path:
    """A recorded (or typed) answer as a one-turn session folder: a 16 kHz copy of the audio,
    its transcript, session.json and the reports, so `report`, `replay` and the index treat it
    like any session. A typed answer has no audio and is marked typed (no speech metrics).
    Returns report.json."""
    folder.mkdir(parents=True, exist_ok=True)
    if audio is not None:
        save_wav(folder / "turn-01.wav", audio.samples)
    atomic_write_json(folder / "turn-01.json", report.transcript.model_dump(mode="json"))
    turn = {
        "n": 0,
        "role": "candidate",
        "kind": "answer",
        "text": report.transcript.text,
        "audio": "turn-01.wav" if audio is not None else None,
        "transcript": "turn-01.json",
        "start": 0.0,
        "end": report.duration_s,
        "step": None,
        "ended_by": "file" if audio is not None else "typed",
        "source": report.audio,
    }
    report.turns = [turn]
    Session(folder.name, folder).write(
        {
            "id": folder.name,
            "kind": "answer",
            "status": "finished",
            "created_at": report.created_at,
            "question": {"id": report.question.id, "text": report.question.text},
            "agenda_id": report.question.agenda,
            "turns": [turn],
            "probed": {},
            "clock": report.duration_s,
            "stt": report.stt.model_dump(),
            "report": "report.json",
        }
    )
    # The session index lives in recordings/: an answer saved elsewhere (--out) writes
    # nothing outside its own folder.
    return publish(report, folder, index=folder.resolve().parent == Paths().recordings.resolve())
