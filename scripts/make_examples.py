"""Regenerate the demo's answers, interviewer/builtin/examples/*.flac, from examples.toml's SSML.

Spoken by Piper's `joe` voice (a human-like neural voice; the rendered audio is data, the voice
CC0), its variation off so a rerun gives the same audio; `<break time="Nms"/>` becomes silence.
`--voice espeak` renders with espeak-ng instead (its synthetic vowels are far harder for Whisper:
"two-hour model" for "two tower model"). `--wer` transcribes the files with the report model and
prints each one's word error rate against its script. Piper is a development extra (GPL-3.0):
`pip install '.[piper]'`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "interviewer" / "builtin" / "examples"
RATE = 16000
EDGE_S = 0.3  # silence before and after each answer, as a person leaves
_BREAK = re.compile(r'<break time="(\d+)ms"\s*/>')


def script(ssml: str) -> list[str | float]:
    """The SSML as spoken text and seconds of silence, in order."""
    body = re.sub(r"</?speak>", "", ssml)
    parts: list[str | float] = []
    for k, piece in enumerate(_BREAK.split(body)):
        if k % 2:
            parts.append(int(piece) / 1000)
        elif piece.strip():
            parts.append(" ".join(piece.split()))
    return parts


def piper(parts: list[str | float]) -> np.ndarray:
    sys.path.insert(0, str(ROOT / "tests"))
    from speech import piper_say

    out = [np.zeros(int(EDGE_S * RATE), dtype=np.float32)]
    for part in parts:
        if isinstance(part, str):
            out.append(piper_say(part))
        else:
            out.append(np.zeros(int(part * RATE), dtype=np.float32))
    out.append(np.zeros(int(EDGE_S * RATE), dtype=np.float32))
    return np.concatenate(out)


def espeak(ssml: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "a.wav"
        subprocess.run(
            ["espeak-ng", "-m", "-v", "en-us", "-s", "165", "-w", str(wav), ssml], check=True
        )
        subprocess.run(["sox", str(wav), "-r", str(RATE), str(target)], check=True)


def wer_of(files: list[tuple[Path, str]]) -> None:
    from interviewer.audio import load_audio
    from interviewer.settings import REPORT_MODEL, SttOptions
    from interviewer.stt import WhisperTranscriber
    from interviewer.wer import word_error_rate

    model = WhisperTranscriber(SttOptions(model=REPORT_MODEL))
    errors = words = 0
    for path, text in files:
        heard = model.transcribe(load_audio(path)).text
        n = len(text.split())
        e = word_error_rate(text, heard) * n
        errors, words = errors + e, words + n
        print(f"{path.name}: WER {e / max(1, n):.3f}  heard: {heard[:90]}")
    print(f"demo WER {errors / max(1, words):.3f} over {words} words ({REPORT_MODEL})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--voice", choices=["piper", "espeak"], default="piper")
    ap.add_argument("--wer", action="store_true", help="only measure the files as they are")
    args = ap.parse_args()
    manifest = tomllib.loads((EXAMPLES / "examples.toml").read_text())
    files = []
    for candidate in manifest["candidates"]:
        for turn in candidate["turns"]:
            target = EXAMPLES / turn["file"]
            parts = script(turn["ssml"])
            files.append((target, " ".join(p for p in parts if isinstance(p, str))))
            if args.wer:
                continue
            if args.voice == "espeak":
                espeak(turn["ssml"], target)
            else:
                # 16 kHz is all Whisper uses; FLAC keeps the committed files small.
                sf.write(str(target), piper(parts), RATE, format="FLAC", subtype="PCM_16")
            print(f"{turn['file']}: {sf.info(str(target)).duration:.1f} s")
    if args.wer:
        wer_of(files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
