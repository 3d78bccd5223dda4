"""The small shared helpers: an exception's first line, the disk-full rule, atomic writes."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from interviewer.errors import DiskError, first_line
from interviewer.files import atomic_write_json, atomic_write_text, disk_full


def test_first_line_of_an_exception():
    assert first_line(RuntimeError("  PortAudio error\nmore detail\n")) == "PortAudio error"
    assert first_line(RuntimeError()) == "RuntimeError"  # an empty message never crashes
    assert first_line(ValueError("\n\n")) == "ValueError"
    assert first_line(OSError("x" * 500)) == "x" * 160
    assert first_line(OSError("x" * 500), 20) == "x" * 20


def test_disk_full_from_errno_and_from_sqlite():
    full = disk_full(OSError(errno.ENOSPC, "No space left on device"), "/r/turn-01.wav")
    assert isinstance(full, DiskError) and full.exit_code == 7
    assert str(full) == "the disk is full while writing /r/turn-01.wav (No space left on device)"
    assert disk_full(OSError(errno.EFBIG, "File too large"), "f") is not None  # ulimit -f
    assert "disk is full" in str(
        disk_full(sqlite3.OperationalError("database or disk is full"), "db")
    )
    assert disk_full(OSError(errno.EACCES, "Permission denied"), "f") is None
    assert disk_full(sqlite3.OperationalError("database is locked"), "db") is None


def test_atomic_writes_leave_no_temporary_file(tmp_path):
    atomic_write_text(tmp_path / "a.txt", "one")
    atomic_write_json(tmp_path / "b.json", {"n": 1})
    assert (tmp_path / "a.txt").read_text() == "one"
    assert (tmp_path / "b.json").read_text() == '{\n  "n": 1\n}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.json"]


def test_an_atomic_write_that_fails_keeps_the_old_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")
    (tmp_path / ".a.txt.tmp").mkdir()  # the temporary name is taken: the write fails
    with pytest.raises(OSError):
        atomic_write_text(path, "new")
    assert path.read_text() == "old"
