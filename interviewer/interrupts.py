"""Ctrl-C, remembered. Python raises KeyboardInterrupt wherever the main thread is, and a library
caught mid-import may turn it into its own error ("requires the onnxruntime package"); the flag
lets the command still treat that as the Ctrl-C it was (exit 130, session saved)."""

from __future__ import annotations

import signal
import threading
from types import FrameType

_PRESSED = threading.Event()


def _handler(signum: int, frame: FrameType | None) -> None:
    _PRESSED.set()
    signal.default_int_handler(signum, frame)


def install() -> None:
    """Only over Python's own handler: an ignored SIGINT stays ignored."""
    if (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    ):
        signal.signal(signal.SIGINT, _handler)


def pressed() -> bool:
    return _PRESSED.is_set()
