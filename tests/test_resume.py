"""Crash consistency: a kill or Ctrl-C at any point resumes to the end with every recorded
answer in the report; session.json never loses turns; finished sessions stay finished."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import assert_clean_error
from speech import write

from interviewer.audio import load_audio

ANSWERS = {
    "ask": [
        "Before I start, how many requests per second should we expect, and what is the "
        "latency budget?"
    ],
    "baseline": [
        "For a simple baseline, I would collect click logs as labeled data,",
        "and train a logistic regression model with a cross entropy loss.",
    ],
    "monitor": [
        "After launch, I would monitor click rates in an A B test, alert on data drift,",
        "and retrain the model every week. I think that covers it. I'm done.",
    ],
}


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("answers")
    return {k: write(folder / f"{k}.wav", *v)[0] for k, v in ANSWERS.items()}


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "interviewer", "practice", *args]


def environ(home: Path) -> dict:
    return {**os.environ, "INTERVIEWER_HOME": str(home), "PYTHONUNBUFFERED": "1"}


def record(folder: Path) -> dict:
    try:
        return json.loads((folder / "session.json").read_text())
    except (OSError, ValueError):
        return {}


def wait_for(proc: subprocess.Popen, condition, what: str, timeout: float = 240) -> None:
    """Poll until condition() holds; the child must still be running (else the kill is moot)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, f"the run ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def candidate(turns: list[dict]) -> list[dict]:
    return [t for t in turns if t["role"] == "candidate"]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_stop_while_a_recorded_turn_is_handed_over_keeps_that_turn(home, answers, sig):
    """The stop lands after turn-02.wav is complete and before (or while) the graph takes it:
    the resumed session transcribes and uses it; no turn is set aside as partial."""
    sid = f"stop-{sig.name}"
    folder = home / "recordings" / sid
    order = ["ask", "baseline", "monitor"]
    proc = subprocess.Popen(
        command(
            "--question",
            "recsys-low-latency",
            "--no-voice",
            "--session",
            sid,
            "--answers",
            *[str(answers[k]) for k in order],
        ),
        env=environ(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(
        proc, lambda: (record(folder).get("pending") or {}).get("n") == 2, "turn 2 to be recorded"
    )
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    assert proc.returncode == (130 if sig == signal.SIGINT else -signal.SIGKILL), err
    assert (folder / "turn-02.wav").exists()
    # a report of the stopped session says what is recorded and not yet in it
    r = subprocess.run(
        [sys.executable, "-m", "interviewer", "report", sid],
        env=environ(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    notes = json.loads((folder / "report.json").read_text())["notes"]
    taken = any(t.get("audio") == "turn-02.wav" for t in record(folder)["turns"])  # a slow stop
    assert any("turn-02.wav recorded but not yet in the interview" in n for n in notes) == (
        not taken
    )

    p = subprocess.run(
        command("--resume", sid, "--no-voice", "--answers", str(answers["monitor"])),
        env=environ(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    s = record(folder)
    assert s["status"] == "finished" and s["pending"] is None, p.stdout + p.stderr
    report = json.loads((folder / "report.json").read_text())
    answered = candidate(report["turns"])
    assert [t["audio"] for t in answered] == ["turn-01.wav", "turn-02.wav", "turn-03.wav"]
    assert "regression" in answered[1]["text"].lower()
    assert "retrain" in answered[2]["text"].lower()
    assert not list(folder.glob("*partial*"))
    # the audio of the recorded turn is the answer, whole
    assert len(load_audio(folder / "turn-02.wav").samples) == len(
        load_audio(answers["baseline"]).samples
    )
    assert len(s["turns"]) == len(report["turns"])


def typed_session(home: Path, sid: str, lines: list[str], keep_running: bool = False):
    """A --text session fed `lines`; killed once they are all in session.json (keep_running),
    else ended with an empty line."""
    folder = home / "recordings" / sid
    proc = subprocess.Popen(
        command("--question", "recsys-low-latency", "--text", "--session", sid),
        env=environ(home),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None
    proc.stdin.write("".join(line + "\n" for line in lines) + ("" if keep_running else "\n"))
    proc.stdin.flush()
    if keep_running:
        wait_for(
            proc,
            lambda: (
                len(candidate(record(folder).get("turns", []))) == len(lines)
                and record(folder).get("lines_voiced") == len(record(folder)["turns"])
            ),
            "the typed turns",
        )
        proc.kill()
    proc.communicate(timeout=120)
    return folder


TYPED = [
    "How many requests per second should we expect?",
    "As a baseline I would train a logistic regression model on click logs.",
]


@pytest.mark.parametrize("damage", [b"", b"this is not a database" * 100])
def test_an_unusable_checkpoint_is_rebuilt_from_session_json(home, damage):
    sid = f"ckpt-{len(damage)}"
    folder = typed_session(home, sid, TYPED, keep_running=True)
    before = record(folder)
    (folder / "checkpoints.sqlite").write_bytes(damage)
    for extra in folder.glob("checkpoints.sqlite-*"):
        extra.unlink()
    p = subprocess.run(
        command("--resume", sid, "--text"),
        input="I would monitor drift and retrain weekly.\n\n",
        env=environ(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    s = record(folder)
    assert s["turns"][: len(before["turns"])] == before["turns"]
    texts = [t["text"] for t in candidate(s["turns"])]
    assert texts == TYPED + ["I would monitor drift and retrain weekly."]
    report = json.loads((folder / "report.json").read_text())
    assert len(candidate(report["turns"])) == 3
    if damage:  # a damaged file is kept beside the session, not deleted
        assert (folder / "checkpoints.corrupt-1.sqlite").read_bytes() == damage


def test_a_failed_resume_never_shrinks_session_json(home):
    folder = typed_session(home, "shrink", TYPED, keep_running=True)
    before = record(folder)
    (folder / "checkpoints.sqlite").write_bytes(b"")
    # resume with an unknown rubric fails after the session is opened
    p = subprocess.run(
        command("--resume", "shrink", "--text", "--rubric", "no-such-rubric"),
        input="\n",
        env=environ(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode != 0
    assert record(folder)["turns"] == before["turns"]


def test_resuming_a_finished_session_asks_for_nothing(home, cli):
    folder = typed_session(home, "done", TYPED)
    assert record(folder)["status"] == "finished"
    # no --text, no --answers: a microphone would be needed, and there is none here
    run = cli("practice", "--resume", "done", env={"INTERVIEWER_HOME": str(home)})
    assert run.code == 0, run.err
    assert str(folder / "report.json") in run.out
    assert record(folder)["status"] == "finished"


def test_a_session_stopped_after_scoring_is_marked_finished(home):
    folder = typed_session(home, "scored", TYPED)
    s = record(folder)
    s["status"] = "in-progress"  # as a kill between writing the report and session.json leaves it
    (folder / "session.json").write_text(json.dumps(s))
    p = subprocess.run(
        command("--resume", "scored", "--text"),
        input="",
        env=environ(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    assert record(folder)["status"] == "finished"


def test_orphan_folders_are_reused_or_refused_the_same_way(home, cli):
    env = {"INTERVIEWER_HOME": str(home)}
    (home / "recordings" / "empty").mkdir()
    run = subprocess.run(
        command("--question", "recsys-low-latency", "--text", "--session", "empty"),
        input="\n",
        env=environ(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr  # an empty leftover folder is simply used
    odd = home / "recordings" / "odd"
    odd.mkdir()
    (odd / "notes.txt").write_text("mine")
    for args in (
        ["--question", "recsys-low-latency", "--text", "--session", "odd"],
        ["--resume", "odd", "--text"],
    ):
        r = cli("practice", *args, env=env)
        assert_clean_error(r, "holds no session.json")
    assert (odd / "notes.txt").read_text() == "mine"


def test_a_new_session_folder_always_has_its_session_json(home):
    from interviewer.session import create

    s = create("fresh", root=home / "recordings", question={"id": "q", "text": "?"}, minutes=5)
    assert json.loads(s.json_path.read_text())["status"] == "starting"
    assert not [p for p in (home / "recordings").iterdir() if p.name.startswith(".")]


def test_minutes_out_of_range_are_refused_before_any_audio(cli, home):
    for bad in ("nan", "inf", "-3", "0", "1e308"):
        r = cli(
            "practice",
            "--question",
            "recsys-low-latency",
            "--text",
            "--minutes",
            bad,
            env={"INTERVIEWER_HOME": str(home)},
        )
        assert_clean_error(r, "--minutes")
        assert r.code == 2
    assert not any((home / "recordings").iterdir())


def test_a_ctrl_c_a_library_turned_into_its_own_error_is_still_a_ctrl_c():
    import signal as sig

    from interviewer import interrupts

    before = sig.getsignal(sig.SIGINT)
    try:
        interrupts.install()
        with pytest.raises(RuntimeError):
            try:  # as faster-whisper does around its lazy onnxruntime import
                os.kill(os.getpid(), sig.SIGINT)
                time.sleep(5)  # the handler runs at the next bytecode; never reached
            except KeyboardInterrupt:
                raise RuntimeError(
                    "Applying the VAD filter requires the onnxruntime package"
                ) from None
        assert interrupts.pressed()
    finally:
        sig.signal(sig.SIGINT, before)
