"""The learned sentence detectors: which agenda step a sentence serves, which of a step's checks
it states, whether it weighs a choice, whether it makes one, and whether it is concrete to the
asked question.

Each is a logistic layer over meaning/features.py, trained by `python -m interviewer.meaning.train`
on the labelled corpus in `corpus/` and shipped as package data (`builtin/detectors/`), with its
SHA-256 checked before it is used. The step and check detectors score a sentence *against* a
step's own examples and description, so an agenda they were never trained on (a user's own) is
scored the same way.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from interviewer.content import Agenda, Check, Meaning, Question, Step
from interviewer.errors import ContentError
from interviewer.meaning import features
from interviewer.meaning.embedder import Embedder
from interviewer.meaning.memo import ROWS
from interviewer.meaning.substance import profile

FOLDER = Path(__file__).resolve().parent.parent / "builtin" / "detectors"
WEIGHTS = FOLDER / "detectors.json"
SUMS = FOLDER / "SHA256SUMS"
KINDS = ("step", "check", "weighs", "choice", "concrete")


@dataclass(frozen=True)
class Logistic:
    """One logistic layer; inputs are standardized with the training set's mean and spread."""

    mean: np.ndarray
    scale: np.ndarray
    w: np.ndarray
    b: float

    def proba(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros(0, dtype=np.float64)
        z = ((x - self.mean) / self.scale) @ self.w + self.b
        p: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return p

    def to_json(self) -> dict[str, object]:
        return {
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "w": [round(float(v), 6) for v in self.w],
            "b": round(float(self.b), 6),
        }

    @classmethod
    def from_json(cls, d: dict[str, object]) -> Logistic:
        def arr(key: str) -> np.ndarray:
            return np.asarray(d[key], dtype=np.float64)

        return cls(arr("mean"), arr("scale"), arr("w"), float(d["b"]))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Detectors:
    models: dict[str, Logistic]

    def steps(
        self, vectors: np.ndarray, texts: list[str], agenda: Agenda, embedder: Embedder, m: Meaning
    ) -> np.ndarray:
        """Sentences x steps: the probability that the sentence serves each step. An agenda the
        corpus holds has heads of its own (one per step); any other agenda (a user's own) is
        scored by the pair model, which compares each sentence with the step's description."""
        return ROWS.get(
            "steps",
            (self, agenda, embedder, m),
            texts,
            lambda rows: self._steps(vectors[rows], [texts[i] for i in rows], agenda, embedder, m),
            len(agenda.steps),
        )

    def _steps(
        self, vectors: np.ndarray, texts: list[str], agenda: Agenda, embedder: Embedder, m: Meaning
    ) -> np.ndarray:
        cheap = features.scalars(texts, m)
        out = np.zeros((len(texts), len(agenda.steps)))
        heads = [self.models.get(f"head:{agenda.id}:{s.id}") for s in agenda.steps]
        if all(h is not None for h in heads):
            # The agenda's own heads beat the pair model, and any mean of the two, on the dev
            # set (agenda accuracy 0.88 vs 0.85 at half and half, 0.82 at 0.3 heads).
            alone = features.alone(vectors, cheap)
            for k, h in enumerate(heads):
                out[:, k] = h.proba(alone)  # type: ignore[union-attr]
            return out
        for k, step in enumerate(agenda.steps):
            x = against(vectors, texts, cheap, step_side(step), embedder, k, len(agenda.steps))
            out[:, k] = self.models["step"].proba(x)
        return out

    def checks(
        self, vectors: np.ndarray, texts: list[str], step: Step, embedder: Embedder, m: Meaning
    ) -> dict[str, np.ndarray]:
        """Per check of the step: the probability that each sentence states it."""

        def compute(rows: list[int]) -> np.ndarray:
            mine = [texts[i] for i in rows]
            cheap = features.scalars(mine, m)
            out = np.zeros((len(rows), len(step.checks)))
            for k, check in enumerate(step.checks):
                side = check_side(check)
                x = against(vectors[rows], mine, cheap, side, embedder, k, len(step.checks))
                out[:, k] = self.models["check"].proba(x)
            return out

        got = ROWS.get("checks", (self, step, embedder, m), texts, compute, len(step.checks))
        return {c.id: got[:, k] for k, c in enumerate(step.checks)}

    def weighs(self, vectors: np.ndarray, texts: list[str], m: Meaning) -> np.ndarray:
        return self._alone("weighs", vectors, texts, m)

    def choice(self, vectors: np.ndarray, texts: list[str], m: Meaning) -> np.ndarray:
        return self._alone("choice", vectors, texts, m)

    def _alone(self, kind: str, vectors: np.ndarray, texts: list[str], m: Meaning) -> np.ndarray:
        def compute(rows: list[int]) -> np.ndarray:
            cheap = features.scalars([texts[i] for i in rows], m)
            return self.models[kind].proba(features.alone(vectors[rows], cheap))[:, None]

        return ROWS.get(kind, (self, m), texts, compute, 1)[:, 0]

    def concrete(
        self,
        vectors: np.ndarray,
        texts: list[str],
        question: Question,
        embedder: Embedder,
        m: Meaning,
    ) -> np.ndarray:
        def compute(rows: list[int]) -> np.ndarray:
            cheap = features.scalars([texts[i] for i in rows], m)
            x = question_features(vectors[rows], cheap, question, embedder)
            return self.models["concrete"].proba(x)[:, None]

        return ROWS.get("concrete", (self, question, embedder, m), texts, compute, 1)[:, 0]


def check_side(check: Check) -> tuple[list[str], str, list[str]]:
    return (check.examples or check.cues, f"{check.name}.", check.cues)


def step_side(step: Step) -> tuple[list[str], str, list[str]]:
    """What a step is compared by: its examples, its description, its cue phrases."""
    return (step.examples or step.cues, f"{step.name}. {step.expect}", step.cues)


def against(
    vectors: np.ndarray,
    texts: list[str],
    cheap: np.ndarray,
    side: tuple[list[str], str, list[str]],
    embedder: Embedder,
    position: int,
    count: int,
) -> np.ndarray:
    """Sentences against one step or check: the pair model's features (training uses this too)."""
    examples, description, cues = side
    ex = embedder.embed(examples)
    desc = embedder.embed([description])[0]
    return features.pair(
        vectors,
        cheap,
        features.centroid(ex),
        ex,
        desc,
        features.cue_counts(texts, cues),
        position,
        count,
    )


def question_features(
    vectors: np.ndarray, cheap: np.ndarray, question: Question, embedder: Embedder
) -> np.ndarray:
    prof = embedder.embed(profile(question))
    text = embedder.embed([question.text])[0]
    return features.about(vectors, cheap, prof, text)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def load(path: Path = WEIGHTS) -> Detectors:
    """The shipped detectors, their SHA-256 checked against SHA256SUMS first."""
    sums = path.parent / SUMS.name
    try:
        want: dict[str, str] = {}
        for line in sums.read_text().splitlines():
            if line.strip():
                sha, name = line.split()
                want[name] = sha
        got = digest(path)
    except OSError as e:
        raise ContentError(
            f"the sentence detectors are missing ({e.filename}): reinstall, or retrain with "
            "python -m interviewer.meaning.train"
        ) from e
    if want.get(path.name) != got:
        raise ContentError(
            f"{path} fails its SHA-256 check: retrain with python -m interviewer.meaning.train"
        )
    raw = json.loads(path.read_text())
    models = {k: Logistic.from_json(v) for k, v in raw["models"].items()}
    missing = [k for k in KINDS if k not in models]
    if missing:
        raise ContentError(f"{path} lacks the {', '.join(missing)} detector: retrain")
    return Detectors(models)
