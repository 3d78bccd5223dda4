"""The real faster-whisper on espeak-ng speech with known words and silences."""

from __future__ import annotations

import numpy as np
import pytest
from speech import compose, spoken_text

from interviewer.audio import SAMPLE_RATE, Audio
from interviewer.errors import ModelError
from interviewer.settings import SttOptions
from interviewer.stt import BUNDLED_SHA256, WhisperTranscriber, bundled_model_dir, verify_model_dir
from interviewer.wer import word_error_rate

LONG_ANSWER = [
    "Before I start, I want to understand who uses this system and what a good result looks like.",
    "Are we ranking products on a home page, and how quickly must the page load?",
    2.5,
    "For a first version, I would train a simple model on past clicks and purchases.",
    "The model predicts the chance that a person clicks an item, and we sort by that chance.",
    "We measure it offline with recall on a held out week of real traffic.",
    2.5,
    "Then I would improve the slowest part of the system.",
    "The first problem is new users, who have no history, so I would start them with popular "
    "items.",
    "The second problem is scale, so I would split the item index across several machines.",
    "Caching popular results makes pages fast, but the results can become stale.",
    "A larger ranking model is more accurate, but it costs more to serve every request.",
    2.5,
    "After launch, I would watch click rates in an experiment, alert when the input data drifts,",
    "and retrain the model every week, with a plan to roll back if the numbers drop.",
    "I would also ask people on the support team to review a sample of the results each month.",
]


def test_words_have_timestamps_and_low_error(transcriber):
    samples, pieces = compose("The quick brown fox jumps over the lazy dog near the river bank.")
    t = transcriber.transcribe(Audio(samples))
    assert word_error_rate(spoken_text(pieces), t.text) <= 0.2
    assert t.words, "no words"
    for w in t.words:
        assert 0 <= w.start <= w.end <= t.duration_s + 0.1
    assert [w.start for w in t.words] == sorted(w.start for w in t.words)


@pytest.mark.slow
def test_long_answer_wer_within_five_points_of_plain(transcriber):
    """Whatever we do beyond plain decoding (word timestamps, VAD) must not cost accuracy."""
    samples, pieces = compose(*LONG_ANSWER)
    assert 60 <= len(samples) / SAMPLE_RATE <= 80
    reference = spoken_text(pieces)
    ours = transcriber.transcribe(Audio(samples))
    plain_segments, _ = transcriber.load().transcribe(samples, language="en", beam_size=5)
    plain = " ".join(s.text for s in plain_segments)
    wer_ours, wer_plain = word_error_rate(reference, ours.text), word_error_rate(reference, plain)
    assert wer_plain <= 0.2
    assert wer_ours <= wer_plain + 0.05, (wer_ours, wer_plain)


def test_silence_gives_empty_transcript(transcriber):
    t = transcriber.transcribe(Audio(np.zeros(10 * SAMPLE_RATE, dtype=np.float32)))
    assert t.text == "" and t.words == [] and t.speech_regions == []


def test_near_silence_and_white_noise_give_empty_transcript(transcriber):
    rng = np.random.default_rng(7)
    hiss = (rng.standard_normal(10 * SAMPLE_RATE) * 0.001).astype(np.float32)
    noise = (rng.standard_normal(10 * SAMPLE_RATE) * 0.3).astype(np.float32)
    assert transcriber.transcribe(Audio(hiss)).words == []
    assert transcriber.transcribe(Audio(noise)).words == []


def test_batched_matches_sequential(transcriber):
    samples, pieces = compose(*LONG_ANSWER[:6])
    seq = transcriber.transcribe(Audio(samples))
    bat = transcriber.transcribe_batched(Audio(samples))
    assert (
        word_error_rate(spoken_text(pieces), bat.text)
        <= word_error_rate(spoken_text(pieces), seq.text) + 0.1
    )
    assert bat.words and all(w.end >= w.start for w in bat.words)


def test_bundled_model_passes_its_checksum():
    path = bundled_model_dir(verify=True)
    assert (path / "model.bin").is_file()


def test_checksum_mismatch_fails_clearly(tmp_path):
    for name in BUNDLED_SHA256:
        (tmp_path / name).write_bytes(b"not the model")
    with pytest.raises(ModelError, match="SHA-256"):
        verify_model_dir(tmp_path, BUNDLED_SHA256)


def test_local_model_directory_works(tmp_path, transcriber):
    # Any CTranslate2 Whisper directory works: here a link farm to the bundled files.
    for f in bundled_model_dir().iterdir():
        (tmp_path / f.name).symlink_to(f)
    t = WhisperTranscriber(SttOptions(model=str(tmp_path)))
    samples, _ = compose("Monitoring matters after launch.")
    assert "monitor" in t.transcribe(Audio(samples)).text.lower()


def test_directory_without_model_fails_clearly(tmp_path):
    with pytest.raises(ModelError, match=r"no model\.bin"):
        WhisperTranscriber(SttOptions(model=str(tmp_path))).load()


def test_auto_device_falls_back_to_cpu_when_cuda_fails(monkeypatch, capsys):
    """No GPU here: ctranslate2 is told one exists, so loading on CUDA really fails."""
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)
    t = WhisperTranscriber(SttOptions(device="auto"))
    assert t.device == "cuda" and t.compute_type == "float16"
    samples, _ = compose("Monitoring matters after launch.")
    text = t.transcribe(Audio(samples)).text.lower()
    assert "monitor" in text
    assert t.device == "cpu" and t.compute_type == "int8"
    warning = capsys.readouterr().err.strip().splitlines()
    assert len(warning) == 1 and warning[0].startswith("warning: CUDA libraries failed to load")
    assert warning[0].endswith("using the CPU")


def test_explicit_cuda_without_a_gpu_is_a_clean_error():
    with pytest.raises(ModelError, match="could not load speech model"):
        WhisperTranscriber(SttOptions(device="cuda")).load()


def test_a_streamed_chunk_is_encoded_at_its_own_length_with_the_same_words(
    transcriber, monkeypatch
):
    """The encoder input of a streamed chunk is cut to the chunk (at least 10 s); the report's
    one-pass transcript keeps Whisper's full 30 s window. The words agree."""
    from faster_whisper import WhisperModel

    widths: list[int] = []
    encode = WhisperModel.encode

    def spy(self, features):
        widths.append(features.shape[-1])
        return encode(self, features)

    monkeypatch.setattr(WhisperModel, "encode", spy)
    samples, pieces = compose(
        "For a first version, I would train a simple model on past clicks and purchases.",
        0.6,
        "We measure it offline with recall on a held out week of traffic.",
    )
    assert len(samples) / SAMPLE_RATE < 10
    chunk = transcriber.transcribe_chunk(Audio(samples))
    assert widths and all(w == 1000 for w in widths), widths
    widths.clear()
    whole = transcriber.transcribe(Audio(samples))
    assert widths and all(w == 3000 for w in widths), widths
    reference = spoken_text(pieces)
    assert word_error_rate(reference, chunk.text) <= word_error_rate(reference, whole.text) + 0.1
    assert word_error_rate(whole.text, chunk.text) <= 0.1, (whole.text, chunk.text)
