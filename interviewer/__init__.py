"""interviewer: a local, voice-based mock interviewer for AI/ML system-design interviews."""

from interviewer.audio import Audio, load_audio
from interviewer.content import Agenda, Question, Rubric, get_question, load_agenda, load_rubric
from interviewer.errors import AudioError, ContentError, InterviewerError, ModelError
from interviewer.pipeline import Context, judge_transcript, score_audio
from interviewer.report import Report
from interviewer.settings import SttOptions, VadOptions
from interviewer.stt import Transcriber, WhisperTranscriber
from interviewer.transcript import Transcript, Word

__all__ = [
    "Agenda", "Audio", "AudioError", "ContentError", "Context", "InterviewerError", "ModelError",
    "Question", "Report", "Rubric", "SttOptions", "Transcriber", "Transcript", "VadOptions",
    "WhisperTranscriber", "Word", "get_question", "judge_transcript", "load_agenda", "load_audio",
    "load_rubric", "score_audio",
]
