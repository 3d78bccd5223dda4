"""Files stay where they belong: paths read from session files never leave the session folder,
and `answer --out` never writes over a session, the input, or outside the chosen folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import soundfile as sf
from conftest import assert_clean_error
from speech import compose

from interviewer.audio import SAMPLE_RATE


def typed(home, sid):
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--question",
            "recsys-low-latency",
            "--text",
            "--session",
            sid,
        ],
        input="How many requests per second?\nI would train a logistic regression model.\n\n",
        env={**os.environ, "INTERVIEWER_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    return home / "recordings" / sid


@pytest.mark.parametrize(
    "field,value",
    [
        ("transcript", "../../../x.json"),
        ("transcript", "/tmp/x.json"),
        ("audio", "../outside.wav"),
        ("audio", "/etc/passwd"),
    ],
)
def test_paths_in_session_json_cannot_leave_the_folder(cli, home, field, value):
    folder = typed(home, f"esc-{field}-{len(value)}")
    s = json.loads((folder / "session.json").read_text())
    answer = next(t for t in s["turns"] if t["role"] == "candidate")
    answer[field] = value
    (folder / "session.json").write_text(json.dumps(s))
    before = sorted(p.name for p in home.parent.rglob("*") if not p.is_relative_to(folder))
    env = {"INTERVIEWER_HOME": str(home)}
    for args in (
        ["report", folder.name],
        ["replay", folder.name, "--no-audio"],
        ["practice", "--resume", folder.name, "--text"],
    ):
        run = cli(*args, env=env)
        assert_clean_error(run, "inside the session folder")
        assert run.code == 8
    assert sorted(p.name for p in home.parent.rglob("*") if not p.is_relative_to(folder)) == before


def test_a_link_out_of_the_folder_is_refused(cli, home, tmp_path):
    folder = typed(home, "linked")
    secret = tmp_path / "secret.json"
    secret.write_text("{}")
    (folder / "turn-01.json").unlink()
    (folder / "turn-01.json").symlink_to(secret)
    run = cli("report", "linked", env={"INTERVIEWER_HOME": str(home)})
    assert_clean_error(run, "outside the session folder")
    assert secret.read_text() == "{}"


def test_a_damaged_transcript_is_a_clean_error(cli, home):
    folder = typed(home, "damaged")
    (folder / "turn-02.json").write_bytes(b"\xff\xfe not json")
    run = cli("report", "damaged", env={"INTERVIEWER_HOME": str(home)})
    assert_clean_error(run, "turn-02.json is damaged")
    assert run.code == 8


def test_an_unreadable_recording_is_named_and_the_other_turns_rescored(cli, home, tmp_path):
    """turn-02.wav overwritten with garbage, then `report --rescore`: the others are
    re-transcribed, the bad one keeps its saved transcript, and the report says so."""
    out = tmp_path / "answers"
    out.mkdir()
    first, _ = compose("How many requests per second do we expect at peak?")
    second, _ = compose("For a simple baseline I would train a logistic regression model.")
    sf.write(str(out / "a.wav"), first, SAMPLE_RATE)
    sf.write(str(out / "b.wav"), second, SAMPLE_RATE)
    env = {"INTERVIEWER_HOME": str(home)}
    run = cli(
        "practice",
        "--question",
        "recsys-low-latency",
        "--no-voice",
        "--session",
        "garbled",
        "--answers",
        str(out / "a.wav"),
        str(out / "b.wav"),
        env=env,
    )
    assert run.code == 0, run.err
    folder = home / "recordings" / "garbled"
    saved = json.loads((folder / "turn-02.json").read_text())["text"]
    (folder / "turn-02.wav").write_bytes(os.urandom(5000))
    run = cli("report", "garbled", "--rescore", env=env)
    assert run.code == 0, run.err
    report = json.loads((folder / "report.json").read_text())
    assert any(n.startswith("turn-02.wav could not be read") for n in report["notes"]), report
    answers = [t for t in report["turns"] if t["role"] == "candidate"]
    assert answers[1]["text"] == saved, (answers[1]["text"], saved)
    assert "requests" in answers[0]["text"].lower()


@pytest.fixture(scope="module")
def stereo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("input")
    mono, _ = compose("For a simple baseline I would train a logistic regression model.")
    path = folder / "answer.wav"
    sf.write(
        str(path), __import__("numpy").stack([mono, mono], axis=1), SAMPLE_RATE
    )  # 16 kHz stereo
    return path


def test_answer_out_refuses_a_session_folder_and_the_inputs_folder(cli, home, stereo, tmp_path):
    env = {"INTERVIEWER_HOME": str(home)}
    folder = typed(home, "keep")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    run = cli(
        "answer", str(stereo), "--question", "recsys-low-latency", "--out", str(folder), env=env
    )
    assert_clean_error(run, "holds a saved session")
    assert run.code == 2
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before

    original = stereo.read_bytes()
    run = cli(
        "answer",
        str(stereo),
        "--question",
        "recsys-low-latency",
        "--out",
        str(stereo.parent),
        env=env,
    )
    assert_clean_error(run, "holds the input audio")
    assert stereo.read_bytes() == original and sorted(p.name for p in stereo.parent.iterdir()) == [
        "answer.wav"
    ]

    run = cli(
        "answer", str(stereo), "--question", "recsys-low-latency", "--out", str(stereo), env=env
    )
    assert_clean_error(run, "is a file")


def test_answer_out_writes_nothing_outside_the_chosen_folder(cli, home, stereo, tmp_path):
    parent = tmp_path / "mine"
    parent.mkdir()
    out = parent / "answer"
    run = cli(
        "answer",
        str(stereo),
        "--question",
        "recsys-low-latency",
        "--out",
        str(out),
        env={"INTERVIEWER_HOME": str(home)},
    )
    assert run.code == 0, run.err
    assert sorted(p.name for p in parent.iterdir()) == ["answer"]
    assert (out / "report.json").exists() and (out / "turn-01.wav").exists()


@pytest.mark.parametrize("bad", ["nan", "inf", "-1", "0"])
def test_max_minutes_out_of_range_is_refused(cli, stereo, tmp_path, bad):
    run = cli(
        "answer",
        str(stereo),
        "--question",
        "recsys-low-latency",
        "--max-minutes",
        bad,
        "--out",
        str(tmp_path / "o"),
    )
    assert_clean_error(run, "--max-minutes")
    assert run.code == 2 and not (tmp_path / "o").exists()
