"""`interviewer replay`: the interview played back in order, the transcript printed in step."""

from __future__ import annotations


import numpy as np

from interviewer.audio.io import SAMPLE_RATE, load_audio
from interviewer.errors import SessionError
from interviewer.report.markdown import clock
from interviewer.session import Session, open_existing, read_transcript


def timeline(session: Session, turn: int | None = None) -> list[dict]:
    data = session.read()
    turns = data.get("turns", [])
    if not turns:
        raise SessionError(f"session '{session.id}' has no turns yet")
    if turn is not None:
        if not 1 <= turn <= len(turns):
            raise SessionError(f"session '{session.id}' has turns 1 to {len(turns)}, not {turn}")
        turns = [turns[turn - 1]]
    return turns


def replay(session_id: str, turn: int | None = None, audio: bool = True,
           device: str | None = None) -> int:
    session = open_existing(session_id)
    turns = timeline(session, turn)
    out = None
    if audio:
        from interviewer.audio.hardware import sounddevice

        sd = sounddevice()
        try:
            out = sd.RawOutputStream(samplerate=SAMPLE_RATE, channels=1, dtype="int16", device=device)
            out.start()
        except Exception as exc:
            raise SessionError(f"no usable speaker ({str(exc).splitlines()[0]}); "
                               "use --no-audio to print the timeline") from None
    try:
        for i, t in enumerate(turns, start=turn or 1):
            who = "interviewer" if t["role"] == "interviewer" else "you"
            wav = session.file(t["audio"]) if t.get("audio") else None
            missing = wav is not None and not wav.exists()
            label = f"[{clock(t['start'])}] {i:>2} {who}"
            if missing:
                label += f" (audio {wav.name} is missing)"
            if out is None or wav is None or missing:
                print(f"{label}: {t['text']}", flush=True)
                continue
            print(f"{label}:", flush=True)
            words = _words(session, t)
            _play_with_words(out, load_audio(wav).samples, words or [(0.0, t["text"])])
            print(flush=True)
    finally:
        if out is not None:
            out.stop()
            out.close()
    return 0


def _words(session: Session, t: dict) -> list[tuple[float, str]]:
    if not t.get("transcript"):
        return []
    path = session.file(t["transcript"])
    if not path.exists():
        return []
    tr = read_transcript(path)
    return [(w.start, w.word) for w in tr.words]


def _play_with_words(out, samples: np.ndarray, words: list[tuple[float, str]]) -> None:
    """Write audio in small blocks and print each word as playback reaches it."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    block = SAMPLE_RATE // 10
    k = 0
    for pos in range(0, len(pcm), block):
        now = pos / SAMPLE_RATE
        while k < len(words) and words[k][0] <= now:
            print(" " + words[k][1], end="", flush=True)
            k += 1
        out.write(pcm[pos:pos + block].tobytes())
    for _, w in words[k:]:
        print(" " + w, end="", flush=True)
