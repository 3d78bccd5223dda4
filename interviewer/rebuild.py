"""`interviewer report <session-id>`: rebuild a report from a session folder's saved turns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from interviewer import locks
from interviewer.content import load_rubric, question_and_agenda
from interviewer.errors import SessionError
from interviewer.judge import Judge
from interviewer.pipeline import Context
from interviewer.report.model import SttInfo
from interviewer.scoring import publish, session_report
from interviewer.session import open_existing
from interviewer.settings import SttOptions


def rebuild(
    session_id: str,
    rescore: bool = False,
    rubric: str = "default",
    judge: Judge | None = None,
    stt: SttOptions = SttOptions(),
) -> Path:
    session = open_existing(session_id)
    # Writing the report is writing the session: never while an interview still writes it
    # (a report of 5 turns over a session of 8).
    locks.hold(session.dir, "session")
    data = session.read()
    turns = data.get("turns") or []
    if not any(t.get("role") == "candidate" for t in turns):
        raise SessionError(f"session '{session_id}' has no answers to score")
    q = data.get("question") or {}
    custom = q.get("id") == "custom"
    question, agenda = question_and_agenda(
        None if custom else q.get("id", ""),
        q.get("text", ""),
        data.get("agenda_id") if custom else None,
    )
    scale = load_rubric(rubric)
    ctx = (
        Context(question, agenda, scale, judge=judge) if judge else Context(question, agenda, scale)
    )
    transcriber = None
    info = SttInfo(**data["stt"]) if data.get("stt") else SttInfo.none("saved transcripts")
    if rescore:
        from interviewer.stt import WhisperTranscriber

        transcriber = WhisperTranscriber(stt)
        transcriber.load()
        info = transcriber.info()
    clock = float(data.get("clock") or max(t["end"] for t in turns))
    report = session_report(
        session.dir,
        turns,
        ctx,
        info,
        data.get("probed") or {},
        clock,
        transcriber=transcriber,
        rescore=rescore,
        minutes=data.get("minutes"),
    )
    # A session's date is when it happened, not when its report was last rebuilt: the order
    # of `sessions` and `progress` must never change on a rebuild.
    report.created_at = _happened_at(session.dir, data) or report.created_at
    report.demo = bool((data.get("settings") or {}).get("demo"))
    used = {t.get("audio") for t in turns}
    waiting = sorted(w.name for w in session.dir.glob("turn-[0-9][0-9].wav") if w.name not in used)
    if (
        waiting
    ):  # recorded before a stop, not yet taken by the interview: say so, never drop silently
        report.notes.append(
            f"{', '.join(waiting)} recorded but not yet in the interview: "
            f"`interviewer practice --resume {session.id}` adds it."
        )
    return publish(report, session.dir)


def _happened_at(folder: Path, data: dict[str, Any]) -> str | None:
    try:
        previous = json.loads((folder / "report.json").read_text(encoding="utf-8"))["created_at"]
        if isinstance(previous, str) and previous:
            return previous
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no earlier report, or an unreadable one: the session's own start time
    started = data.get("created_at")
    return started if isinstance(started, str) and started else None
