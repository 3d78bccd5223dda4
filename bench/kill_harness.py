"""The kill harness, every instant: `practice --answers` stopped by SIGKILL and by SIGINT at each
instant in tests/kill_harness.py (recording, transcription, checkpointing, line rendering,
report writing), resumed to the end, and checked: every answer recorded before the stop is in
the final report with its audio intact, and `report`, `replay` and `sessions` work.

Prints one line per case, then `kill harness: N cases, F failures`.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from pathlib import Path

from common import machine, virtual_audio
from kill_harness import ANSWERS, INSTANTS, stop_and_resume
from speech import write

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--signals", default="KILL,INT", help="comma-separated: KILL, INT")
    ap.add_argument(
        "--voice",
        action="store_true",
        help="voice the lines through ALSA's file plugin (interviewer-NN.wav are rendered)",
    )
    args = ap.parse_args()
    signals = [getattr(signal, f"SIG{s.strip()}") for s in args.signals.split(",")]
    cases = failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        answers = {k: write(tmp / f"{k}.wav", *lines)[0] for k, (lines, _) in ANSWERS.items()}
        extra = (
            virtual_audio(tmp / "alsa", __import__("numpy").zeros(16000, dtype="float32"))[0]
            if args.voice
            else {}
        )
        for sig in signals:
            for i, instant in enumerate(INSTANTS):
                home = tmp / f"home-{sig.name}-{i}"
                (home / "recordings").mkdir(parents=True)
                out = stop_and_resume(
                    home, answers, instant, sig, sid="k", extra_env=extra, voice=args.voice
                )
                cases += 1
                failures += not out.ok
                print(
                    f"{sig.name:<8} {out.instant:<28} stopped={out.stopped!s:<5} "
                    f"exit={out.exit_on_signal} "
                    f"answers_on_disk={out.answers_before} "
                    f"{'ok' if out.ok else 'FAIL ' + '; '.join(out.problems)}",
                    flush=True,
                )
    print(f"kill harness: {cases} cases, {failures} failures ({machine()})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
