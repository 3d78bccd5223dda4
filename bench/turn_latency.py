"""Turn latency through the virtual sound card: from the end of the candidate's speech (the
patience window not counted) to the first sample of the interviewer's reply, over a scripted
interview of 20+ turns; and `practice` start to the first sample of the first line.

ALSA's file plugin plays the candidate (a spoken answer, then silence) into the microphone,
paced to real time (INTERVIEWER_PACE_INPUT=1), and takes the interviewer's voice. Prints a
table, then `turn latency median_ms=X p95_ms=Y`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import compose, machine, virtual_audio

ROOT = Path(__file__).resolve().parent.parent
ANSWER = [
    "For the baseline I would train a logistic regression model on click data,",
    "and measure recall on a held out week.",
]


def run(minutes: float, patience: float, extra: list[str]) -> dict:
    speech, _ = compose(0.6, *ANSWER, patience + 2.0)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sound_env, _ = virtual_audio(tmp, speech)
        home = tmp / "home"
        (home / "recordings").mkdir(parents=True)
        env = {
            **os.environ,
            **sound_env,
            "INTERVIEWER_HOME": str(home),
            "INTERVIEWER_PACE_INPUT": "1",
        }
        t0 = time.monotonic()
        p = subprocess.run(
            [
                sys.executable,
                "-m",
                "interviewer",
                "practice",
                "--question",
                "recsys-low-latency",
                "--minutes",
                str(minutes),
                "--patience",
                str(patience),
                "--session",
                "bench",
                *extra,
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        wall = time.monotonic() - t0
        if p.returncode != 0:
            raise SystemExit(f"practice failed: {p.stderr.strip()}")
        session = json.loads((home / "recordings" / "bench" / "session.json").read_text())
        session["_wall_s"] = wall
        session["_started"] = t0
        return session


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=5.0, help="session length (5 gives 20+ turns)")
    ap.add_argument("--patience", type=float, default=4.0)
    args, extra = ap.parse_known_args()
    s = run(args.minutes, args.patience, extra)
    lat = s.get("latency_ms", [])
    if len(lat) < 2:
        raise SystemExit(f"too few turns measured: {lat}")
    lat_sorted = sorted(lat)
    median = statistics.median(lat)
    p95 = lat_sorted[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))]
    startup = (
        (s.get("first_line_at", 0) - s["_started"]) if s.get("first_line_at") else float("nan")
    )
    print(f"machine: {machine()}")
    print(f"turns measured: {len(lat)}; session wall time {s['_wall_s']:.0f} s")
    print("| turns | median ms | p95 ms | min ms | max ms | start to first word s |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {len(lat)} | {median:.0f} | {p95:.0f} | {min(lat):.0f} | {max(lat):.0f} | "
        f"{startup:.2f} |"
    )
    print("per turn (ms): " + " ".join(f"{x:.0f}" for x in lat))
    print(f"turn latency median_ms={median:.0f} p95_ms={p95:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
