"""Wall time of `interviewer answer` on a 60 s answer, as a user runs it (fresh process each time).

Prints a table, then `answer wall_s=X rtf=Y`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PARAGRAPHS, compose, machine

from interviewer.audio import SAMPLE_RATE, save_wav

RUNS = 3


def main() -> int:
    samples, _ = compose(*PARAGRAPHS)
    samples = samples[: 60 * SAMPLE_RATE]
    with tempfile.TemporaryDirectory() as tmp:
        wav = save_wav(Path(tmp) / "answer.wav", samples)
        times = []
        for i in range(RUNS):
            t0 = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "interviewer",
                    "answer",
                    str(wav),
                    "--question",
                    "recsys-low-latency",
                    "--out",
                    str(Path(tmp) / f"o{i}"),
                ],
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - t0)
    seconds = len(samples) / SAMPLE_RATE
    median = statistics.median(times)
    print(f"machine: {machine()}")
    print("| audio s | runs | median wall s | min | max |\n|---|---|---|---|---|")
    print(f"| {seconds:.0f} | {RUNS} | {median:.2f} | {min(times):.2f} | {max(times):.2f} |")
    print(f"answer wall_s={median:.2f} rtf={median / seconds:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
