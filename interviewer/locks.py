"""One writer per folder: a session (or answer) folder is written by one process at a time.

The lock is an advisory `flock` on `.writer.lock` inside the folder, taken before the first
write and held until the process ends (the kernel drops it on exit or a kill, so a crashed
writer never leaves a stale lock). The file names the holder, so a second writer can say who
holds it. Readers do not lock: they say the session is in progress instead (see `in_progress`).
"""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

from interviewer.errors import BusyError

LOCK_NAME = ".writer.lock"
_held: dict[str, int] = {}  # folder -> open descriptor, kept for the life of the process


def hold(folder: Path, what: str) -> None:
    """Take the folder's writer lock for this process, or raise BusyError naming the holder."""
    key = str(folder.resolve())
    if key in _held:
        return
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
        os.close(fd)
        raise BusyError(
            f"{what} {folder.name} is being written by {holder}; wait for it to finish, or stop "
            "that process first"
        ) from None
    os.ftruncate(fd, 0)
    command = " ".join(["interviewer", *sys.argv[1:3]])
    os.pwrite(fd, f"process {os.getpid()} ({command})".encode(), 0)
    _held[key] = fd


def holder(folder: Path) -> str | None:
    """Who writes the folder now (None: nobody). Does not take the lock."""
    path = folder / LOCK_NAME
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def release(folder: Path) -> None:
    fd = _held.pop(str(folder.resolve()), None)
    if fd is not None:
        os.close(fd)
