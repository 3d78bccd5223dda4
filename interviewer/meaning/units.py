"""The sentences of an answer as units of meaning: their text, and whether they say anything
concrete or only name agenda and rubric vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.content import Meaning
from interviewer.transcript import Transcript, Utterance, normalize


@dataclass(frozen=True)
class Unit:
    index: int  # the utterance it is
    first_word: int  # its words in the transcript
    last_word: int
    text: str
    start: float
    end: float
    is_question: bool
    specific: tuple[str, ...]  # content words outside the agenda/rubric vocabulary
    generic: tuple[str, ...]  # agenda/rubric vocabulary it uses
    has_number: bool
    items: int  # comma-separated parts of the sentence
    short_items: int  # of them, parts of three words or fewer: a list of names, not a design
    # "talk": an utterance of the transcript (index, first_word, last_word point into it);
    # "board": a sentence the whiteboard says (Drawn), after every spoken unit, its index its
    # place among the units, no words, timed at the end of the turn it was drawn in.
    source: str = "talk"
    shown: str = ""  # a board unit: what the board shows ("Gateway -> Feature store")

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def drawn(self) -> bool:
        return self.source == "board"


@dataclass(frozen=True)
class Drawn:
    """A sentence the whiteboard says (interviewer/board/sentences.py): read like a spoken
    sentence, cited as what was drawn."""

    text: str  # the sentence the judge reads: "From Gateway to Feature store to Ranker."
    shown: str  # what the board shows, for the report: "Gateway -> Feature store -> Ranker"
    at: float  # session clock (s): the end of the turn whose board first showed it


def make_units(transcript: Transcript, utts: list[Utterance], meaning: Meaning) -> list[Unit]:
    units = []
    for i, u in enumerate(utts):
        specific, generic, has_number, items, short_items = _read(u.text, meaning)
        units.append(
            Unit(
                index=i,
                first_word=u.first_word,
                last_word=u.last_word,
                text=u.text,
                start=u.start,
                end=u.end,
                is_question=u.is_question,
                specific=specific,
                generic=generic,
                has_number=has_number,
                items=items,
                short_items=short_items,
            )
        )
    return units


def drawn_units(drawn: list[Drawn], first: int, meaning: Meaning) -> list[Unit]:
    """Board sentences as units numbered from `first` (after the spoken ones): read by the
    same rules as speech, so a board of buzzword boxes is buzzwords like a spoken list."""
    units = []
    for k, d in enumerate(drawn):
        specific, generic, has_number, items, short_items = _read(d.text, meaning)
        units.append(
            Unit(
                index=first + k,
                first_word=-1,
                last_word=-1,
                text=d.text,
                start=d.at,
                end=d.at,
                is_question=False,
                specific=specific,
                generic=generic,
                has_number=has_number,
                items=items,
                short_items=short_items,
                source="board",
                shown=d.shown,
            )
        )
    return units


_READ: dict[tuple[int, str], tuple[tuple[str, ...], tuple[str, ...], bool, int, int]] = {}
_HELD: dict[int, Meaning] = {}


def _read(text: str, meaning: Meaning) -> tuple[tuple[str, ...], tuple[str, ...], bool, int, int]:
    """What a sentence's words say, once per text (the live interviewer re-reads the whole
    interview at every turn)."""
    key = (id(meaning), text)
    hit = _READ.get(key)
    if hit is not None and _HELD.get(id(meaning)) is meaning:
        return hit
    if len(_READ) > 100_000:
        _READ.clear()
    _HELD[id(meaning)] = meaning
    generic = set(meaning.generic)
    function = set(meaning.function_words)
    numbers = set(meaning.number_words)
    tokens = normalize(text)
    has_number = any(t in numbers or any(c.isdigit() for c in t) for t in tokens)
    content = [t for t in tokens if t not in function and (len(t) > 2 or t.isdigit())]
    parts = [p for p in _LIST_SPLIT.split(text.lower()) if normalize(p)]
    got = (
        tuple(t for t in content if t not in generic and t not in numbers),
        tuple(t for t in tokens if t in generic and t not in function),
        has_number,
        len(parts),
        sum(len(normalize(p)) <= meaning.list_item_words for p in parts),
    )
    _READ[key] = got
    return got


# A spoken list: "data drift, concept drift, alerting, A/B testing, champion challenger".
_LIST_SPLIT = re.compile(r",|;|\band\b|\bor\b|\bthen\b")


def is_list(u: Unit, meaning: Meaning) -> bool:
    """A run of names ("feature store, embeddings, ensembles, canary deployments"): most of its
    comma-separated parts are a few words each, with nothing tying them to a purpose."""
    return u.items >= meaning.list_min_items and u.short_items >= meaning.list_short_share * u.items


def is_buzzwords(u: Unit, meaning: Meaning) -> bool:
    """Mostly agenda or rubric vocabulary with no concrete component, number or decision, or a
    list of such terms ("data drift, concept drift, alerting, A/B testing"). A list of the
    problem's own things ("amount, merchant type, card age, device fingerprint") is not."""
    if u.has_number:
        return False
    generic = len(set(u.generic))
    if generic >= meaning.buzzword_min_terms and len(set(u.specific)) < meaning.concrete_min_words:
        return True
    return is_list(u, meaning) and generic >= meaning.list_min_generic
