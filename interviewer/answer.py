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


def save_answer(folder: Path, audio: Audio, report: Report) -> Path:
    """A recorded answer as a one-turn session folder: a 16 kHz copy of the audio, its
    transcript, session.json and the reports, so `report`, `replay` and the index treat it
    like any session. Returns report.json."""
    folder.mkdir(parents=True, exist_ok=True)
    save_wav(folder / "turn-01.wav", audio.samples)
    atomic_write_json(folder / "turn-01.json", report.transcript.model_dump(mode="json"))
    turn = {
        "n": 0,
        "role": "candidate",
        "kind": "answer",
        "text": report.transcript.text,
        "audio": "turn-01.wav",
        "transcript": "turn-01.json",
        "start": 0.0,
        "end": report.duration_s,
        "step": None,
        "ended_by": "file",
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
