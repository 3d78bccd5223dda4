"""Regenerate the demo's answers, interviewer/builtin/examples/*.flac, from examples.toml's SSML."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import soundfile as sf

EXAMPLES = Path(__file__).resolve().parent.parent / "interviewer" / "builtin" / "examples"


def main() -> int:
    manifest = tomllib.loads((EXAMPLES / "examples.toml").read_text())
    for candidate in manifest["candidates"]:
        for turn in candidate["turns"]:
            target = EXAMPLES / turn["file"]
            with tempfile.TemporaryDirectory() as tmp:
                wav = Path(tmp) / "a.wav"
                subprocess.run(
                    ["espeak-ng", "-m", "-v", "en-us", "-s", "165", "-w", str(wav), turn["ssml"]],
                    check=True,
                )
                # 16 kHz is all Whisper uses; FLAC keeps the committed files small.
                subprocess.run(["sox", str(wav), "-r", "16000", str(target)], check=True)
            print(f"{turn['file']}: {sf.info(str(target)).duration:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
