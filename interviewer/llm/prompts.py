"""Prompts live in prompts/judge/*.md and prompts/interviewer/*.md, loaded by name.

The first line of each is `version: N`; the rest is a template with $placeholders
(string.Template, so JSON braces in the text need no escaping).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template

from interviewer.errors import ContentError
from interviewer.settings import Paths


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    template: str

    @property
    def id(self) -> str:
        return f"{self.name}@{self.version}"

    def render(self, **values: str) -> str:
        return Template(self.template).safe_substitute(**values)


def as_data(text: str) -> str:
    """Text a user wrote or said, made safe inside a prompt's delimited blocks: no angle
    brackets, so a spoken or typed '</transcript>' cannot close the block it sits in."""
    return text.replace("<", "\u2039").replace(">", "\u203a")


def load_prompt(kind: str, name: str, root: Path | None = None) -> Prompt:
    """prompts/<kind>/<name>.md: the user's, else the built-in one (or under root)."""
    path = root / kind / f"{name}.md" if root else Paths().find("prompts", kind, f"{name}.md")
    return _read_prompt(kind, name, path)


@lru_cache(maxsize=16)
def _read_prompt(kind: str, name: str, path: Path) -> Prompt:
    try:
        first, _, rest = path.read_text(encoding="utf-8").partition("\n")
    except FileNotFoundError:
        raise ContentError(f"no such prompt: {path}") from None
    if not first.startswith("version:"):
        raise ContentError(f"{path}: the first line must be 'version: N'")
    return Prompt(
        name=f"{kind}/{name}", version=first.split(":", 1)[1].strip(), template=rest.lstrip("\n")
    )
