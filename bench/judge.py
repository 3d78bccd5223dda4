"""How well the judge's scores track answer quality, on graded answer sets.

For each answer in bench/graded/<set>/ (default: dev): judge its exact text, and with --speech the
same text spoken by a human-like voice (Piper, else espeak-ng) and transcribed by the report model.
Prints per-answer and per-kind figures, then one line per mode:

    judge agenda_acc=X spearman=Y buzzword_max=Z offtopic_max=W paraphrase_recall=V

agenda_acc: share of (answer, step) pairs whose covered/not-covered matches the label;
spearman: rank correlation of `overall` with the interviewer's overall grade;
buzzword_max / offtopic_max: the highest overall of a buzzword list / an answer to another question;
paraphrase_recall: share of their labelled steps that paraphrased answers keep.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine
from graded import KINDS, GradedSet, load_set, spearman

from interviewer.content import load_agenda, load_rubric
from interviewer.judge.model import CRITERIA
from interviewer.pipeline import Context, judge_transcript
from interviewer.report.model import Report, SttInfo
from interviewer.transcript import Transcript, typed

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out" / "graded"
COVERED = ("covered", "prompted")


def judge_all(gs: GradedSet, transcripts: dict[str, Transcript], judge=None) -> dict[str, Report]:  # type: ignore[no-untyped-def]
    rubric = load_rubric()
    stt = SttInfo(model="bench", device="cpu", compute_type="int8")
    out = {}
    for a in gs.answers:
        q = gs.questions[a.question]
        ctx = Context(
            q,
            load_agenda(q.agenda),
            rubric,
            bank=gs.questions,
            **({"judge": judge} if judge else {}),
        )
        out[a.id] = judge_transcript(transcripts[a.id], ctx, a.id, stt)
    return out


def figures(gs: GradedSet, reports: dict[str, Report]) -> dict[str, float]:
    agree, total = 0, 0
    kept, labelled = 0, 0
    tp = fp = fn = 0
    per_agenda: dict[str, list[int]] = {}
    for a in gs.answers:
        status = {s.step: s.status for s in reports[a.id].agenda}
        agenda = reports[a.id].question.agenda
        for step, st in status.items():
            truth = step in a.covers
            said = st in COVERED
            agree += said == truth
            total += 1
            per_agenda.setdefault(agenda, [0, 0])
            per_agenda[agenda][0] += said == truth
            per_agenda[agenda][1] += 1
            tp += said and truth
            fp += said and not truth
            fn += truth and not said
            if a.kind == "paraphrase" and truth:
                labelled += 1
                kept += said
    overall = [reports[a.id].scores.overall for a in gs.answers]
    grades = [a.grades["overall"] for a in gs.answers]

    def worst(kind: str) -> float:
        return max(
            (reports[a.id].scores.overall for a in gs.answers if a.kind == kind), default=0.0
        )

    strong = [reports[a.id].scores.overall for a in gs.answers if a.kind == "strong"]
    weak = [a for a in gs.answers if a.kind == "weak"]
    out = {
        "agenda_acc": agree / total if total else 0.0,
        "covered_precision": tp / (tp + fp) if tp + fp else 0.0,
        "covered_recall": tp / (tp + fn) if tp + fn else 0.0,
        "spearman": spearman(overall, grades),
        "buzzword_max": worst("buzzword"),
        "offtopic_max": worst("offtopic"),
        "paraphrase_recall": kept / labelled if labelled else 0.0,
        "strong_min": min(strong, default=0.0),
        "weak_gap": (
            statistics.mean(reports[a.id].scores.overall for a in weak)
            - statistics.mean(a.grades["overall"] for a in weak)
            if weak
            else 0.0
        ),
    }
    for agenda, (ok, n) in sorted(per_agenda.items()):
        out[f"agenda_acc_{agenda}"] = ok / n
    for c in ("tradeoffs", "coverage", "depth"):
        got = [float(getattr(reports[a.id].scores, c).score) for a in gs.answers if c in a.grades]
        want = [a.grades[c] for a in gs.answers if c in a.grades]
        out[f"spearman_{c}"] = spearman(got, want)
    return out


def summary(f: dict[str, float]) -> str:
    return (
        f"agenda_acc={f['agenda_acc']:.3f} spearman={f['spearman']:.3f} "
        f"tradeoffs_spearman={f['spearman_tradeoffs']:.3f} "
        f"paraphrase_recall={f['paraphrase_recall']:.3f} weak_gap={f['weak_gap']:.2f} "
        f"buzzword_max={f['buzzword_max']:.2f} offtopic_max={f['offtopic_max']:.2f}"
    )


def print_table(gs: GradedSet, reports: dict[str, Report], verbose: bool) -> None:
    if verbose:
        print(
            f"{'answer':<28} {'kind':<10} {'grade':>5} {'overall':>7}  "
            + " ".join(f"{c[:5]:>5}" for c in CRITERIA)
            + "  agenda (label)"
        )
        for a in gs.answers:
            r = reports[a.id]
            marks = "".join(
                (
                    "C"
                    if s.status == "covered"
                    else "p"
                    if s.status == "prompted"
                    else "~"
                    if s.status == "partial"
                    else "."
                )
                for s in r.agenda
            )
            label = "".join("C" if s.step in a.covers else "." for s in r.agenda)
            flags = ",".join(sorted({f.kind for f in r.flags}))
            print(
                f"{a.id:<28} {a.kind:<10} {a.grades['overall']:>5.1f} {r.scores.overall:>7.2f}  "
                + " ".join(f"{getattr(r.scores, c).score:>5}" for c in CRITERIA)
                + f"  {marks} ({label}) {flags}"
            )
    print(
        f"\n{'kind':<11} {'n':>3} {'grade':>6} {'overall':>8} "
        + " ".join(f"{c[:6]:>7}" for c in CRITERIA)
    )
    for kind in KINDS:
        mine = [a for a in gs.answers if a.kind == kind]
        if not mine:
            continue
        g = statistics.mean(a.grades["overall"] for a in mine)
        o = statistics.mean(reports[a.id].scores.overall for a in mine)
        cs = [
            statistics.mean(getattr(reports[a.id].scores, c).score for a in mine) for c in CRITERIA
        ]
        print(
            f"{kind:<11} {len(mine):>3} {g:>6.2f} {o:>8.2f} " + " ".join(f"{x:>7.2f}" for x in cs)
        )


def spoken(gs: GradedSet, stt_model: str | None, voice: str) -> dict[str, Transcript]:
    """Each answer spoken and transcribed by the report model; audio and transcripts cached."""
    import numpy as np

    from interviewer.audio import load_audio, save_wav
    from interviewer.settings import SttOptions
    from interviewer.stt import WhisperTranscriber

    sys.path.insert(0, str(ROOT.parent / "tests"))
    import speech

    say = getattr(speech, "piper_say", None) if voice == "piper" else None
    if voice == "piper" and say is None:
        print("piper voice unavailable: using espeak-ng", file=sys.stderr)
        voice = "espeak"
    folder = OUT / gs.name / voice
    folder.mkdir(parents=True, exist_ok=True)
    t = WhisperTranscriber(SttOptions(model=stt_model))
    tag = (stt_model or "default").replace("/", "_")
    out = {}
    for a in gs.answers:
        cached = folder / f"{a.id}.{tag}.json"
        if cached.is_file():
            out[a.id] = Transcript.model_validate_json(cached.read_text())
            continue
        wav = folder / f"{a.id}.wav"
        if not wav.is_file():
            samples = say(a.text) if say else speech.speak(a.text, 165)
            save_wav(wav, np.asarray(samples, dtype=np.float32))
        tr = t.transcribe(load_audio(wav))
        cached.write_text(tr.model_dump_json())
        out[a.id] = tr
    return out


def session_timing(gs: GradedSet, minutes: float = 45.0) -> tuple[float, float, int]:
    """Judging a whole session from its saved transcripts: the set's answers as the turns of one
    `minutes`-long interview on the session clock. Returns (cold s, warm s, words): cold embeds
    every sentence afresh (a new cache); warm reuses the embeddings the live interview computed."""
    import tempfile

    from interviewer.meaning import MiniLM
    from interviewer.transcript import combine

    parts, clock, i = [], 0.0, 0
    while clock < minutes * 60:
        a = gs.answers[i % len(gs.answers)]
        t = typed(f"{a.text} (take {i})")
        parts.append((clock, clock + t.duration_s, t))
        clock += t.duration_s + 8.0  # the interviewer's line between turns
        i += 1
    whole = combine(parts, clock)
    q = gs.questions[gs.answers[0].question]
    rubric = load_rubric()
    stt = SttInfo(model="bench", device="cpu", compute_type="int8")
    timings = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "e.npz"
        # The bank is embedded once per machine; both runs start with it on disk.
        from interviewer.meaning.substance import outline, profile

        seed = MiniLM(store=store)
        seed.embed([x for qq in gs.questions.values() for x in outline(qq)] + profile(q))
        seed.flush()
        for _ in ("cold", "warm"):  # warm: a new process, with the first run's sentences on disk
            emb = MiniLM(store=store)
            ctx = Context(q, load_agenda(q.agenda), rubric, bank=gs.questions, embedder=emb)
            t0 = time.perf_counter()
            judge_transcript(whole, ctx, "session", stt)
            timings.append(time.perf_counter() - t0)
            emb.flush()
    return timings[0], timings[1], len(whole.words)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default="dev", help="a folder in bench/graded/ (default: dev)")
    ap.add_argument(
        "--speech", action="store_true", help="also judge the answers spoken and transcribed"
    )
    ap.add_argument("--voice", default="piper", choices=["piper", "espeak"])
    ap.add_argument(
        "--speech-sample",
        type=int,
        default=0,
        metavar="K",
        help="speak only the first K answers of each kind (0: all)",
    )
    ap.add_argument("--stt-model", default=None, help="report model (default: the program's)")
    ap.add_argument("--llm", metavar="MODEL", help="judge with this model on OPENAI_BASE_URL")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per answer")
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument(
        "--session-minutes",
        type=float,
        default=45.0,
        help="also time judging one session this long from saved transcripts (0: skip)",
    )
    ap.add_argument(
        "--cv",
        action="store_true",
        help="also cross-validate the detectors on the corpus (one question, one agenda out)",
    )
    args = ap.parse_args()

    gs = load_set(ROOT / "graded" / args.set)
    judge = None
    if args.llm:
        from interviewer.judge.llm import LlmJudge
        from interviewer.llm import LlmClient, load_llm_options

        judge = LlmJudge(LlmClient(load_llm_options(args.llm)))  # type: ignore[arg-type]
    print(
        f"{len(gs.answers)} answers to {len({a.question for a in gs.answers})} questions "
        f"({args.set}); {machine()}"
    )
    modes = {"text": (gs, {a.id: typed(a.text) for a in gs.answers})}
    if args.speech:
        sample = gs
        if args.speech_sample:
            keep = [
                a
                for k in KINDS
                for a in [x for x in gs.answers if x.kind == k][: args.speech_sample]
            ]
            sample = GradedSet(gs.name, keep, gs.questions)
            modes["text, speech sample"] = (sample, {a.id: typed(a.text) for a in keep})
            print(
                f"speech on a sample: the first {args.speech_sample} answers of each kind "
                f"({len(keep)})"
            )
        modes["speech"] = (sample, spoken(sample, args.stt_model, args.voice))
    results = {}
    for mode, (mgs, transcripts) in modes.items():
        t0 = time.perf_counter()
        reports = judge_all(mgs, transcripts, judge)
        took = time.perf_counter() - t0
        print(f"\n== {mode} ({took:.1f} s to judge)")
        print_table(mgs, reports, args.verbose)
        f = figures(mgs, reports)
        results[mode] = f
        agendas = " ".join(
            f"{k.removeprefix('agenda_acc_')}={v:.2f}"
            for k, v in f.items()
            if k.startswith("agenda_acc_")
        )
        print(
            f"\nstrong_min={f['strong_min']:.2f} spearman_tradeoffs={f['spearman_tradeoffs']:.2f} "
            f"spearman_coverage={f['spearman_coverage']:.2f} "
            f"spearman_depth={f['spearman_depth']:.2f} "
            f"covered P/R={f['covered_precision']:.2f}/{f['covered_recall']:.2f} "
            f"agenda by agenda: {agendas}"
        )
        print(f"judge[{mode}] {summary(f)}")
    if args.session_minutes:
        cold, warm, words = session_timing(gs, args.session_minutes)
        print(
            f"\njudging a {args.session_minutes:g}-minute session ({words} words) from saved "
            "transcripts: "
            f"{cold:.1f} s with every sentence embedded afresh, {warm:.1f} s with the live "
            f"interview's embeddings cached"
        )
    if args.cv:
        from cv import cross_validate

        cross_validate()
    last = results["speech" if "speech" in results else "text"]
    print(f"judge {summary(last)}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
