"""The browser as the interview's microphone and speaker, behind the seams practice already has.

- `BrowserInput` is a stream factory with sounddevice's shape: DeviceMicrophone (the recorder,
  the end-of-turn judge, the WAV written block by block) and BargeIn take their blocks from the
  page's audio frames instead of the sound card, so the room ends turns exactly as the terminal
  does: one code path, not a copy.
- `BrowserOutput` is the voice's LineOutput: a rendered line is offered to the page as a WAV,
  played there, and the page says when it ended or where it was stopped (barge-in). The page
  cancels echo, so barge-in is on in the room, speakers or headphones.
"""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from interviewer.audio.io import to_int16
from interviewer.audio.mic import DEVICE_STALLED_S, DeviceMicrophone, Recording
from interviewer.errors import DeviceError
from interviewer.room.hub import Hub

LINE_GRACE_S = 30.0  # a page that never says a line ended: it is taken as played after this
POLL_S = 0.02


class _Status:
    input_overflow = False  # the page's frames arrive whole or not at all


class BrowserStream:
    """One input stream: calls callback(frame, frames, None, status) for each audio frame."""

    def __init__(self, hub: Hub, callback: Any, **_settings: Any):
        self.hub = hub
        self.callback = callback
        self._on = False

    @property
    def active(self) -> bool:
        # A page that reloads stops sending for a moment; the recorder waits for it (its
        # "stalled" limit) rather than ending the turn as a lost microphone.
        return not self.hub.closed.is_set()

    def _frame(self, data: bytes) -> None:
        self.callback(data, len(data) // 2, None, _Status)

    def start(self) -> None:
        if not self._on:
            self._on = True
            self.hub.listen(self._frame)

    def stop(self) -> None:
        if self._on:
            self._on = False
            self.hub.unlisten(self._frame)

    def close(self) -> None:
        self.stop()

    def __enter__(self) -> BrowserStream:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class BrowserInput:
    """A stream factory (sounddevice.RawInputStream's signature) over the page's audio."""

    def __init__(self, hub: Hub):
        self.hub = hub

    def __call__(self, callback: Any = None, **settings: Any) -> BrowserStream:
        return BrowserStream(self.hub, callback, **settings)


class BrowserMicrophone(DeviceMicrophone):
    """DeviceMicrophone over the page's audio and buttons; "End interview" in the page makes
    the next turn None (the end of the interview), after keeping the one being recorded."""

    def __init__(self, hub: Hub, *args: Any, **kwargs: Any):
        kwargs.update(stream_factory=BrowserInput(hub), keys=hub.keys)
        super().__init__(*args, **kwargs)
        self.hub = hub

    def record(self, path: Path, preroll: np.ndarray | None = None) -> Recording | None:  # type: ignore[override]
        if self.hub.end_requested.is_set() or self.hub.closed.is_set():
            return None
        try:
            rec = super().record(path, preroll)
        except DeviceError as exc:
            if "stopped sending audio" not in str(exc):
                raise
            raise DeviceError(
                f"the room's page stopped sending audio for {DEVICE_STALLED_S:.0f} s (its tab "
                f"closed, or its microphone lost); what was recorded is saved in {path}"
            ) from None
        if self.hub.end_requested.is_set() and not rec.heard_speech:
            return None  # ended before saying anything: no empty answer in the report
        return rec


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    import soundfile as sf

    out = io.BytesIO()
    sf.write(out, to_int16(samples), rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


class BrowserOutput:
    """Plays lines in the page (voice.LineOutput)."""

    def __init__(self, hub: Hub):
        self.hub = hub
        self.started_at = 0.0
        self.stopped_at = 0.0

    def show(self, text: str) -> None:
        self.hub.said = text  # a page that opens (or reloads) mid-line gets it in its state
        self.hub.send({"type": "turn", "role": "interviewer", "text": text})

    def play(self, samples: np.ndarray, rate: int, stop: threading.Event | None) -> float:
        seconds = len(samples) / rate
        # The first line can be ready before anyone opened the page: it waits for the page's
        # audio to run (its first microphone frame), or it would be "played" to nobody.
        while not self.hub.ready.wait(0.2):
            if self.hub.closed.is_set():
                return 0.0
        play = self.hub.new_line(wav_bytes(samples, rate))
        say = {"type": "say", "n": play.id, "url": f"lines/{play.id}.wav"}
        self.hub.playing = say
        self.hub.send(say)
        self.started_at = time.monotonic()
        self.stopped_at = 0.0
        deadline = self.started_at + seconds + LINE_GRACE_S
        try:
            while not play.done.wait(POLL_S):
                if stop is not None and stop.is_set() and not self.stopped_at:
                    self.stopped_at = time.monotonic()
                    self.hub.send({"type": "stop", "n": play.id})
                if time.monotonic() > deadline or self.hub.closed.is_set():
                    break
        finally:
            self.hub.playing = None
        if play.stopped_at_s is not None:
            return min(seconds, play.stopped_at_s)
        if self.stopped_at:  # stopped, and the page never said where: the time until then
            return min(seconds, self.stopped_at - self.started_at)
        return seconds
