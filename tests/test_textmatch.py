"""Phrase matching on timed words: whole words, longest phrase first, with times."""

from __future__ import annotations

from interviewer.textmatch import contains, find, tokenize
from interviewer.transcript import Word


def _words(text: str) -> list[Word]:
    return [Word(word=w, start=float(i), end=i + 0.5) for i, w in enumerate(text.split())]


def test_tokens_keep_the_word_they_came_from():
    tokens = tokenize(_words("a trade-off here"))
    assert [(t.text, t.word, t.start) for t in tokens] == [
        ("a", 0, 0.0),
        ("trade", 1, 1.0),
        ("off", 1, 1.0),
        ("here", 2, 2.0),
    ]


def test_find_prefers_the_longest_phrase_and_reports_times():
    tokens = tokenize(_words("we use a feature store and a store for features"))
    found = find(tokens, ["store", "feature store"])
    assert [(m.phrase, m.first, m.last, m.start, m.end) for m in found] == [
        ("feature store", 3, 4, 3.0, 4.5),
        ("store", 7, 7, 7.0, 7.5),
    ]


def test_whole_words_only():
    tokens = tokenize(_words("the database holds data"))
    assert [m.first for m in find(tokens, ["data"])] == [3]
    assert find(tokens, ["", "  "]) == []


def test_contains_on_plain_text():
    assert contains("A trade-off: latency versus cost.", ["trade off", "cost", "tradeoff"]) == [
        "trade off",
        "cost",
    ]


def test_sentence_tokens_follow_each_sentences_words():
    from interviewer.textmatch import sentence_tokens
    from interviewer.transcript import Transcript, utterances

    words = _words("I would cache. Then monitor drift.")
    sentences = sentence_tokens(words, utterances(Transcript(words=words, duration_s=9)))
    assert [[t.text for t in s] for s in sentences] == [
        ["i", "would", "cache"],
        ["then", "monitor", "drift"],
    ]
    assert [s[-1].word for s in sentences] == [2, 2]  # word index within its sentence
