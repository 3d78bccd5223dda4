"""A streamed chunk's encoder pass, cut to the chunk: the live reply waits on it.

faster-whisper pads every window's log-mel features to Whisper's fixed 30 s (3,000 frames) with
zeros before the encoder, so a 3 s chunk costs a 30 s encoder pass: 0.3-0.45 s of tiny.en on
2 cores, most of the time from the candidate's last word to the reply. CTranslate2 (4.x) encodes
shorter inputs. Here the zero padding past the chunk is dropped, down to a floor: Whisper was
trained on 30 s windows, and on inputs much shorter than 10 s it loops ("ten of clubs ten of
clubs ...") or writes dots. Measured with tiny.en on 73 streamed clips (the demo's answers,
Piper answers, the turn-taking turns, real recorded speech; 2,247 words): WER 0.0579 with the
full window, 0.0588 cut to at least 10 s, 0.0628 at 5 s; the encoder pass 0.29 -> 0.09 s mean.

Only a streamed chunk is cut (`cut_window()` around its decode, on that thread); the report's
one-pass transcripts keep the full window. A cut decode that still looks degenerate (words
repeated in threes, more than 5 words a second, dots) is decoded again with the full window
(`degenerate`).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

FRAMES_PER_S = 100  # Whisper's log-mel hop: 160 samples at 16 kHz

_state = threading.local()


@contextlib.contextmanager
def cut_window(min_s: float, margin_s: float) -> Iterator[None]:
    """Within this block, on this thread, the encoder sees the chunk's frames plus `margin_s`
    of the padding, and at least `min_s` of input."""
    _state.cut = (int(min_s * FRAMES_PER_S), int(margin_s * FRAMES_PER_S))
    try:
        yield
    finally:
        _state.cut = None


def cut_features(features: np.ndarray, min_frames: int, margin_frames: int) -> np.ndarray:
    """One window's features (mels x frames) without the zero padding past its audio. The
    padding is literal zeros; a frame of real log-mel is never all zero (its floor is the
    window's maximum minus 8, scaled)."""
    if features.ndim != 2:
        return features  # a batch (the batched pipeline): left as it is
    frames = features.shape[-1]
    heard = np.flatnonzero(np.any(features != 0, axis=0))
    end = int(heard[-1]) + 1 if len(heard) else frames
    keep = min(frames, max(min_frames, end + margin_frames))
    keep += keep % 2  # the encoder's stride-2 convolution
    return features[:, : min(keep, frames)]


@lru_cache(maxsize=1)
def model_class() -> type:
    """faster-whisper's WhisperModel whose encoder honours `cut_window` (imported lazily, like
    the model itself)."""
    from faster_whisper import WhisperModel

    class CutWindowModel(WhisperModel):  # type: ignore[misc]
        def encode(self, features: np.ndarray) -> Any:
            cut = getattr(_state, "cut", None)
            if cut is not None:
                features = cut_features(features, *cut)
            return super().encode(features)

    return CutWindowModel


_REPEAT = 3  # the same three words this many times: a decoding loop
_MAX_WPS = 5.0  # faster than anyone speaks
_DOTS = re.compile(r"\.\.\.|[-\u2013\u2014](?=\s+[-\u2013\u2014])")
_MAX_DOTS = 3  # "so I would..." once is speech trailing off; "... ... ..." is filler


def degenerate(words: Sequence[str], text: str, speech_s: float) -> bool:
    """A decode that looped or wrote filler instead of words."""
    if len(_DOTS.findall(text)) >= _MAX_DOTS:
        return True
    w = [re.sub(r"[^\w']", "", x.lower()) for x in words]
    w = [x for x in w if x]
    if not w:
        return False
    if len(w) / max(speech_s, 0.5) > _MAX_WPS:
        return True
    grams = [tuple(w[i : i + 3]) for i in range(len(w) - 2)]
    return bool(grams) and max(grams.count(g) for g in set(grams)) >= _REPEAT
