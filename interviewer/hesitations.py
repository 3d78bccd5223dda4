"""Hesitation sounds heard in the audio, not in the words: the "um", "uh", "hmm" and "erm" that
Whisper leaves out of its transcript (it was trained on transcripts without them).

Pure functions of the audio samples, the words (with times) and the VAD speech regions.

A hesitation sound is one held, voiced sound: a vowel or a hum whose spectrum barely moves for
a fifth of a second or more, where words change sound every 50 to 100 ms (measured: mean
spectral flux 1.5-2.4 dB on hesitations, 2.7 dB and up on vowels held inside words). Such a
steady stretch is reported when the words do not account for it:
- no word covers it (VAD hears speech there, Whisper wrote nothing), or
- the words over it are stretched far past the length of their letters (Whisper drags the
  neighbouring word over the sound it dropped), or are Whisper's unsure guesses at the sound
  (low probability, or fragments such as "A -U -N"), or are words that are mostly that one held
  sound (Whisper spells a hesitation as a sure word: "erm" written "Arm," at probability 0.9;
  a real word's consonants change the sound, so it is never mostly one held vowel).
Silence and noise (unvoiced, or below the speech level) never count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from interviewer.transcript import Span, Word

SAMPLE_RATE = 16000
HOP = 160  # 10 ms frames
WIN = 512  # 32 ms window: enough for two periods of a low voice's pitch
BAND_RANGE_DB = 50.0


@dataclass(frozen=True)
class HesitationOptions:
    min_s: float = 0.12  # a held sound at least this long
    # Spectral flux: mean change of the log mel spectrum over 20 ms, in dB, smoothed over 50 ms.
    # Measured on Piper speech: 1-2 dB through a hesitation, 2.7 dB and up even on the vowels
    # held longest inside words, 6 dB typical of speech.
    flux_db: float = 2.5
    # ...and unsmoothed, over the whole held sound: hesitations 1.1-1.7 dB; espeak-ng's
    # perfectly steady synthetic vowels 2.0-4.7 dB (they jitter frame to frame).
    steady_db: float = 1.9
    voicing: float = 0.8  # normalized autocorrelation peak at a pitch lag (80-400 Hz)
    min_prob: float = 0.6  # a word Whisper was less sure of may be its guess at the sound
    floor_db: float = 35.0  # frames quieter than the loudest speech minus this are silence
    # A word's usual length: this many seconds per letter plus a base ("we" 0.24 s, "and"
    # 0.31 s). Time past it is Whisper dragging the word over a sound it did not write.
    per_letter_s: float = 0.07
    stretch_base_s: float = 0.1
    cover: float = 0.5  # share of the steady stretch under a normal word that rules it out
    # A word whose time is at least this share one held sound is a hesitation Whisper spelled
    # as a word. Measured on the hesitation set (67 inserted sounds, 3 Piper renderings, base):
    # recall 0.67 -> 0.84 at 0.6, with no false ones on the clean twins; 0.8 keeps only 0.72.
    held_share: float = 0.6
    merge_s: float = 0.12  # steady stretches this close are one sound


def _frames(samples: np.ndarray) -> np.ndarray:
    if samples.size < WIN:
        return np.zeros((0, WIN), dtype=np.float32)
    n = 1 + (samples.size - WIN) // HOP
    idx = np.arange(WIN)[None, :] + HOP * np.arange(n)[:, None]
    frames: np.ndarray = samples[idx] * np.hanning(WIN).astype(np.float32)
    return frames


def _bands(n_fft: int = WIN, n: int = 24, lo: float = 100.0, hi: float = 4000.0) -> np.ndarray:
    """Triangular filters equally spaced on the mel scale: spectrum bins -> n bands."""
    mel: Callable[[float], float] = lambda f: 2595 * np.log10(1 + f / 700)  # noqa: E731
    hz: Callable[[np.ndarray], np.ndarray] = lambda m: 700 * (10 ** (m / 2595) - 1)  # noqa: E731
    edges = hz(np.linspace(mel(lo), mel(hi), n + 2))
    freqs = np.fft.rfftfreq(n_fft, 1 / SAMPLE_RATE)
    fb = np.zeros((n, freqs.size))
    for i in range(n):
        a, c, b = edges[i], edges[i + 1], edges[i + 2]
        fb[i] = np.clip(np.minimum((freqs - a) / (c - a), (b - freqs) / (b - c)), 0, None)
    return fb


_FB = _bands()
_w = np.fft.rfft(np.hanning(WIN), n=2 * WIN)
_WIN_AC = np.fft.irfft(np.abs(_w) ** 2)[:WIN]
_WIN_AC = _WIN_AC / _WIN_AC[0]


def frame_features(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per 10 ms frame: level (dB), spectral flux (dB, over 20 ms), voicing (0..1)."""
    frames = _frames(np.asarray(samples, dtype=np.float32))
    if not len(frames):
        return np.zeros(0), np.zeros(0), np.zeros(0)
    spec = np.fft.rfft(frames, axis=1)
    power = (spec.real**2 + spec.imag**2).astype(np.float64)
    level = 10 * np.log10(power.sum(axis=1) + 1e-10)
    bands = 10 * np.log10(power @ _FB.T + 1e-10)
    # Bands far below the frame's strongest carry no sound, only leakage that jumps about:
    # floor them so their jitter is not read as change.
    bands = np.maximum(bands, bands.max(axis=1, keepdims=True) - BAND_RANGE_DB)
    flux = np.zeros(len(frames))
    flux[2:] = np.mean(np.abs(bands[2:] - bands[:-2]), axis=1)
    flux[:2] = flux[2] if len(frames) > 2 else 0.0
    # Voicing: the autocorrelation's peak at a pitch lag, divided by the window's own
    # autocorrelation at that lag (Boersma 1993), so a periodic frame scores near 1.
    padded = np.fft.rfft(frames, n=2 * WIN, axis=1)
    ac = np.fft.irfft(padded.real**2 + padded.imag**2, axis=1)[:, :WIN]
    lo, hi = SAMPLE_RATE // 400, SAMPLE_RATE // 80
    ratio = ac[:, lo:hi] / np.maximum(ac[:, :1], 1e-10) / _WIN_AC[lo:hi]
    voicing = np.clip(ratio.max(axis=1), 0, 1)
    return level, flux, voicing


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last + 1) of each run of True."""
    padded = np.concatenate([[False], mask, [False]])
    d = np.diff(padded.astype(np.int8))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True))


def steady_sounds(
    samples: np.ndarray, regions: Sequence[Span], o: HesitationOptions = HesitationOptions()
) -> list[Span]:
    """Held voiced sounds inside VAD speech: the candidates for a hesitation."""
    level, flux, voicing = frame_features(samples)
    if not len(level):
        return []
    times = (np.arange(len(level)) * HOP + WIN / 2) / SAMPLE_RATE
    inside = np.zeros(len(level), dtype=bool)
    for r in regions:
        inside |= (times >= r.start) & (times <= r.end)
    if not inside.any():
        return []
    loud = level > np.percentile(level[inside], 95) - o.floor_db
    # Smooth the flux over 50 ms: one jumpy frame does not break a held sound.
    k = np.ones(5) / 5
    smooth = np.convolve(flux, k, mode="same")
    mask = inside & loud & (voicing >= o.voicing) & (smooth <= o.flux_db)
    spans: list[list[float]] = []
    for a, b in _runs(mask):
        s, e = times[a] - HOP / SAMPLE_RATE / 2, times[b - 1] + HOP / SAMPLE_RATE / 2
        if spans and s - spans[-1][1] <= o.merge_s:
            spans[-1][1] = e
        else:
            spans.append([s, e])
    out = []
    for s, e in spans:
        inner = (times >= s) & (times <= e)
        if e - s >= o.min_s and flux[inner].mean() <= o.steady_db:
            out.append(Span(start=round(s, 3), end=round(e, 3)))
    return out


def _letters(word: str) -> int:
    return sum(ch.isalnum() for ch in word)


def is_stretched(w: Word, o: HesitationOptions = HesitationOptions()) -> bool:
    return w.end - w.start > o.stretch_base_s + o.per_letter_s * _letters(w.word)


def _sure(w: Word, o: HesitationOptions) -> bool:
    """Whisper is sure of it, and it is a whole word: Whisper spells a hesitation it half-hears
    as unsure words or letter fragments ("A -U -N"); "-tower" in "two-tower" is whole."""
    fragment = w.word.startswith("-") and _letters(w.word) <= 2 and not w.word[1:2].isdigit()
    return w.probability >= o.min_prob and not fragment


def _accounts_for(w: Word, sound: Span, o: HesitationOptions) -> bool:
    """A sure word accounts for the held sound under it, unless the word is mostly that sound."""
    inside = min(w.end, sound.end) - max(w.start, sound.start)
    return _sure(w, o) and inside < o.held_share * max(w.end - w.start, 1e-3)


def _excess(w: Word, o: HesitationOptions) -> float:
    return max(0.0, w.end - w.start - o.stretch_base_s - o.per_letter_s * _letters(w.word))


def find_hesitations(
    samples: np.ndarray,
    words: Sequence[Word],
    regions: Sequence[Span],
    o: HesitationOptions = HesitationOptions(),
) -> list[Span]:
    """Hesitation sounds the words do not account for (see the module's docstring). One that
    Whisper did write as a filler ("um") is dropped later, by the metrics, which know the
    rubric's filler list."""
    out: list[Span] = []
    for sound in steady_sounds(samples, regions, o):
        length = sound.end - sound.start
        over = [w for w in words if w.end > sound.start and w.start < sound.end]
        # A sure word accounts for the sound under it (unless it is mostly that sound), less
        # the time it runs past the length of its letters: Whisper's drag over a sound it dropped.
        covered = sum(
            max(0.0, min(w.end, sound.end) - max(w.start, sound.start) - _excess(w, o))
            for w in over
            if _accounts_for(w, sound, o)
        )
        if covered / length >= o.cover:
            continue  # a held vowel inside ordinary words
        out.append(sound)
    return out
