"""Stop a `practice --answers` run at a chosen instant (SIGKILL or SIGINT), resume it to the end,
and check that nothing recorded was lost. Used by tests/test_kill.py (a few instants) and
bench/kill_harness.py (all of them).

An instant is a condition on the session folder, polled every few milliseconds, plus a delay:
"turn-02.wav exists, then 50 ms". The stop lands wherever the run is at that moment, so the
instants are spread over recording, transcription, checkpointing, line rendering and report
writing rather than pinned to lines of code.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from interviewer.audio import load_audio

QUESTION = "recsys-low-latency"
ANSWERS = {
    "ask": (
        [
            "Before I start, how many requests per second should we expect, and what is the "
            "latency budget?"
        ],
        "latency",
    ),
    "baseline": (
        [
            "For a simple baseline, I would collect click logs as labeled data,",
            "and train a logistic regression model with a cross entropy loss.",
        ],
        "regression",
    ),
    "monitor": (
        [
            "After launch, I would monitor click rates in an A B test, alert on data drift,",
            "and retrain the model every week. I think that covers it. I'm done.",
        ],
        "retrain",
    ),
}


def _record(folder: Path) -> dict:
    try:
        return json.loads((folder / "session.json").read_text())
    except (OSError, ValueError):
        return {}


def _answers(folder: Path) -> int:
    return sum(t.get("role") == "candidate" for t in _record(folder).get("turns", []))


def _exists(name: str) -> Callable[[Path], bool]:
    return lambda folder: (folder / name).exists()


def _pending(n: int) -> Callable[[Path], bool]:
    return lambda folder: (_record(folder).get("pending") or {}).get("n") == n


def _answered(n: int) -> Callable[[Path], bool]:
    return lambda folder: _answers(folder) >= n


def _wrapped(folder: Path) -> bool:
    return any(t.get("kind") == "wrap" for t in _record(folder).get("turns", []))


@dataclass(frozen=True)
class Instant:
    name: str
    when: Callable[[Path], bool]
    delay_s: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.name}+{int(self.delay_s * 1000)}ms"


INSTANTS = [
    Instant("folder created", lambda f: f.is_dir()),
    Instant("checkpoint file", _exists("checkpoints.sqlite")),
    Instant("first line rendered", _exists("interviewer-00.wav")),
    Instant("turn-01.wav written", _exists("turn-01.wav")),
    Instant("turn 1 pending", _pending(1), 0.05),
    Instant("turn 1 transcribed", _exists("turn-01.json")),
    Instant("turn 1 checkpointed", _answered(1)),
    Instant("turn 1 checkpointed", _answered(1), 0.1),
    Instant("reply line rendered", _exists("interviewer-02.wav")),
    Instant("turn-02.wav written", _exists("turn-02.wav")),
    Instant("turn-02.wav written", _exists("turn-02.wav"), 0.05),
    Instant("turn 2 pending", _pending(2)),
    Instant("turn 2 pending", _pending(2), 0.2),
    Instant("turn 2 pending", _pending(2), 0.6),
    Instant("turn 2 transcribed", _exists("turn-02.json")),
    Instant("turn 2 checkpointed", _answered(2)),
    Instant("turn-03.wav written", _exists("turn-03.wav")),
    Instant("turn 3 pending", _pending(3), 0.3),
    Instant("turn 3 transcribed", _exists("turn-03.json")),
    Instant("wrap-up line", _wrapped),
    Instant("wrap-up line", _wrapped, 0.2),
    Instant("report.json written", _exists("report.json")),
    Instant("report.json written", _exists("report.json"), 0.03),
    Instant("report.html written", _exists("report.html")),
]


@dataclass
class Outcome:
    instant: str
    signal: str
    stopped: bool  # the signal reached a running process (else the run had already ended)
    exit_on_signal: int | None = None
    answers_before: int = 0  # turn WAVs on disk when it stopped
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _default_sigint() -> None:
    """A shell starts background jobs with SIGINT ignored, and the child would inherit that
    (Python then installs no KeyboardInterrupt handler): give it the default, as a terminal does."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _run(args: list[str], env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        env=env,
        input=stdin or "",
        capture_output=True,
        text=True,
        timeout=600,
    )


def stop_and_resume(
    home: Path,
    answers: dict[str, Path],
    instant: Instant,
    sig: signal.Signals,
    sid: str,
    extra_env: dict | None = None,
    voice: bool = False,
) -> Outcome:
    env = {
        **os.environ,
        **(extra_env or {}),
        "INTERVIEWER_HOME": str(home),
        "PYTHONUNBUFFERED": "1",
    }
    folder = home / "recordings" / sid
    files = [answers[k] for k in ANSWERS]
    quiet = [] if voice else ["--no-voice"]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--question",
            QUESTION,
            *quiet,
            "--session",
            sid,
            "--answers",
            *map(str, files),
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )
    out = Outcome(instant.label, sig.name, stopped=False)
    deadline = time.monotonic() + 300
    while proc.poll() is None and not instant.when(folder) and time.monotonic() < deadline:
        time.sleep(0.003)
    if instant.delay_s and proc.poll() is None:
        time.sleep(instant.delay_s)
    if proc.poll() is None:
        proc.send_signal(sig)
        out.stopped = True
    try:
        _, err = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        out.problems.append(f"still running 300 s after {sig.name}")
    out.exit_on_signal = proc.returncode
    if "Traceback" in err:
        out.problems.append(f"traceback on {sig.name}: {err.strip().splitlines()[-1]}")
    # -SIGINT: the signal came while the interpreter was shutting down (its handler gone); the
    # run's work was done and the resume below checks it.
    if sig == signal.SIGINT and out.stopped and proc.returncode not in (0, 130, -signal.SIGINT):
        out.problems.append(f"SIGINT exit {proc.returncode}: {err.strip()[-200:]}")

    # Resume with the answers not yet recorded (a turn WAV on disk is an answer given).
    given = sorted(folder.glob("turn-[0-9][0-9].wav"))
    out.answers_before = len(given)
    rest = files[len(given) :]
    if not folder.exists():  # stopped before the folder existed: start again
        args = [
            "practice",
            "--question",
            QUESTION,
            *quiet,
            "--session",
            sid,
            "--answers",
            *map(str, files),
        ]
    elif rest:
        args = ["practice", "--resume", sid, *quiet, "--answers", *map(str, rest)]
    else:
        args = ["practice", "--resume", sid, "--text"]  # nothing left to say: end the interview
    p = _run(args, env)
    if p.returncode != 0 or "Traceback" in p.stderr:
        out.problems.append(f"resume exit {p.returncode}: {p.stderr.strip()[-300:]}")
        return out
    out.problems += check_finished(home, folder, answers, env)
    return out


def check_finished(home: Path, folder: Path, answers: dict[str, Path], env: dict) -> list[str]:
    problems = []
    s = _record(folder)
    if s.get("status") != "finished" or s.get("pending"):
        problems.append(f"session.json status {s.get('status')}, pending {s.get('pending')}")
    try:
        report = json.loads((folder / "report.json").read_text())
    except (OSError, ValueError) as exc:
        return problems + [f"no report.json ({exc})"]
    got = [t for t in report["turns"] if t["role"] == "candidate"]
    if [t.get("audio") for t in got] != [f"turn-{i:02d}.wav" for i in range(1, len(ANSWERS) + 1)]:
        problems.append(f"report answers {[t.get('audio') for t in got]}")
    for t, (key, (_, word)) in zip(got, ANSWERS.items(), strict=False):
        if word not in t["text"].lower():
            problems.append(f"{t.get('audio')}: '{word}' missing from {t['text'][:60]!r}")
        wav = folder / str(t.get("audio"))
        if not wav.exists() or not np.array_equal(
            load_audio(wav).samples, load_audio(answers[key]).samples
        ):
            problems.append(f"{wav.name} is not the recorded answer, whole")
    if list(folder.glob("*partial*")):
        problems.append(f"set aside: {[p.name for p in folder.glob('*partial*')]}")
    if len(s.get("turns", [])) != len(report["turns"]):
        problems.append("session.json and report.json disagree on the turns")
    for args in (["report", folder.name], ["replay", folder.name, "--no-audio"], ["sessions"]):
        p = _run(args, env)
        if p.returncode != 0 or "Traceback" in p.stderr:
            problems.append(f"{args[0]} exit {p.returncode}: {p.stderr.strip()[-200:]}")
        elif args[0] == "sessions" and folder.name[:40] not in p.stdout:
            problems.append("sessions does not list it")
    return problems
