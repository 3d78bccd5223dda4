"""Frozen settings, one object per concern, with every default visible here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The project root holds prompts/, rubrics/ and recordings/. An installed copy (pip install .)
# has no such tree beside it, so INTERVIEWER_HOME can point elsewhere.

PROJECT_ROOT = Path(os.environ.get("INTERVIEWER_HOME", Path(__file__).resolve().parent.parent))


def cache_home() -> Path:
    """Where computed things are kept between runs (the assembled base model, sentence
    embeddings): $INTERVIEWER_CACHE, else $XDG_CACHE_HOME/interviewer, else ~/.cache/interviewer.
    A user folder, never site-packages, which may be read-only or shared."""
    if os.environ.get("INTERVIEWER_CACHE"):
        return Path(os.environ["INTERVIEWER_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "interviewer"


@dataclass(frozen=True)
class Paths:
    prompts: Path = PROJECT_ROOT / "prompts"
    rubrics: Path = PROJECT_ROOT / "rubrics"
    recordings: Path = PROJECT_ROOT / "recordings"

    @property
    def questions(self) -> Path:
        return self.prompts / "questions"

    @property
    def agendas(self) -> Path:
        return self.rubrics / "agendas"

    @property
    def examples(self) -> Path:
        return self.recordings / "examples"


# Two speech models, each where it fits. The live interviewer streams with tiny.en (fast enough
# to answer within half a second); the one-pass transcript behind every report uses base, which
# hears domain words better (WER and term recall in README.md, Hearing). Both ship as packages
# and are SHA-256 verified (interviewer/models.py).
LIVE_MODEL = "tiny.en"
REPORT_MODEL = "base"


@dataclass(frozen=True)
class SttOptions:
    # Which model: None means the bundled tiny.en; "tiny.en" and "base" are the packaged
    # models (verified by SHA-256); anything else is a faster-whisper model name ("small.en",
    # "large-v3") or a local CTranslate2 directory.
    model: str | None = None
    device: str = "auto"  # auto | cpu | cuda
    compute_type: str = "auto"  # auto: int8 on CPU, float16 on CUDA
    # Decoding. Plain transcription, no disfluent initial prompt: it cost accuracy on long
    # answers (WER 0.11 -> 0.26 measured with tiny.en), and accuracy comes first.
    beam_size: int = 5
    language: str = "en"
    cpu_threads: int = 0  # 0: let CTranslate2 choose
    batch_size: int = 8  # only for batched (re-scoring / bench) transcription


@dataclass(frozen=True)
class VadOptions:
    # Silero VAD for measuring silence (not the one faster-whisper uses to skip silence).
    # Tight padding and short minimum silence so pause edges land where the silence is.
    threshold: float = 0.5
    min_silence_ms: int = 250
    speech_pad_ms: int = 30
    min_speech_ms: int = 120


@dataclass(frozen=True)
class AnswerOptions:
    # An answer to one question longer than this is almost surely the wrong file; refusing
    # early beats twenty minutes of transcription. --max-minutes raises it.
    max_minutes: float = 30.0


@dataclass(frozen=True)
class RecorderOptions:
    sample_rate: int = 16000  # Hz; what Whisper wants, so no resampling after recording
    block_s: float = 0.1  # seconds per block handed from the audio callback to the writer
    # End of turn: Enter ends it at once; otherwise this much silence after speech. Generous on
    # purpose: candidates need thinking time and must not be cut off mid-thought.
    patience_s: float = 4.0
    max_think_s: float = 120.0  # no speech at all for this long ends the turn (empty answer)
    max_turn_s: float = 900.0  # one answer never runs past 15 minutes
    speech_threshold: float = 0.5  # Silero speech probability
    push_to_talk: bool = False  # Enter starts and Enter stops; silence never ends the turn
    device: str | None = None  # input device name or index; None: the system default


@dataclass(frozen=True)
class VoiceOptions:
    enabled: bool = True  # --no-voice prints the interviewer's lines instead
    voice: str | None = None  # a pyttsx3/espeak-ng voice id, e.g. "gmw/en-us"; None: default
    rate: int = 170  # words per minute
    sample_rate: int = 16000  # playback rate; lines are resampled to it
    device: str | None = None  # output device name or index


@dataclass(frozen=True)
class InterviewOptions:
    minutes: float = 45.0  # session length; the question's phase budget is scaled to it
    words_per_second: float = 2.5  # to put an unvoiced interviewer line on the clock
