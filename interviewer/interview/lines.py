"""The offline interviewer's lines, loaded from prompts/interviewer/lines.toml by name."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ValidationError, model_validator

from interviewer.errors import ContentError, first_line
from interviewer.interview.unsaid import Listening
from interviewer.settings import Paths

# The placeholders each line may use, as the graph fills them.
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "greeting": ("minutes",),
    "fact": ("answer",),
    "fact_more": ("answer",),
    "no_fact": (),
    "probe": ("probe",),
    "follow_up": ("text",),
    "curveball": ("text",),
    "weigh": ("quote",),
    "board": ("component",),
    "nudge": ("used", "phase", "budget"),
    "go_on": (),
    "empty": ("question",),
    "no_fact_rest": ("asked",),
    "wrap_time": ("left", "minutes"),
    "wrap_done": ("left", "minutes"),
    "wrap_stopped": ("left", "minutes"),
    "wrap_out_of_answers": ("left", "minutes"),
    "resume": (),
    "resume_heard": ("quote",),
    "resume_asked": ("line",),
}


class Lines(BaseModel):
    version: str
    greeting: str
    fact: str
    fact_more: str
    no_fact: str
    no_fact_rest: str
    probe: str
    follow_up: str
    curveball: str
    # A choice made as if it were free: ask what it cost (empty: the interviewer never asks).
    weigh: str = ""
    # A component on the whiteboard the candidate never talked about (empty: never asked).
    board: str = ""
    nudge: str
    go_on: list[str]
    empty: str
    wrap_time: str
    wrap_done: str
    wrap_stopped: str
    wrap_out_of_answers: str
    resume: str
    resume_heard: str = "Welcome back. The last thing I heard was: \u201c{quote}\u201d."
    resume_asked: str = "Welcome back. I had asked: {line}"
    done_phrases: list[str]
    done_examples: list[str] = []
    done_sim: float = 1.0  # similarity to done_examples that ends a turn (1.0: phrases only)
    question_openers: list[str]
    # Statements that ask ("I'd want to know how many users there are"), anywhere in a sentence.
    ask_phrases: list[str] = []
    listening: Listening = Listening()  # when a follow-up counts as already answered

    @model_validator(mode="after")
    def _placeholders(self) -> Lines:
        """Every template filled once now: a bad placeholder fails at start, not at turn 20."""
        for name, keys in PLACEHOLDERS.items():
            values = getattr(self, name)
            for text in values if isinstance(values, list) else [values]:
                try:
                    text.format(**{k: "x" for k in keys})
                except (KeyError, IndexError, ValueError) as exc:
                    raise ValueError(
                        f"{name}: bad placeholder {exc} (allowed: "
                        f"{', '.join('{' + k + '}' for k in keys) or 'none'})"
                    ) from None
        return self

    def rotate(self, options: list[str], n: int) -> str:
        return options[n % len(options)]


def load_lines(path: Path | None = None) -> Lines:
    """prompts/interviewer/lines.toml: the user's, else the built-in one (or path)."""
    return _load_lines(path or Paths().find("prompts", "interviewer", "lines.toml"))


@lru_cache(maxsize=4)
def _load_lines(path: Path) -> Lines:
    try:
        return Lines(**tomllib.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise ContentError(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise ContentError(f"{path} is not UTF-8 text") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ContentError(
            f"{path} is invalid ({where + ': ' if where else ''}{first['msg']})"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path} is invalid ({first_line(exc)})") from None


def minutes_text(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return f"{int(seconds)} seconds"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def opening(lines: Lines, question_text: str, minutes: float) -> str:
    """The interviewer's first line: the greeting, then the question."""
    return lines.greeting.format(minutes=minutes_text(minutes * 60)) + " " + question_text
