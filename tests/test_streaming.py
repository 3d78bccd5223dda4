"""Transcribing while the candidate speaks must match (or beat) one-shot transcription."""

from __future__ import annotations

from speech import compose, spoken_text
from test_stt import LONG_ANSWER

from interviewer.audio import Audio, save_wav
from interviewer.content import load_rubric
from interviewer.metrics import long_pauses
from interviewer.streaming import transcribe_like_live
from interviewer.wer import word_error_rate


def test_streamed_transcript_matches_one_shot(transcriber, tmp_path):
    samples, pieces = compose(*LONG_ANSWER)
    wav = save_wav(tmp_path / "turn.wav", samples)
    reference = spoken_text(pieces)
    one_shot = transcriber.transcribe(Audio(samples))
    streamed, chunks = transcribe_like_live(transcriber, wav)
    assert chunks >= 3, "the answer was cut into chunks at its silences"
    wer_stream = word_error_rate(reference, streamed.text)
    wer_once = word_error_rate(reference, one_shot.text)
    assert wer_stream <= wer_once + 0.03, (wer_stream, wer_once)
    starts = [w.start for w in streamed.words]
    assert starts == sorted(starts) and streamed.words[-1].end <= streamed.duration_s + 0.1
    # measured facts survive the chunking: the three 2.5 s pauses are where they were
    threshold = load_rubric().speech.long_pause_s
    expected = [p for p in pieces if p.kind == "silence"]
    found = long_pauses(streamed, threshold)
    assert len(found) == len(expected)
    for got, want in zip(found, expected, strict=True):
        assert abs(got.start - want.start) <= 0.3 and abs(got.end - want.end) <= 0.3
