"""Session folders: safe names, files kept inside, atomic creation, a typed session.json."""

from __future__ import annotations

import json

import pytest

from interviewer.errors import SessionError
from interviewer.session import (
    Session,
    SessionRecord,
    create,
    file_name,
    inside,
    new_id,
    open_existing,
    sanitize,
)


def test_sanitize_makes_a_safe_folder_name():
    assert sanitize("  my run/../x ") == "my-run-.-x"
    assert sanitize("..hidden") == "hidden"
    assert sanitize("a" * 200) == "a" * 80
    with pytest.raises(SessionError, match="cannot be used"):
        sanitize("../..")


def test_new_id_is_a_name_or_a_stamp_and_the_question():
    assert new_id("recsys-low-latency", "mine") == "mine"
    stamp, _, rest = new_id("recsys low latency").partition("-")
    assert stamp.isdigit() and len(stamp) == 8 and rest.endswith("-recsys-low-latency")


@pytest.mark.parametrize("bad", ["", "../x.wav", "a/b.wav", ".hidden", "a\\b", "x\x00y"])
def test_file_names_stay_inside_the_folder(bad):
    with pytest.raises(ValueError):
        file_name(bad)


def test_inside_refuses_a_link_that_leads_out(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "out.wav").symlink_to(tmp_path / "elsewhere.wav")
    assert inside(folder, "turn-01.wav") == folder / "turn-01.wav"
    with pytest.raises(SessionError, match="outside the session folder"):
        inside(folder, "out.wav")


def test_create_then_open_and_round_trip_the_record(tmp_path):
    s = create("abc", tmp_path, question={"id": "q1", "text": "Design X."}, minutes=30)
    assert s == Session("abc", tmp_path / "abc")
    assert [p.name for p in tmp_path.iterdir()] == ["abc"]  # no hidden leftover
    record = s.load()
    assert record is not None and record.status == "starting" and record.minutes == 30
    assert record.question is not None and record.question.id == "q1"
    s.write(
        {
            **s.read(),
            "status": "finished",
            "turns": [
                {
                    "n": 1,
                    "role": "candidate",
                    "kind": "answer",
                    "audio": "turn-01.wav",
                    "start": 1.5,
                }
            ],
        }
    )
    again = open_existing("abc", tmp_path).load()
    assert again is not None and again.status == "finished" and again.answers() == 1
    assert again.turns[0].audio == "turn-01.wav" and again.turns[0].start == 1.5
    assert s.turn_wav(3).name == "turn-03.wav" and s.line_wav(2).name == "interviewer-02.wav"


def test_create_refuses_an_existing_session(tmp_path):
    create("abc", tmp_path)
    with pytest.raises(SessionError, match="--resume abc"):
        create("abc", tmp_path)


def test_open_existing_names_recent_sessions(tmp_path):
    create("one", tmp_path)
    with pytest.raises(SessionError, match=r"no session 'two' .*\(recent: one\)"):
        open_existing("two", tmp_path)


def test_a_record_naming_a_file_outside_is_malformed(tmp_path):
    s = create("abc", tmp_path)
    data = json.loads(s.json_path.read_text())
    data["turns"] = [{"n": 1, "role": "candidate", "kind": "answer", "audio": "../../etc/passwd"}]
    s.json_path.write_text(json.dumps(data))
    with pytest.raises(SessionError, match="malformed"):
        s.load()
    with pytest.raises(ValueError):
        SessionRecord(id="x", minutes=float("nan"))
