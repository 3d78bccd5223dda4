"""Transcript records: moving them in time, cutting windows, joining words, utterances."""

from __future__ import annotations

from interviewer.transcript import (
    Segment,
    Span,
    Transcript,
    Word,
    clock,
    combine,
    ends_sentence,
    join_words,
    normalize,
    utterances,
)


def _t(*words: tuple[str, float, float], duration: float = 5.0) -> Transcript:
    ws = [Word(word=w, start=a, end=b) for w, a, b in words]
    return Transcript(
        text=join_words([w.word for w in ws]),
        words=ws,
        segments=[
            Segment(text=join_words([w.word for w in ws]), start=ws[0].start, end=ws[-1].end)
        ],
        speech_regions=[Span(start=ws[0].start, end=ws[-1].end)],
        hesitations=[Span(start=0.1, end=0.3)],
        duration_s=duration,
        model="m",
    )


def test_shifted_moves_every_time_and_nothing_else():
    t = _t(("I", 0.5, 0.6), ("would", 0.7, 0.9))
    s = t.shifted(10.0)
    assert [(w.start, w.end) for w in s.words] == [(10.5, 10.6), (10.7, 10.9)]
    assert (s.segments[0].start, s.segments[0].end) == (10.5, 10.9)
    assert s.speech_regions == [Span(start=10.5, end=10.9)]
    assert s.hesitations == [Span(start=10.1, end=10.3)]
    assert (s.text, s.duration_s, s.model) == (t.text, 5.0, "m")
    assert t.words[0].start == 0.5  # the original is untouched
    assert s.shifted(-10.0).words == t.words


def test_shifted_rounds_to_milliseconds():
    assert _t(("a", 0.1, 0.2)).shifted(0.2).words[0].start == 0.3  # not 0.30000000000000004


def test_window_cuts_one_clip_out_of_a_batch_on_its_own_clock():
    whole = Transcript(
        words=[
            Word(word="first.", start=0.5, end=1.0),
            Word(word="second", start=3.2, end=3.6),
            Word(word="clip.", start=3.7, end=4.1),
        ],
        # one batched segment spanning both clips: rebuilt from the words in each window
        segments=[Segment(text="first. second clip.", start=0.5, end=4.1)],
        speech_regions=[Span(start=0.4, end=1.1), Span(start=3.1, end=4.5)],
        duration_s=5.0,
        model="base",
    )
    second = whole.window(3.0, 4.3, pad=0.25)
    assert [(w.word, w.start, w.end) for w in second.words] == [
        ("second", 0.2, 0.6),
        ("clip.", 0.7, 1.1),
    ]
    assert [(s.text, s.start, s.end) for s in second.segments] == [("second clip.", 0.2, 1.1)]
    assert second.text == "second clip."
    assert second.speech_regions == [Span(start=0.1, end=1.3)]  # clipped to the window's end
    assert (second.duration_s, second.model) == (1.3, "base")
    first = whole.window(0.0, 2.0, pad=0.25)
    assert first.text == "first." and [w.word for w in first.words] == ["first."]


def test_window_pad_takes_what_starts_in_the_gap_before_and_never_goes_below_zero():
    whole = Transcript(words=[Word(word="early", start=2.9, end=3.3)], duration_s=5.0)
    assert whole.window(3.0, 4.0).words == []
    padded = whole.window(3.0, 4.0, pad=0.25)
    assert [(w.start, w.end) for w in padded.words] == [(0.0, 0.3)]


def test_combine_places_turns_on_the_session_clock():
    a, b = _t(("hello.", 0.2, 0.6), duration=1.0), _t(("bye.", 0.1, 0.4), duration=1.0)
    out = combine([(5.0, 6.0, a), (20.0, 21.0, b)], 21.0)
    assert [(w.word, w.start) for w in out.words] == [("hello.", 5.2), ("bye.", 20.1)]
    assert out.turns == [Span(start=5.0, end=6.0), Span(start=20.0, end=21.0)]
    assert out.text == "hello. bye." and out.duration_s == 21.0
    assert [(w.start, w.end) for w in out.windows()[1][2]] == [(20.1, 20.4)]


def test_join_words_attaches_whisper_pieces():
    assert (
        join_words(["two", "-tower", "model", "with", "10", ",000", "items", "."])
        == "two-tower model with 10,000 items."
    )
    assert join_words(["", " I ", "think"]) == "I think"


def test_normalize_tokens():
    assert normalize("Trade-off: it’s the A/B test!") == [
        "trade",
        "off",
        "it's",
        "the",
        "a",
        "b",
        "test",
    ]


def test_utterances_end_at_sentences_and_long_gaps():
    words = [
        Word(word="First", start=0.0, end=0.3),
        Word(word="point.", start=0.4, end=0.8),
        Word(word="then", start=0.9, end=1.1),
        Word(word="after", start=2.5, end=2.8),
        Word(word="pause?", start=2.9, end=3.2),
    ]
    us = utterances(Transcript(words=words, duration_s=4.0))
    assert [(u.text, u.first_word, u.last_word) for u in us] == [
        ("First point.", 0, 1),
        ("then", 2, 2),
        ("after pause?", 3, 4),
    ]
    assert [u.is_question for u in us] == [False, False, True]
    assert (us[2].start, us[2].end) == (2.5, 3.2)


def test_clock_reads_as_minutes_and_tenths():
    assert [clock(x) for x in (0, 42.37, 125, -3)] == ["0:00.0", "0:42.4", "2:05.0", "0:00.0"]


def test_ends_sentence_looks_past_closing_quotes():
    assert [ends_sentence(w) for w in ("done.", 'it?"', "(really!)", "so,", "e.g", "")] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
