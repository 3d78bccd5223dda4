"""Guarded imports of the audio hardware libraries: a missing system library becomes a clear
one-line error naming the package to install, and `import interviewer` never needs them."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from typing import Any

from interviewer.errors import DeviceError, first_line

log = logging.getLogger("interviewer.audio")


def sounddevice() -> Any:
    try:
        import sounddevice as sd
    except OSError as exc:  # raised at import when libportaudio is absent
        raise DeviceError(
            f"PortAudio is missing ({exc}): install it with sudo apt-get install libportaudio2, "
            "or use --text or --answers"
        ) from None
    quiet_alsa()
    return sd


# ALSA's C library prints its complaints ("ALSA lib pcm.c:8740:(snd_pcm_recover) underrun
# occurred") straight to the terminal, over the live panel. They are routed to the log instead.
_ALSA_HANDLER = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)


@_ALSA_HANDLER  # type: ignore[untyped-decorator]  # typeshed: a ctypes callback is (*Any) -> Any
def _alsa_said(file: bytes, line: int, function: bytes, err: int, fmt: bytes) -> None:
    log.debug("ALSA %s:%d (%s) %s", file, line, function, fmt)


_alsa_quiet = False


def quiet_alsa() -> bool:
    """Route libasound's messages to the log; False where there is no ALSA (nothing to do)."""
    global _alsa_quiet
    if _alsa_quiet:
        return True
    name = ctypes.util.find_library("asound")
    if name is None:
        return False
    try:
        lib = ctypes.cdll.LoadLibrary(name)
        lib.snd_lib_error_set_handler(_alsa_said)
    except (OSError, AttributeError):
        return False
    _alsa_quiet = True
    return True


def pyttsx3_engine() -> Any:
    try:
        import pyttsx3

        return pyttsx3.init()
    except Exception as exc:  # pyttsx3 reports a missing libespeak-ng in several ways
        raise DeviceError(
            f"the voice engine could not start ({first_line(exc)}): "
            "install espeak-ng with sudo apt-get install espeak-ng, or use --no-voice"
        ) from None


def input_devices(sd: Any) -> list[str]:
    try:
        return [d["name"] for d in sd.query_devices() if d["max_input_channels"] > 0]
    except Exception:
        return []
