"""Speech models side by side: what each hears and how fast.

For each model (default: tiny.en, the live one, and base, the report's):
- word error rate and domain-term recall on real recorded speech (--real DIR, a folder of
  NAME.wav + NAME.txt: scripts/fetch-real-speech.sh), Piper-voiced answers and espeak-ng;
- the hesitation set (bench/hesitation_set.py): recall and precision of the hesitation sounds
  found (within 0.3 s), and false ones per minute on clean answers and on real speech;
- real-time factor, sequential and batched (word timestamps on).
Then, for the live model, word error rate of plain decoding vs ours vs the disfluent-prompt trick
and of streaming (chunks cut at silences).

Ends with machine-readable lines, the report model's last:
`stt model=M wer_real=X wer_piper=Y term_recall_piper=Z rtf_sequential=A rtf_batched=B` and
`hesitations recall=X precision=Y false_per_min=Z`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import PARAGRAPHS, compose, long_speech, machine
from hearing import (
    HesitationScore,
    accuracy,
    build,
    espeak_clips,
    false_per_minute,
    hesitation_scores,
    piper_clips,
    real_clips,
)
from hesitation_set import load_answers

from interviewer.audio import SAMPLE_RATE, Audio, save_wav
from interviewer.settings import LIVE_MODEL, REPORT_MODEL, SttOptions
from interviewer.streaming import transcribe_like_live
from interviewer.stt import WhisperTranscriber
from interviewer.wer import word_error_rate

# The often-recommended prompt for keeping fillers; measured here, not used by default.
DISFLUENT_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."
REAL = Path(__file__).resolve().parent / "out" / "real-speech"


def speed(t: WhisperTranscriber, seconds: float) -> tuple[float, float, float]:
    samples, _ = long_speech(seconds)
    audio = Audio(samples)
    length = len(samples) / SAMPLE_RATE
    t.transcribe(Audio(samples[: 5 * SAMPLE_RATE]))  # warm-up
    t0 = time.perf_counter()
    t.transcribe(audio)
    seq = time.perf_counter() - t0
    t0 = time.perf_counter()
    t.transcribe_batched(audio)
    bat = time.perf_counter() - t0
    return length, seq / length, bat / length


def decoding(t: WhisperTranscriber) -> None:
    """Plain decoding vs ours vs the disfluent prompt, and streaming, on one 60-80 s answer."""
    model = t.load()
    answer, apieces = compose(*PARAGRAPHS)
    reference = " ".join(p.text for p in apieces if p.kind == "speech")
    plain = " ".join(s.text for s in model.transcribe(answer, language="en", beam_size=5)[0])
    ours = t.transcribe(Audio(answer)).text
    prompted = " ".join(
        s.text
        for s in model.transcribe(
            answer, language="en", beam_size=5, initial_prompt=DISFLUENT_PROMPT
        )[0]
    )
    with tempfile.TemporaryDirectory() as tmp:  # the live path: chunks cut at silences, streamed
        streamed, chunks = transcribe_like_live(t, save_wav(Path(tmp) / "turn.wav", answer))
    print(f"\n{t.model_name}: WER on a {len(answer) / SAMPLE_RATE:.0f} s espeak-ng answer")
    print("| decoding | WER |\n|---|---|")
    print(f"| plain | {word_error_rate(reference, plain):.3f} |")
    print(f"| ours (word timestamps + VAD) | {word_error_rate(reference, ours):.3f} |")
    print(f"| disfluent prompt | {word_error_rate(reference, prompted):.3f} |")
    print(
        f"| streamed while spoken ({chunks} chunks; live decisions only) | "
        f"{word_error_rate(reference, streamed.text):.3f} |"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--models",
        default=f"{LIVE_MODEL},{REPORT_MODEL}",
        help="comma-separated; the last is reported as the report model",
    )
    ap.add_argument("--real", type=Path, default=REAL, help="folder of NAME.wav + NAME.txt")
    ap.add_argument("--seconds", type=float, default=180, help="speech length for the RTF runs")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--compute-type", default="auto")
    ap.add_argument("--quick", action="store_true", help="skip the speed and decoding runs")
    ap.add_argument("--no-hesitations", action="store_true", help="skip the hesitation set")
    args = ap.parse_args()

    _, terms = load_answers()
    real = real_clips(args.real) if args.real.is_dir() else []
    piper, espeak = piper_clips(), espeak_clips()
    # The hesitation set twice: Piper without its random variation (the same audio every run)
    # and with it (natural), so the figures are not tuned to one rendering.
    hesitant = (
        [] if args.no_hesitations else build(seed=11, natural=False) + build(seed=12, natural=True)
    )
    print(f"machine: {machine()}")
    if real:
        print(
            f"real speech: {len(real)} clips, {sum(len(c.reference.split()) for c in real)} words "
            f"from {args.real}"
        )
    else:
        print(f"real speech: none at {args.real} (run scripts/fetch-real-speech.sh)")
    print(
        f"hesitation set: {len(hesitant)} answers, {sum(len(s.truth) for s in hesitant)} "
        "hesitations "
        f"inserted, {sum(len(s.clean) for s in hesitant) / SAMPLE_RATE / 60:.1f} min of clean twins"
    )
    rows, lines = [], []
    for name in args.models.split(","):
        t = WhisperTranscriber(
            SttOptions(model=name, device=args.device, compute_type=args.compute_type)
        )
        t0 = time.perf_counter()
        t.load()
        load_s = time.perf_counter() - t0
        acc = {
            k: accuracy(t, clips, terms if k != "real" else None)
            for k, clips in (("real", real), ("piper", piper), ("espeak", espeak))
            if clips
        }
        h = (
            hesitation_scores(t, hesitant)
            if not args.no_hesitations
            else HesitationScore(float("nan"), float("nan"), 0, 0, float("nan"), float("nan"))
        )
        real_false = false_per_minute(t, real) if real else (0.0, 0, 0.0)
        rtf = speed(t, args.seconds) if not args.quick else (0.0, float("nan"), float("nan"))
        rows.append((t, load_s, acc, h, real_false, rtf))
        wr = acc["real"].wer if "real" in acc else float("nan")
        lines.append(
            f"stt model={name} device={t.device} wer_real={wr:.4f} "
            f"wer_piper={acc['piper'].wer:.4f} "
            f"wer_espeak={acc['espeak'].wer:.4f} term_recall_piper={acc['piper'].term_recall:.3f} "
            f"term_recall_espeak={acc['espeak'].term_recall:.3f} rtf_sequential={rtf[1]:.4f} "
            f"rtf_batched={rtf[2]:.4f}"
        )
        lines.append(
            f"hesitations model={name} recall={h.recall:.2f} precision={h.precision:.2f} "
            f"false_per_min={max(h.false_per_min_clean, real_false[0]):.2f}"
        )

    print(
        "\n| model | device | load s | WER real | WER Piper | WER espeak | term recall Piper | "
        "term recall espeak | RTF seq | RTF batched |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for t, load_s, acc, _, _, rtf in rows:
        wr = f"{acc['real'].wer:.4f} ({acc['real'].words} words)" if "real" in acc else "-"
        print(
            f"| {t.model_name} | {t.device} {t.compute_type} | {load_s:.1f} | {wr} | "
            f"{acc['piper'].wer:.4f} | "
            f"{acc['espeak'].wer:.4f} | {acc['piper'].term_recall:.3f} ({acc['piper'].terms}) | "
            f"{acc['espeak'].term_recall:.3f} | {rtf[1]:.4f} | {rtf[2]:.4f} |"
        )
    print(
        "\n| model | hesitation recall | precision | + fillers Whisper wrote: recall | "
        "false/min clean Piper | false/min real speech |"
    )
    print("|---|---|---|---|---|---|")
    for t, _, _, h, real_false, _ in rows:
        print(
            f"| {t.model_name} | {h.recall:.2f} ({h.true} inserted) | {h.precision:.2f} "
            f"({h.found} found) | "
            f"{h.recall_with_fillers:.2f} | {h.false_per_min_clean:.2f} | "
            f"{real_false[0]:.2f} ({real_false[1]} in {real_false[2]:.1f} min) |"
        )
    if not args.quick:
        decoding(rows[0][0])
    print()
    for line in lines:
        print(line)
    h = rows[-1][3]
    print(
        f"hesitations recall={h.recall:.2f} precision={h.precision:.2f} "
        f"false_per_min={max(h.false_per_min_clean, rows[-1][4][0]):.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
