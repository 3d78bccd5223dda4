"""How the end of a turn sounds: Smart Turn v3.2, an end-of-turn audio model.

`SmartTurn.score(samples) -> float` is the probability that the speaker has finished, read from
the last 8 s of 16 kHz audio (intonation, a trailing-off voice, a held syllable). The model
(BSD-2-Clause, by Daily) ships inside the PyPI wheel `pipecat-ai==1.14.0`, installed with
`--no-deps` (its dependencies are heavy and none is needed here); only the ONNX file is read, and
its SHA-256 is checked before onnxruntime loads it. The features are Whisper's log-mel
spectrogram as faster-whisper computes it, of the waveform normalized to zero mean and unit
variance, as the model was trained.

`load_smart_turn()` returns None, with a one-line reason, when the model is missing or damaged:
the turn then ends by the words and the silence alone (interviewer/audio/turn_end.py).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from interviewer.models import sha256

SAMPLE_RATE = 16000
WINDOW_S = 8  # the model reads the last 8 s, zero-padded in front when the turn is shorter
MODEL_FILE = ("audio", "turn", "smart_turn", "data", "smart-turn-v3.2-cpu.onnx")
MODEL_SHA256 = "2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f"
INSTALL = "pip install --no-deps pipecat-ai==1.14.0"


class EndOfTurnModel(Protocol):
    def score(self, samples: np.ndarray) -> float:
        """The probability that the speaker has finished, from the turn's audio so far."""
        ...


def model_path() -> Path | None:
    """$INTERVIEWER_SMART_TURN (a copy of the file elsewhere; still hash-checked), else where
    the wheel put the ONNX file, found without importing pipecat (its package imports its own
    dependencies, which are not installed)."""
    if os.environ.get("INTERVIEWER_SMART_TURN"):
        return Path(os.environ["INTERVIEWER_SMART_TURN"])
    spec = importlib.util.find_spec("pipecat")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        path = Path(root).joinpath(*MODEL_FILE)
        if path.is_file():
            return path
    return None


class SmartTurn:
    def __init__(self, path: Path):
        import onnxruntime as ort
        from faster_whisper.feature_extractor import FeatureExtractor

        so = ort.SessionOptions()
        # One thread: the call is short (about 0.1 s), and the other core is transcribing.
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(path), sess_options=so, providers=["CPUExecutionProvider"]
        )
        self.input = self.session.get_inputs()[0].name
        self.features = FeatureExtractor(chunk_length=WINDOW_S)
        self._lock = threading.Lock()  # one run at a time: the session is shared by threads

    def score(self, samples: np.ndarray) -> float:
        n = WINDOW_S * SAMPLE_RATE
        x = np.zeros(n, dtype=np.float32)
        tail = np.asarray(samples, dtype=np.float32)[-n:]
        if tail.size:
            x[n - tail.size :] = tail
        x = (x - x.mean()) / np.sqrt(x.var() + 1e-7)
        # faster-whisper's log-mel with no extra padding: 801 frames, the last dropped as
        # Whisper's own extractor does, so exactly the 800 the model takes.
        mel: Any = self.features(x, padding=0)[:, : n // 160]
        with self._lock:
            out = self.session.run(None, {self.input: mel[None].astype(np.float32)})
        return float(np.asarray(out[0]).ravel()[0])


class ModelProblem(Exception):
    """Why the end-of-turn model cannot be used (one line)."""


@lru_cache(maxsize=1)
def _load(path: str) -> SmartTurn:
    return SmartTurn(Path(path))


def load_smart_turn(path: Path | None = None) -> SmartTurn:
    """The model, verified; ModelProblem says in one line why not."""
    path = path or model_path()
    if path is None:
        raise ModelProblem(f"the end-of-turn model is not installed ({INSTALL})")
    try:
        digest = sha256(path)
    except OSError as exc:
        raise ModelProblem(
            f"the end-of-turn model {path} could not be read ({exc.strerror})"
        ) from None
    if digest != MODEL_SHA256:
        raise ModelProblem(
            f"the end-of-turn model {path} is damaged (SHA-256 {digest[:12]}..., expected "
            f"{MODEL_SHA256[:12]}...); reinstall it: {INSTALL}"
        )
    try:
        return _load(str(path))
    except Exception as exc:  # onnxruntime's errors are many and untyped
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelProblem(f"the end-of-turn model could not be loaded ({first[:120]})") from None
