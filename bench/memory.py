"""A 45-minute session, start to finish, and re-scoring it.

Runs `interviewer practice --answers` over enough spoken answers (espeak-ng) to fill a
45-minute session and measures the process's peak resident memory; then the microphone path's
load on the same turns, with both models resident (each turn streamed through the live model
chunk by chunk, then re-transcribed in one pass by the report model, as the Refiner does);
then `interviewer report` from the cached transcripts, and `interviewer report --rescore`
(batched re-transcription of the saved audio). Prints a table, then `peak_rss_mb=X` (the
larger of the two practice runs).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PARAGRAPHS, compose, machine

from interviewer.audio import SAMPLE_RATE, save_wav

ROOT = Path(__file__).resolve().parent.parent
# The microphone path's models on a finished session's turns: both loaded, as in `practice`.
BOTH = """
import sys
from pathlib import Path
from interviewer.audio import load_audio
from interviewer.settings import LIVE_MODEL, REPORT_MODEL, SttOptions
from interviewer.streaming import transcribe_like_live
from interviewer.stt import WhisperTranscriber
live = WhisperTranscriber(SttOptions(model=LIVE_MODEL))
report = WhisperTranscriber(SttOptions(model=REPORT_MODEL))
live.load(); report.load()
for wav in sorted(Path(sys.argv[1]).glob("turn-*.wav")):
    transcribe_like_live(live, wav)
    report.transcribe(load_audio(wav))
"""


def timed(cmd: list[str], env: dict) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one child process."""
    t0 = time.monotonic()
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(
            f"{' '.join(cmd[2:5])} failed: {proc.stderr.read() if proc.stderr else ''}"
        )
    return wall, usage.ru_maxrss // 1024  # Linux reports KB


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=45.0)
    args = ap.parse_args()
    samples, _ = compose(*PARAGRAPHS)
    per_answer = len(samples) / SAMPLE_RATE
    count = int(args.minutes * 60 // per_answer) + 2
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        home = tmp / "home"
        (home / "recordings").mkdir(parents=True)
        wav = save_wav(tmp / "answer.wav", samples)
        env = {**os.environ, "INTERVIEWER_HOME": str(home)}
        py = [sys.executable, "-m", "interviewer"]
        session_s, peak = timed(
            py
            + [
                "practice",
                "--question",
                "recsys-low-latency",
                "--no-voice",
                "--minutes",
                str(args.minutes),
                "--session",
                "long",
                "--answers",
                *[str(wav)] * count,
            ],
            env,
        )
        s = json.loads((home / "recordings" / "long" / "session.json").read_text())
        both_s, both_peak = timed(
            [sys.executable, "-c", BOTH, str(home / "recordings" / "long")], env
        )
        audio_s = sum(t["end"] - t["start"] for t in s["turns"] if t["role"] == "candidate")
        cached_s, cached_peak = timed(py + ["report", "long"], env)
        rescore_s, rescore_peak = timed(py + ["report", "long", "--rescore"], env)
    print(f"machine: {machine()}")
    print(
        f"session: {s['clock'] / 60:.1f} minutes on the clock, {audio_s / 60:.1f} minutes of "
        "answers "
        f"in {sum(t['role'] == 'candidate' for t in s['turns'])} turns"
    )
    print("| run | wall s | peak RSS MB | real-time factor |\n|---|---|---|---|")
    print(
        f"| practice, 45 min session (--answers, report model) | {session_s:.0f} | {peak} | "
        f"{session_s / audio_s:.3f} |"
    )
    print(
        "| the same turns, both models resident: streamed (live) + one pass (report) | "
        f"{both_s:.0f} | "
        f"{both_peak} | {both_s / audio_s:.3f} |"
    )
    print(f"| report from cached transcripts | {cached_s:.1f} | {cached_peak} | - |")
    print(
        f"| report --rescore (batched) | {rescore_s:.0f} | {rescore_peak} | "
        f"{rescore_s / audio_s:.3f} |"
    )
    print(f"peak_rss_mb={max(peak, both_peak)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
