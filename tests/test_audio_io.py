"""16-bit PCM to float and back: what devices and files speak, and what the models take."""

from __future__ import annotations

import numpy as np

from interviewer.audio.io import from_int16, to_int16


def test_int16_round_trip_and_clipping():
    pcm = np.array([-32768, -16384, 0, 16384, 32767], dtype=np.int16)
    samples = from_int16(pcm)
    assert samples.dtype == np.float32
    assert samples.tolist() == [-1.0, -0.5, 0.0, 0.5, 32767 / 32768]
    assert to_int16(np.array([-2.0, -1.0, 0.0, 0.5, 1.0, 3.0])).tolist() == [
        -32767,
        -32767,
        0,
        16383,
        32767,
        32767,
    ]  # a loud peak is clipped, never wrapped
    assert to_int16(samples).dtype == np.int16
