"""Session folders: recordings/<session-id>/ with session.json, turn-NN.wav, interviewer-NN.wav,
turn-NN.json transcripts, checkpoints.sqlite (the graph's state) and the reports."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.errors import SessionError
from interviewer.files import atomic_write_json
from interviewer.settings import Paths

if TYPE_CHECKING:
    from interviewer.audio import Audio
    from interviewer.report import Report

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_ID = 80


def sanitize(name: str) -> str:
    """A user-supplied name as a safe folder name: no separators, no '..', no hidden files."""
    clean = _UNSAFE.sub("-", name.strip()).strip(".-")
    clean = re.sub(r"\.{2,}", ".", clean)[:MAX_ID]
    if not clean:
        raise SessionError(f"'{name}' cannot be used as a session name (use letters, digits, - or _)")
    return clean


def new_id(question_id: str, name: str | None = None) -> str:
    if name:
        return sanitize(name)
    return f"{datetime.now().strftime('%Y%m%d-%H%M%S')}-{sanitize(question_id)}"


@dataclass(frozen=True)
class Session:
    id: str
    dir: Path

    @property
    def json_path(self) -> Path:
        return self.dir / "session.json"

    @property
    def checkpoints(self) -> Path:
        return self.dir / "checkpoints.sqlite"

    def turn_wav(self, n: int) -> Path:
        return self.dir / f"turn-{n:02d}.wav"

    def line_wav(self, n: int) -> Path:
        return self.dir / f"interviewer-{n:02d}.wav"

    def read(self) -> dict[str, Any]:
        try:
            return json.loads(self.json_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise SessionError(f"{self.json_path} is unreadable ({exc})") from None

    def write(self, data: dict[str, Any]) -> None:
        atomic_write_json(self.json_path, data)


def create(session_id: str, root: Path | None = None) -> Session:
    root = root or Paths().recordings
    path = root / session_id
    if path.exists():
        raise SessionError(f"session '{session_id}' already exists in {root}; "
                           f"resume it with --resume {session_id} or pick another name")
    path.mkdir(parents=True)
    return Session(session_id, path)


def open_existing(session_id: str, root: Path | None = None) -> Session:
    root = root or Paths().recordings
    clean = sanitize(session_id)
    path = root / clean
    if clean != session_id or not (path / "session.json").is_file():
        known = sorted(p.parent.name for p in root.glob("*/session.json"))[-5:]
        hint = f" (recent: {', '.join(known)})" if known else ""
        raise SessionError(f"no session '{session_id}' in {root}{hint}")
    return Session(clean, path)


def save_answer(folder: Path, audio: "Audio", report: "Report") -> Path:
    """A recorded answer as a one-turn session folder: a 16 kHz copy of the audio, its
    transcript, session.json and the reports, so `report`, `replay` and the index treat it
    like any session. Returns report.json."""
    from interviewer.audio.io import save_wav
    from interviewer.scoring import publish

    folder.mkdir(parents=True, exist_ok=True)
    save_wav(folder / "turn-01.wav", audio.samples)
    atomic_write_json(folder / "turn-01.json", report.transcript.model_dump(mode="json"))
    turn = {"n": 0, "role": "candidate", "kind": "answer", "text": report.transcript.text,
            "audio": "turn-01.wav", "transcript": "turn-01.json", "start": 0.0,
            "end": report.duration_s, "step": None, "ended_by": "file", "source": report.audio}
    report.turns = [turn]
    Session(folder.name, folder).write({
        "id": folder.name, "kind": "answer", "status": "finished", "created_at": report.created_at,
        "question": {"id": report.question.id, "text": report.question.text},
        "agenda_id": report.question.agenda, "turns": [turn], "probed": {}, "clock": report.duration_s,
        "stt": report.stt.model_dump()})
    return publish(report, folder)
