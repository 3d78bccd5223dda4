"""The pieces a line is rendered and played in (audio/voice.py): the first one short."""

from __future__ import annotations

from interviewer.audio.voice import pieces
from interviewer.interview.lines import load_lines


def test_a_quote_is_introduced_by_its_lead_in_alone():
    line = load_lines().weigh.format(quote="For the baseline, I wouldn't train anything fancy")
    got = pieces(line)
    assert got[0] == "You said:"
    assert got[1].startswith("\u201cFor the baseline") and got[1].endswith("\u201d.")
    assert got[2].startswith("What did you give up")
    assert " ".join(got) == line  # nothing lost, nothing added


def test_a_long_first_sentence_starts_at_its_first_comma_a_short_one_whole():
    long = (
        "Let's talk about the data first, where the labels come from, how fresh they are, and "
        "how you would keep the future out of the features."
    )
    assert pieces(long) == [
        "Let's talk about the data first,",
        "where the labels come from, how fresh they are, and how you would keep the future out "
        "of the features.",
    ]
    assert pieces("Okay. Go on, please.") == ["Okay.", "Go on, please."]
    # a lead-in too long to be one ("As for the ranking model you chose: ...") stays whole
    assert pieces("As for the ranking model you chose: why that one?") == [
        "As for the ranking model you chose: why that one?"
    ]
    assert pieces("") == []
