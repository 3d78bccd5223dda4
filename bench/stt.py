"""Transcription speed and accuracy: real-time factor sequential vs batched (word timestamps on),
and word error rate of plain decoding vs ours vs the disfluent-prompt trick.

Prints a table, then one machine-readable line: `stt rtf_sequential=X rtf_batched=Y`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import PARAGRAPHS, compose, long_speech, machine

from interviewer.audio import SAMPLE_RATE, Audio, save_wav
from interviewer.settings import SttOptions
from interviewer.streaming import transcribe_like_live
from interviewer.stt import WhisperTranscriber
from interviewer.wer import word_error_rate

# The often-recommended prompt for keeping fillers; measured here, not used by default.
DISFLUENT_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=180, help="speech length for the RTF runs")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--compute-type", default="auto")
    ap.add_argument("--stt-model", default=None)
    args = ap.parse_args()

    t = WhisperTranscriber(SttOptions(model=args.stt_model, device=args.device,
                                      compute_type=args.compute_type))
    t0 = time.perf_counter()
    model = t.load()
    load_s = time.perf_counter() - t0

    samples, pieces = long_speech(args.seconds)
    audio = Audio(samples)
    seconds = len(samples) / SAMPLE_RATE
    t.transcribe(Audio(samples[: 5 * SAMPLE_RATE]))  # warm-up

    t0 = time.perf_counter()
    t.transcribe(audio)
    seq_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    bat = t.transcribe_batched(audio)
    bat_s = time.perf_counter() - t0

    # Accuracy on one 60-80 s answer: plain decoding vs ours vs the disfluent prompt.
    answer, apieces = compose(*PARAGRAPHS)
    reference = " ".join(p.text for p in apieces if p.kind == "speech")
    plain = " ".join(s.text for s in model.transcribe(answer, language="en", beam_size=5)[0])
    ours = t.transcribe(Audio(answer)).text
    prompted = " ".join(s.text for s in model.transcribe(
        answer, language="en", beam_size=5, initial_prompt=DISFLUENT_PROMPT)[0])
    prompted_wt = " ".join(s.text for s in model.transcribe(
        answer, language="en", beam_size=5, initial_prompt=DISFLUENT_PROMPT, word_timestamps=True,
        condition_on_previous_text=False)[0])
    with tempfile.TemporaryDirectory() as tmp:  # the live path: chunks cut at silences, streamed
        streamed, chunks = transcribe_like_live(t, save_wav(Path(tmp) / "turn.wav", answer))

    print(f"machine: {machine()}; device {t.device}, {t.compute_type}; model {t.model_name}")
    print(f"model load: {load_s:.2f} s")
    print("| run | audio s | wall s | RTF |\n|---|---|---|---|")
    print(f"| sequential, word timestamps | {seconds:.0f} | {seq_s:.2f} | {seq_s / seconds:.4f} |")
    print(f"| batched (8), word timestamps | {seconds:.0f} | {bat_s:.2f} | {bat_s / seconds:.4f} |")
    print(f"\nWER on a {len(answer) / SAMPLE_RATE:.0f} s answer:")
    print("| decoding | WER |\n|---|---|")
    print(f"| plain | {word_error_rate(reference, plain):.3f} |")
    print(f"| ours (word timestamps + VAD) | {word_error_rate(reference, ours):.3f} |")
    print(f"| disfluent prompt | {word_error_rate(reference, prompted):.3f} |")
    print(f"| disfluent prompt + word timestamps, no conditioning | {word_error_rate(reference, prompted_wt):.3f} |")
    print(f"| streamed while spoken ({chunks} chunks; live decisions only) | {word_error_rate(reference, streamed.text):.3f} |")
    print(f"| batched on the long run | {word_error_rate(' '.join(p.text for p in pieces if p.kind == 'speech'), bat.text):.3f} |")
    print(f"stt rtf_sequential={seq_s / seconds:.4f} rtf_batched={bat_s / seconds:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
