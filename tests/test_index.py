"""The session index: a cache of report.json files, rebuilt row by row as they change."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from interviewer.index import point_from_report, refresh


def _report(overall: float, created: str, turns: list[dict] | None = None, **extra) -> dict:
    return {
        "created_at": created,
        "question": {"id": "q1"},
        "turns": turns or [],
        "scores": {"overall": overall, "coverage": {"score": 3}},
        "metrics": {"fillers_per_minute": 1.5, "longest_pause_s": 4.0},
        **extra,
    }


def _save(root, session: str, report: dict) -> None:
    (root / session).mkdir(parents=True, exist_ok=True)
    (root / session / "report.json").write_text(json.dumps(report))


def test_point_from_report_reads_the_numbers_and_the_kind():
    p = point_from_report("s", _report(3.5, "2026-01-02T10:00:00"))
    assert (
        p.session,
        p.question,
        p.overall,
        p.coverage,
        p.fillers_per_minute,
        p.longest_pause_s,
    ) == ("s", "q1", 3.5, 3, 1.5, 4.0)
    assert p.kind == "answer"  # no interviewer turn
    spoken = [{"role": "interviewer"}, {"role": "candidate", "ended_by": "silence"}]
    assert point_from_report("s", _report(3, "t", spoken)).kind == "spoken"
    assert (
        point_from_report("s", _report(3, "t", [{"role": "candidate", "ended_by": "typed"}])).kind
        == "typed"
    )
    assert point_from_report("s", _report(3, "t", demo=True)).kind == "demo"
    with pytest.raises(ValueError, match="finite"):
        point_from_report("s", _report(float("nan"), "t"))


def test_refresh_orders_by_time_and_follows_the_folders(tmp_path):
    _save(tmp_path, "b", _report(2.0, "2026-01-02T00:00:00"))
    _save(tmp_path, "a", _report(4.0, "2026-01-03T00:00:00"))
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "report.json").write_text("{not json")
    assert [(p.session, p.overall) for p in refresh(tmp_path)] == [("b", 2.0), ("a", 4.0)]
    rows = (
        sqlite3.connect(tmp_path / "index.sqlite")
        .execute("SELECT session FROM sessions")
        .fetchall()
    )
    assert sorted(rows) == [("a",), ("b",)]

    _save(tmp_path, "a", _report(1.0, "2026-01-03T00:00:00"))  # the report changed
    os.utime(tmp_path / "a" / "report.json", (1, 1))
    (tmp_path / "b" / "report.json").unlink()  # the session was deleted
    assert [(p.session, p.overall) for p in refresh(tmp_path)] == [("a", 1.0)]


def test_a_corrupt_index_is_rebuilt(tmp_path):
    _save(tmp_path, "a", _report(4.0, "2026-01-03T00:00:00"))
    (tmp_path / "index.sqlite").write_bytes(b"not a database at all" * 100)
    assert [p.session for p in refresh(tmp_path)] == ["a"]
