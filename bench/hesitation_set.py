"""The hesitation set: Piper-voiced answers with hesitation sounds ("um", "uh", "hmm", "erm",
short and drawn out) inserted at known times, and the same answers without them.

Each answer is cut into pieces at its commas and full stops, and some pieces once more between
two words; a hesitation goes into some of those cuts. The clean twin has the very same cuts and
gaps, so any difference between the two is the hesitation sounds alone.
"""

from __future__ import annotations

import random
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from common import piper_say

SAMPLE_RATE = 16000
DATA = Path(__file__).resolve().parent / "data" / "answers.toml"
# (text Piper says, length scale): short and drawn out.
SOUNDS = [
    ("Um.", 1.5),
    ("Umm.", 3.0),
    ("Uh.", 2.0),
    ("Uhh.", 3.0),
    ("Hmm.", 1.5),
    ("Hmmm.", 2.5),
    ("Erm.", 1.3),
    ("Errm.", 2.5),
]


@dataclass
class Sample:
    text: str  # what was said, without the hesitations
    hesitant: np.ndarray
    clean: np.ndarray
    truth: list[tuple[float, float]] = field(default_factory=list)  # hesitations in `hesitant`


def load_answers() -> tuple[list[str], list[str]]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return [" ".join(a["text"].split()) for a in data["answers"]], data["terms"]


def _pieces(text: str, rng: random.Random) -> list[str]:
    parts = [p.strip() for p in re.split(r"(?<=[,.?!])\s+", text) if p.strip()]
    out: list[str] = []
    for p in parts:
        words = p.split()
        if len(words) >= 8 and rng.random() < 0.5:  # a cut mid-clause, between two words
            k = rng.randint(3, len(words) - 3)
            out += [" ".join(words[:k]), " ".join(words[k:])]
        else:
            out.append(p)
    return out


def build(seed: int = 11, rate: float = 0.5, natural: bool = True) -> list[Sample]:
    """One sample per answer: at each cut, a hesitation with probability `rate`. natural:
    Piper's own random variation on (a benchmark) or off (the same audio every run: tests)."""
    rng = random.Random(seed)
    answers, _ = load_answers()
    samples = []
    for text in answers:
        pieces = _pieces(text, rng)
        hes: list[np.ndarray] = []
        cln: list[np.ndarray] = []
        truth: list[tuple[float, float]] = []
        t = 0.0
        for i, piece in enumerate(pieces):
            clip = piper_say(piece, 1.0, natural)
            hes.append(clip)
            cln.append(clip)
            t += len(clip) / SAMPLE_RATE
            if i == len(pieces) - 1:
                break
            gap = np.zeros(int(rng.uniform(0.05, 0.3) * SAMPLE_RATE), dtype=np.float32)
            hes.append(gap)
            cln.append(gap)
            t += len(gap) / SAMPLE_RATE
            if rng.random() < rate:
                sound, scale = rng.choice(SOUNDS)
                h = piper_say(sound, scale, natural)
                after = np.zeros(int(rng.uniform(0.05, 0.3) * SAMPLE_RATE), dtype=np.float32)
                hes += [h, after]
                truth.append((round(t, 3), round(t + len(h) / SAMPLE_RATE, 3)))
                t += (len(h) + len(after)) / SAMPLE_RATE
        samples.append(Sample(text, np.concatenate(hes), np.concatenate(cln), truth))
    return samples


def score(
    found: list[list[tuple[float, float]]],
    truth: list[list[tuple[float, float]]],
    tolerance: float = 0.3,
) -> tuple[int, int, int]:
    """(true positives, found, true): a found hesitation matches a true one whose span, widened
    by `tolerance` each side, holds the found one's middle... or overlaps it."""
    tp = 0
    n_found = sum(len(f) for f in found)
    n_true = sum(len(t) for t in truth)
    for fs, ts in zip(found, truth, strict=True):
        used: set[int] = set()
        for a, b in fs:
            for k, (s, e) in enumerate(ts):
                if k not in used and a < e + tolerance and b > s - tolerance:
                    used.add(k)
                    tp += 1
                    break
    return tp, n_found, n_true
