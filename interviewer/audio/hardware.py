"""Guarded imports of the audio hardware libraries: a missing system library becomes a clear
one-line error naming the package to install, and `import interviewer` never needs them."""

from __future__ import annotations

from typing import Any

from interviewer.errors import DeviceError, first_line


def sounddevice() -> Any:
    try:
        import sounddevice as sd
    except OSError as exc:  # raised at import when libportaudio is absent
        raise DeviceError(
            f"PortAudio is missing ({exc}): install it with sudo apt-get install libportaudio2, "
            "or use --text or --answers"
        ) from None
    return sd


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
