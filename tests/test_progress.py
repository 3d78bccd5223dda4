"""Reports rebuilt from saved sessions, the session index, and progress over time."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import CONTENT, assert_clean_error
from speech import write

from interviewer.report.numbers import score_text

ANSWERS = {
    "weak": [
        "Um, I would use a big model, you know.",
        2.6,
        "It would basically be fast. I'm done.",
    ],
    "good": ["How many requests per second do we expect, and what is the latency budget?"],
    "good2": [
        "For a simple baseline I would train a logistic regression model on click data,",
        "with a cross entropy loss, measured with precision and recall on a held out test set.",
        "After launch I would monitor drift and retrain weekly. I'm done.",
    ],
}


@pytest.fixture(scope="module")
def audio(tmp_path_factory):
    folder = tmp_path_factory.mktemp("progress-audio")
    return {k: write(folder / f"{k}.wav", *v)[0] for k, v in ANSWERS.items()}


@pytest.fixture
def two_sessions(cli, home, audio):
    env = {"INTERVIEWER_HOME": str(home)}
    for sid, files in (("s1-weak", ["weak"]), ("s2-good", ["good", "good2"])):
        run = cli(
            "practice",
            "--question",
            "recsys-low-latency",
            "--no-voice",
            "--session",
            sid,
            "--answers",
            *[str(audio[f]) for f in files],
            env=env,
        )
        assert run.code == 0, run.err
    return env


def test_sessions_and_progress(cli, home, two_sessions):
    run = cli("sessions", env=two_sessions)
    assert run.code == 0
    lines = run.out.strip().splitlines()
    assert "s1-weak" in lines[1] and "s2-good" in lines[2]
    weak = json.loads((home / "recordings" / "s1-weak" / "report.json").read_text())
    assert f" {score_text(weak['scores']['overall'])} " in lines[1]
    run = cli("progress", env=two_sessions)
    assert "since your first spoken session: overall" in run.out
    good = json.loads((home / "recordings" / "s2-good" / "report.json").read_text())
    assert [p["session"] for p in good["progress"]] == ["s1-weak", "s2-good"]
    assert good["scores"]["overall"] > weak["scores"]["overall"]
    assert "## Progress" in (home / "recordings" / "s2-good" / "report.md").read_text()


def test_index_survives_deletion_corrupt_rows_and_a_corrupt_file(cli, home, two_sessions):
    db = home / "recordings" / "index.sqlite"
    before = cli("sessions", env=two_sessions).out
    db.unlink()
    assert cli("sessions", env=two_sessions).out == before and db.exists()
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE sessions SET overall = 'garbage', coverage = NULL WHERE session = 's1-weak'"
        )
    assert cli("sessions", env=two_sessions).out == before
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT overall FROM sessions WHERE session = 's1-weak'").fetchone()
    assert isinstance(row[0], float)
    db.write_bytes(b"this is not a database" * 100)
    assert cli("sessions", env=two_sessions).out == before
    # a session folder that disappears leaves the index
    import shutil

    shutil.rmtree(home / "recordings" / "s1-weak")
    assert "s1-weak" not in cli("sessions", env=two_sessions).out


def test_rebuild_after_editing_the_rubric(cli, home, two_sessions, tmp_path):
    folder = home / "recordings" / "s1-weak"
    old = json.loads((folder / "report.json").read_text())
    assert old["metrics"]["long_pause_threshold_s"] == 2.0 and old["metrics"]["long_pauses"]
    strict = tmp_path / "strict.toml"
    text = (
        (CONTENT / "rubrics" / "default.toml")
        .read_text()
        .replace("long_pause_s = 2.0", "long_pause_s = 5.0")
    )
    strict.write_text(text)
    run = cli("report", "s1-weak", "--rubric", str(strict), env=two_sessions)
    assert run.code == 0, run.err
    new = json.loads((folder / "report.json").read_text())
    assert new["metrics"]["long_pause_threshold_s"] == 5.0 and new["metrics"]["long_pauses"] == []
    assert new["transcript"]["text"] == old["transcript"]["text"]  # from the saved transcripts
    assert (folder / "report.html").exists()


def test_missing_wav_still_yields_a_report_that_says_so(cli, home, two_sessions):
    folder = home / "recordings" / "s2-good"
    (folder / "turn-02.wav").unlink()
    run = cli("report", "s2-good", "--rescore", env=two_sessions)
    assert run.code == 0, run.err
    r = json.loads((folder / "report.json").read_text())
    assert any("turn-02.wav is missing: its saved transcript was used." in n for n in r["notes"])
    assert "regression" in r["transcript"]["text"].lower()
    (folder / "turn-02.json").unlink()
    run = cli("report", "s2-good", env=two_sessions)
    assert run.code == 0, run.err
    r = json.loads((folder / "report.json").read_text())
    assert any("turn-02.wav is missing and so is its transcript" in n for n in r["notes"])
    assert "regression" not in r["transcript"]["text"].lower()
    assert "latency" in r["transcript"]["text"].lower()


def test_report_for_an_unknown_session(cli, home):
    assert_clean_error(cli("report", "nope", env={"INTERVIEWER_HOME": str(home)}), "no session")


def test_rescore_transcribes_all_turns_in_one_pass_and_splits_them_back(cli, home, two_sessions):
    from interviewer.transcript import Transcript

    folder = home / "recordings" / "s2-good"
    before = [
        Transcript.model_validate_json((folder / f"turn-0{i}.json").read_text()) for i in (1, 2)
    ]
    run = cli("report", "s2-good", "--rescore", env=two_sessions)
    assert run.code == 0, run.err
    after = [
        Transcript.model_validate_json((folder / f"turn-0{i}.json").read_text()) for i in (1, 2)
    ]
    assert "latency" in after[0].text.lower() and "regression" not in after[0].text.lower()
    assert "regression" in after[1].text.lower() and "latency" not in after[1].text.lower()
    for old, new in zip(before, after, strict=True):
        assert 0 <= new.words[0].start < 2 and new.words[-1].end <= new.duration_s + 0.3
        assert abs(new.duration_s - old.duration_s) < 0.05
        assert abs(new.words[0].start - old.words[0].start) < 0.5
