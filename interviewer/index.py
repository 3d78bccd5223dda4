"""The session index: recordings/index.sqlite, one row per scored session, for `sessions` and
`progress`. It is a cache of the session folders' report.json files: rebuilt when missing,
corrupt or stale, row by row when a row is damaged or its report changed."""

from __future__ import annotations

import json
import math
import os
import sqlite3
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from interviewer.errors import SessionError
from interviewer.files import disk_full
from interviewer.report.model import ProgressPoint, session_kind
from interviewer.settings import Paths

SCHEMA = """CREATE TABLE IF NOT EXISTS sessions (
    session TEXT PRIMARY KEY, created_at TEXT, question TEXT, kind TEXT, overall REAL,
    coverage INTEGER, fillers_per_minute REAL, longest_pause_s REAL, report_mtime REAL)"""
COLUMNS = [
    "session",
    "created_at",
    "question",
    "kind",
    "overall",
    "coverage",
    "fillers_per_minute",
    "longest_pause_s",
]


def point_from_report(session: str, report: dict[str, Any]) -> ProgressPoint:
    m = report["metrics"]
    numbers = [
        report["scores"]["overall"],
        report["scores"]["coverage"]["score"],
        m["fillers_per_minute"],
        m["longest_pause_s"],
    ]
    if not all(isinstance(x, (int, float)) and math.isfinite(x) for x in numbers):
        raise ValueError("a score or metric is not a finite number")  # NaN, Infinity: left out
    return ProgressPoint(
        session=session,
        created_at=report["created_at"],
        question=report["question"]["id"],
        kind="demo" if report.get("demo") else session_kind(report.get("turns") or []),
        overall=report["scores"]["overall"],
        coverage=report["scores"]["coverage"]["score"],
        fillers_per_minute=m["fillers_per_minute"],
        longest_pause_s=m["longest_pause_s"],
    )


BUSY_TIMEOUT_S = 30.0  # another interviewer process writing the index: wait this long for it


def _open(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(db), timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute(SCHEMA)
        conn.execute("SELECT count(*) FROM sessions").fetchone()  # a corrupt file fails here
        # An index from an older version lacks a column: it is a cache, so it is rebuilt.
        conn.execute(f"SELECT {', '.join(COLUMNS)}, report_mtime FROM sessions LIMIT 1").fetchall()
    except BaseException:
        conn.close()
        raise
    return conn


def _in_use_or_full(exc: sqlite3.DatabaseError, db: Path) -> None:
    """Errors that say nothing about the file's health are raised, never 'repaired'."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        raise SessionError(
            f"{db} is busy: another interviewer command is writing it; try again when it is done"
        ) from None
    if (full := disk_full(exc, db)) is not None:
        raise full from None
    if "readonly" in text or "unable to open" in text:
        raise SessionError(f"{db} cannot be written ({exc})") from None


def refresh(root: Path | None = None) -> list[ProgressPoint]:
    """Bring the index in line with the folders; return every session, oldest first."""
    root = root or Paths().recordings
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SessionError(f"cannot create {root} ({exc.strerror or exc})") from None
    db = root / "index.sqlite"
    try:
        conn = _open(db)
    except sqlite3.DatabaseError as exc:
        _in_use_or_full(exc, db)
        # A damaged cache: kept aside (never deleted: it may still be open elsewhere) and
        # rebuilt from the folders.
        db.replace(db.with_name(f"index.damaged-{os.getpid()}.sqlite"))
        conn = _open(db)
    try:
        return _refresh(conn, root)
    except sqlite3.DatabaseError as exc:
        _in_use_or_full(exc, db)
        raise SessionError(f"{db} is damaged ({exc}); move it away and it is rebuilt") from None
    finally:
        conn.close()


def _refresh(conn: sqlite3.Connection, root: Path) -> list[ProgressPoint]:
    with conn:
        rows = {
            r[0]: r
            for r in conn.execute(f"SELECT {', '.join(COLUMNS)}, report_mtime FROM sessions")
        }
        reports = {p.parent.name: p for p in root.glob("*/report.json")}
        for gone in set(rows) - set(reports):
            conn.execute("DELETE FROM sessions WHERE session = ?", (gone,))
        points: list[ProgressPoint] = []
        for session, path in reports.items():
            mtime = path.stat().st_mtime
            row = rows.get(session)
            point = _valid(row) if row is not None and row[-1] == mtime else None
            if point is None:
                try:
                    point = point_from_report(session, json.loads(path.read_text(encoding="utf-8")))
                except (OSError, ValueError, KeyError, TypeError, ValidationError):
                    continue  # an unreadable report is left out, not fatal
                conn.execute(
                    f"INSERT OR REPLACE INTO sessions ({', '.join(COLUMNS)}, report_mtime) "
                    f"VALUES ({', '.join('?' * (len(COLUMNS) + 1))})",
                    [getattr(point, c) for c in COLUMNS] + [mtime],
                )
            points.append(point)
    return sorted(points, key=lambda p: (p.created_at, p.session))


def _valid(row: tuple[Any, ...]) -> ProgressPoint | None:
    try:
        return ProgressPoint(**dict(zip(COLUMNS, row[:-1], strict=True)))
    except (ValidationError, TypeError):
        return None  # a damaged row: re-read from its report
