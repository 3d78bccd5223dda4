"""Audio: decode any file to 16 kHz mono float32, find speech with Silero VAD."""

from interviewer.audio.io import SAMPLE_RATE, Audio, load_audio, save_wav
from interviewer.audio.vad import speech_regions

__all__ = ["SAMPLE_RATE", "Audio", "load_audio", "save_wav", "speech_regions"]
