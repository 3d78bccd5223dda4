"""The live model's streamed word error rate with the encoder cut to each chunk, and without.

Clips: the demo's answers (interviewer/builtin/examples), Piper-voiced answers
(bench/data/answers.toml), the turn-taking bench's turns (bench/out/turn_taking, made by
`bench/turn_taking.py --render-only`) and real recorded speech (--real, a folder of NAME.wav +
NAME.txt: scripts/fetch-real-speech.sh). Each is replayed through the live turn's chunking
(`transcribe_like_live`). `--min-s 0` cuts to the chunk alone, `--full` keeps Whisper's 30 s.
Ends with `encoder_window cut=C min_s=M beam=B wer=X words=N encoder_ms=E chunk_ms=D
chunk_p90_ms=P` (a chunk's whole decode: median and 90th percentile).
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
import tomllib
from pathlib import Path

import numpy as np
import soundfile as sf
from common import machine
from hearing import Clip, piper_clips, real_clips, wer_text

from interviewer.settings import LIVE_MODEL, SttOptions
from interviewer.streaming import transcribe_like_live
from interviewer.stt import WhisperTranscriber
from interviewer.wer import word_error_rate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "interviewer" / "builtin" / "examples"
TURNS = ROOT / "bench" / "turn_taking" / "turns.json"
SPOKEN = ROOT / "bench" / "out" / "turn_taking"


def clips(real: Path) -> list[Clip]:
    out = []
    for c in tomllib.loads((EXAMPLES / "examples.toml").read_text())["candidates"]:
        for t in c["turns"]:
            s, _ = sf.read(str(EXAMPLES / t["file"]), dtype="float32")
            out.append(Clip(t["file"], s, re.sub(r"<[^>]+>", " ", t["ssml"])))
    out += piper_clips()
    if real.is_dir():
        out += real_clips(real)
    for t in json.loads(TURNS.read_text())["turns"]:
        for f in sorted(SPOKEN.glob(f"{t['id']}-*.npz"))[:1]:
            said = " ".join(p for p in t["parts"] if isinstance(p, str))
            out.append(Clip(t["id"], np.load(f)["samples"].astype(np.float32), said))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="the full 30 s window (before)")
    ap.add_argument("--min-s", type=float, default=SttOptions().window_min_s)
    ap.add_argument("--beam", type=int, default=SttOptions().beam_size, help="the live beam")
    ap.add_argument("--real", type=Path, default=ROOT / "bench" / "out" / "real-speech")
    args = ap.parse_args()
    from faster_whisper import WhisperModel

    spent: list[float] = []
    encode = WhisperModel.encode

    def timed(self, features):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return encode(self, features)
        finally:
            spent.append(time.perf_counter() - t)

    WhisperModel.encode = timed  # type: ignore[method-assign]
    options = SttOptions(
        model=LIVE_MODEL, cut_window=not args.full, window_min_s=args.min_s, beam_size=args.beam
    )
    transcriber = WhisperTranscriber(options)
    transcriber.load()
    chunks: list[float] = []  # each streamed chunk's whole decode, the reply's wait at a turn end
    chunk = transcriber.transcribe_chunk

    def timed_chunk(audio):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return chunk(audio)
        finally:
            chunks.append(time.perf_counter() - t)

    transcriber.transcribe_chunk = timed_chunk  # type: ignore[method-assign]
    words = errors = 0.0
    print(machine())
    for c in clips(args.real):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "clip.wav"
            sf.write(str(path), c.samples, 16000)
            t, _ = transcribe_like_live(transcriber, path)
        ref, hyp = wer_text(c.reference, t.text)
        n = len(ref.split())
        words += n
        errors += word_error_rate(ref, hyp) * n
        if word_error_rate(ref, hyp) > 0.15:
            print(f"  {c.name}: {hyp[:100]}")
    print(
        f"encoder_window cut={int(not args.full)} min_s={args.min_s:g} beam={args.beam} "
        f"wer={errors / words:.4f} words={words:.0f} encoder_ms={1000 * np.mean(spent):.0f} "
        f"chunk_ms={1000 * np.median(chunks):.0f} "
        f"chunk_p90_ms={1000 * np.quantile(chunks, 0.9):.0f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
