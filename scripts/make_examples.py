"""Regenerate recordings/examples/*.flac from the SSML in recordings/examples/examples.toml."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import soundfile as sf

EXAMPLES = Path(__file__).resolve().parent.parent / "recordings" / "examples"


def main() -> int:
    manifest = tomllib.loads((EXAMPLES / "examples.toml").read_text())
    for answer in manifest["answers"]:
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "a.wav"
            subprocess.run(["espeak-ng", "-m", "-v", "en-us", "-s", "165", "-w", str(wav),
                            answer["ssml"]], check=True)
            # 16 kHz is all Whisper uses; FLAC keeps the committed files small.
            subprocess.run(["sox", str(wav), "-r", "16000", str(EXAMPLES / answer["file"])], check=True)
        info = sf.info(str(EXAMPLES / answer["file"]))
        print(f"{answer['file']}: {info.duration:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
