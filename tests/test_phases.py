"""Phase spans: contiguous runs of one agenda step, never across the interviewer's time."""

from __future__ import annotations

from interviewer.content import load_agenda
from interviewer.phases import PhaseSpan, segment, time_per_step
from interviewer.transcript import Utterance


def _u(start: float, end: float) -> Utterance:
    return Utterance(text="x", start=start, end=end, first_word=0, last_word=0)


def test_a_run_lasts_until_the_next_step_begins():
    utts = [_u(0, 2), _u(3, 5), _u(6, 8), _u(10, 12)]
    spans = segment(utts, ["clarify", "clarify", "baseline", "baseline"])
    assert [(s.step, s.start, s.end, s.utterances) for s in spans] == [
        ("clarify", 0, 6, [0, 1]),
        ("baseline", 6, 12, [2, 3]),
    ]


def test_a_run_stops_at_the_end_of_a_turn():
    utts = [_u(0, 2), _u(30, 33), _u(34, 36)]
    turns = [(0.0, 3.0), (29.0, 37.0)]
    spans = segment(utts, ["clarify", "clarify", "baseline"], turns)
    # the interviewer spoke from 3 to 29: neither step gets that time
    assert [(s.step, s.start, s.end) for s in spans] == [
        ("clarify", 0, 2),
        ("clarify", 30, 34),
        ("baseline", 34, 36),
    ]


def test_time_per_step_sums_spans_and_keeps_agenda_order():
    agenda = load_agenda("ml-design")
    spans = [
        PhaseSpan(step="baseline", start=10, end=40, utterances=[1]),
        PhaseSpan(step="clarify", start=0, end=10, utterances=[0]),
        PhaseSpan(step="baseline", start=50, end=45, utterances=[2]),
    ]  # negative: counts 0
    assert time_per_step(spans, agenda) == {
        "clarify": 10.0,
        "baseline": 30.0,
        "iterate": 0.0,
        "monitor": 0.0,
    }
    assert list(time_per_step([], agenda)) == ["clarify", "baseline", "iterate", "monitor"]
