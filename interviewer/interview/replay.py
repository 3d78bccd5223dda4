"""`interviewer replay`: the interview played back in order, the transcript printed in step."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from interviewer.audio.io import SAMPLE_RATE, load_audio, to_int16
from interviewer.board.snapshots import graph_lines
from interviewer.errors import SessionError, first_line
from interviewer.session import Session, open_existing, read_transcript
from interviewer.transcript import Transcript, clock


def timeline(session: Session, turn: int | None = None) -> list[dict[str, Any]]:
    data = session.read()
    turns: list[dict[str, Any]] = data.get("turns", [])
    if not turns:
        raise SessionError(f"session '{session.id}' has no turns yet")
    if turn is not None:
        if not 1 <= turn <= len(turns):
            raise SessionError(f"session '{session.id}' has turns 1 to {len(turns)}, not {turn}")
        turns = [turns[turn - 1]]
    return turns


def replay(
    session_id: str, turn: int | None = None, audio: bool = True, device: str | None = None
) -> int:
    session = open_existing(session_id)
    turns = timeline(session, turn)
    scored = _scored_texts(session)
    answer_of = _answer_numbers(session)
    out = None
    if audio:
        from interviewer.audio.hardware import sounddevice

        sd = sounddevice()
        try:
            out = sd.RawOutputStream(
                samplerate=SAMPLE_RATE, channels=1, dtype="int16", device=device
            )
            out.start()
        except Exception as exc:
            raise SessionError(
                f"no usable speaker ({first_line(exc)}); use --no-audio to print the timeline"
            ) from None
    try:
        for i, t in enumerate(turns, start=turn or 1):
            who = "interviewer" if t["role"] == "interviewer" else "you"
            wav = session.file(t["audio"]) if t.get("audio") else None
            label = f"[{clock(t['start'])}] {i:>2} {who}"
            text = scored.get(t.get("n", -1), t["text"]) if t["role"] == "candidate" else t["text"]
            if wav is not None and not wav.exists():
                label += f" (audio {wav.name} is missing)"
                wav = None
            if out is None or wav is None:
                print(f"{label}: {text}", flush=True)
            else:
                print(f"{label}:", flush=True)
                words = _words(session, t)
                _play_with_words(out, load_audio(wav).samples, words or [(0.0, text)])
                print(flush=True)
            if t["role"] == "candidate" and t.get("n") in answer_of:
                # The whiteboard as saved at the end of this answer: its component graph.
                for line in graph_lines(session.dir, answer_of[t["n"]]):
                    print(f"      board: {line}", flush=True)
    finally:
        if out is not None:
            out.stop()
            out.close()
    return 0


def _answer_numbers(session: Session) -> dict[int, int]:
    """Turn n -> the candidate's answer number (from 1): the NN of board/turn-NN.json."""
    mine = [t for t in session.read().get("turns", []) if t.get("role") == "candidate"]
    return {int(t.get("n", -1)): k for k, t in enumerate(mine, start=1)}


def _scored_texts(session: Session) -> dict[int, str]:
    """The candidate's words as the report scored them (the one-pass transcript), by turn: the
    text streamed during the interview can differ, and replay must agree with the report."""
    texts: dict[int, str] = {}
    path = session.dir / "report.json"
    try:
        turns = json.loads(path.read_text(encoding="utf-8")).get("turns") or []
    except (OSError, ValueError, AttributeError):
        turns = []
    for t in turns:
        if isinstance(t, dict) and t.get("role") == "candidate" and isinstance(t.get("text"), str):
            texts[t.get("n", -1)] = t["text"]
    for t in session.read().get("turns", []):  # no report yet: the saved (refined) transcript
        if t.get("role") == "candidate" and t.get("n", -1) not in texts and t.get("transcript"):
            file = session.dir / Path(t["transcript"]).name
            with contextlib.suppress(OSError, ValueError):
                texts[t["n"]] = Transcript.model_validate_json(file.read_text()).text
    return texts


def _words(session: Session, t: dict[str, Any]) -> list[tuple[float, str]]:
    if not t.get("transcript"):
        return []
    path = session.file(t["transcript"])
    if not path.exists():
        return []
    tr = read_transcript(path)
    return [(w.start, w.word) for w in tr.words]


def _play_with_words(out: Any, samples: np.ndarray, words: list[tuple[float, str]]) -> None:
    """Write audio in small blocks and print each word as playback reaches it."""
    pcm = to_int16(samples)
    block = SAMPLE_RATE // 10
    k = 0
    for pos in range(0, len(pcm), block):
        now = pos / SAMPLE_RATE
        while k < len(words) and words[k][0] <= now:
            print(" " + words[k][1], end="", flush=True)
            k += 1
        out.write(pcm[pos : pos + block].tobytes())
    for _, w in words[k:]:
        print(" " + w, end="", flush=True)
