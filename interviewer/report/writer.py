"""A Report on disk: report.json, report.md and report.html beside each other.

Apart from the schema (model.py), since the writers import the schema: model -> html -> model
would be a cycle.
"""

from __future__ import annotations

from pathlib import Path

from interviewer.files import atomic_write_json, atomic_write_text
from interviewer.report.html import render_html
from interviewer.report.markdown import render_markdown
from interviewer.report.model import Report


def write_json(report: Report, out_dir: Path) -> Path:
    """report.json alone: what the session index reads (cheap; the page embeds the audio)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return atomic_write_json(out_dir / "report.json", report.model_dump(mode="json"))


def write_report(report: Report, out_dir: Path) -> tuple[Path, Path]:
    """report.json, report.md and report.html, each written atomically."""
    json_path = write_json(report, out_dir)
    md_path = atomic_write_text(out_dir / "report.md", render_markdown(report))
    atomic_write_text(out_dir / "report.html", render_html(report, out_dir))
    return json_path, md_path
