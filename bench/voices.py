"""The interviewer's voice engines side by side: how well Whisper (tiny.en, as a stand-in for a
listener) understands each one's rendering of interviewer lines, and how long a line takes to
render. espeak-ng (pyttsx3), the neural voice with permissive licences (gruut + joe on
onnxruntime) and, when installed, the same voice through piper-tts (GPL-3.0).

Each engine runs in its own process: piper-tts embeds its own espeak-ng, which must not share a
process with pyttsx3's. Ends with `voices espeak_wer=X neural_wer=Y piper_wer=Z`.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINES = [
    "Design a recommendation system for our marketplace home page.",
    "How would you measure the model offline before launch?",
    "Where would this baseline break first, and how would you improve it?",
    "What would you want to know about the requirements before you start?",
    "The online feature store is down. What does the scorer do?",
    "You said the big model only sees the doubtful cases. What did you give up by choosing that?",
    "Thanks, that's a good place to stop. I'll put your report together now.",
    "How would you know it works after launch, and what would make you roll it back?",
]


def one(engine: str) -> None:
    from interviewer.audio import Audio
    from interviewer.settings import SttOptions
    from interviewer.stt import WhisperTranscriber
    from interviewer.wer import word_error_rate

    if engine == "espeak":
        from interviewer.audio.voice import EspeakVoice as Engine
    elif engine == "neural":
        from interviewer.audio.neural_voice import NeuralVoice as Engine
    else:
        from interviewer.audio.voice import PiperVoice as Engine
    voice = Engine()
    ears = WhisperTranscriber(SttOptions(model="tiny.en"))
    ears.load()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, line in enumerate(LINES):
            t0 = time.perf_counter()
            with voice._lock:
                samples = voice._render(line, Path(tmp) / f"{i}.wav")
            took = time.perf_counter() - t0
            heard = ears.transcribe(Audio(samples)).text
            rows.append(
                {
                    "wer": word_error_rate(line, heard),
                    "render_ms": took * 1000,
                    "seconds": len(samples) / 16000,
                }
            )
    print(json.dumps(rows))


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        one(sys.argv[2])
        return 0
    sys.path.insert(0, str(ROOT / "bench"))
    from common import machine

    print(f"machine: {machine()}")
    print("| engine | licence | WER (tiny.en) | render ms per spoken second, median |")
    print("|---|---|---|---|")
    wers = {}
    licences = {
        "espeak": "GPL-3.0 (espeak-ng, a system program)",
        "neural": "MIT + CC0 (num2words: LGPL)",
        "piper": "GPL-3.0 (piper-tts)",
    }
    for engine in ("espeak", "neural", "piper"):
        p = subprocess.run(
            [sys.executable, __file__, "--one", engine], capture_output=True, text=True
        )
        if p.returncode != 0:
            print(f"| {engine} | | not available ({p.stderr.strip().splitlines()[-1][:80]}) | |")
            continue
        rows = json.loads(p.stdout.strip().splitlines()[-1])
        wers[engine] = statistics.mean(r["wer"] for r in rows)
        per_second = statistics.median(r["render_ms"] / r["seconds"] for r in rows)
        print(f"| {engine} | {licences[engine]} | {wers[engine]:.3f} | {per_second:.0f} |")
    print("voices " + " ".join(f"{k}_wer={v:.3f}" for k, v in wers.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
