"""The end of a turn: judged from the words, how they sounded and the silence (turn_end.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from interviewer.audio.smart_turn import MODEL_SHA256, ModelProblem, load_smart_turn
from interviewer.audio.turn_end import (
    ASKING,
    BRIEF,
    HANDOVER,
    OPEN,
    PROMISED,
    QUESTION,
    SENTENCE,
    THINKING,
    TRAILING,
    TurnEnd,
    read_cue,
)
from interviewer.settings import TurnTakingOptions

RATE = 16000


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("For candidate generation a two tower model, and for ranking I would use.", OPEN),
        ("The index has to be rebuilt when the catalogue changes and that means that", OPEN),
        ("The index has to be rebuilt when the catalogue changes, and we do that", TRAILING),
        ("We keep the last ninety days of orders,", TRAILING),
        ("and a slash be test on the share of orders delivered later than promised", TRAILING),
        ("Let me see. Okay.", THINKING),
        ("Okay. Hmm, give me a moment to think about the labels.", THINKING),
        ("Let me see.", THINKING),
        ("We alert on the decline rate. I think that covers it.", HANDOVER),
        ("So that's how I'd start.", HANDOVER),
        ("That's all I'm done", HANDOVER),
        ("That's all the history we keep for a card, ninety days of it.", SENTENCE),
        ("Before I start, how many merchants are there?", ASKING),
        ("Okay, I want to understand the decision flow first. Is a human in the loop?", ASKING),
        ("How would I scale it?", QUESTION),  # asked of oneself: the sound decides
        (
            "We score each payment in the checkout path before the bank sees it. "
            "Is a human in the loop?",
            QUESTION,
        ),
        # "first" promises more only when it opens a sentence
        ("Then I'd use the first few clicks in the session to personalize the ranking.", SENTENCE),
        ("We need labels. So how do we get them fast?", SENTENCE),  # thinking aloud
        ("First, I'd look at which tickets the support agents have already tagged.", PROMISED),
        ("I'd do two things here. One is a nightly re-index.", PROMISED),
        ("First, where does the money go? Is it long prompts, or idle GPUs?", PROMISED),
        ("First, I'd look at the tagged tickets. Then I'd train a small classifier.", SENTENCE),
        ("The ranker is a small gradient boosted model on a few hundred candidates.", SENTENCE),
        # a few words so far: the opening of an answer, not all of it
        ("Sorry.", BRIEF),
        ("Okay.", BRIEF),
        ("Labels come from chargebacks.", BRIEF),
        ("There are really three kinds of content here.", BRIEF),
        ("Two things.", BRIEF),
        ("Which languages?", ASKING),
        ("I'm done.", HANDOVER),
        ("I'd retrain it weekly, since the labels take a few weeks to arrive anyway.", SENTENCE),
    ],
)
def test_the_words_say_whether_a_pause_can_end_the_turn(text, cue):
    assert read_cue(text) == cue


class Scripted:
    """An end-of-turn model that returns set scores, in order (the policy's logic only; the
    real model is tested below on speech)."""

    def __init__(self, *scores: float):
        self.scores = list(scores)
        self.calls = 0

    def score(self, samples: np.ndarray) -> float:
        self.calls += 1
        return self.scores.pop(0) if len(self.scores) > 1 else self.scores[0]


def ends_at(judge: TurnEnd, text: str | None, pause: int = 1000, until: float = 12.0) -> float:
    """The silence at which the judge ends the turn (inf: it never did, up to `until`)."""
    silence = 0.0
    while silence <= until:
        v = judge.step(pause, silence, lambda: np.zeros(RATE, np.float32), lambda: text)
        if v.end:
            return silence
        silence = round(silence + 0.1, 2)
    return float("inf")


OPT = TurnTakingOptions()
WHOLE = "We retrain the ranker every week on the last month of clicks."  # a whole sentence


def test_a_finished_sentence_that_sounds_finished_is_answered_within_half_a_second():
    at = ends_at(TurnEnd(OPT, 10.0, Scripted(0.9)), WHOLE)
    assert OPT.listen_s <= at <= OPT.settle_s + 0.1


def test_a_turn_of_a_few_words_waits_for_the_rest_even_when_it_sounds_finished():
    """ "Sorry," said over the question, "So that's the model side." then a breath: the opening
    of an answer. A question of as few words is still answered at once."""
    # the whole patience: an 8 s thinking pause after a few words is not cut off
    assert ends_at(TurnEnd(OPT, 10.0, Scripted(0.99)), "Sorry.") >= 10.0 - 0.11
    assert ends_at(TurnEnd(OPT, 4.0, Scripted(0.99)), "Sorry.") == 4.0  # patience caps it
    assert ends_at(TurnEnd(OPT, 10.0, Scripted(0.99)), "Which languages?") <= 0.35
    long = "So that's the model side, and for serving we predict once at checkout."
    assert ends_at(TurnEnd(OPT, 10.0, Scripted(0.99)), long) <= OPT.settle_s + 0.1


def test_an_open_clause_or_thinking_waits_the_whole_patience_even_when_it_sounds_finished():
    assert ends_at(TurnEnd(OPT, 10.0, Scripted(0.95)), "and for ranking I would use.") == 10.0
    assert ends_at(TurnEnd(OPT, 10.0, Scripted(0.95)), "Hmm. Let me think.") == 10.0


def test_words_without_a_full_stop_wait_unless_they_sounded_final():
    words = "and we alert on the share of late orders"
    assert ends_at(TurnEnd(OPT, 10.0, Scripted(0.1)), words) == 10.0
    assert abs(ends_at(TurnEnd(OPT, 10.0, Scripted(0.9)), words) - OPT.unsure_s) < 0.11


def test_a_question_that_sounds_asked_is_answered_at_once_one_said_on_the_way_is_not():
    at = ends_at(TurnEnd(OPT, 10.0, Scripted(0.9)), "What is the latency budget?")
    assert at <= max(OPT.listen_s, OPT.handover_s) + 0.05
    # "Is it the prompts or idle GPUs?" said in passing, in a voice that goes on
    passing = "The bill doubled this quarter, so I'd look at where the money goes. Is it idle GPUs?"
    on_the_way = ends_at(TurnEnd(OPT, 10.0, Scripted(0.1)), passing)
    assert abs(on_the_way - OPT.unsure_s) < 0.11
    # a question that opens the turn is put to the interviewer: however flat it sounded, it is
    # answered after a short look for more, not the 2.5 s of a sentence that sounded unsure
    opening = "Before I get into it, how much latency do we have per request?"
    assert abs(ends_at(TurnEnd(OPT, 10.0, Scripted(0.01)), opening) - OPT.recheck_s) < 0.11
    assert ends_at(TurnEnd(OPT, 10.0, Scripted(0.9)), opening) <= 0.35
    # a hand-over in words needs no help from the sound
    assert ends_at(TurnEnd(OPT, 10.0, Scripted(0.02)), "I think that covers it.") <= 0.35


def test_an_unsure_sound_is_looked_at_again_with_more_silence():
    model = Scripted(0.1, 0.8)
    assert abs(ends_at(TurnEnd(OPT, 10.0, model), WHOLE) - OPT.recheck_s) < 0.11
    assert model.calls == 2
    never = Scripted(0.1, 0.2)
    assert abs(ends_at(TurnEnd(OPT, 10.0, never), WHOLE) - OPT.unsure_s) < 0.11


def test_nothing_ends_while_the_last_words_are_still_being_decoded():
    # "...a regression model on" can sound final: only its words show the clause is open
    assert ends_at(TurnEnd(OPT, 10.0, Scripted(0.99)), None, until=12.0) == float("inf")


def test_without_the_model_a_whole_sentence_waits_the_old_silence_rule():
    at = ends_at(TurnEnd(OPT, 10.0, None), WHOLE)
    assert abs(at - OPT.fallback_s) < 0.11
    assert ends_at(TurnEnd(OPT, 3.0, None), WHOLE) == 3.0  # patience caps it


def test_a_new_pause_is_judged_afresh():
    model = Scripted(0.9, 0.1, 0.1)
    judge = TurnEnd(OPT, 10.0, model)
    judge.step(100, 0.3, lambda: np.zeros(10, np.float32), lambda: "A sentence.")
    v = judge.step(200, 0.5, lambda: np.zeros(10, np.float32), lambda: "A sentence. Another one.")
    assert not v.end and model.calls == 2  # the second pause got its own score, a low one


# -- the real model ----------------------------------------------------------------------------


@pytest.mark.slow
def test_smart_turn_hears_a_finished_sentence_and_an_unfinished_one():
    from speech import piper_say

    model = load_smart_turn()
    pad = np.zeros(int(0.4 * RATE), np.float32)
    done = model.score(np.concatenate([piper_say("That covers the monitoring side."), pad]))
    done2 = model.score(
        np.concatenate([piper_say("The model predicts the chance that a person clicks."), pad])
    )
    open1 = model.score(
        np.concatenate([piper_say("The first thing I would check is the data, and"), pad])
    )
    open2 = model.score(np.concatenate([piper_say("Hmm, so, the features would be"), pad]))
    assert min(done, done2) > 0.5 > max(open1, open2), (done, done2, open1, open2)


@pytest.mark.slow
def test_a_missing_or_damaged_model_is_one_line_and_names_the_fix(tmp_path, monkeypatch):
    from interviewer.audio.smart_turn import model_path
    from interviewer.models import sha256

    good = model_path()
    assert good is not None and sha256(good) == MODEL_SHA256
    bad = tmp_path / "smart-turn.onnx"
    shutil.copy(good, bad)
    with bad.open("r+b") as f:
        f.seek(1000)
        f.write(b"\x00\x01\x02\x03")
    with pytest.raises(ModelProblem, match=r"damaged .*reinstall it: pip install --no-deps"):
        load_smart_turn(bad)
    monkeypatch.setenv("INTERVIEWER_SMART_TURN", str(tmp_path / "absent.onnx"))
    with pytest.raises(ModelProblem, match="could not be read") as e:
        load_smart_turn()
    assert "\n" not in str(e.value)


# -- live, through the virtual sound card ------------------------------------------------------

# Candidate speech: a clause left open, a 6 s thinking pause (longer than the old 4 s window),
# the rest of the sentence, and a hand-back.
THOUGHT = [
    "For the baseline I would train a logistic regression model on",
    6.0,
    "last month's clicks, and measure recall on a held out week. That's all, I'm done.",
]


def practice_through_the_sound_card(tmp_path, home, env: dict | None = None):
    from speech import compose, virtual_audio

    speech, pieces = compose(0.8, *THOUGHT, 12.0, voice="piper")
    sound, _ = virtual_audio(tmp_path / "alsa", speech)
    p = subprocess.run(
        [sys.executable, "-m", "interviewer", "practice", "--question", "recsys-low-latency"]
        + ["--minutes", "10", "--patience", "10", "--session", "tt"],
        env={
            **os.environ,
            **sound,
            "INTERVIEWER_HOME": str(home),
            "INTERVIEWER_PACE_INPUT": "1",
            **(env or {}),
        },
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert p.returncode == 0, p.stderr
    folder = home / "recordings" / "tt"
    session = json.loads((folder / "session.json").read_text())
    answers = [t for t in session["turns"] if t["role"] == "candidate"]
    import soundfile as sf

    # Every turn hears the same recording (the sound card replays it at each opening).
    durations = [sf.info(str(folder / t["audio"])).duration for t in answers]
    speech_end = [x for x in pieces if x.kind == "speech"][-1].end
    return p, session, answers, durations, speech_end


@pytest.mark.slow
def test_a_long_thinking_pause_is_not_cut_off_and_the_end_is_answered_at_once(tmp_path, home):
    p, session, answers, durations, speech_end = practice_through_the_sound_card(tmp_path, home)
    assert len(answers) >= 2
    for answer, duration in zip(answers, durations, strict=True):
        # the 6 s pause after "...model on" (it can sound final) did not end the turn: the
        # rest of the answer is in it
        assert duration > speech_end - 0.3 and "recall" in answer["text"].lower(), answer
    for answer in answers[1:]:  # the first competes with the start-up's warm-up
        assert answer["ended_by"] == "turn-end" and answer["end_why"].startswith("handover")
    # ...and the hand-back was taken before the old 4 s of silence ran out, its last words
    # decoded in the pause (counted in samples of the recording, not in wall time; the first
    # turn competes with the start-up's warm-up)
    assert max(durations[1:]) < speech_end + 3.5, (durations, speech_end)
    assert len(session["gap_ms"]) == len(answers)
    assert "warning" not in p.stderr


@pytest.mark.slow
def test_a_damaged_end_of_turn_model_is_one_warning_and_the_interview_goes_on(tmp_path, home):
    from interviewer.audio.smart_turn import model_path

    bad = tmp_path / "damaged.onnx"
    bad.write_bytes(model_path().read_bytes()[:100_000])
    p, _, answers, durations, speech_end = practice_through_the_sound_card(
        tmp_path, home, {"INTERVIEWER_SMART_TURN": str(bad)}
    )
    warnings = [line for line in p.stderr.splitlines() if "end-of-turn model" in line]
    assert len(warnings) == 1 and warnings[0].startswith("warning: "), p.stderr
    assert "damaged" in warnings[0] and "Traceback" not in p.stderr
    # the words alone still ended the turn: the open clause waited, the hand-back did not
    # no turn was cut off; the first competes with the start-up (the models' warm-up), so only
    # the later ones are held to ending at the hand-back
    assert all("recall" in a["text"].lower() for a in answers), answers
    assert all(a["ended_by"] == "turn-end" for a in answers[1:]), [
        (a["ended_by"], a.get("end_why"), a["text"]) for a in answers
    ]
    assert max(durations[1:]) < speech_end + 3.5, (durations, speech_end)


@pytest.mark.slow
def test_speaking_over_the_interviewer_stops_its_line_and_opens_the_turn(tmp_path, home):
    """practice --barge-in (headphones): the candidate cuts into the question 2 s in; the line
    stops, session.json says how much of it went out, and what the candidate said is their turn."""
    from speech import compose, virtual_audio

    speech, _ = compose(
        2.0, "Sorry, can I ask something first? That's all, I'm done.", 12.0, voice="piper"
    )
    sound, _ = virtual_audio(tmp_path / "alsa", speech)
    p = subprocess.run(
        [sys.executable, "-m", "interviewer", "practice", "--question", "recsys-low-latency"]
        + ["--minutes", "1", "--barge-in", "--session", "bi"],
        env={
            **os.environ,
            **sound,
            "INTERVIEWER_HOME": str(home),
            "INTERVIEWER_PACE_INPUT": "1",
            "INTERVIEWER_PACE_OUTPUT": "1",
        },
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert p.returncode == 0, p.stderr
    folder = home / "recordings" / "bi"
    session = json.loads((folder / "session.json").read_text())
    first_cut = session["barge_ins"][0]
    question = next(t for t in session["turns"] if t["role"] == "interviewer")
    assert first_cut["line"] == question["n"] == 0
    # the question is long; it went out only until the candidate spoke, 2 s in
    assert 2.0 < first_cut["spoken_s"] < 3.5 < first_cut["of_s"], first_cut
    assert question["text"].startswith(first_cut["heard"]) and first_cut["heard"]
    assert first_cut["stop_ms"] is not None and 0 < first_cut["stop_ms"] < 1500
    # what the candidate said over the line opens their turn: nothing they said is lost
    answer = next(t for t in session["turns"] if t["role"] == "candidate")
    assert "ask something" in answer["text"].lower(), answer["text"]
