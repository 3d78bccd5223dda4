"""Measured facts on real transcriptions of speech with silences at known places."""

from __future__ import annotations

import pytest
from conftest import text_transcript
from speech import compose

from interviewer.audio import Audio
from interviewer.content import load_rubric
from interviewer.metrics import long_pauses, measure, thinking_time

SPEECH = load_rubric().speech


@pytest.fixture(scope="module")
def paused(transcriber):
    samples, pieces = compose(
        2.0,
        "Let me start by asking about the scale of the system.",
        3.0,
        "For the baseline I would train a simple classifier on labeled examples.",
        1.2,
        "Then I would watch the error rate after launch.",
        2.6,
        "That is my plan.",
    )
    return transcriber.transcribe(Audio(samples)), pieces


def test_long_pauses_within_a_third_of_a_second(paused):
    transcript, pieces = paused
    silences = [p for p in pieces if p.kind == "silence"]
    expected = [
        s for s in silences[1:] if s.end - s.start >= SPEECH.long_pause_s
    ]  # not the lead-in
    found = long_pauses(transcript, SPEECH.long_pause_s)
    assert len(found) == len(expected) == 2, found
    for got, want in zip(found, expected, strict=True):
        assert abs(got.start - want.start) <= 0.3, (got, want)
        assert abs(got.end - want.end) <= 0.3, (got, want)


def test_short_pause_is_not_long(paused):
    transcript, pieces = paused
    short = [p for p in pieces if p.kind == "silence"][2]  # the 1.2 s one
    assert all(
        not (p.start < short.end and p.end > short.start)
        for p in long_pauses(transcript, SPEECH.long_pause_s)
    )
    # ...but with a 1 s threshold it is found, at the right place
    found = [p for p in long_pauses(transcript, 1.0) if abs(p.start - short.start) <= 0.3]
    assert len(found) == 1 and abs(found[0].end - short.end) <= 0.3


def test_thinking_time_is_the_lead_in(paused):
    transcript, pieces = paused
    assert abs(thinking_time(transcript) - pieces[1].start) <= 0.3


def test_pace_and_counts(paused):
    transcript, _ = paused
    m = measure(transcript, SPEECH)
    assert m.word_count == len(transcript.words) >= 30
    span = transcript.words[-1].end - transcript.words[0].start
    assert m.words_per_minute == pytest.approx(m.word_count / span * 60, rel=0.01)
    assert 90 <= m.words_per_minute <= 200
    assert m.longest_pause_s == pytest.approx(max(p.duration for p in m.long_pauses))


def test_fillers_tics_and_hedges_are_found_with_times():
    t = text_transcript(
        "um so basically I think we you know start with a simple model "
        "uh and maybe I mean kind of a linear one I would like to add features"
    )
    m = measure(t, SPEECH)
    assert [f.word for f in m.fillers] == ["um", "basically", "you know", "uh", "i mean", "kind of"]
    assert m.fillers_heard == sorted({"um", "basically", "you know", "uh", "i mean", "kind of"})
    assert [h.word for h in m.hedges] == ["i think", "maybe"]
    um = m.fillers[0]
    assert um.start == t.words[0].start
    # "I would like to" is not a filler: "like" is deliberately not on the list
    assert "like" not in m.fillers_heard
    minutes = (t.words[-1].end - t.words[0].start) / 60
    assert m.fillers_per_minute == pytest.approx(6 / minutes, rel=0.01)


def test_pause_inside_vad_gap_is_split_by_a_confident_word():
    # VAD missed a soft word in the middle of a long gap: the pause is two shorter silences.
    t = text_transcript("one two three four five six", gaps={3: 5.0})
    gap = t.speech_regions[0].end, t.speech_regions[1].start
    w = t.words[2].model_copy(update={"start": gap[0] + 2.3, "end": gap[0] + 2.7, "word": "soft"})
    t.words.insert(3, w)
    pauses = long_pauses(t, 2.0)
    assert [round(p.duration, 1) for p in pauses] == [2.3, 2.3]
