"""Frozen settings, one object per concern, with every default visible here."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP = "interviewer"

# Built-in content ships inside the package (package data), so an installed copy has it.
BUILTIN = Path(__file__).resolve().parent / "builtin"
# A source checkout: the package folder sits beside pyproject.toml. There the checkout is the
# user's folder (recordings/ in the repository), so `make demo` and `make test` keep their layout.
CHECKOUT = Path(__file__).resolve().parent.parent


def _from_checkout() -> bool:
    return (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "interviewer").is_dir()


def cache_home() -> Path:
    """Where computed things are kept between runs (the assembled base model, sentence
    embeddings, the LLM endpoint cache): $INTERVIEWER_CACHE, else the platform's user cache folder
    ($XDG_CACHE_HOME/interviewer or ~/.cache/interviewer on Linux). A user folder, never
    site-packages, which may be read-only or shared."""
    if os.environ.get("INTERVIEWER_CACHE"):
        return Path(os.environ["INTERVIEWER_CACHE"])
    return platformdirs.user_cache_path(APP)


def config_home() -> Path:
    """The user's settings (config.toml): the platform's user config folder."""
    return platformdirs.user_config_path(APP)


def _user_content() -> Path:
    return _home() or config_home()


def _user_recordings() -> Path:
    home = _home()
    return home / "recordings" if home else platformdirs.user_data_path(APP) / "recordings"


def _home() -> Path | None:
    """One folder for everything the user owns: $INTERVIEWER_HOME, else a source checkout."""
    if os.environ.get("INTERVIEWER_HOME"):
        return Path(os.environ["INTERVIEWER_HOME"])
    return CHECKOUT if _from_checkout() else None


@dataclass(frozen=True)
class Paths:
    """Where content is read and sessions are written, resolved when built (so the environment
    of the moment counts, not the one at import).

    Content (prompts/..., rubrics/...) is looked up in the user's folder first, then in the
    built-in one: a user's file of the same name replaces the built-in file, and a user's
    question file adds questions to the bank. The user's folder is $INTERVIEWER_HOME, else the
    source checkout, else the platform's user config folder; sessions go to recordings/ in
    $INTERVIEWER_HOME or the checkout, else in the platform's user data folder.
    """

    user: Path = field(default_factory=_user_content)  # holds prompts/ and rubrics/
    recordings: Path = field(default_factory=_user_recordings)
    builtin: Path = BUILTIN

    def find(self, *parts: str) -> Path:
        """The user's file if there is one, else the built-in one (which may not exist: the
        caller's error names it)."""
        mine = self.user.joinpath(*parts)
        return mine if mine.exists() else self.builtin.joinpath(*parts)

    def folders(self, *parts: str) -> list[Path]:
        """The built-in folder and the user's, in that order, those that exist."""
        found = [self.builtin.joinpath(*parts), self.user.joinpath(*parts)]
        unique = list(dict.fromkeys(p.resolve() for p in found if p.is_dir()))
        return unique

    @property
    def examples(self) -> Path:
        """The demo's candidates: built in, never the user's."""
        return self.builtin / "examples"


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
    cpu_threads: int = 0  # 0: the machine's cores, at most 4 (CTranslate2's default)
    batch_size: int = 8  # only for batched (re-scoring / bench) transcription
    # A streamed chunk's encoder input cut to the chunk (interviewer/encoder_window.py): at
    # least this long, with this much of the padding after it. False: the full 30 s window.
    cut_window: bool = True
    window_min_s: float = 10.0
    window_margin_s: float = 0.5


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
    # End of turn: Enter ends it at once; otherwise TurnTakingOptions judge each pause, and this
    # is the longest the interviewer ever waits (a clause left open, "let me think"). Generous on
    # purpose: candidates need thinking time and must not be cut off mid-thought.
    patience_s: float = 10.0
    max_think_s: float = 120.0  # no speech at all for this long ends the turn (empty answer)
    max_turn_s: float = 900.0  # one answer never runs past 15 minutes
    speech_threshold: float = 0.5  # Silero speech probability
    push_to_talk: bool = False  # Enter starts and Enter stops; silence never ends the turn
    device: str | int | None = None  # input device name or index; None: the system default


@dataclass(frozen=True)
class TurnTakingOptions:
    """When a pause ends the turn (interviewer/audio/turn_end.py). Each wait is silence after
    the last speech; every one is capped by --patience."""

    listen_s: float = 0.3  # a pause this long is judged (the audio model's first look)
    p_end: float = 0.5  # the audio model's probability that the speaker has finished
    handover_s: float = 0.3  # a question to the interviewer, "that covers it": answer at once
    settle_s: float = 0.45  # a whole sentence that sounds finished
    recheck_s: float = 1.2  # a whole sentence that did not: look again with more silence...
    unsure_s: float = 2.5  # ...and if it still does not sound finished, wait this long
    promised_s: float = 3.0  # "First, ..." with no second yet
    # A turn of a few words so far ("Sorry.", "So that's the model side."): an opening, so the
    # pause after it is a thinking pause more often than an end. It waits the whole --patience
    # (capped by it): at 6 s, an 8 s pause after "So that's the model side." was cut off
    # (bench/turn_taking), and a few words are the turn least worth answering early. A short
    # answer that is all there is ends with Enter or "I'm done", or by sounding like a hand-over.
    brief_s: float = 60.0
    fallback_s: float = 4.0  # without the audio model, a whole sentence: the old silence rule
    smart_turn: bool = True  # --no-smart-turn: the words and the silence alone


@dataclass(frozen=True)
class VoiceOptions:
    enabled: bool = True  # --no-voice prints the interviewer's lines instead
    voice: str | None = None  # a pyttsx3/espeak-ng voice id, e.g. "gmw/en-us"; None: default
    rate: int = 170  # words per minute
    sample_rate: int = 16000  # playback rate; lines are resampled to it
    device: str | int | None = None  # output device name or index


@dataclass(frozen=True)
class InterviewOptions:
    minutes: float = 45.0  # session length; the question's phase budget is scaled to it
    words_per_second: float = 2.5  # to put an unvoiced interviewer line on the clock
