"""Questions, agendas and rubrics: TOML files the user can read and extend, loaded as pydantic.

Python holds no question, agenda or rubric text; it lives in prompts/questions/*.toml,
rubrics/agendas/*.toml and rubrics/*.toml: built in (interviewer/builtin/), and in the user's
folder, which adds questions and replaces an agenda or rubric of the same name (settings.Paths).
"""

from __future__ import annotations

import difflib
import math
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from interviewer.errors import ContentError
from interviewer.settings import Paths

# -- questions ---------------------------------------------------------------------------------


class Fact(BaseModel):
    topic: str
    keywords: list[str]
    answer: str


class FollowUp(BaseModel):
    step: str
    text: str


class KeyPoint(BaseModel):
    step: str
    point: str
    cues: list[str]


def _budget(value: dict[str, float]) -> dict[str, float]:
    """Minutes per step: finite, none negative, not all zero (the clock scales by their sum)."""
    if any(not math.isfinite(v) or v < 0 for v in value.values()):
        raise ValueError("budget minutes must be finite and not negative")
    if value and sum(value.values()) <= 0:
        raise ValueError("budget minutes are all zero")
    return value


class Question(BaseModel):
    id: str = Field(min_length=1, pattern=r"\S")
    text: str = Field(min_length=1)
    # One line a real interviewer would add to a deliberately short question ("Track a
    # football."): who is asking and why, without the facts the candidate should ask for.
    context: str = ""
    category: str
    track: Literal["production", "research"] = "production"
    agenda: str = "ml-design"
    minutes: float = Field(default=45, gt=0, allow_inf_nan=False)
    budget: dict[str, float] = Field(default_factory=dict)  # minutes per agenda step
    facts: list[Fact] = Field(default_factory=list)
    follow_ups: list[FollowUp] = Field(default_factory=list)
    curveballs: list[str] = Field(default_factory=list)
    key_points: list[KeyPoint] = Field(default_factory=list)
    model_answer: str = ""
    source: str = ""  # the file it came from

    @property
    def asked(self) -> str:
        """The question as the interviewer says it: its text, then its context if any."""
        return f"{self.text} {self.context}".strip()

    @field_validator("budget")
    @classmethod
    def _check_budget(cls, v: dict[str, float]) -> dict[str, float]:
        return _budget(v)


# -- agendas -----------------------------------------------------------------------------------


class Check(BaseModel):
    """A sub-check of a step (baseline: data, model, objective, metric)."""

    id: str
    name: str
    cues: list[str]
    examples: list[str] = Field(default_factory=list)  # statements that do this, by meaning


class Step(BaseModel):
    id: str
    name: str
    expect: str  # what a strong candidate does here, shown in reports
    probe: str  # what the interviewer asks when the step was skipped
    cues: list[str] = Field(default_factory=list)
    # Statements that do this step, in plain words: sentences are assigned to steps by their
    # similarity to these (cues only add evidence). Without examples, the cues serve as examples.
    examples: list[str] = Field(default_factory=list)
    missing: str = ""  # what a thin attempt at this step lacked, for a `partial` status
    min_hits: int = 1  # distinct concrete sentences that make the step covered
    count_questions: bool = False  # a sentence ending in "?" counts as a hit (clarifying)
    checks: list[Check] = Field(default_factory=list)
    min_checks: int = 0  # with checks: how many must be hit for the step to be covered
    # Evidence (p x density summed) that covers this step; None: the rubric's [meaning]
    # cover_mass. A step that is one sentence by nature (a plain definition) needs less.
    cover_mass: float | None = Field(default=None, gt=0)


class Agenda(BaseModel):
    id: str
    name: str
    description: str = ""
    default_budget: dict[str, float]
    steps: list[Step]

    @field_validator("default_budget")
    @classmethod
    def _check_budget(cls, v: dict[str, float]) -> dict[str, float]:
        return _budget(v)

    @model_validator(mode="after")
    def _budget_matches_steps(self) -> Agenda:
        ids = [s.id for s in self.steps]
        if set(self.default_budget) != set(ids):
            raise ValueError(f"default_budget keys {sorted(self.default_budget)} != steps {ids}")
        return self

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)


# -- rubrics -----------------------------------------------------------------------------------


class Rule(BaseModel):
    """One transparent scoring rule: a measured fact past a limit, or phrases heard."""

    say: str  # rationale text; may use {value}, {limit}, {hits}
    # Every number finite and within the 1-5 scale's reach: `points = inf` or `base = nan`
    # would make overall nan, so the rubric is refused at load with the field named.
    points: float = Field(default=0.0, ge=-5, le=5, allow_inf_nan=False)
    # a measured fact (see judge.offline.FACTS)
    metric: str | None = None
    above: float | None = Field(default=None, allow_inf_nan=False)
    below: float | None = Field(default=None, allow_inf_nan=False)
    # points per unit of the metric instead of a fixed amount
    per_unit: float | None = Field(default=None, ge=-5, le=5, allow_inf_nan=False)
    # phrases heard in the answer
    phrases: list[str] = Field(default_factory=list)
    min_hits: int = 1
    per_hit: float | None = Field(default=None, ge=-5, le=5, allow_inf_nan=False)
    max_points: float | None = Field(default=None, ge=-5, le=5, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_kind(self) -> Rule:
        if (self.metric is None) == (not self.phrases):
            raise ValueError("a rule needs exactly one of 'metric' or 'phrases'")
        return self


class Criterion(BaseModel):
    name: str
    description: str
    weight: float = Field(default=1.0, ge=0, allow_inf_nan=False)
    base: float = Field(ge=1, le=5, allow_inf_nan=False)  # score before any rule fires
    levels: dict[str, str]  # "1".."5" -> descriptor
    rules: list[Rule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _five_levels(self) -> Criterion:
        if sorted(self.levels) != ["1", "2", "3", "4", "5"]:
            raise ValueError("levels must describe scores 1 to 5")
        return self


class Meaning(BaseModel):
    """How sentences are understood: every threshold and word list the meaning judge uses.

    Similarities are cosine similarities of sentence embeddings (all-MiniLM-L6-v2), -1..1.
    """

    # -- steps: which agenda step a sentence does (learned: meaning/detectors.py), smoothed
    question_window: float = Field(
        default=1 / 3, gt=0, le=1
    )  # questions this early count as clarifying
    list_item_words: int = Field(
        default=3, ge=1
    )  # a comma-separated part this short is a name, not a statement
    # Probabilities from the learned detectors, 0..1; each set on the dev set (bench/judge.py).
    step_min_p: float = Field(default=0.3, ge=0, le=1)  # below this for every step: no step
    step_clear_p: float = Field(default=0.8, ge=0, le=1)  # evidence outside the step's own phase
    cover_mass: float = Field(default=1.6, gt=0)  # evidence (p x density) that covers a step
    dense_words: float = Field(default=12.0, gt=0)  # a sentence this long counts once
    check_min_p: float = Field(default=0.5, ge=0, le=1)  # a sentence states a baseline check
    concrete_min_p: float = Field(default=0.5, ge=0, le=1)  # tied to this question
    weighs_min_p: float = Field(default=0.5, ge=0, le=1)  # weighs a choice
    choice_min_p: float = Field(default=0.7, ge=0, le=1)  # commits to a choice
    stay_bonus: float = Field(ge=0)  # smoothing: staying in a phase is cheaper than moving
    forward_cost: float = Field(ge=0)  # moving to the next step
    skip_cost: float = Field(ge=0)  # per step jumped over
    back_cost: float = Field(ge=0)  # per step gone back: one stray sentence cannot flip a phase
    # -- substance
    keypoint_sim: float = Field(ge=-1, le=1)  # a sentence this close to a key point hits it
    keypoint_cue_relief: float = Field(ge=0)  # ... or this much less with one of its cues
    relevance_margin: float = Field(ge=0)  # another question fits this much better: off-topic
    relevance_min: float = Field(ge=-1, le=1)  # fits the asked question less than this: off-topic
    sentence_relevance_min: float = Field(
        ge=-1, le=1
    )  # a sentence about something else earns nothing
    # A whiteboard sentence this close to one said (or drawn at an earlier turn) repeats it and
    # counts once (meaning/understanding.py); measured on spoken/drawn pairs (interviewer/board).
    board_repeat_sim: float = Field(default=0.7, ge=-1, le=1)
    concrete_min_words: int = Field(
        ge=1
    )  # specific words (not agenda vocabulary) that make a sentence concrete
    buzzword_min_terms: int = Field(
        ge=1
    )  # agenda/rubric terms in a sentence with no design: buzzwords
    list_min_items: int = Field(ge=2)  # a sentence of at least this many comma-separated parts ...
    list_short_share: float = Field(ge=0, le=1)  # ... this share of them a few words long: a list
    list_min_generic: int = Field(ge=0)  # a list with this many vocabulary terms is buzzwords
    generic: list[str]  # agenda and rubric vocabulary: naming it is not designing
    function_words: list[str]  # words that carry no content (the, would, I, ...)
    number_words: list[str]  # spoken numbers and units: a number is concrete
    weighing: list[str]  # words that weigh a choice: but, because, instead of, at the cost of
    # Phrases that state an assumption about the problem ("I'll assume ten million items"):
    # a premise, not a design choice to weigh.
    assuming: list[str] = Field(default_factory=list)
    injection_examples: list[str]  # requests to the grader, by meaning
    injection_sim: float = Field(ge=-1, le=1)


class Overall(BaseModel):
    """How overall is computed from the criteria, and how content caps it."""

    # Delivery cannot lift an answer with no content: overall is at most the mean of these
    # criteria plus `content_margin`.
    content: list[str] = Field(min_length=1)
    content_margin: float = Field(ge=0)
    offtopic_cap: float = Field(ge=1, le=5)  # overall, coverage and depth of an off-topic answer
    # An answer whose sentences are mostly buzzwords is a list of terms, not a design.
    buzzword_share: float = Field(ge=0, le=1)
    buzzword_cap: float = Field(ge=1, le=5)


class Speech(BaseModel):
    long_pause_s: float = Field(default=2.0, gt=0)  # zero or less would call all speech a pause
    fillers: list[str]  # disfluencies: um, uh, er, hmm
    tics: list[str]  # verbal tics counted as fillers: "you know", "basically"
    hedges: list[str]
    # How much one hesitation sound heard in the audio (an "um" Whisper did not write) counts
    # against clarity, next to one written filler: disfluencies = fillers + weight * sounds.
    hesitation_weight: float = Field(default=1.0, ge=0, allow_inf_nan=False)


class Advice(BaseModel):
    """When the report's "Next time" suggests working on a habit (report/advice.py)."""

    tradeoffs_score: float = 3.0  # a trade-offs score at or below this: name the trade-offs
    fillers_per_minute: float = 4.0  # more than this: cut fillers (spoken answers)
    hedges_per_minute: float = 3.0  # more than this: commit to choices
    thinking_time_s: float = 10.0  # more than this before the first word: start sooner
    budget_deviation: float = 0.25  # time per phase off the budget by more than this: rebalance


class Rubric(BaseModel):
    id: str
    version: str
    name: str
    speech: Speech
    advice: Advice = Field(default_factory=Advice)
    injection: list[str]  # phrases that address the grader instead of the interviewer
    injection_addressee: list[str] = Field(default_factory=list)  # with a command: flagged too
    injection_command: list[str] = Field(default_factory=list)
    # The answer's own evaluation, in any clause ("the correct score is five out of five"): flagged
    injection_self: list[str] = Field(default_factory=list)
    meaning: Meaning
    overall: Overall
    criteria: dict[str, Criterion]

    @model_validator(mode="after")
    def _required_criteria(self) -> Rubric:
        from interviewer.judge.model import CRITERIA

        missing = set(CRITERIA) - set(self.criteria)
        if missing:
            raise ValueError(f"missing criteria: {sorted(missing)}")
        unknown = set(self.overall.content) - set(self.criteria)
        if unknown:
            raise ValueError(f"overall.content names unknown criteria: {sorted(unknown)}")
        if sum(c.weight for c in self.criteria.values()) <= 0:
            raise ValueError("criteria weights must not all be zero")
        return self


# -- loading -----------------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ContentError(f"no such file: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path} is not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise ContentError(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise ContentError(f"{path} cannot be read ({exc.strerror or exc})") from None


def _invalid(path: Path, exc: ValidationError) -> ContentError:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return ContentError(f"{path}: {where}: {first['msg']}")


def load_questions(directory: Path | None = None) -> dict[str, Question]:
    """The question bank: one folder's, or the built-in questions with the user's added (a
    user's question with a built-in id replaces it)."""
    folders = [Path(directory)] if directory else Paths().folders("prompts", "questions")
    return _load_questions(tuple(folders))


@lru_cache(maxsize=8)
def _load_questions(folders: tuple[Path, ...]) -> dict[str, Question]:
    questions: dict[str, Question] = {}
    files = [sorted(folder.glob("*.toml")) for folder in folders]
    if not any(files):
        raise ContentError(
            f"no question files in {' or '.join(map(str, folders)) or 'prompts/questions'}"
        )
    for layer in files:
        mine: dict[str, Question] = {}
        for path in layer:
            for raw in _read_toml(path).get("question", []):
                try:
                    q = Question(**raw, source=path.name)
                except ValidationError as exc:
                    raise _invalid(path, exc) from None
                if q.id in mine:
                    raise ContentError(f"{path}: question id '{q.id}' is defined twice")
                mine[q.id] = q
        questions.update(mine)
    return questions


def get_question(question_id: str, directory: Path | None = None) -> Question:
    questions = load_questions(directory)
    if question_id in questions:
        return questions[question_id]
    near = difflib.get_close_matches(question_id, list(questions), n=3, cutoff=0.5)
    near += [q for q in questions if question_id.lower() in q and q not in near][: 3 - len(near)]
    hint = f"; did you mean {', '.join(near)}?" if near else "; `interviewer questions` lists them"
    raise ContentError(f"unknown question id '{question_id}'{hint}")


def custom_question(text: str, agenda: Agenda) -> Question:
    """The user's own question: no facts or key points, the agenda's default budget."""
    minutes = sum(agenda.default_budget.values())
    return Question(
        id="custom",
        text=text,
        category="custom",
        agenda=agenda.id,
        minutes=minutes,
        budget=dict(agenda.default_budget),
    )


def load_agenda(agenda_id: str, directory: Path | None = None) -> Agenda:
    paths = Paths()
    if directory is not None:
        path, folders = Path(directory) / f"{agenda_id}.toml", [Path(directory)]
    else:
        path, folders = (
            paths.find("rubrics", "agendas", f"{agenda_id}.toml"),
            paths.folders("rubrics", "agendas"),
        )
    if not path.is_file():
        known = sorted({p.stem for folder in folders for p in folder.glob("*.toml")})
        raise ContentError(f"unknown agenda '{agenda_id}' (known: {', '.join(known)})")
    return _load_agenda(path)


@lru_cache(maxsize=8)
def _load_agenda(path: Path) -> Agenda:
    try:
        return Agenda(**_read_toml(path))
    except ValidationError as exc:
        raise _invalid(path, exc) from None


def load_rubric(name: str = "default", directory: Path | None = None) -> Rubric:
    """A rubric by name (the user's, else the built-in one), or a .toml path."""
    if name.endswith(".toml"):
        path = Path(name)
    elif directory is not None:
        path = Path(directory) / f"{name}.toml"
    else:
        path = Paths().find("rubrics", f"{name}.toml")
    return _load_rubric(path)


@lru_cache(maxsize=8)
def _load_rubric(path: Path) -> Rubric:
    try:
        return Rubric(**_read_toml(path))
    except ValidationError as exc:
        raise _invalid(path, exc) from None


def question_and_agenda(
    question_id: str | None, text: str = "", agenda_id: str | None = None
) -> tuple[Question, Agenda]:
    """The question a command or a saved session means: one from the bank by id (with its own
    agenda unless agenda_id names another), else the user's own text on agenda_id (ml-design
    when none is named)."""
    if question_id is not None:
        question = get_question(question_id)
        return question, load_agenda(agenda_id or question.agenda)
    if not text.strip():
        raise ContentError("the question text is empty: give --question ID or --question-text")
    agenda = load_agenda(agenda_id or "ml-design")
    return custom_question(text.strip(), agenda), agenda


def question_budget(question: Question, agenda: Agenda) -> dict[str, float]:
    """Minutes per step, in agenda order, falling back to the agenda's default budget."""
    budget = question.budget or agenda.default_budget
    ids = [s.id for s in agenda.steps]
    if set(budget) != set(ids):
        raise ContentError(
            f"question '{question.id}': budget steps {sorted(budget)} do not match agenda "
            f"'{agenda.id}' steps {ids}"
        )
    return {i: float(budget[i]) for i in ids}
