"""The exceptions interviewer raises on purpose.

Every one carries a message written for the user, one line, that the CLI prints as
``error: <message>`` before exiting non-zero. Anything else escaping is a bug.

    InterviewerError
     ├── UsageError      an option out of range (NaN, infinite, negative, too long)
     ├── AudioError      the input audio cannot be read, is empty, silent or too long
     ├── ContentError    a question, agenda or rubric is missing or malformed
     ├── ModelError      the speech model cannot be found, verified or loaded
     ├── DeviceError     no microphone, PortAudio or espeak-ng missing, a device lost mid-answer
     ├── DiskError       the disk is full (or a file-size limit was hit) while saving
 ├── RoomError       the browser room cannot start (port taken, its page missing)
     └── SessionError    a session id that does not exist or cannot be resumed
"""

from __future__ import annotations


def first_line(exc: BaseException, limit: int = 160) -> str:
    """What a library's exception says, fit for a one-line message: its first line, at most
    limit characters; its type's name when it says nothing (str() of a bare ``raise X()`` is
    empty, and ``splitlines()[0]`` of it would raise IndexError inside the error handler)."""
    lines = str(exc).strip().splitlines()
    return (lines[0].strip() if lines else type(exc).__name__)[:limit]


class InterviewerError(Exception):
    """Base class: an expected failure with a user-facing one-line message."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))  # always one line


class UsageError(InterviewerError):
    exit_code = 2  # as argparse's own usage errors


class AudioError(InterviewerError):
    exit_code = 3


class ContentError(InterviewerError):
    exit_code = 4


class ModelError(InterviewerError):
    exit_code = 5


class DeviceError(InterviewerError):
    exit_code = 6


class DiskError(InterviewerError):
    exit_code = 7


class BusyError(InterviewerError):
    """Another process is writing the same session or answer folder."""

    exit_code = 9


class SessionError(InterviewerError):
    exit_code = 8


class RoomError(InterviewerError):
    exit_code = 10
