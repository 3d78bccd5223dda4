"""The session index: recordings/index.sqlite, one row per scored session, for `sessions` and
`progress`. It is a cache of the session folders' report.json files: rebuilt when missing,
corrupt or stale, row by row when a row is damaged or its report changed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from pydantic import ValidationError

from interviewer.report.model import ProgressPoint, session_kind
from interviewer.settings import Paths

SCHEMA = """CREATE TABLE IF NOT EXISTS sessions (
    session TEXT PRIMARY KEY, created_at TEXT, question TEXT, kind TEXT, overall REAL,
    coverage INTEGER, fillers_per_minute REAL, longest_pause_s REAL, report_mtime REAL)"""
COLUMNS = ["session", "created_at", "question", "kind", "overall", "coverage",
           "fillers_per_minute", "longest_pause_s"]


def point_from_report(session: str, report: dict) -> ProgressPoint:
    m = report["metrics"]
    return ProgressPoint(session=session, created_at=report["created_at"], question=report["question"]["id"],
                         kind="demo" if report.get("demo") else session_kind(report.get("turns") or []),
                         overall=report["scores"]["overall"], coverage=report["scores"]["coverage"]["score"],
                         fillers_per_minute=m["fillers_per_minute"], longest_pause_s=m["longest_pause_s"])


def _open(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(db))
    conn.execute(SCHEMA)
    conn.execute("SELECT count(*) FROM sessions").fetchone()  # a corrupt file fails here
    # An index from an older version lacks a column: it is a cache, so it is rebuilt.
    conn.execute(f"SELECT {', '.join(COLUMNS)}, report_mtime FROM sessions LIMIT 1").fetchall()
    return conn


def refresh(root: Path | None = None) -> list[ProgressPoint]:
    """Bring the index in line with the folders; return every session, oldest first."""
    root = root or Paths().recordings
    root.mkdir(parents=True, exist_ok=True)
    db = root / "index.sqlite"
    try:
        conn = _open(db)
    except sqlite3.DatabaseError:
        db.unlink(missing_ok=True)  # a cache: rebuild it from the folders
        conn = _open(db)
    with conn:
        rows = {r[0]: r for r in conn.execute(f"SELECT {', '.join(COLUMNS)}, report_mtime FROM sessions")}
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
                conn.execute(f"INSERT OR REPLACE INTO sessions ({', '.join(COLUMNS)}, report_mtime) "
                             f"VALUES ({', '.join('?' * (len(COLUMNS) + 1))})",
                             [getattr(point, c) for c in COLUMNS] + [mtime])
            points.append(point)
    conn.close()
    return sorted(points, key=lambda p: (p.created_at, p.session))


def _valid(row: tuple) -> ProgressPoint | None:
    try:
        return ProgressPoint(**dict(zip(COLUMNS, row[:-1])))
    except (ValidationError, TypeError):
        return None  # a damaged row: re-read from its report
