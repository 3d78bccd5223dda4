"""What a board says, as sentences the judge reads like spoken ones.

One sentence per flow chain ("From Gateway to Feature store to Ranker."), one naming the
components no arrow touches, one per note: the wording is content
(prompts/board/sentences.toml). Only what is new at a turn is said (Diagram.since), timed at that
turn's end, so a board is not counted again at every turn.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from interviewer.board.scene import Diagram
from interviewer.errors import ContentError
from interviewer.meaning.units import Drawn
from interviewer.settings import Paths

# Bounds on what one turn's board may say: a board of hundreds of boxes is not hundreds of
# sentences of evidence.
MAX_CHAINS = 12  # chain sentences per turn
MAX_NAMES = 12  # components named in the one sentence of unconnected components
MAX_NOTES = 8  # notes said per turn


@dataclass(frozen=True)
class Wording:
    chain_start: str  # {component}
    hop: str  # {component}
    hop_labelled: str  # {component}, {label}
    chain_end: str
    components: str  # {names}
    separator: str
    last_separator: str
    note: str  # {text}


def load_wording(path: Path | None = None) -> Wording:
    """prompts/board/sentences.toml: the user's, else the built-in one (or `path`)."""
    return _load(path or Paths().find("prompts", "board", "sentences.toml"))


@lru_cache(maxsize=4)
def _load(path: Path) -> Wording:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
        chain, names, note = data["chain"], data["components"], data["note"]
        wording = Wording(
            chain_start=str(chain["start"]),
            hop=str(chain["hop"]),
            hop_labelled=str(chain["hop_labelled"]),
            chain_end=str(chain.get("end", "")),
            components=str(names["sentence"]),
            separator=str(names.get("separator", ", ")),
            last_separator=str(names.get("last_separator", ", ")),
            note=str(note["sentence"]),
        )
        # Every placeholder is known: a typo fails here, with the file named, not mid-report.
        wording.chain_start.format(component="A")
        wording.hop.format(component="B")
        wording.hop_labelled.format(component="B", label="x")
        wording.components.format(names="A")
        wording.note.format(text="n")
    except OSError as exc:
        raise ContentError(f"{path} cannot be read ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, KeyError, TypeError, IndexError, ValueError) as exc:
        raise ContentError(
            f"{path} is not a board wording file ({type(exc).__name__}: {exc})"
        ) from None
    return wording


def say(new: Diagram, at: float, wording: Wording) -> list[Drawn]:
    """The sentences for what a turn's board added (`new`, from Diagram.since), at `at`."""
    out: list[Drawn] = []
    for chain in new.chains()[:MAX_CHAINS]:
        text = wording.chain_start.format(component=new.label(chain[0].source))
        for e in chain:
            hop = wording.hop_labelled if e.label else wording.hop
            text += hop.format(component=new.label(e.target), label=e.label)
        out.append(Drawn(text + wording.chain_end, new.chain_text(chain), at))
    lone = [c.label for c in new.standalone()[:MAX_NAMES]]
    if lone:
        names = (
            wording.separator.join(lone[:-1]) + wording.last_separator + lone[-1]
            if len(lone) > 1
            else lone[0]
        )
        out.append(Drawn(wording.components.format(names=names), ", ".join(lone), at))
    for n in new.notes[:MAX_NOTES]:
        out.append(Drawn(wording.note.format(text=n), f'"{n}"', at))
    return out
