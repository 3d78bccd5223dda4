"""Each failure its own one-line error and exit code: full disks (SQLite included), a busy or
damaged index, malformed content and session files, options out of range."""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys

import pytest
from conftest import CONTENT, assert_clean_error

from interviewer.errors import SessionError


def practice_text(home, sid, lines, preexec=None, resume=False):
    args = ["--resume", sid] if resume else ["--question", "recsys-low-latency", "--session", sid]
    return subprocess.run(
        [sys.executable, "-m", "interviewer", "practice", *args, "--text"],
        input="".join(x + "\n" for x in lines) + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, "INTERVIEWER_HOME": str(home)},
        preexec_fn=preexec,
        timeout=300,
    )


def test_a_full_disk_while_checkpointing_is_exit_7_and_resumes_once_space_is_free(home):
    def limit():  # a file-size limit: SQLite's writes fail as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (120_000, 120_000))

    answers = [
        "How many requests per second?",
        "I would train a logistic regression model on click logs.",
    ]
    p = practice_text(home, "full", answers, preexec=limit)
    assert p.returncode == 7, p.stderr
    lines = [x for x in p.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "disk is full" in lines[0] and "--resume full" in lines[0], p.stderr
    folder = home / "recordings" / "full"
    before = json.loads((folder / "session.json").read_text())
    given = [t["text"] for t in before["turns"] if t["role"] == "candidate"]
    if before.get("pending"):
        given.append(before["pending"]["text"])
    r = practice_text(home, "full", ["Then I would monitor drift and retrain weekly."], resume=True)
    assert r.returncode == 0, r.stderr
    after = json.loads((folder / "session.json").read_text())
    texts = [t["text"] for t in after["turns"] if t["role"] == "candidate"]
    assert after["status"] == "finished"
    assert texts == given + ["Then I would monitor drift and retrain weekly."]


def test_a_busy_index_is_waited_for_and_never_deleted(tmp_path, monkeypatch):
    from interviewer import index

    db = tmp_path / "index.sqlite"
    index.refresh(tmp_path)
    holder = sqlite3.connect(str(db), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # a writer in the middle of its transaction
    monkeypatch.setattr(index, "BUSY_TIMEOUT_S", 0.3)
    with pytest.raises(SessionError, match="busy"):
        index.refresh(tmp_path)
    assert db.exists() and not list(tmp_path.glob("index.damaged-*"))
    holder.execute("COMMIT")
    holder.close()
    assert index.refresh(tmp_path) == []


def test_a_damaged_index_is_kept_aside_and_rebuilt(tmp_path):
    from interviewer import index

    (tmp_path / "index.sqlite").write_bytes(b"not a database at all" * 200)
    assert index.refresh(tmp_path) == []
    assert len(list(tmp_path.glob("index.damaged-*.sqlite"))) == 1


def test_nan_in_a_report_leaves_that_session_out_of_progress(cli, home):
    env = {"INTERVIEWER_HOME": str(home)}
    for sid in ("a", "b", "c"):
        assert (
            practice_text(home, sid, ["I would train a logistic regression model."]).returncode == 0
        )
    path = home / "recordings" / "b" / "report.json"
    path.write_text(path.read_text().replace('"overall": ', '"overall": NaN, "was": ', 1))
    run = cli("progress", env=env)
    assert run.code == 0, run.err
    rows = [line.split()[0] for line in run.out.splitlines()[1:] if line.strip()[:1].isdigit()]
    assert rows == ["1", "2"], run.out  # a, c: b's NaN is left out, not a crash
    listed = cli("sessions", env=env)
    assert listed.code == 0 and " b " not in listed.out and "a" in listed.out


def content_home(home, tmp_path):
    """A home whose prompts/ can be edited: a copy, not the repository's."""
    h = tmp_path / "edited"
    (h / "recordings").mkdir(parents=True)
    shutil.copytree(CONTENT / "prompts", h / "prompts")
    return h


def test_a_bad_placeholder_in_the_lines_fails_before_the_interview(cli, home, tmp_path):
    h = content_home(home, tmp_path)
    lines = h / "prompts" / "interviewer" / "lines.toml"
    lines.write_text(lines.read_text().replace("{probe}", "{prob}", 1))
    run = cli(
        "practice", "--question", "recsys-low-latency", "--text", env={"INTERVIEWER_HOME": str(h)}
    )
    assert_clean_error(run, "probe", "placeholder")
    assert run.code == 4
    assert not any((h / "recordings").iterdir())


@pytest.mark.parametrize("damage", ["bytes", "budget", "empty-id"])
def test_malformed_question_files_are_content_errors(cli, home, tmp_path, damage):
    h = content_home(home, tmp_path)
    folder = h / "prompts" / "questions"
    path = sorted(folder.glob("*.toml"))[0]
    text = path.read_text()
    if damage == "bytes":
        path.write_bytes(b"\xff\xfe\x00" + text.encode("utf-16"))
    elif damage == "budget":
        (folder / "zz.toml").write_text(
            '[[question]]\nid = "zz"\ntext = "Design X."\ncategory = "x"\n'
            "budget = { clarify = -5.0, baseline = 1.0 }\n"
        )
    else:
        (folder / "zz.toml").write_text(
            '[[question]]\nid = ""\ntext = "Design X."\ncategory = "x"\n'
        )
    run = cli("questions", env={"INTERVIEWER_HOME": str(h)})
    assert_clean_error(run, "toml")
    assert run.code == 4


def test_a_malformed_session_json_is_a_session_error(cli, home):
    assert practice_text(home, "m", ["I would train a logistic regression model."]).returncode == 0
    path = home / "recordings" / "m" / "session.json"
    s = json.loads(path.read_text())
    s["turns"][1]["start"] = "soon"
    path.write_text(json.dumps(s))
    for args in (
        ["report", "m"],
        ["replay", "m", "--no-audio"],
        ["practice", "--resume", "m", "--text"],
    ):
        run = cli(*args, env={"INTERVIEWER_HOME": str(home)})
        assert_clean_error(run, "session.json is malformed")
        assert run.code == 8


def test_an_answer_longer_than_a_turn_is_refused_before_the_interview(cli, home, tmp_path):
    import numpy as np
    import soundfile as sf

    long = tmp_path / "long.wav"
    sf.write(
        str(long), np.zeros(16000 * 60 * 16, dtype=np.int16), 16000, subtype="PCM_16"
    )  # 16 min
    run = cli(
        "practice",
        "--question",
        "recsys-low-latency",
        "--no-voice",
        "--answers",
        str(long),
        env={"INTERVIEWER_HOME": str(home)},
    )
    assert_clean_error(run, "16.0 minutes", "15-minute limit")
    assert run.code == 3
    assert not any((home / "recordings").iterdir())


def test_a_damaged_mp3_is_decoded_past_the_damage_and_the_loss_is_noted(cli, tmp_path):
    import numpy as np
    import soundfile as sf
    from speech import compose

    from interviewer.audio import load_audio

    samples, _ = compose(
        "For a simple baseline I would train a logistic regression model on click data.",
        1.0,
        "After launch I would monitor drift and retrain the model every week.",
        1.0,
        "To improve it I would add a cache, which is faster but can serve stale results.",
    )
    clean = tmp_path / "clean.mp3"
    sf.write(str(clean), samples, 16000, format="MP3")
    data = bytearray(clean.read_bytes())
    at = len(data) // 3
    data[at : at + 3000] = np.random.default_rng(3).integers(0, 256, 3000, dtype=np.uint8).tobytes()
    damaged = tmp_path / "damaged.mp3"
    damaged.write_bytes(bytes(data))
    whole = load_audio(clean).duration_s
    audio = load_audio(damaged)
    assert audio.duration_s > 0.6 * whole  # FFmpeg's frame iterator stopped at the damage (a third)
    assert 0.2 <= audio.unreadable_s < 0.4 * whole
    out = tmp_path / "out"
    run = cli("answer", str(damaged), "--question", "recsys-low-latency", "--out", str(out))
    assert run.code == 0, run.err
    report = json.loads((out / "report.json").read_text())
    assert any("could not be decoded" in n for n in report["notes"])
    assert "cache" in report["transcript"]["text"].lower()  # speech after the damage was scored


def test_a_home_that_cannot_hold_folders_is_one_line_not_a_traceback(cli, tmp_path):
    """INTERVIEWER_HOME under a path that cannot be made (here below a file; a read-only or
    special filesystem is the same to the user): one line, exit 8, for every command that writes."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = {"INTERVIEWER_HOME": str(blocker / "home")}
    answer = tmp_path / "answer.txt"
    answer.write_text("I would train gradient boosted trees on last year's transactions.\n")
    run = cli("answer", str(answer), "--question", "fraud-detection-realtime", env=env)
    assert_clean_error(run, "cannot create", "INTERVIEWER_HOME")
    assert run.code == 8
    run = cli("demo", "--out", str(blocker / "demo"), env=env)
    assert_clean_error(run, "cannot create", str(blocker / "demo"))
    assert run.code == 8
    run = cli("practice", "--text", "--question", "recsys-low-latency", env=env)
    assert_clean_error(run, "cannot create")
    assert run.code == 8
