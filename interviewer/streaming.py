"""Transcribe while the candidate speaks: the microphone closes a chunk at each short silence,
a background thread transcribes it, and when the turn ends only the tail is left to do.

Chunks are cut inside silences (never mid-word), each is transcribed with its own VAD regions,
and the pieces are laid end to end with their offsets, so the turn's transcript has the same
shape as a one-shot transcription of the whole WAV (bench/stt.py compares their word error
rates).
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

from interviewer.audio.io import SAMPLE_RATE, Audio
from interviewer.transcript import Segment, Span, Transcript, Word

TAIL_MIN_S = 0.3  # a tail shorter than this holds no words worth a decode


class StreamingTurn:
    """One candidate turn being transcribed chunk by chunk."""

    def __init__(self, transcriber: Any, path: Path):
        self.transcriber = transcriber
        self.path = path
        self.pieces: list[tuple[float, Transcript]] = []  # (offset s, transcript), in order
        self.covered_to = 0.0  # seconds of the turn handed to the worker so far
        self._jobs: queue.Queue[tuple[float, float] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._work, daemon=True, name="turn-stt")
        self._worker.start()

    @property
    def text(self) -> str:
        with self._lock:
            return " ".join(t.text for _, t in self.pieces if t.text)

    def add_chunk(self, start: float, end: float) -> None:
        """Called from the microphone's writer thread when a chunk closes at a silence."""
        self.covered_to = end
        self._jobs.put((start, end))

    def finish(self, duration_s: float) -> Transcript:
        """Transcribe the tail, wait for the chunks, and return the whole turn's transcript."""
        if duration_s - self.covered_to >= TAIL_MIN_S:
            self._jobs.put((self.covered_to, duration_s))
        self._jobs.put(None)
        self._worker.join()
        if self._error is not None:
            raise self._error
        return self._assemble(duration_s)

    def _work(self) -> None:
        import soundfile as sf

        while (job := self._jobs.get()) is not None:
            start, end = job
            try:
                samples, _ = sf.read(str(self.path), start=int(start * SAMPLE_RATE),
                                     stop=int(end * SAMPLE_RATE), dtype="float32")
                t = self.transcriber.transcribe(Audio(samples))
            except BaseException as exc:  # surfaced by finish()
                self._error = exc
                continue
            with self._lock:
                self.pieces.append((start, t))

    def _assemble(self, duration_s: float) -> Transcript:
        out = Transcript(duration_s=round(duration_s, 3))
        for offset, t in sorted(self.pieces, key=lambda p: p[0]):
            def at(x: float) -> float:
                return round(x + offset, 3)
            out.words += [Word(word=w.word, start=at(w.start), end=at(w.end), probability=w.probability)
                          for w in t.words]
            out.segments += [Segment(text=s.text, start=at(s.start), end=at(s.end)) for s in t.segments]
            out.speech_regions += [Span(start=at(r.start), end=at(r.end)) for r in t.speech_regions]
            out.model = out.model or t.model
        out.text = " ".join(s.text for s in out.segments).strip()
        return out
