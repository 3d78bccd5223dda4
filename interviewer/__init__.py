"""interviewer: a local, voice-based mock interviewer for AI/ML system-design interviews.

The public API is loaded on first use (PEP 562), so `interviewer practice` can start speaking
before the heavier parts (LangGraph, faster-whisper) have finished importing.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Agenda": "content",
    "Question": "content",
    "Rubric": "content",
    "get_question": "content",
    "load_agenda": "content",
    "load_rubric": "content",
    "Audio": "audio",
    "load_audio": "audio",
    "AudioError": "errors",
    "ContentError": "errors",
    "InterviewerError": "errors",
    "ModelError": "errors",
    "Context": "pipeline",
    "judge_transcript": "pipeline",
    "score_audio": "pipeline",
    "Report": "report",
    "SttOptions": "settings",
    "VadOptions": "settings",
    "Transcriber": "stt",
    "WhisperTranscriber": "stt",
    "Transcript": "transcript",
    "Word": "transcript",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'interviewer' has no attribute {name!r}")
    return getattr(importlib.import_module(f"interviewer.{_WHERE[name]}"), name)
