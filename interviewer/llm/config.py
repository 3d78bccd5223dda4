"""LLM settings: --llm MODEL or [llm] in ~/.config/interviewer/config.toml; the endpoint from
OPENAI_BASE_URL (or the config's base_url); the key only from OPENAI_API_KEY.

The key is never written anywhere: it is excluded from repr, from session files and reports,
and scrubbed from every error message.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.errors import ContentError
from interviewer.settings import config_home

DEFAULT_BASE_URL = "https://api.openai.com/v1"
NO_KEY = "not-needed"  # local servers want no key, but the openai client insists on one


def config_path() -> Path:
    return config_home() / "config.toml"


@dataclass(frozen=True)
class LlmOptions:
    model: str
    base_url: str = DEFAULT_BASE_URL
    api_key: str = field(default=NO_KEY, repr=False)
    timeout_s: float = 30.0  # per call
    max_retries: int = 2  # after the first try: timeouts, refused connections, 429, 5xx
    max_retry_after_s: float = 10.0  # a 429 asking to wait longer than this is a failure now
    retry_backoff_s: float = 1.0  # first wait after a 5xx or refused connection; doubles, max 4x
    temperature: float = 0.2
    max_reply_bytes: int = 2_000_000  # a reply past this is refused (a judge's JSON is a few KB)

    def public(self) -> dict[str, str | float | int]:
        """What may be written into a report or session file: never the key."""
        return {
            "model": self.model,
            "base_url": self.base_url,
            "timeout_s": self.timeout_s,
            "max_retries": self.max_retries,
        }

    def scrub(self, text: str) -> str:
        if self.api_key and self.api_key != NO_KEY:
            text = text.replace(self.api_key, "***")
        return text


def load_llm_options(model: str | None = None, path: Path | None = None) -> LlmOptions | None:
    """The LLM to use, or None for the offline judge and interviewer."""
    path = path or config_path()
    section: dict[str, Any] = {}
    if path.is_file():
        try:
            section = tomllib.loads(path.read_text(encoding="utf-8")).get("llm", {})
        except tomllib.TOMLDecodeError as exc:
            raise ContentError(f"{path} is not valid TOML ({exc})") from None
    model = model or section.get("model")
    if not model:
        return None
    known = {
        "model",
        "base_url",
        "timeout_s",
        "max_retries",
        "max_retry_after_s",
        "retry_backoff_s",
        "temperature",
    }
    unknown = set(section) - known
    if unknown:
        raise ContentError(f"{path}: unknown [llm] keys {sorted(unknown)} (known: {sorted(known)})")
    return LlmOptions(
        model=model,
        base_url=os.environ.get("OPENAI_BASE_URL") or section.get("base_url") or DEFAULT_BASE_URL,
        api_key=os.environ.get("OPENAI_API_KEY") or NO_KEY,
        timeout_s=float(section.get("timeout_s", 30.0)),
        max_retries=int(section.get("max_retries", 2)),
        max_retry_after_s=float(section.get("max_retry_after_s", 10.0)),
        retry_backoff_s=float(section.get("retry_backoff_s", 1.0)),
        temperature=float(section.get("temperature", 0.2)),
    )
