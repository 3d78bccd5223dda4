"""Atomic file writes: a crash leaves the old file or the new one, never half of either."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from interviewer.errors import DiskError, first_line

# A full disk, a file-size limit (ulimit -f) and a full quota: to the user, all one thing.
DISK_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


def disk_full(exc: BaseException, what: Path | str) -> DiskError | None:
    """The user's error when exc means the disk is full, else None (the caller re-raises exc).
    An OSError says so by its errno; SQLite only in its message ("database or disk is full",
    "disk I/O error" when a size limit cuts a write short)."""
    if isinstance(exc, OSError) and exc.errno in DISK_FULL:
        return DiskError(f"the disk is full while writing {what} ({exc.strerror})")
    if isinstance(exc, sqlite3.Error) and any(s in str(exc).lower() for s in ("full", "disk i/o")):
        return DiskError(f"the disk is full while writing {what} ({first_line(exc)})")
    return None


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise disk_full(exc, path) or exc from None
    return path


def atomic_write_json(path: Path, data: Any) -> Path:
    return atomic_write_text(path, json.dumps(data, indent=2) + "\n")
