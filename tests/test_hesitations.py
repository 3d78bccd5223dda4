"""Hesitation sounds heard in the audio: found where a person said "um" and Whisper wrote
nothing (or dragged a word over it), never in silence, noise or clean speech."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from speech import compose, piper_say

from interviewer.audio import SAMPLE_RATE, Audio, save_wav
from interviewer.content import load_rubric
from interviewer.hesitations import find_hesitations, steady_sounds
from interviewer.metrics import measure
from interviewer.transcript import Span, Transcript, Word

ANSWERS = [
    "For a baseline, I would start with logistic regression on a few simple features.",
    "It is cheap to train and easy to debug, and it gives us a number to beat.",
    "The bottleneck is usually candidate generation, not the ranker.",
    "So I would use a two-tower model, and retrieve the nearest neighbors from an index.",
    "After launch, I would alert when the input features drift, and retrain every week.",
    "Before launch, I would run an A/B test against the current system.",
]
SOUNDS = [("Umm.", 3.0), ("Uhh.", 3.0), ("Hmmm.", 2.5), ("Um.", 1.5), ("Errm.", 2.5), ("Uh.", 2.0)]


def _vowel(seconds: float, f0: float = 120.0) -> np.ndarray:
    """A held vowel: harmonics of f0 under a fixed formant envelope, like a sung "uh"."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wave = sum(
        np.sin(2 * np.pi * k * f0 * t) * np.exp(-(((k * f0 - 600) / 400) ** 2))
        for k in range(1, 30)
    )
    return (0.3 * wave / np.max(np.abs(wave))).astype(np.float32)


def _speechlike(seconds: float, seed: int) -> np.ndarray:
    """Voiced sound that changes every 60 ms, like syllables: vowels with moving formants."""
    rng = np.random.default_rng(seed)
    parts = []
    for _ in range(int(seconds / 0.06)):
        f0, formant = rng.uniform(100, 160), rng.uniform(300, 2500)
        t = np.arange(int(0.06 * SAMPLE_RATE)) / SAMPLE_RATE
        parts.append(
            sum(
                np.sin(2 * np.pi * k * f0 * t) * np.exp(-(((k * f0 - formant) / 300) ** 2))
                for k in range(1, 30)
            )
        )
    x = np.concatenate(parts)
    return (0.3 * x / np.max(np.abs(x))).astype(np.float32)


# -- the pure function, on made sounds ---------------------------------------------------------


def test_a_held_vowel_no_word_covers_is_a_hesitation():
    audio = np.concatenate([_speechlike(1.0, 1), _vowel(0.5), _speechlike(1.0, 2)])
    region = [Span(start=0.0, end=2.5)]
    words = [Word(word="first", start=0.1, end=0.9), Word(word="second", start=1.6, end=2.4)]
    found = find_hesitations(audio, words, region)
    assert len(found) == 1
    assert found[0].start == pytest.approx(1.0, abs=0.06) and found[0].end == pytest.approx(
        1.5, abs=0.06
    )


def test_a_held_vowel_under_a_stretched_or_unsure_word_is_a_hesitation():
    audio = np.concatenate([_speechlike(1.0, 1), _vowel(0.5), _speechlike(1.0, 2)])
    region = [Span(start=0.0, end=2.5)]
    stretched = [Word(word="I", start=0.95, end=1.6, probability=0.95)]  # 0.65 s for one letter
    unsure = [Word(word="Erum,", start=1.0, end=1.5, probability=0.2)]
    fragments = [Word(word="A", start=1.0, end=1.1), Word(word="-U", start=1.1, end=1.5)]
    for words in (stretched, unsure, fragments):
        assert len(find_hesitations(audio, words, region)) == 1, words


def test_a_sure_word_that_is_mostly_the_held_sound_is_a_hesitation_spelled_as_a_word():
    # Whisper writes a drawn-out "erm" as "Arm," at high probability: the word's time is the
    # held vowel itself, which no real word's consonants allow.
    audio = np.concatenate([_speechlike(1.0, 1), _vowel(0.4), _speechlike(1.0, 2)])
    region = [Span(start=0.0, end=2.4)]
    spelled = [Word(word="Arm,", start=1.0, end=1.4, probability=0.95)]
    assert len(find_hesitations(audio, spelled, region)) == 1
    # the same vowel as under half of a longer word is that word's own vowel
    ordinary = [Word(word="Armstrong", start=0.9, end=1.75, probability=0.95)]
    assert find_hesitations(audio, ordinary, region) == []


def test_a_held_vowel_inside_an_ordinary_word_is_not():
    audio = np.concatenate([_speechlike(1.0, 1), _vowel(0.3), _speechlike(1.0, 2)])
    region = [Span(start=0.0, end=2.3)]
    words = [Word(word="monitoring", start=0.8, end=1.5, probability=0.98)]
    assert find_hesitations(audio, words, region) == []


def test_silence_noise_and_changing_sound_give_none():
    rng = np.random.default_rng(3)
    region = [Span(start=0.0, end=3.0)]
    silence = np.zeros(3 * SAMPLE_RATE, dtype=np.float32)
    hiss = (rng.standard_normal(3 * SAMPLE_RATE) * 0.2).astype(np.float32)
    assert find_hesitations(silence, [], region) == []
    assert find_hesitations(hiss, [], region) == []
    assert steady_sounds(_speechlike(3.0, 4), region) == []
    # and outside VAD speech nothing is looked at, however steady
    assert find_hesitations(_vowel(3.0), [], []) == []


# -- with the report's model, on a neural voice -----------------------------------------------


def _hesitant(seed: int) -> tuple[np.ndarray, np.ndarray, list[tuple[float, float]]]:
    """The answers in Piper's voice with hesitations at known times between two sentences,
    and the same answers without them."""
    rng = random.Random(seed)
    gap = np.zeros(int(0.15 * SAMPLE_RATE), dtype=np.float32)
    hes, clean, truth, t = [], [], [], 0.0
    for i, text in enumerate(ANSWERS):
        clip = piper_say(text)
        hes += [clip, gap]
        clean += [clip, gap]
        t += (len(clip) + len(gap)) / SAMPLE_RATE
        sound, scale = SOUNDS[i % len(SOUNDS)]
        h = piper_say(sound, scale)
        after = np.zeros(int(rng.uniform(0.1, 0.25) * SAMPLE_RATE), dtype=np.float32)
        truth.append((t, t + len(h) / SAMPLE_RATE))
        hes += [h, after]
        t += (len(h) + len(after)) / SAMPLE_RATE
    return np.concatenate(hes), np.concatenate(clean), truth


def test_inserted_hesitations_are_found_and_clean_speech_gives_none(report_transcriber):
    hesitant, clean, truth = _hesitant(5)
    t = report_transcriber.transcribe(Audio(hesitant))
    found = [(h.start, h.end) for h in t.hesitations]
    hits = [any(a < e + 0.3 and b > s - 0.3 for a, b in found) for s, e in truth]
    assert sum(hits) >= 0.8 * len(truth), (
        found,
        truth,
        [(w.word, w.start, w.end) for w in t.words],
    )
    false = [f for f in found if not any(f[0] < e + 0.3 and f[1] > s - 0.3 for s, e in truth)]
    assert false == [], false
    assert report_transcriber.transcribe(Audio(clean)).hesitations == []


def test_clean_espeak_speech_gives_none(report_transcriber):
    samples, _ = compose(*ANSWERS[:4], 1.5, *ANSWERS[4:])
    assert report_transcriber.transcribe(Audio(samples)).hesitations == []
    assert report_transcriber.transcribe_batched(Audio(samples)).hesitations == []


def test_the_live_path_leaves_hesitations_to_the_report(transcriber):
    """Streamed chunks are for the interviewer's replies: no time spent on hesitations there."""
    hesitant, _, _ = _hesitant(5)
    assert transcriber.transcribe_chunk(Audio(hesitant[: 20 * SAMPLE_RATE])).hesitations == []


# -- in the metrics and the report -------------------------------------------------------------


def _transcript(hesitations: list[Span]) -> Transcript:
    words = [
        Word(word=w, start=i * 0.4, end=i * 0.4 + 0.3)
        for i, w in enumerate(
            ["so", "um", "I", "would", "start", "with", "a", "simple", "baseline", "model", "today"]
        )
    ]
    return Transcript(
        text="",
        words=words,
        duration_s=6.0,
        speech_regions=[Span(start=0, end=4.4)],
        hesitations=hesitations,
    )


def test_metrics_count_hesitations_once_and_weight_them_in_disfluencies():
    speech = load_rubric().speech
    um = Span(start=0.42, end=0.7)  # where Whisper wrote "um": counted as the filler only
    other = Span(start=2.5, end=2.9)
    m = measure(_transcript([um, other]), speech)
    assert [(h.start, h.end) for h in m.hesitations] == [(2.5, 2.9)]
    assert [f.word for f in m.fillers] == ["um"]
    minutes = m.speaking_span_s / 60
    assert m.hesitations_per_minute == pytest.approx(1 / minutes, rel=0.01)
    assert m.disfluencies_per_minute == pytest.approx(
        (1 + speech.hesitation_weight) / minutes, rel=0.01
    )
    heavier = speech.model_copy(update={"hesitation_weight": 3.0})
    assert measure(_transcript([other]), heavier).disfluencies_per_minute == pytest.approx(
        4 / minutes, rel=0.01
    )


def test_answer_report_lists_hesitation_sounds_with_click_to_play(
    cli, tmp_path, report_transcriber
):
    hesitant, _, truth = _hesitant(7)
    wav = save_wav(tmp_path / "hesitant.wav", hesitant)
    out = tmp_path / "out"
    run = cli("answer", str(wav), "--question", "recsys-low-latency", "--out", str(out))
    assert run.code == 0, run.err
    r = json.loads((out / "report.json").read_text())
    assert r["stt"]["model"].startswith("base")
    sounds = r["metrics"]["hesitations"]
    assert len(sounds) >= 0.8 * len(truth)
    assert all({"start", "end"} <= set(h) and h["end"] > h["start"] for h in sounds)
    for p in r["metrics"]["per_phase"]:  # per phase, beside the fillers
        spans = [(s["start"], s["end"]) for s in r["phases"] if s["step"] == p["step"]]
        assert p["hesitations"] == sum(
            any(a <= h["start"] <= b + 1e-6 for a, b in spans) for h in sounds
        )
    assert sum(p["hesitations"] for p in r["metrics"]["per_phase"]) >= len(sounds) - 1
    md = (out / "report.md").read_text()
    assert "Hesitation sounds, heard in the audio, not words" in md
    html = (out / "report.html").read_text()
    assert "Hesitation sounds, heard in the audio, not words" in html
    for h in sounds:
        assert f'data-kind="hesitation" data-start="{h["start"]:.3f}"' in html
    assert 'class="hesitation" data-kind="hesitation"' in html and 'data-audio="' in html
