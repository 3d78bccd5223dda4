"""A few instants of the kill harness (bench/kill_harness.py runs all of them)."""

from __future__ import annotations

import signal

import pytest
from kill_harness import ANSWERS, INSTANTS, stop_and_resume
from speech import write


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("answers")
    return {k: write(folder / f"{k}.wav", *lines)[0] for k, (lines, _) in ANSWERS.items()}


# Each case is five runs of the command: two here, the rest in bench/kill_harness.py.
PICKED = {"turn 2 pending+200ms": signal.SIGKILL, "turn 2 transcribed+0ms": signal.SIGINT}


@pytest.mark.parametrize(
    "instant", [i for i in INSTANTS if i.label in PICKED], ids=lambda i: i.label
)
def test_a_stop_at_this_instant_loses_nothing(home, answers, instant):
    sig = PICKED[instant.label]
    out = stop_and_resume(home, answers, instant, sig, sid="k")
    assert out.ok, out.problems
