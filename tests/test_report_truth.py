"""The report agrees with what was observed: unused time counts against timing, a cap never
rewrites a status, a vague answer is not "about another question", an assumption is not a
choice to weigh."""

from __future__ import annotations

import re

from conftest import text_transcript

from interviewer.content import get_question, load_agenda, load_rubric
from interviewer.pipeline import Context, judge_transcript, understand_transcript
from interviewer.report.model import SttInfo

QUESTION = get_question("recsys-low-latency")
CTX = Context(QUESTION, load_agenda("ml-design"), load_rubric())
STT = SttInfo(model="typed", device="cpu", compute_type="int8")
ANSWER = (
    "How many requests per second do we expect, and what is the latency budget? "
    "For a first version I would train a gradient boosted ranker on last month's purchase logs "
    "and measure NDCG on a held out week. The ranker is the slow part, so I would cache the "
    "ranked lists for popular requests for five minutes, which is faster but can show stale "
    "items. After launch I would compare purchases per session with the old ranker in an A B "
    "test and alert when p99 latency passes fifty milliseconds."
)


def test_unused_session_time_lowers_timing_and_says_so():
    t = text_transcript(ANSWER)
    used = t.duration_s / 60
    full = judge_transcript(t, CTX, "a", STT, minutes=used)
    early = judge_transcript(t, CTX, "a", STT, minutes=45.0)
    assert full.metrics.unused_share == 0.0 and early.metrics.unused_share > 0.9
    assert early.scores.timing.score <= full.scores.timing.score - 3
    assert "of the session's time unused" in early.scores.timing.rationale
    assert "unused" not in full.scores.timing.rationale
    # a single answer has no planned length: nothing is unused
    assert judge_transcript(t, CTX, "a", STT).metrics.unused_share == 0.0


def test_an_off_topic_answer_keeps_its_attempted_steps_as_said():
    about_drift = (
        "I would compare the distribution of each input feature over the last day with the "
        "training window using a population stability index, and alert when it passes 0.2. "
        "For labels that arrive late, I would track the prediction distribution as an early "
        "signal, and retrain on a schedule once the labels catch up."
    )
    report = judge_transcript(text_transcript(about_drift), CTX, "a", STT)
    off = [f for f in report.flags if f.kind == "off-topic"]
    assert off, report.flags
    other = re.search(r"fits '([^']+)' better", off[0].note)
    assert other and other.group(1) != QUESTION.id, off[0].note
    for a in report.agenda:
        # never "covered" (it answers another question), and never "missed" beside a quote
        assert a.status in ("partial", "missed")
        if a.evidence:  # a quote beside the status: the note says why it does not cover
            assert f"about '{other.group(1)}' instead" in a.note, a.note
        if a.status == "missed" and a.evidence:
            assert a.note.startswith("said, but not counted"), a.note


def test_a_vague_answer_is_not_said_to_be_about_another_question():
    vague = (
        "Um, so basically I would, you know, use a deep learning model. It would be good and "
        "scalable. I think that covers it."
    )
    report = judge_transcript(text_transcript(vague), CTX, "a", STT)
    for f in report.flags:
        assert "better" not in f.note, f.note  # "fits 'lora-peft' better" was noise
    assert all("instead" not in a.note for a in report.agenda)


def test_an_assumption_is_not_a_choice_to_weigh():
    said = (
        "For the baseline, I'll assume about ten million items and click logs we can use as "
        "labels. I would use a two tower model for retrieval."
    )
    _, u, _ = understand_transcript(text_transcript(said), CTX, full=True)
    unweighed = [u.units[i].text for i, _ in u.unweighed]
    assert not any("assume" in t for t in unweighed), unweighed


def test_the_summary_line_shows_every_criterion():
    from interviewer.judge.model import CRITERIA
    from interviewer.report.summary import scores_line

    report = judge_transcript(text_transcript(ANSWER), CTX, "a", STT)
    line = scores_line(report)
    assert f"depth {report.scores.depth.score}" in line
    assert len(line.split("  ")) == 1 + len(CRITERIA)
