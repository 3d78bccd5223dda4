"""Barge-in: the candidate starts speaking while the interviewer talks, and the interviewer stops.

`BargeIn` listens on the microphone while lines play (`start()` ... `stop()`); Silero hears
speech, and once `MIN_SPEECH_S` of it falls within a short window, `heard` is set: the voice stops
its line at the next block (voice.py). What the candidate said from just before the onset is
kept (`stop()` returns it) and opens their next turn, so nothing they said is lost.

Only with headphones or an input that cancels echo (`practice --barge-in`): through open
speakers, the microphone hears the interviewer itself and would stop every line.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from interviewer.audio.hardware import sounddevice
from interviewer.audio.io import from_int16
from interviewer.audio.mic import PACE_INPUT, VAD_CONTEXT, VAD_WINDOW
from interviewer.settings import RecorderOptions

MIN_SPEECH_S = 0.15  # this much speech within WINDOW_S is the candidate talking, not a click
WINDOW_S = 0.4
PREROLL_S = 0.3  # kept from before the onset: the first syllable is not cut
BLOCK_S = 0.02  # input blocks: the onset is seen within a few tens of ms


class BargeIn:
    def __init__(
        self,
        options: RecorderOptions = RecorderOptions(),
        stream_factory: Callable[..., Any] | None = None,
    ):
        self.o = options
        self._factory = stream_factory
        self.heard = threading.Event()
        self.onset_at = 0.0  # time.monotonic() when the candidate's speech began
        self.first_block_at = 0.0  # time.monotonic() when the first input block arrived
        self._stream: Any = None
        self._thread: threading.Thread | None = None
        self._blocks: queue.Queue[bytes | None] = queue.Queue()
        self._kept: list[np.ndarray] = []

    @property
    def listening(self) -> bool:
        return self._stream is not None

    def start(self) -> None:
        """Listen from now on (a second call while listening does nothing)."""
        if self._stream is not None:
            return
        from faster_whisper.vad import get_vad_model

        self.heard.clear()
        self.onset_at = self.first_block_at = 0.0
        self._kept = []
        self._blocks = queue.Queue()
        rate = self.o.sample_rate
        block = int(rate * BLOCK_S)
        paced = [0.0, 0]

        def callback(indata: Any, frames: int, when: Any, status: Any) -> None:
            self.first_block_at = self.first_block_at or time.monotonic()
            if PACE_INPUT:  # a virtual device with no clock: deliver in real time
                if not paced[0]:
                    paced[0] = time.monotonic()
                paced[1] += frames
                time.sleep(max(0.0, paced[0] + paced[1] / rate - time.monotonic()))
            self._blocks.put(bytes(indata))

        factory = self._factory or sounddevice().RawInputStream
        self._stream = factory(
            samplerate=rate,
            channels=1,
            dtype="int16",
            blocksize=block,
            device=self.o.device,
            callback=callback,
        )
        model = get_vad_model()
        self._thread = threading.Thread(
            target=self._listen, args=(model,), daemon=True, name="barge-in"
        )
        self._thread.start()
        self._stream.start()

    def _listen(self, model: Any) -> None:
        rate = self.o.sample_rate
        history = np.zeros(0, dtype=np.float32)
        pending = np.zeros(0, dtype=np.float32)
        recent: list[bool] = []  # speech per VAD window, the last WINDOW_S of them
        window_n = max(1, round(WINDOW_S * rate / VAD_WINDOW))
        need = max(1, round(MIN_SPEECH_S * rate / VAD_WINDOW))
        kept_n = int(PREROLL_S * rate)
        while (data := self._blocks.get()) is not None:
            samples = from_int16(np.frombuffer(data, dtype=np.int16))
            self._kept.append(samples)
            if not self.heard.is_set():
                # Before the onset only the pre-roll is kept.
                while sum(len(k) for k in self._kept) > kept_n + len(samples) and self._kept:
                    self._kept.pop(0)
                pending = np.concatenate([pending, samples])
                n = len(pending) // VAD_WINDOW * VAD_WINDOW
                if n:
                    new, pending = pending[:n], pending[n:]
                    context = history[-VAD_CONTEXT * VAD_WINDOW :]
                    probs = model(np.concatenate([context, new]))[len(context) // VAD_WINDOW :]
                    history = np.concatenate([context, new])
                    recent = (recent + [p >= self.o.speech_threshold for p in probs])[-window_n:]
                    if sum(recent) >= need:
                        self.onset_at = time.monotonic() - sum(recent) * VAD_WINDOW / rate
                        self.heard.set()

    def stop(self) -> np.ndarray:
        """Stop listening; the candidate's speech since just before the onset (empty when they
        did not barge in)."""
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            finally:
                self._stream = None
                self._blocks.put(None)
                if self._thread is not None:
                    self._thread.join()
        if not self.heard.is_set() or not self._kept:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(self._kept)
