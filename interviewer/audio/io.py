"""Load any audio file as 16 kHz mono float32; write WAVs atomically.

Decoding goes through PyAV (FFmpeg), which faster-whisper already depends on, so WAV, FLAC,
MP3, OGG and friends at any rate, mono or stereo, all take one path. Every failure becomes an
AudioError with a one-line message naming the file.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interviewer.errors import AudioError, first_line
from interviewer.files import atomic_write_bytes

SAMPLE_RATE = 16000  # Hz: what Whisper and Silero VAD expect
INT16_SCALE = 32768.0  # 16-bit PCM full scale: devices and WAV files speak int16, models float32


def from_int16(pcm: np.ndarray) -> np.ndarray:
    """16-bit PCM (a microphone block, a decoded file) as float32 samples in [-1, 1)."""
    return pcm.astype(np.float32) / INT16_SCALE


def to_int16(samples: np.ndarray) -> np.ndarray:
    """float samples as 16-bit PCM for a playback stream; clipped, so a loud peak cannot wrap."""
    pcm: np.ndarray = (np.clip(samples, -1, 1) * (INT16_SCALE - 1)).astype(np.int16)
    return pcm


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # float32 in [-1, 1], mono, SAMPLE_RATE
    path: Path | None = None
    unreadable_s: float = 0.0  # damaged stretches skipped while decoding (claimed - decoded)

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def probe_duration(path: Path) -> float | None:
    """Seconds of audio the container claims, without decoding it (None if it does not say)."""
    import av

    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioError(f"{path} has no audio stream")
            stream = container.streams.audio[0]
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            if container.duration is not None:
                return container.duration / 1_000_000  # av.time_base is microseconds
            return None
    except AudioError:
        raise
    except Exception as exc:  # PyAV raises many kinds; all mean "cannot read this"
        raise AudioError(f"{path} is not a readable audio file ({first_line(exc)})") from None


def load_audio(path: str | os.PathLike[str], max_seconds: float | None = None) -> Audio:
    """Decode ``path`` to 16 kHz mono float32, refusing what cannot be an answer."""
    path = Path(path)
    if not path.exists():
        raise AudioError(f"no such file: {path}")
    if path.is_dir():
        raise AudioError(f"{path} is a directory, not an audio file")
    if path.stat().st_size == 0:
        raise AudioError(f"{path} is empty (0 bytes)")

    claimed = probe_duration(path)
    if max_seconds is not None and claimed is not None and claimed > max_seconds:
        raise AudioError(
            f"{path} is {claimed / 60:.1f} minutes long, over the {max_seconds / 60:.0f}-minute "
            "limit for one answer (raise it with --max-minutes)"
        )
    try:
        samples = decode_tolerant(path)
    except AudioError:
        raise
    except Exception as exc:
        raise AudioError(f"{path} could not be decoded ({first_line(exc)})") from None

    samples = np.asarray(samples, dtype=np.float32)
    if samples.size == 0:
        raise AudioError(f"{path} holds no audio (0 seconds)")
    unreadable = round(max(0.0, (claimed or 0.0) - samples.size / SAMPLE_RATE), 2)
    if max_seconds is not None and samples.size / SAMPLE_RATE > max_seconds:
        raise AudioError(
            f"{path} is {samples.size / SAMPLE_RATE / 60:.1f} minutes long, over the "
            f"{max_seconds / 60:.0f}-minute limit for one answer (raise it with --max-minutes)"
        )
    # A few hundredths short is codec padding and rounding, not damage.
    return Audio(samples=samples, path=path, unreadable_s=unreadable if unreadable >= 0.2 else 0.0)


def decode_tolerant(path: Path) -> np.ndarray:
    """Decode to 16 kHz mono float32, packet by packet, skipping packets the decoder rejects:
    a damaged stretch in a FLAC or MP3 costs that stretch, not everything after it (FFmpeg's
    own frame iterator stops at the first error)."""
    import av

    resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    out: list[np.ndarray] = []
    with av.open(str(path), mode="r", metadata_errors="ignore") as container:
        if not container.streams.audio:
            raise AudioError(f"{path} has no audio stream")
        stream = container.streams.audio[0]
        packets = container.demux(stream)
        while True:
            try:
                packet = next(packets)
            except StopIteration:
                break
            except av.error.InvalidDataError:
                continue  # the demuxer resyncs on the next readable packet
            try:
                frames = packet.decode()
            except (av.error.InvalidDataError, ValueError):
                continue
            for frame in frames:
                frame.pts = None
                out += [r.to_ndarray().reshape(-1) for r in resampler.resample(frame)]
        out += [r.to_ndarray().reshape(-1) for r in resampler.resample(None)]
    if not out:
        return np.zeros(0, dtype=np.float32)
    return from_int16(np.concatenate(out))


def save_wav(path: str | os.PathLike[str], samples: np.ndarray, rate: int = SAMPLE_RATE) -> Path:
    """Write a 16-bit WAV atomically: a crash leaves the old file or the new one, never half;
    a full disk is a DiskError."""
    import soundfile as sf

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Encode in memory, write with Python's file I/O: a full disk then surfaces with its errno
    # (libsndfile only says "System error").
    buffer = io.BytesIO()
    sf.write(buffer, np.asarray(samples), rate, subtype="PCM_16", format="WAV")
    atomic_write_bytes(path, buffer.getvalue())
    return path
