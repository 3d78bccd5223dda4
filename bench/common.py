"""Shared bench helpers: espeak-ng speech of known text, and a machine description."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from speech import compose, piper_say, speak, virtual_audio  # noqa: F401  (the tests' speech and sound card)

PARAGRAPHS = [
    "Before I design anything, I want to understand who uses this system and what a good "
    "result looks like.",
    "Are we ranking products on a home page, and how quickly must the page load for a person "
    "on a phone?",
    2.5,
    "For a first version, I would train a simple model on past clicks and purchases from the "
    "last month.",
    "The model predicts the chance that a person clicks an item, and we sort the page by that "
    "chance.",
    "We measure it offline with recall on a held out week of real traffic, before anyone sees it.",
    2.0,
    "Then I would improve the slowest part of the system, which is usually the ranking step.",
    "The first problem is new users, who have no history, so I would start them with popular "
    "items.",
    "The second problem is scale, so I would split the item index across several machines.",
    "Caching popular results makes pages fast, but the results can become stale during a sale.",
    "A larger ranking model is more accurate, but it costs more to serve every single request.",
    3.0,
    "After launch, I would watch click rates in an experiment and alert when the input data "
    "drifts.",
    "I would retrain the model every week, with a plan to roll back if the numbers drop.",
    "I would also ask the support team to review a sample of the results every month.",
]


def long_speech(seconds: float):
    """Known text spoken by espeak-ng, repeated until it lasts at least `seconds`."""
    parts: list = []
    samples, _ = compose(*PARAGRAPHS)
    one = len(samples) / 16000
    repeats = max(1, int(seconds // one) + (seconds % one > 0))
    for _ in range(repeats):
        parts += PARAGRAPHS + [1.5]
    return compose(*parts)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def typed_interview(folder: Path, question_id: str, minutes: float | None = None):  # type: ignore[no-untyped-def]
    """The real graph on an in-memory checkpointer, posed its question, waiting for a typed (or
    pre-transcribed) answer: (deps, graph, config)."""
    from langgraph.checkpoint.memory import InMemorySaver

    from interviewer.content import get_question, load_agenda, load_rubric
    from interviewer.interview.graph import Deps, build_graph, initial_state
    from interviewer.interview.lines import load_lines

    q = get_question(question_id)
    deps = Deps(
        session_dir=folder,
        question=q,
        agenda=load_agenda(q.agenda),
        rubric=load_rubric(),
        lines=load_lines(),
        transcriber=None,
    )
    graph = build_graph(InMemorySaver())
    config = {"configurable": {"thread_id": folder.name}}
    graph.invoke(initial_state(deps, minutes or q.minutes), config, context=deps)
    return deps, graph, config
