"""Speech regions from Silero VAD (the copy bundled with faster-whisper).

Pauses are measured here rather than from word timestamps: Whisper's word times drift into
silence (a word may "end" half a second into a pause), while VAD edges follow the signal.
"""

from __future__ import annotations

import numpy as np

from interviewer.audio.io import SAMPLE_RATE
from interviewer.settings import VadOptions
from interviewer.transcript import Span


def speech_regions(samples: np.ndarray, options: VadOptions = VadOptions()) -> list[Span]:
    """Where someone is speaking, as (start, end) seconds, in order and non-overlapping."""
    from faster_whisper.vad import VadOptions as SileroOptions
    from faster_whisper.vad import get_speech_timestamps

    if samples.size == 0:
        return []
    silero = SileroOptions(
        threshold=options.threshold,
        min_silence_duration_ms=options.min_silence_ms,
        speech_pad_ms=options.speech_pad_ms,
        min_speech_duration_ms=options.min_speech_ms,
    )
    chunks = get_speech_timestamps(samples, silero, sampling_rate=SAMPLE_RATE)
    return [Span(start=c["start"] / SAMPLE_RATE, end=c["end"] / SAMPLE_RATE) for c in chunks]
