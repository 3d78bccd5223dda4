from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from speech import virtual_audio  # noqa: F401  (re-exported for the tests)

from interviewer.stt import WhisperTranscriber
from interviewer.transcript import Span, Transcript, Word

# A suite started as a background job of a non-interactive shell inherits SIGINT ignored, and
# so would every interview the Ctrl-C tests start: Python's own handler is put back here (a
# handler, unlike "ignored", is not inherited across exec, so the children get theirs too).
signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "interviewer" / "builtin"  # the built-in prompts, rubrics and demo examples

# Embeddings of the question bank are cached between runs; tests that give a child process its own
# HOME (the virtual sound card) still share this one cache: each run embeds the bank at most once.
os.environ.setdefault("INTERVIEWER_CACHE", str(Path.home() / ".cache" / "interviewer"))


@pytest.fixture(scope="session")
def transcriber() -> WhisperTranscriber:
    """The real bundled tiny.en, loaded once for the whole run."""
    t = WhisperTranscriber()
    t.load()
    return t


@pytest.fixture(scope="session")
def report_transcriber() -> WhisperTranscriber:
    """The report's model (base, assembled from its packages), loaded once for the whole run."""
    from interviewer.settings import REPORT_MODEL, SttOptions

    t = WhisperTranscriber(SttOptions(model=REPORT_MODEL))
    t.load()
    return t


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(tmp_path):
    """Run the real command in a child process, as a user would."""

    def run(*args: str, timeout: float = 600, env: dict | None = None) -> Run:
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        p = subprocess.run(
            [sys.executable, "-m", "interviewer", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=tmp_path,
            env=full_env,
        )
        return Run(p.returncode, p.stdout, p.stderr)

    return run


@pytest.fixture
def home(tmp_path):
    """An INTERVIEWER_HOME of its own: an empty recordings/, the built-in prompts and rubrics."""
    h = tmp_path / "home"
    (h / "recordings").mkdir(parents=True)
    return h


def assert_clean_error(run: Run, *fragments: str) -> None:
    """Non-zero exit, exactly one line on stderr starting 'error:', no traceback."""
    assert run.code != 0, run.out
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert len(lines) == 1, run.err
    assert lines[0].startswith("error: "), run.err
    assert "Traceback" not in run.err
    for fragment in fragments:
        assert fragment.lower() in lines[0].lower(), lines[0]


def text_transcript(
    text: str, wpm: float = 150, gaps: dict[int, float] | None = None
) -> Transcript:
    """A transcript with evenly timed words, for judging logic that never touches audio.

    gaps maps a word index to seconds of silence inserted before that word.
    """
    words: list[Word] = []
    regions: list[Span] = []
    t = 0.0
    step = 60 / wpm
    region_start = 0.0
    for i, w in enumerate(text.split()):
        if gaps and i in gaps:
            regions.append(Span(start=region_start, end=t))
            t += gaps[i]
            region_start = t
        words.append(Word(word=w, start=round(t, 3), end=round(t + step * 0.8, 3)))
        t += step
    regions.append(Span(start=region_start, end=t))
    return Transcript(
        text=text,
        words=words,
        speech_regions=regions,
        duration_s=t + 0.5,
        segments=[],
        model="text",
    )


# -- tiers -------------------------------------------------------------------------------------
# `make test-fast` runs the fast tier: no speech model, no voice, no child-process interview.
# A test joins the full tier (`make test` runs both) by asking for one of these fixtures, by its
# `slow` mark, or by living in a module that drives real processes or audio devices throughout.
HEAVY_FIXTURES = {"cli", "transcriber", "report_transcriber", "virtual_audio", "home"}
HEAVY_MODULES = {
    "test_cli",
    "test_devices",
    "test_html",
    "test_install",
    "test_kill",
    "test_resume",
    "test_safety",
    "test_voice_engines",
    "test_llm_bounds",
    "test_streaming",
    "test_stt",
    "test_hesitations",
    "test_progress",
    "test_audio_io",
}


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        heavy = (
            module in HEAVY_MODULES
            or bool(HEAVY_FIXTURES & set(getattr(item, "fixturenames", ())))
            or item.get_closest_marker("slow") is not None
        )
        if not heavy:
            item.add_marker(pytest.mark.fast)
