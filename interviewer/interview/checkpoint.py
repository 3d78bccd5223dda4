"""The graph's checkpoint file and what session.json mirrors of it: the fields, SQLite's errors
as the user's errors, and files that cannot be used set aside (never deleted)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from interviewer.errors import SessionError
from interviewer.files import disk_full
from interviewer.session import Session

# What session.json mirrors of the graph's state, with defaults for older files.
STATE_FIELDS: dict[str, Any] = {
    "budget_s": {},
    "phase": None,
    "clock": 0.0,
    "agenda": {},
    "probed": {},
    "time_used": {},
    "nudged": [],
    "follow_ups_used": [],
    "curveballs_used": [],
    "turns": [],
}


def set_aside(path: Path, label: str) -> Path:
    """Rename a file that cannot be used to a free name beside it; never delete it."""
    stem, suffix = path.name.split(".", 1)
    k = 1
    while (kept := path.with_name(f"{stem}.{label}-{k}.{suffix}")).exists():
        k += 1
    path.rename(kept)
    return kept


@contextmanager
def checkpoint_errors(session: Session) -> Iterator[None]:
    """SQLite's errors on the checkpoint file as the user's errors: a full disk (or file-size
    limit) is a DiskError, a damaged file a SessionError."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if (full := disk_full(exc, session.checkpoints)) is not None:
            raise full from None
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise SessionError(
                f"{session.checkpoints} is in use by another interviewer process"
            ) from None
        raise SessionError(f"{session.checkpoints} cannot be used ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise SessionError(f"{session.checkpoints} is damaged ({exc})") from None
