"""A streamed chunk's encoder input cut to the chunk (encoder_window.py), without the model."""

from __future__ import annotations

import numpy as np

from interviewer.encoder_window import cut_features, degenerate


def padded(heard_frames: int, total: int = 3000) -> np.ndarray:
    """Log-mel features as faster-whisper hands them to the encoder: the audio's frames, then
    literal zeros up to the 30 s window."""
    f = np.zeros((80, total), np.float32)
    f[:, :heard_frames] = np.random.default_rng(0).uniform(-0.8, 1.0, (80, heard_frames))
    return f


def test_the_padding_past_the_chunk_is_dropped_down_to_the_floor():
    assert cut_features(padded(300), 1000, 50).shape == (80, 1000)  # a 3 s chunk: 10 s in
    assert cut_features(padded(1500), 1000, 50).shape == (80, 1550)  # the chunk + 0.5 s
    assert cut_features(padded(1501), 1000, 50).shape == (80, 1552)  # an even width
    assert cut_features(padded(2990), 1000, 50).shape == (80, 3000)  # never past the window
    assert cut_features(padded(3000), 1000, 50).shape == (80, 3000)
    # what is kept is the features themselves, from the start
    f = padded(1200)
    assert np.array_equal(cut_features(f, 1000, 50), f[:, :1250])


def test_a_batch_of_windows_is_left_as_it_is():
    batch = np.stack([padded(300), padded(900)])
    assert cut_features(batch, 1000, 50) is batch


def test_a_loop_or_filler_is_degenerate_speech_is_not():
    loop = "ten of clubs ten of clubs ten of clubs ten of clubs"
    assert degenerate(loop.split(" "), loop, 4.0)
    assert degenerate(["close"], "close ... ... ... ...", 1.5)
    assert degenerate(["a"] * 30, "a " * 30, 2.0)  # 15 words a second
    said = "So I would cache the top items, and the rest... we compute on demand."
    assert not degenerate(said.split(" "), said, 4.0)
    assert not degenerate([], "", 1.0)
    bigram = "the model the model the model is small"  # a pair of words thrice is not a loop
    assert not degenerate(bigram.split(" "), bigram, 3.0)
