"""Transcriber: the faster-whisper adapter. Audio in, Transcript (words + VAD regions) out."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from pathlib import Path
from typing import Any, Protocol

from interviewer.audio import Audio, speech_regions
from interviewer.encoder_window import cut_window, degenerate, model_class
from interviewer.errors import ModelError, first_line
from interviewer.hesitations import find_hesitations
from interviewer.models import TINY_LABEL, TINY_SHA256, label, model_dir, tiny_model_dir
from interviewer.models import verify_model_dir as verify_model_dir
from interviewer.settings import SttOptions, VadOptions
from interviewer.transcript import Segment, Span, SttInfo, Transcript, Word

BUNDLED_MODEL = TINY_LABEL
BUNDLED_SHA256 = TINY_SHA256

# Segments Whisper emits with both a high no-speech probability and a low log-probability are
# the classic hallucination on noise ("Thank you.", "Bye."); faster-whisper's own thresholds.
ONE_WINDOW_S = 28.0  # Whisper's window is 30 s; keep a margin for VAD padding
WORDS_MISSING_S = 0.6  # a streamed chunk whose words end this long before its speech: decode on
NO_SPEECH_PROB = 0.6
LOW_LOGPROB = -1.0


class Transcriber(Protocol):
    """What the pipeline asks of a speech model: WhisperTranscriber, or a test's own."""

    def transcribe(self, audio: Audio) -> Transcript:
        """One pass over a whole answer: the transcript behind every report."""
        ...


class StreamingTranscriber(Transcriber, Protocol):
    """A Transcriber that can also hear a live turn piece by piece, and re-hear many turns in
    one batched pass (`report --rescore`)."""

    def transcribe_chunk(self, audio: Audio) -> Transcript:
        """One streamed piece of a live turn (no context before it)."""
        ...

    def transcribe_batched(self, audio: Audio, regions: list[Span] | None = None) -> Transcript:
        """Turns laid end to end, decoded in batches; regions: VAD already run on them."""
        ...


def bundled_model_dir(verify: bool = True) -> Path:
    return tiny_model_dir(verify)


def pick_device(requested: str) -> str:
    if requested in ("cpu", "cuda"):
        return requested
    if requested != "auto":
        raise ModelError(f"unknown device '{requested}': use auto, cpu or cuda")
    try:
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except Exception:
        return "cpu"


def pick_compute_type(requested: str, device: str) -> str:
    if requested != "auto":
        return requested
    return "float16" if device == "cuda" else "int8"


def _looks_like_cuda_failure(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(k in text for k in ("cuda", "cublas", "cudnn", "libcu", "gpu"))


def lower_priority(nice: int) -> None:
    """Lower this thread's scheduling priority (Linux: per thread; threads it starts inherit)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)


class WhisperTranscriber:
    """faster-whisper with word timestamps; the model is loaded once, on first use."""

    def __init__(self, options: SttOptions = SttOptions(), vad: VadOptions = VadOptions()):
        self.options = options
        self.vad = vad
        self._model: Any = None
        self._batched: Any = None
        self._loading = threading.RLock()
        self._resolved: str | None = None  # the checked model source, checked once
        self.device = pick_device(options.device)
        self.compute_type = pick_compute_type(options.compute_type, self.device)

    def info(self, live: WhisperTranscriber | None = None) -> SttInfo:
        """This model, for a report; live: the streaming model of the interview, when another."""
        return SttInfo(
            model=self.model_name,
            device=self.device,
            compute_type=self.compute_type,
            live_model=live.model_name if live is not None and live is not self else None,
        )

    @property
    def model_name(self) -> str:
        return label(self.options.model) if self.options.model else BUNDLED_MODEL

    # -- loading ------------------------------------------------------------------------------
    def _source(self) -> str:
        if self._resolved is None:
            self._resolved = self._resolve()
        return self._resolved

    def _resolve(self) -> str:
        name = self.options.model
        if name is None:
            return str(bundled_model_dir())
        packaged = model_dir(name)  # tiny.en and base ship as packages: verified, offline
        if packaged is not None:
            return str(packaged)
        path = Path(name).expanduser()
        if path.exists():
            if not (path / "model.bin").is_file():
                raise ModelError(f"{path} is not a CTranslate2 Whisper model (no model.bin)")
            return str(path)
        return name  # a faster-whisper model name, downloaded where a network exists

    def check(self) -> None:
        """Fail now on a bad model path or checksum (before an interview starts)."""
        self._source()

    def load_in_background(self, nice: int = 0) -> None:
        """Start loading the model; the first transcription waits for it (and re-raises).
        nice > 0: the model's compute threads, created here, run at that lower priority (Linux
        threads inherit it), so background transcription yields the cores to live work."""

        def work() -> None:
            if nice:
                lower_priority(nice)
            # load() runs again on first use and raises there, with the session saved.
            with contextlib.suppress(Exception):
                self.load()

        threading.Thread(target=work, daemon=True, name="stt-load").start()

    def load(self) -> Any:
        with self._loading:  # loaded once, even when a warm-up thread and a turn race for it
            return self._load()

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        source = self._source()
        try:
            # WhisperModel, with an encoder that can be cut to a streamed chunk's length.
            self._model = model_class()(
                source,
                device=self.device,
                compute_type=self.compute_type,
                # CTranslate2's own default is 4 threads: on a 2-core machine that oversubscribes
                # (tiny.en on a 6 s chunk: 1.87 s with 4 threads, 1.46 s with 2, measured here).
                cpu_threads=self.options.cpu_threads or min(4, os.cpu_count() or 4),
            )
        except Exception as exc:
            if (
                self.device == "cuda"
                and self.options.device == "auto"
                and _looks_like_cuda_failure(exc)
            ):
                self._fall_back_to_cpu(exc)
                return self._load()
            raise ModelError(
                f"could not load speech model '{self.model_name}' on {self.device} "
                f"({first_line(exc)}); "
                "without a network, pass a local model directory or omit --stt-model"
            ) from None
        return self._model

    def _fall_back_to_cpu(self, exc: BaseException) -> None:
        print(
            f"warning: CUDA libraries failed to load ({first_line(exc, 120)}); using the CPU",
            file=sys.stderr,
        )
        self._model = None
        self._batched = None
        self.device = "cpu"
        self.compute_type = pick_compute_type(self.options.compute_type, "cpu")

    # -- transcription ------------------------------------------------------------------------
    def transcribe(self, audio: Audio) -> Transcript:
        return self._run(audio, batched=False)

    def transcribe_chunk(self, audio: Audio) -> Transcript:
        """A piece of a turn cut at a silence (streaming). Under 30 s it is decoded as one
        window without timestamp tokens: with them, Whisper sometimes jumps its timestamp to
        the end of a short clip and drops the sentences in between (seen on 15 s chunks).
        Word times still come from the alignment."""
        return self._run(
            audio, batched=False, one_window=audio.duration_s <= ONE_WINDOW_S, hesitations=False
        )

    def transcribe_batched(self, audio: Audio, regions: list[Span] | None = None) -> Transcript:
        """Batched inference over VAD chunks: faster on long audio (re-scoring, benchmarks).
        `regions`: speech regions already measured on this audio (saved transcripts), reused
        rather than running the VAD again."""
        return self._run(audio, batched=True, regions=regions)

    def _run(
        self,
        audio: Audio,
        batched: bool,
        one_window: bool = False,
        regions: list[Span] | None = None,
        hesitations: bool = True,
    ) -> Transcript:
        if regions is None:
            regions = speech_regions(audio.samples, self.vad)
        result = Transcript(
            duration_s=round(audio.duration_s, 3),
            speech_regions=list(regions),
            model=self.model_name,
        )
        if not regions:
            return result  # silence or noise: never hand it to Whisper, which would invent words
        try:
            segments = self._decode(audio, batched, one_window, regions)
        except Exception as exc:
            if (
                self.device == "cuda"
                and self.options.device == "auto"
                and _looks_like_cuda_failure(exc)
            ):
                # CUDA libraries can load lazily and fail only on the first real call.
                self._fall_back_to_cpu(exc)
                segments = self._decode(audio, batched, one_window, regions)
            else:
                raise
        kept = [s for s in segments if _is_real_speech(s, regions)]
        result.segments = [
            Segment(text=s.text.strip(), start=round(s.start, 3), end=round(s.end, 3)) for s in kept
        ]
        result.words = [
            Word(
                word=w.word.strip(),
                start=round(w.start, 3),
                end=round(w.end, 3),
                probability=round(w.probability, 3),
            )
            for s in kept
            for w in (s.words or [])
            if w.word.strip()
        ]
        result.text = " ".join(s.text for s in result.segments).strip()
        if hesitations:  # for the report; the live path skips the work (its turns are refined)
            result.hesitations = find_hesitations(
                audio.samples, result.words, result.speech_regions
            )
        return result

    def _decode(
        self, audio: Audio, batched: bool, one_window: bool, regions: list[Span]
    ) -> list[Any]:
        model = self.load()
        common: dict[str, Any] = dict(
            language=self.options.language,
            beam_size=self.options.beam_size,
            word_timestamps=True,
            vad_filter=True,
        )
        if one_window and not batched:
            common["without_timestamps"] = True
            # A streamed chunk ends 0.25 s after its last word. With word timestamps,
            # faster-whisper re-seeks to the last word and decodes that tail again, and on a
            # short chunk Whisper fills it with "Thank you very much." window after window: a
            # 1.2 s chunk took 5 s (measured here), on the path to the reply. Skipping silent
            # stretches where a hallucination is suspected ends that loop (2.4 s, same words).
            common["hallucination_silence_threshold"] = 0.2
        if batched:
            if self._batched is None:
                from faster_whisper import BatchedInferencePipeline

                self._batched = BatchedInferencePipeline(model=model)
            # Tighter VAD than the pipeline's default (which pads 400 ms): packs less silence
            # into each batch and was both faster and more accurate here (WER 0.071 vs 0.087).
            segments, _ = self._batched.transcribe(
                audio.samples,
                batch_size=self.options.batch_size,
                vad_parameters={"min_silence_duration_ms": 250, "speech_pad_ms": 200},
                **common,
            )
        elif one_window:
            o = self.options
            if not o.cut_window:
                return self._one_window(model, audio, common, regions)
            with cut_window(o.window_min_s, o.window_margin_s):
                cut = self._one_window(model, audio, common, regions)
            words = [w.word for s in cut for w in (s.words or [])]
            speech_s = sum(r.end - r.start for r in regions)
            if not degenerate(words, " ".join(s.text for s in cut), speech_s):
                return cut
            return self._one_window(model, audio, common, regions)  # the full window, once
        else:
            segments, _ = model.transcribe(audio.samples, **common)
        return list(segments)  # the generator does the work: consume it here

    @staticmethod
    def _one_window(
        model: Any, audio: Audio, common: dict[str, Any], regions: list[Span]
    ) -> list[Any]:
        """One window without timestamp tokens is one segment holding the chunk's words.
        Asking the generator for more re-seeks to the last word and encodes the trailing
        silence again, a whole window each time (measured: 3 encodes a chunk, 1.9 s for a 2 s
        chunk, on the path to the reply). Only when the words stop well before the speech does
        (Whisper ended the window early) is the rest decoded."""
        segments, _ = model.transcribe(audio.samples, **common)
        it = iter(segments)
        first = next(it, None)
        if first is None:
            return []
        said_to = first.words[-1].end if first.words else 0.0
        return [first] if regions[-1].end - said_to <= WORDS_MISSING_S else [first, *it]


def _is_real_speech(segment: Any, regions: list[Any]) -> bool:
    if segment.no_speech_prob > NO_SPEECH_PROB and segment.avg_logprob < LOW_LOGPROB:
        return False
    overlap: float = sum(
        max(0.0, min(segment.end, r.end) - max(segment.start, r.start)) for r in regions
    )
    return overlap > 0.05  # a segment over no detected speech at all is invented
