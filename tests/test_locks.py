"""One writer per folder: a second writer of a session or answer folder stops with a one-line
error naming the process that holds it; a killed writer leaves no stale lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from conftest import assert_clean_error

from interviewer import locks
from interviewer.cli import _unique
from interviewer.errors import BusyError

HOLD_AND_WAIT = """
import sys, time
from pathlib import Path
from interviewer import locks
locks.hold(Path(sys.argv[1]), "session")
print("held", flush=True)
time.sleep(600)
"""


def holding(folder):  # type: ignore[no-untyped-def]
    """Another process holding the folder's writer lock, as a running interview would."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_WAIT, str(folder)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_is_told_who_holds_the_folder(tmp_path):
    folder = tmp_path / "s1"
    other = holding(folder)
    try:
        try:
            locks.hold(folder, "session")
            raise AssertionError("the lock was taken twice")
        except BusyError as exc:
            assert f"process {other.pid}" in str(exc) and exc.exit_code == 9
        assert locks.holder(folder) is not None
    finally:
        other.send_signal(signal.SIGKILL)
        other.wait()
    # a killed writer leaves no stale lock: the kernel dropped it with the process
    assert locks.holder(folder) is None
    locks.hold(folder, "session")
    locks.release(folder)


def test_resume_and_report_of_a_session_being_written_stop_cleanly(cli, home, tmp_path):
    env = {"INTERVIEWER_HOME": str(home)}
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--question",
            "recsys-low-latency",
            "--text",
            "--session",
            "busy",
        ],
        input="How many requests per second?\n\n",
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    folder = home / "recordings" / "busy"
    report = (folder / "report.json").read_bytes()
    other = holding(folder)
    try:
        run = cli("practice", "--resume", "busy", "--text", env=env)
        assert_clean_error(run, "being written by", f"process {other.pid}")
        assert run.code == 9
        run = cli("report", "busy", "--rescore", env=env)
        assert_clean_error(run, "being written by")
        assert run.code == 9
        assert (folder / "report.json").read_bytes() == report  # nothing published over it
    finally:
        other.send_signal(signal.SIGKILL)
        other.wait()


def test_answer_into_a_folder_being_written_stops_and_default_folders_never_collide(
    cli, home, tmp_path
):
    answer = tmp_path / "a.txt"
    answer.write_text("For a first version I would train gradient boosted trees on clicks.\n")
    out = tmp_path / "out"
    other = holding(out)
    try:
        run = cli("answer", str(answer), "--question", "recsys-low-latency", "--out", str(out))
        assert_clean_error(run, "being written by")
        assert run.code == 9 and not (out / "report.json").exists()
    finally:
        other.send_signal(signal.SIGKILL)
        other.wait()
    # two runs in the same second: the second default folder gets its own name
    first = _unique(tmp_path / "rec" / "20261203-120000-q-answer")
    second = _unique(tmp_path / "rec" / "20261203-120000-q-answer")
    assert first != second and second.name.endswith("-answer-2")
    # a run that fails before writing anything leaves no folder behind
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    run = cli(
        "answer",
        str(empty),
        "--question",
        "recsys-low-latency",
        env={"INTERVIEWER_HOME": str(home)},
    )
    assert run.code == 3
    assert not list((home / "recordings").glob("*-answer*"))
