"""Reports: one pydantic Report written as report.json and report.md."""

from interviewer.report.markdown import render_markdown
from interviewer.report.model import Report
from interviewer.report.writer import write_report

__all__ = ["Report", "render_markdown", "write_report"]
