"""The interview graph end to end, driven through the real command with recorded answers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import soundfile as sf
from conftest import assert_clean_error
from speech import write

from interviewer.content import get_question
from interviewer.session import sanitize

QUESTION = get_question("recsys-low-latency")
TURNS = {
    "ask": [
        "Before I start, how many requests per second should we expect, and what is the "
        "latency budget?"
    ],
    "baseline": [
        "For a simple baseline, I would collect click logs as labeled data,",
        "train a logistic regression model with a cross entropy loss,",
        "and evaluate it offline with precision and recall on a held out test set.",
    ],
    "iterate": [
        "The first thing to break at peak would be latency, so to improve it, I would add a "
        "caching layer, which is faster but can serve stale results.",
        "A bigger ranking model is more accurate, at the cost of latency.",
    ],
    "done": ["I think that covers it. I'm done."],
    "monitor": [
        "After launch, I would compare the home page click rate with the old ranker in an AB test,",
        "alert when the share of new listings that get any clicks falls below last week's,",
        "and retrain the model every week on the new click logs, with a rollback plan.",
    ],
    "odd": ["What programming language does the team prefer?"],
}


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("answers")
    return {k: write(folder / f"{k}.wav", *v)[0] for k, v in TURNS.items()}


def session(home, sid):
    folder = home / "recordings" / sid
    return folder, json.loads((folder / "session.json").read_text())


def practice(cli, home, *args):
    return cli(
        "practice",
        "--question",
        "recsys-low-latency",
        "--no-voice",
        *args,
        env={"INTERVIEWER_HOME": str(home)},
    )


def test_whole_interview_from_recorded_answers(cli, home, answers):
    order = ["ask", "baseline", "iterate", "done", "monitor"]
    run = practice(cli, home, "--session", "e2e", "--answers", *[str(answers[k]) for k in order])
    assert run.code == 0, run.err
    folder, s = session(home, "e2e")
    assert s["status"] == "finished"
    turns = s["turns"]
    assert [t["role"] for t in turns[:2]] == ["interviewer", "candidate"]
    assert turns[0]["kind"] == "question" and QUESTION.text in turns[0]["text"]

    # the clarifying question is answered from the question's own facts
    reply = turns[2]
    assert reply["kind"] == "fact"
    facts = {f.topic: f.answer for f in QUESTION.facts}
    assert facts["scale"] in reply["text"] and facts["latency"] in reply["text"]

    # "I'm done" without monitoring: the interviewer probes it, and it then counts as prompted
    probe = next(t for t in turns if t["kind"] == "probe")
    assert probe["step"] == "monitor"
    assert probe["text"] == "How would you know it works after launch?"
    assert s["agenda"]["monitor"] == "prompted"
    assert s["agenda"]["baseline"] == "covered" and s["agenda"]["iterate"] == "covered"
    assert s["phase"] == "monitor"
    assert all(s["time_used"][k] > 0 for k in ("baseline", "iterate", "monitor"))
    assert turns[-1]["kind"] == "wrap"

    # every candidate turn: a WAV, a transcript, in the report in order
    candidate = [t for t in turns if t["role"] == "candidate"]
    assert len(candidate) == 5
    for i, t in enumerate(candidate, 1):
        assert t["audio"] == f"turn-{i:02d}.wav" and (folder / t["audio"]).exists()
        assert (folder / t["transcript"]).exists()
    assert [t["start"] for t in turns] == sorted(t["start"] for t in turns)
    report = json.loads((folder / "report.json").read_text())
    statuses = {a["step"]: a["status"] for a in report["agenda"]}
    assert statuses["monitor"] == "prompted" and statuses["baseline"] == "covered"
    assert len([t for t in report["turns"] if t["role"] == "candidate"]) == 5
    assert "retrain" in report["transcript"]["text"].lower()
    # silence while the interviewer talks is not the candidate's pause
    assert report["metrics"]["long_pauses"] == []
    assert (folder / "report.md").exists()


def test_unknown_fact_is_not_invented(cli, home, answers):
    run = practice(cli, home, "--session", "odd", "--answers", str(answers["odd"]))
    assert run.code == 0, run.err
    _, s = session(home, "odd")
    reply = s["turns"][2]
    assert reply["kind"] == "fact" and reply["text"].startswith("I don't have that number")


def test_phase_over_budget_gets_a_nudge(cli, home, answers):
    # a 4-minute session: the clarify budget is about 40 s, and three questions overrun it
    args = ["--minutes", "4", "--session", "nudge", "--answers"] + [str(answers["baseline"])] * 3
    run = practice(cli, home, *args)
    assert run.code == 0, run.err
    _, s = session(home, "nudge")
    kinds = [t["kind"] for t in s["turns"]]
    assert "nudge" in kinds or kinds[-1] == "wrap"
    assert s["budget_s"]["iterate"] == pytest.approx(4 * 60 * 18 / 45, abs=0.5)


def test_typed_answers(cli, home):
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--question",
            "rag-support-bot",
            "--text",
            "--session",
            "typed",
        ],
        input="How many documents are there?\nI would chunk the docs and embed them.\n\n",
        capture_output=True,
        text=True,
        env={**os.environ, "INTERVIEWER_HOME": str(home)},
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    folder, s = session(home, "typed")
    assert s["turns"][2]["kind"] == "fact"
    report = json.loads((folder / "report.json").read_text())
    assert any("typed" in n for n in report["notes"])


def test_kill_mid_session_then_resume(home, answers):
    """SIGKILL after two finished turns; --resume with the next answers; nothing is lost."""
    env = {**os.environ, "INTERVIEWER_HOME": str(home)}
    first = [str(answers[k]) for k in ("ask", "baseline", "iterate")]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--question",
            "recsys-low-latency",
            "--no-voice",
            "--session",
            "killed",
            "--answers",
            *first,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    folder = home / "recordings" / "killed"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            s = json.loads((folder / "session.json").read_text())
            if sum(t["role"] == "candidate" for t in s["turns"]) >= 2:
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    rest = [str(answers[k]) for k in ("monitor", "done")]
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--resume",
            "killed",
            "--no-voice",
            "--answers",
            *rest,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    s = json.loads((folder / "session.json").read_text())
    report = json.loads((folder / "report.json").read_text())
    candidate = [t for t in report["turns"] if t["role"] == "candidate"]
    texts = " ".join(t["text"].lower() for t in candidate)
    for word in ("latency", "regression", "retrain"):
        assert word in texts
    # every turn WAV in the folder is in the report, or kept and listed as partial
    wavs = sorted(w.name for w in folder.glob("turn-*.wav"))
    used = sorted(t["audio"] for t in candidate)
    assert sorted(used + s["partial_recordings"]) == wavs
    assert len(candidate) >= 4
    # one resume line that says what was heard last (or what was asked), never the question again
    assert "Welcome back. Before the break" in p.stdout, p.stdout
    assert "Here is the question again" not in p.stdout
    assert all(t["text"] for t in candidate)  # no empty answers


def test_resume_unknown_session_is_a_clean_error(cli, home):
    assert_clean_error(
        cli(
            "practice",
            "--resume",
            "nope",
            "--no-voice",
            "--answers",
            "x.wav",
            env={"INTERVIEWER_HOME": str(home)},
        ),
        "no session",
    )


def test_session_names_cannot_escape(cli, home, answers):
    assert sanitize("../../etc/passwd") == "etc-passwd"
    assert sanitize("my interview #1") == "my-interview-1"
    run = practice(cli, home, "--session", "../../escape", "--answers", str(answers["odd"]))
    assert run.code == 0, run.err
    assert (home / "recordings" / "escape" / "session.json").exists()
    assert not (home.parent / "escape").exists()


def test_replay_prints_the_timeline_in_order(cli, home, answers):
    run = practice(
        cli, home, "--session", "rp", "--answers", str(answers["ask"]), str(answers["baseline"])
    )
    assert run.code == 0, run.err
    env = {"INTERVIEWER_HOME": str(home)}
    out = cli("replay", "rp", "--no-audio", env=env)
    assert out.code == 0, out.err
    lines = out.out.strip().splitlines()
    assert "interviewer" in lines[0] and "you" in lines[1] and "latency" in lines[1].lower()
    one = cli("replay", "rp", "--turn", "2", "--no-audio", env=env)
    assert one.out.strip() == lines[1]
    assert_clean_error(cli("replay", "rp", "--turn", "99", "--no-audio", env=env), "not 99")
    (home / "recordings" / "rp" / "turn-01.wav").unlink()
    missing = cli("replay", "rp", "--no-audio", env=env)
    assert "turn-01.wav is missing" in missing.out


def test_full_disk_saves_the_session_and_exits_cleanly(home, answers):
    import resource

    def limit():  # a file-size limit makes writes fail with EFBIG, as a full disk does
        resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000))

    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--question",
            "recsys-low-latency",
            "--no-voice",
            "--session",
            "full",
            "--answers",
            str(answers["baseline"]),
        ],
        env={**os.environ, "INTERVIEWER_HOME": str(home)},
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=300,
    )
    assert p.returncode == 7, p.stderr
    lines = [x for x in p.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "disk is full" in lines[0] and "--resume full" in lines[0]
    assert "Traceback" not in p.stderr
    assert (home / "recordings" / "full" / "session.json").exists()
    assert sf.info(str(answers["baseline"])).frames > 0  # the input is untouched


def test_live_view_shows_phase_clock_level_and_running_transcript():
    from rich.console import Console

    from interviewer.audio.mic import LiveStatus
    from interviewer.interview.view import LiveView

    view = LiveView({"clarify": "Clarify requirements"})
    view.state = {
        "phase": "clarify",
        "time_used": {"clarify": 65.0},
        "budget_s": {"clarify": 420.0},
        "minutes": 45,
        "clock": 80.0,
    }
    view.turn = 2
    view.stream = type("Stream", (), {"text": "how many requests per second"})()
    view.status = LiveStatus(12.3, -22.0, True, 1.4, 4.0)
    console = Console(width=100, record=True)
    console.print(view._render())
    screen = console.export_text()
    # the phase's clock runs on with the turn: 65 s before it, 12.3 s into it
    for expected in (
        "turn 2",
        "Clarify requirements",
        "1:17.3 of 7 minutes",
        "1:32.3 of 45 minutes",
        "up to 4 s of silence ends the turn",
        "press Enter",
        "how many requests per second",
    ):
        assert expected in screen, expected
    assert screen.count("#") == 12  # -22 dBFS on a 20-step meter from -60
    # at a pause, what the end-of-turn judge reads it as
    view.status = LiveStatus(14.0, -50.0, True, 0.6, 10.0, 10.0, "you are mid-sentence")
    console = Console(width=100, record=True)
    console.print(view._render())
    assert "you are mid-sentence  (silence 0.6 s; Enter ends your turn)" in console.export_text()
