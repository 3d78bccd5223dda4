"""Turn taking through the virtual sound card: how soon the interviewer answers a finished turn,
and whether it cuts off a thinking pause.

Each scripted candidate turn (bench/turn_taking/turns.json: finished answers, answers with one
thinking pause of 1.5-8 s after an open clause, a whole sentence or "let me think", questions to
the interviewer) is spoken by a human-like voice (Piper's joe) and played into the microphone
through ALSA's file plugin in real time (INTERVIEWER_PACE_INPUT=1). The live path is the one
`practice` runs: the sounddevice microphone, Silero, the end-of-turn judge (Smart Turn + the
streamed words), tiny.en streaming each chunk, then the real LangGraph graph's reply, spoken by
espeak-ng through the virtual speaker (lines rendered ahead, as practice does).

- gap: the end of the candidate's speech (known from the script) to the first sample of the
  reply: the silence waited (counted in samples) plus the wall time from the decision to the
  first sample;
- cut-off: a thinking-pause turn that ended before the candidate's last word.

`--rule silence --patience 4` is the old rule (4 s of silence after any speech). `--busy 2` runs
two busy processes beside it. Ends with
`turn taking gap_median_ms=X gap_p95_ms=Y cutoffs=Z barge_in_ms=W`.
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

ROOT = Path(__file__).resolve().parent.parent
TURNS = ROOT / "bench" / "turn_taking" / "turns.json"


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


SPOKEN = ROOT / "bench" / "out" / "turn_taking"


def render() -> int:
    """Each scripted turn spoken by Piper (joe), cached: SPOKEN/<id>.npz (samples, the end of
    its last word in seconds). A short lead-in silence, the turn, then silence past any wait."""
    import hashlib

    import numpy as np

    sys.path.insert(0, str(ROOT / "bench"))
    from common import compose

    SPOKEN.mkdir(parents=True, exist_ok=True)
    for t in json.loads(TURNS.read_text())["turns"]:
        key = hashlib.sha256(json.dumps(t["parts"]).encode()).hexdigest()[:12]
        out = SPOKEN / f"{t['id']}-{key}.npz"
        if out.exists():
            continue
        samples, pieces = compose(0.5, *t["parts"], voice="piper")
        speech = [p for p in pieces if p.kind == "speech"]
        np.savez(out, samples=samples, first=speech[0].start, end=speech[-1].end)
    return 0


def spoken(t: dict):  # type: ignore[no-untyped-def]
    import hashlib

    import numpy as np

    key = hashlib.sha256(json.dumps(t["parts"]).encode()).hexdigest()[:12]
    z = np.load(SPOKEN / f"{t['id']}-{key}.npz")
    return z["samples"], float(z["first"]), float(z["end"])


LONG_LINE = (
    "Let's talk about the data first. Where do the labels come from, how fresh are they, and "
    "how would you keep the training set from leaking information about the future into the "
    "features you score with?"
)


def barge_ins(turns: list[dict], voice, tmp: Path, verbose: bool) -> list[float]:  # type: ignore[no-untyped-def]
    """The candidate speaks over the interviewer's line, 0.6-1.8 s into it: how long from their
    first sound until the line stops, in samples of the line that went out (ms)."""
    import numpy as np

    import interviewer.audio.voice as voices
    from interviewer.audio.barge_in import BargeIn

    # The virtual speaker has no clock: play the line in real time, as a speaker would (only
    # here; the replies above are timed at their first sample and need not play out).
    voices.PACE_OUTPUT = True
    voice.prerender([LONG_LINE])  # as practice does: the line starts the moment it is said
    stops = []
    for i, t in enumerate(turns):
        samples, first, _ = spoken(t)
        lead = 0.6 + 0.25 * (i % 6)  # where in the line the candidate starts
        samples = np.concatenate(
            [
                np.zeros(int(lead * 16000), dtype=np.float32),
                samples[int(first * 16000) :],
                np.zeros(32000, dtype=np.float32),
            ]
        )
        (np.clip(samples, -1, 1) * 32767).astype("<i2").tofile(tmp / "alsa" / "mic.raw")
        voice.barge_in = listener = BargeIn()
        voice.say(LONG_LINE, tmp / f"barge-{t['id']}.wav")
        said = listener.stop()
        voice.barge_in = None
        if voice.cut_at_s is None:
            stops.append(float("inf"))
        else:
            # The paced microphone delivers in real time from its first block: the candidate's
            # first sound was at that moment plus the lead.
            stops.append((voice.stopped_at - (listener.first_block_at + lead)) * 1000)
        if verbose:
            print(f"{t['id']:8} stop={stops[-1]:.0f} ms kept={len(said) / 16000:.1f} s", flush=True)
    return stops


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rule", choices=["judge", "silence"], default="judge")
    ap.add_argument("--no-smart-turn", action="store_true", help="the judge without the model")
    ap.add_argument("--patience", type=float, default=None, help="default: the recorder's")
    ap.add_argument("--busy", type=int, default=0, help="busy processes beside the bench")
    ap.add_argument("--only", help="comma-separated turn ids")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--render-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.render_only:
        return render()
    # The candidate's voice is rendered in a child process: Piper's own espeak-ng and pyttsx3's
    # (the interviewer's voice) must not share one process (pyttsx3 then writes empty lines).
    subprocess.run([sys.executable, __file__, "--render-only"], check=True)

    tmp = Path(tempfile.mkdtemp(prefix="turn-taking-"))
    # The sound card must be in place before PortAudio starts: set up before any audio import.
    sys.path.insert(0, str(ROOT / "bench"))
    import numpy as np
    from common import machine, typed_interview, virtual_audio

    env, _ = virtual_audio(tmp / "alsa", np.zeros(1600, dtype=np.float32))
    os.environ.update(env)
    os.environ["INTERVIEWER_PACE_INPUT"] = "1"
    os.environ.setdefault("INTERVIEWER_HOME", str(tmp / "home"))

    from langgraph.types import Command

    from interviewer.audio.mic import DeviceMicrophone
    from interviewer.audio.smart_turn import load_smart_turn
    from interviewer.audio.voice import EspeakVoice
    from interviewer.interview.practice import compared_with, known_lines
    from interviewer.meaning.ahead import Ahead
    from interviewer.settings import LIVE_MODEL, RecorderOptions, SttOptions, TurnTakingOptions
    from interviewer.streaming import StreamingTurn
    from interviewer.stt import WhisperTranscriber

    data = json.loads(TURNS.read_text())
    turns = data["turns"]
    if args.only:
        keep = set(args.only.split(","))
        turns = [t for t in turns if t["id"] in keep]
    barge = [t for t in turns if t["kind"] == "bargein"]
    turns = [t for t in turns if t["kind"] != "bargein"]

    options = RecorderOptions()
    patience = args.patience or options.patience_s
    options = RecorderOptions(patience_s=patience)
    judge = args.rule == "judge"
    model = load_smart_turn() if judge and not args.no_smart_turn else None
    mic = DeviceMicrophone(
        options, turn_taking=TurnTakingOptions() if judge else None, end_model=model
    )
    transcriber = WhisperTranscriber(SttOptions(model=LIVE_MODEL))
    transcriber.load()
    voice = EspeakVoice()
    # Warm up as practice does before the first answer (the graph, the sentence model, the
    # detectors): one untimed turn.
    (tmp / "warm").mkdir()
    deps, graph, config = typed_interview(tmp / "warm", "recsys-low-latency")
    graph.invoke(
        Command(resume={"text": "I would start with a simple baseline model."}),
        config,
        context=deps,
    )

    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    rows = []
    try:
        for t in turns:
            clock = [time.monotonic()]

            def lap(clock=clock) -> float:
                now = time.monotonic()
                took, clock[0] = now - clock[0], now
                return took

            samples, _, speech_end = spoken(t)
            tail = np.zeros(int((patience + 1.5) * 16000), dtype=np.float32)  # past any wait
            samples = np.concatenate([samples, tail])
            (np.clip(samples, -1, 1) * 32767).astype("<i2").tofile(tmp / "alsa" / "mic.raw")
            laps = {"compose": lap()}
            folder = tmp / t["id"]
            folder.mkdir()
            deps, graph, config = typed_interview(folder, t["question"])
            # What practice does while the question is being spoken.
            deps.embedder.embed(compared_with(deps))
            voice.prerender(known_lines(deps))
            laps["setup"] = lap()
            wav = folder / "turn-01.wav"
            # As practice does: each streamed piece's sentences (and their joins) are embedded
            # while the candidate talks, so the reply's assessment finds them cached.
            turn = StreamingTurn(transcriber, wav, on_piece=Ahead(deps.embedder, deps.rubric))
            mic.on_chunk = lambda _p, start, cut, end, turn=turn: turn.add_chunk(start, cut, end)
            mic.turn_text = turn.settled_text
            rec = mic.record(wav)
            laps["record"] = lap()
            laps["audio"] = rec.duration_s
            transcript = turn.finish(rec.duration_s)
            laps["finish"] = lap()
            graph.invoke(Command(resume={"text": transcript.text}), config, context=deps)
            laps["graph"] = lap()
            said_back = [
                x for x in graph.get_state(config).values["turns"] if x["role"] == "interviewer"
            ][-1]["text"]
            voice.first_sample_at = 0.0
            voice.say(said_back, folder / "reply.wav")
            laps["reply"] = lap()
            after = voice.first_sample_at - rec.ended_at
            waited = rec.duration_s - speech_end
            cut = rec.duration_s < speech_end - 0.05
            rows.append(
                {
                    "id": t["id"],
                    "kind": t["kind"],
                    "after": t.get("pause_after", ""),
                    "pause": max((p for p in t["parts"] if not isinstance(p, str)), default=0),
                    "cut": cut,
                    "waited_ms": waited * 1000,
                    "reply_ms": after * 1000,
                    "gap_ms": (waited + after) * 1000,
                    "why": rec.why or rec.ended_by,
                    "heard": transcript.text,
                }
            )
            if args.verbose:
                r = rows[-1]
                print(
                    f"{r['id']:8} {r['kind']:9} {r['after']:12} cut={int(cut)} "
                    f"waited={r['waited_ms']:6.0f} reply={r['reply_ms']:5.0f} {r['why']} "
                    + " ".join(f"{k}={v:.1f}" for k, v in laps.items()),
                    flush=True,
                )
        stops = barge_ins(barge, voice, tmp, args.verbose) if barge else []
    finally:
        for b in busy:
            b.kill()
        voice.close()

    if not rows:
        rows = [{"kind": "none"}]
    ends = [r for r in rows if r["kind"] in ("finished", "question")] or [
        {"gap_ms": float("nan"), "reply_ms": float("nan"), "cut": False}
    ]
    pauses = [r for r in rows if r["kind"] == "pause"]
    gaps = [r["gap_ms"] for r in ends if not r["cut"]]
    cutoffs = sum(r["cut"] for r in pauses) / max(1, len(pauses))
    print(f"machine: {machine()}; busy processes beside: {args.busy}")
    rule = "silence" if not judge else "judge" + (" without Smart Turn" if model is None else "")
    print(f"rule: {rule}, patience {patience:.1f} s")
    print("| turns | gap median ms | gap p90 ms | gap p95 ms | reply after decision, median ms |")
    print("|---|---|---|---|---|")
    print(
        f"| {len(ends)} | {statistics.median(gaps):.0f} | {pct(gaps, 0.9):.0f} | "
        f"{pct(gaps, 0.95):.0f} | {statistics.median(r['reply_ms'] for r in ends):.0f} |"
    )
    by_kind: dict[str, list[dict]] = {}
    for r in pauses:
        by_kind.setdefault(r["after"], []).append(r)
    print(
        "thinking pauses cut off: "
        + ", ".join(f"after {k} {sum(r['cut'] for r in v)}/{len(v)}" for k, v in by_kind.items())
        + f"; all {sum(r['cut'] for r in pauses)}/{len(pauses)}"
    )
    if stops:
        print(
            f"barge-in: {len(stops)} interruptions; the line stopped "
            + " ".join(f"{x:.0f}" for x in stops)
            + " ms after the candidate's first sound"
        )
    barge_ms = statistics.median(stops) if stops else float("nan")
    print(
        f"turn taking gap_median_ms={statistics.median(gaps):.0f} "
        f"gap_p95_ms={pct(gaps, 0.95):.0f} cutoffs={cutoffs:.3f} barge_in_ms={barge_ms:.0f}"
    )
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / f"turn_taking-{args.rule}-busy{args.busy}.json").write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
