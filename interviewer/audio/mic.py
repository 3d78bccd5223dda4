"""Microphones: the candidate's turn as a WAV on disk.

`Microphone.record(path) -> Recording | None` has two implementations:
- DeviceMicrophone: a sounddevice input stream. Its callback only queues blocks; a writer thread
  streams them to the WAV (header rewritten after every block, so a Ctrl-C or a kill leaves a
  valid file up to the last block) and runs the end-of-turn detector.
- WavMicrophone: recorded answers played in as the candidate's turns (--answers, the demo, tests).
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from interviewer.audio.hardware import input_devices, sounddevice
from interviewer.audio.io import from_int16, load_audio, save_wav, to_int16
from interviewer.audio.smart_turn import EndOfTurnModel
from interviewer.audio.turn_end import TurnEnd
from interviewer.errors import DeviceError, DiskError, first_line
from interviewer.files import disk_full
from interviewer.settings import RecorderOptions, TurnTakingOptions

VAD_WINDOW = 512  # samples per Silero window at 16 kHz (32 ms)
VAD_CONTEXT = 31  # windows of history re-run with each block: Silero's state restarts per call
CHUNK_SILENCE_S = 0.7  # a silence this long inside a turn closes a chunk for the live transcript
# Past CHUNK_MAX_S a chunk closes at a shorter silence, CHUNK_SILENCE_LONG_S: the pause between
# two sentences. The chunk open when the candidate stops is decoded on the path to the reply,
# and with 20 s / 0.3 s it was often the whole answer (people rarely pause 0.7 s between
# sentences). Streamed WER on 73 clips (bench/encoder_window.py): 0.0588 at 20 s / 0.3 s,
# 0.0650 at 6 s / 0.3 s (cuts inside sentences), 0.0575 at 6 s / 0.45 s.
CHUNK_MAX_S = 6.0
CHUNK_SILENCE_LONG_S = 0.45
RECENT_S = 8.0  # audio kept for the end-of-turn model, which reads the last 8 s
# No audio for this long, counted only while this process was running: a stream that says it
# stopped (unplugged) is gone after DEVICE_GONE_S; one that says it is still active is only
# slow (a busy machine) until DEVICE_STALLED_S. A stopped or starved process (SIGSTOP, a load
# spike) is no lost microphone: time it was not running does not count.
DEVICE_GONE_S = 2.0
DEVICE_STALLED_S = 20.0
AWAKE_TICK_S = 0.5  # the watch loop ticks every 0.05 s; a gap longer than this: we were asleep
# ALSA's file plugin (the tests' and benchmarks' sound card) has no clock and delivers a whole
# file at once; this makes it deliver in real time, like a microphone. Never set in normal use.
PACE_INPUT = os.environ.get("INTERVIEWER_PACE_INPUT") == "1"


@dataclass(frozen=True)
class Recording:
    path: Path
    duration_s: float
    ended_by: str  # enter | turn-end | silence | max | file | no-speech
    overflows: int = 0  # input blocks PortAudio dropped because we read too slowly
    ended_at: float = 0.0  # time.monotonic() when the end of the turn was detected
    # Silence after the last speech when the end was detected: ended_at minus this is when the
    # candidate stopped speaking (the gap to the reply is measured from there).
    silence_s: float = 0.0
    why: str = ""  # what ended it: the words' cue and the audio model's score (turn_end.py)
    heard_speech: bool = True  # False: VAD heard no speech in it at all


@dataclass(frozen=True)
class LiveStatus:
    seconds: float  # recorded so far
    level_db: float  # loudness of the latest block, dBFS
    heard_speech: bool
    silence_s: float  # since the last speech
    patience_s: float
    wait_s: float = 0.0  # the silence that ends the turn as things stand (0: patience)
    expect: str = ""  # what the interviewer is waiting for, in words


class Microphone(Protocol):
    def record(self, path: Path) -> Recording | None:
        """Record one turn into path; None when there is nothing more to record."""
        ...


# (wav path, chunk start s, cut s, end of its speech s), called as each chunk of a turn is cut.
ChunkCallback = Callable[[Path, float, float, float], None]


@runtime_checkable
class ChunkingMicrophone(Microphone, Protocol):
    """A microphone that hands over each chunk of a turn as it is cut, so the turn can be
    transcribed while the candidate talks (DeviceMicrophone; recorded answers arrive whole)."""

    on_chunk: ChunkCallback | None
    turn_text: Callable[[], str | None] | None  # the streamed words so far (None: decoding)


class WavMicrophone:
    """Each record() delivers the next recorded answer, converted to 16 kHz mono."""

    def __init__(self, files: list[Path], max_seconds: float = RecorderOptions().max_turn_s):
        self.files = list(files)
        # One answer is held to the microphone's own limit for a turn (15 minutes): a
        # 40-minute file would be one 77 MB turn. The container's duration is checked first,
        # so an over-long file is refused before it is decoded.
        self.max_seconds = max_seconds
        for f in self.files:  # fail before the interview starts, not at turn five
            load_audio(f, max_seconds=max_seconds)

    def record(self, path: Path) -> Recording | None:
        if not self.files:
            return None
        audio = load_audio(self.files.pop(0), max_seconds=self.max_seconds)
        save_wav(path, audio.samples)
        return Recording(
            path=path, duration_s=audio.duration_s, ended_by="file", ended_at=time.monotonic()
        )


class WavWriter:
    """A 16-bit mono WAV written block by block whose header is always up to date."""

    # libsndfile's SFC_SET_UPDATE_HEADER_AUTO: rewrite the header after every write, so the
    # file is valid (right length) up to the last block even if the process is killed.
    _SFC_SET_UPDATE_HEADER_AUTO = 0x1061

    def __init__(self, path: Path, sample_rate: int):
        import soundfile as sf

        self.path = path
        self.frames = 0
        try:
            self._f = sf.SoundFile(
                str(path), "w", samplerate=sample_rate, channels=1, subtype="PCM_16", format="WAV"
            )
        except OSError as exc:
            raise disk_full(exc, path) or exc from None
        sf._snd.sf_command(
            self._f._file, self._SFC_SET_UPDATE_HEADER_AUTO, sf._ffi.NULL, sf._snd.SF_TRUE
        )

    def write(self, block: np.ndarray) -> None:
        try:
            self._f.write(block)
            self._f.flush()
        except RuntimeError as exc:  # soundfile.LibsndfileError: libsndfile hides the errno
            raise DiskError(f"could not write {self.path} ({exc}): is the disk full?") from None
        self.frames += len(block)
        if self._f._errorcode:  # libsndfile reports a short write (disk full) here
            raise DiskError(f"the disk is full while writing {self.path}")

    def close(self) -> None:
        self._f.close()


class Endpointer:
    """Decides when a turn is over (sample counts, not wall time): from the silence alone, or,
    given a TurnEnd, from the words, how they sounded and the silence (turn_end.py)."""

    def __init__(self, options: RecorderOptions, turn_end: TurnEnd | None = None):
        from faster_whisper.vad import get_vad_model

        self.o = options
        self.turn_end = turn_end
        self.judged: Any = None  # the TurnEnd's latest Verdict
        self.recent = np.zeros(0, dtype=np.float32)  # the last RECENT_S of the turn
        self._cut_now = False
        self.model = get_vad_model()
        self.history = np.zeros(0, dtype=np.float32)  # processed windows kept as context
        self.pending = np.zeros(0, dtype=np.float32)  # samples not yet a whole window
        self.total = 0  # samples fed
        self.processed = 0  # samples judged by VAD
        self.last_speech: int | None = None  # sample index where speech was last heard
        self.chunk_start = 0  # start of the chunk not yet handed to the live transcript

    @property
    def heard_speech(self) -> bool:
        return self.last_speech is not None

    def silence_s(self) -> float:
        since = self.last_speech if self.last_speech is not None else 0
        return (self.total - since) / self.o.sample_rate

    def feed(self, block: np.ndarray) -> None:
        self.total += len(block)
        if self.turn_end is not None:
            keep = int(RECENT_S * self.o.sample_rate)
            self.recent = np.concatenate([self.recent[-keep + len(block) :], block])
        self.pending = np.concatenate([self.pending, block])
        n = len(self.pending) // VAD_WINDOW * VAD_WINDOW
        if n == 0:
            return
        new, self.pending = self.pending[:n], self.pending[n:]
        context = self.history[-VAD_CONTEXT * VAD_WINDOW :]
        probs = self.model(np.concatenate([context, new]))[len(context) // VAD_WINDOW :]
        for i, p in enumerate(probs):
            if p >= self.o.speech_threshold:
                self.last_speech = self.processed + (i + 1) * VAD_WINDOW
        self.processed += n
        self.history = np.concatenate([context, new])

    def verdict(self, text: Callable[[], str | None] | None = None) -> str | None:
        """Why the turn should end now, or None to keep listening. text() gives the streamed
        words of the turn so far (None while a closed chunk is being decoded)."""
        seconds = self.total / self.o.sample_rate
        if seconds >= self.o.max_turn_s:
            return "max"
        if self.o.push_to_talk:
            return None
        if self.heard_speech and self.silence_s() >= self.o.patience_s:
            return "silence"
        if self.heard_speech and self.turn_end is not None and self.last_speech is not None:
            self.judged = v = self.turn_end.step(
                self.last_speech, self.silence_s(), lambda: self.recent, text
            )
            # Only a chunk with speech not yet handed over is worth closing early.
            self._cut_now = v.cut and self.last_speech > self.chunk_start
            if v.end:
                return "turn-end"
        if not self.heard_speech and seconds >= self.o.max_think_s:
            return "no-speech"
        return None

    def chunk_ready(self) -> tuple[int, int, int] | None:
        """A finished stretch of speech, ended by a short silence, for transcription while the
        candidate goes on: (chunk start, cut, end of its last speech) in samples."""
        cut_now, self._cut_now = self._cut_now, False
        if self.last_speech is None or self.last_speech <= self.chunk_start:
            return None
        rate = self.o.sample_rate
        silence = (self.total - self.last_speech) / rate
        # Long chunks are cut at shorter silences: Whisper decodes under 30 s in one window.
        long_chunk = (self.total - self.chunk_start) / rate >= CHUNK_MAX_S
        # cut_now: the end-of-turn judge heard an ending, and the last words are wanted now.
        if (
            cut_now
            or silence >= CHUNK_SILENCE_S
            or (long_chunk and silence >= CHUNK_SILENCE_LONG_S)
        ):
            span = (self.chunk_start, self.total, self.last_speech)
            self.chunk_start = self.total
            return span
        return None


class Keys(Protocol):
    """Presses that end a turn (or start and stop one, with push-to-talk)."""

    available: bool

    def pressed(self) -> bool: ...

    def drain(self) -> None: ...


class EnterKey:
    """Enter presses on standard input, read by a daemon thread (never blocks the recorder)."""

    _instance: EnterKey | None = None

    def __init__(self) -> None:
        self.presses: queue.Queue[str] = queue.Queue()
        self.available = sys.stdin is not None and sys.stdin.isatty()
        if self.available:
            threading.Thread(target=self._read, daemon=True, name="enter-key").start()

    @classmethod
    def shared(cls) -> EnterKey:
        if cls._instance is None:
            cls._instance = EnterKey()
        return cls._instance

    def _read(self) -> None:
        for line in sys.stdin:
            self.presses.put(line)

    def drain(self) -> None:
        while not self.presses.empty():
            self.presses.get_nowait()

    def pressed(self) -> bool:
        try:
            self.presses.get_nowait()
            return True
        except queue.Empty:
            return False


def device_gone(starved_s: float, active: bool) -> bool:
    """No audio for starved_s seconds of this process's own running time: gone when the stream
    says it stopped, or when an active stream has delivered nothing for far too long."""
    return starved_s > DEVICE_GONE_S if not active else starved_s > DEVICE_STALLED_S


class DeviceMicrophone:
    """The real microphone through sounddevice."""

    def __init__(
        self,
        options: RecorderOptions = RecorderOptions(),
        on_status: Callable[[LiveStatus], None] | None = None,
        on_chunk: ChunkCallback | None = None,
        keys: Keys | None = None,
        stream_factory: Callable[..., Any] | None = None,
        turn_taking: TurnTakingOptions | None = None,
        end_model: EndOfTurnModel | None = None,
    ):
        self.o = options
        self.on_status = on_status
        self.on_chunk = on_chunk  # (wav path, chunk start s, cut s, end of its speech s)
        # The streamed words of the turn so far (None while a chunk is decoding); set with
        # on_chunk by whoever transcribes the chunks. Without it, pauses are judged by sound.
        self.turn_text: Callable[[], str | None] | None = None
        # Pauses judged by words, sound and silence (turn_end.py); None: silence alone.
        self.turn_taking = turn_taking
        self.end_model = end_model
        self.keys: Keys = keys or EnterKey.shared()
        # stream_factory: another source of input blocks than the sound card (the browser
        # room's, room/devices.py), which has no device settings to check.
        self.sd: Any = None
        if stream_factory is None:
            self.sd = sounddevice()
            stream_factory = self.sd.RawInputStream
            self.check()
        self._stream_factory = stream_factory

    def check(self) -> None:
        assert self.sd is not None
        try:
            self.sd.check_input_settings(
                device=self.o.device, channels=1, dtype="int16", samplerate=self.o.sample_rate
            )
        except Exception as exc:
            names = input_devices(self.sd)
            listed = f"input devices: {', '.join(names)}" if names else "no input devices found"
            raise DeviceError(
                f"no usable microphone ({first_line(exc)}); {listed}; "
                "use --text to type answers or --answers to give recorded ones"
            ) from None

    def record(self, path: Path, preroll: np.ndarray | None = None) -> Recording:
        """preroll: the candidate's speech heard while the interviewer was still talking (a
        barge-in): it opens this turn."""
        o = self.o
        if o.push_to_talk and self.keys.available:
            print("press Enter to start talking, Enter again to stop", flush=True)
            while not self.keys.pressed():
                time.sleep(0.05)
        self.keys.drain()
        blocks: queue.Queue[bytes | None] = queue.Queue()
        overflows = [0]
        last_block = [time.monotonic()]

        pace_start = [0.0, 0]  # (wall time of the first block, samples delivered)

        def callback(indata: Any, frames: int, when: Any, status: Any) -> None:
            # Runs on PortAudio's thread: copy and queue, nothing else.
            if status.input_overflow:
                overflows[0] += 1
            if PACE_INPUT:  # a virtual device with no clock: hold each block until it is due
                if not pace_start[0]:
                    pace_start[0] = time.monotonic()
                pace_start[1] += frames
                due = pace_start[0] + pace_start[1] / o.sample_rate
                time.sleep(max(0.0, due - time.monotonic()))
            blocks.put(bytes(indata))
            last_block[0] = time.monotonic()

        writer = WavWriter(path, o.sample_rate)
        judge = (
            TurnEnd(self.turn_taking, o.patience_s, self.end_model)
            if self.turn_taking is not None
            else None
        )
        endpointer = Endpointer(o, judge)
        text = self.turn_text
        ended_silence = [0.0]
        stop = threading.Event()
        verdict: list[str | None] = [None]
        ended_at = [0.0]
        failure: list[BaseException] = []

        def write_loop() -> None:
            try:
                while True:
                    data = blocks.get()
                    if data is None:
                        return
                    if verdict[0] is not None:
                        # The turn is over: what arrives while the stream stops is not part of it.
                        continue
                    pcm = np.frombuffer(data, dtype=np.int16)
                    writer.write(pcm)
                    endpointer.feed(from_int16(pcm))
                    # Judge first: a pause that sounds like the end closes its chunk at once.
                    verdict[0] = endpointer.verdict(text)
                    if verdict[0]:
                        ended_at[0] = time.monotonic()
                        ended_silence[0] = endpointer.silence_s()
                    chunk = endpointer.chunk_ready()
                    if chunk and self.on_chunk:
                        self.on_chunk(path, *(x / o.sample_rate for x in chunk))
                    if self.on_status:
                        level = float(np.sqrt(np.mean(from_int16(pcm) ** 2)) + 1e-9)
                        judged = endpointer.judged
                        self.on_status(
                            LiveStatus(
                                endpointer.total / o.sample_rate,
                                20 * np.log10(level),
                                endpointer.heard_speech,
                                endpointer.silence_s(),
                                o.patience_s,
                                judged.wait_s if judged else 0.0,
                                judged.expect if judged else "",
                            )
                        )
                    if verdict[0]:
                        stop.set()
            except BaseException as exc:  # surfaced on the main thread
                failure.append(exc)
                stop.set()

        if preroll is not None and len(preroll):
            blocks.put(to_int16(preroll).tobytes())
        thread = threading.Thread(target=write_loop, name="wav-writer", daemon=True)
        thread.start()
        try:
            stream = self._stream_factory(
                samplerate=o.sample_rate,
                channels=1,
                dtype="int16",
                blocksize=int(o.sample_rate * o.block_s),
                device=o.device,
                callback=callback,
            )
        except Exception as exc:
            blocks.put(None)
            thread.join()
            writer.close()
            raise DeviceError(f"the microphone could not be opened ({first_line(exc)})") from None
        ended_by = "silence"
        try:
            with stream:
                starved, tick = 0.0, time.monotonic()
                while not stop.wait(0.05):
                    if self.keys.pressed():
                        ended_by = "enter"
                        ended_at[0] = time.monotonic()
                        break
                    now = time.monotonic()
                    awake = now - tick <= AWAKE_TICK_S
                    tick = now
                    # Starved: awake time since the last block (a busy or stopped process
                    # restarts the count: the device gets its time to deliver again).
                    starved = starved + 0.05 if awake and now - last_block[0] > 0.05 else 0.0
                    if device_gone(starved, getattr(stream, "active", True)):
                        raise DeviceError(
                            f"the microphone stopped sending audio mid-answer; what was recorded "
                            f"is saved in {path}"
                        )
        finally:
            blocks.put(None)
            thread.join()
            writer.close()
        if failure:
            err = failure[0]
            if isinstance(err, OSError):
                raise disk_full(err, path) or err
            raise err
        if verdict[0]:
            ended_by = verdict[0]
        return Recording(
            path=path,
            duration_s=writer.frames / o.sample_rate,
            ended_by=ended_by,
            overflows=overflows[0],
            ended_at=ended_at[0] or time.monotonic(),
            silence_s=ended_silence[0],
            why=endpointer.judged.why if endpointer.judged and verdict[0] else "",
            heard_speech=endpointer.heard_speech,
        )
