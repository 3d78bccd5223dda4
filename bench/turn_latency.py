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

from common import compose, machine, typed_interview, virtual_audio

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


def typed_turns(n: int) -> list[float]:
    """The graph's work per candidate turn (transcribe, assess, the reply's line), in ms, over an
    n-turn typed interview of distinct answers (bench/conversations/, so every turn brings new
    sentences to understand): does the per-turn cost stay flat as the interview grows?"""
    from langgraph.types import Command

    done = ("cover", "done", "that's it", "that's all", "stop there", "wrap")
    said = [
        t["say"]
        for p in sorted((ROOT / "bench" / "conversations").glob("*.json"))
        for t in json.loads(p.read_text())["turns"]
        if not any(x in t["say"].lower() for x in done)
    ]
    # The longest answers, in an order that does not follow their length: the early and the
    # late turns bring the same amount of new text to understand.
    said = sorted(said, key=len, reverse=True)[:n]
    said = [said[(i * 7) % len(said)] for i in range(len(said))] if len(said) % 7 else said
    if len(said) < n:
        raise SystemExit(f"only {len(said)} distinct answers for {n} turns")
    with tempfile.TemporaryDirectory() as tmp:
        deps, graph, config = typed_interview(Path(tmp), "fraud-detection-realtime", 24 * 60.0)
        took = []
        for text in said[:n]:
            t0 = time.perf_counter()
            graph.invoke(Command(resume={"text": text}), config, context=deps)
            took.append((time.perf_counter() - t0) * 1000)
            if not graph.get_state(config).next:
                raise SystemExit(f"the interview ended after {len(took)} turns")
    return took


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=5.0, help="session length (5 gives 20+ turns)")
    ap.add_argument("--patience", type=float, default=4.0)
    ap.add_argument(
        "--typed-turns",
        type=int,
        metavar="N",
        help="instead: the graph's per-turn work over an N-turn typed interview (no audio)",
    )
    args, extra = ap.parse_known_args()
    if args.typed_turns:
        n = args.typed_turns
        took = typed_turns(n)
        early = statistics.median(took[2:12])
        late = statistics.median(took[-10:])
        print(f"machine: {machine()}")
        print("per turn (ms): " + " ".join(f"{x:.0f}" for x in took))
        print(
            f"assessment turn5_ms={early:.0f} turn{n}_ms={late:.0f} ratio={late / early:.2f} "
            "(medians of turns 3-12 and the last ten)"
        )
        return 0
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
