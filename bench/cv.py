"""Cross-validation of the sentence detectors on the training corpus (bench/judge.py --cv).

Each decision's logistic layer is re-fitted leaving one question out (every question in turn),
and leaving one agenda out (the step detector then scores an agenda it never saw), and judged on
the rows left out: precision, recall and F1 per decision, pooled over the folds.
"""

from __future__ import annotations

import numpy as np

from interviewer.content import load_rubric
from interviewer.meaning.embedder import default_embedder
from interviewer.meaning.train import build, fit, l2_of, read_corpus


def _prf(y: np.ndarray, p: np.ndarray) -> tuple[float, float, float]:
    said = p >= 0.5
    tp = float((said & (y > 0.5)).sum())
    prec = tp / max(1.0, float(said.sum()))
    rec = tp / max(1.0, float((y > 0.5).sum()))
    return prec, rec, 2 * prec * rec / max(1e-9, prec + rec)


def _folds(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, l2: float
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities, one fold per distinct group (warm-started from the full fit)."""
    whole = fit(x, y, l2)
    out = np.zeros(len(y))
    seen = np.zeros(len(y), dtype=bool)
    for g in sorted(set(groups.tolist())):
        test = groups == g
        if test.all() or len(set(y[~test].tolist())) < 2:
            continue
        model = fit(x[~test], y[~test], l2, start=whole)
        out[test] = model.proba(x[test])
        seen |= test
    return out[seen], y[seen]


def cross_validate() -> dict[str, float]:
    corpus = read_corpus()
    data = build(corpus, default_embedder(), load_rubric().meaning)
    print(
        f"\n== detectors, cross-validated on the corpus ({len(corpus)} sentences, "
        f"{len({s.question for s in corpus})} questions)"
    )
    print(f"{'decision':<10} {'fold':<9} {'rows':>6} {'P':>6} {'R':>6} {'F1':>6}")
    out: dict[str, float] = {}
    for kind, (x, y, question, agenda) in data.items():
        if kind.startswith("head:"):
            continue  # judged together below, as the step each sentence is put in
        for name, groups in (("question", question), ("agenda", agenda)):
            if name == "agenda" and kind == "check":
                continue  # checks exist in one agenda only
            p, yy = _folds(x, y, groups, l2_of(kind))
            prec, rec, f1 = _prf(yy, p)
            out[f"{kind}_{name}_f1"] = f1
            print(f"{kind:<10} {name:<9} {len(yy):>6} {prec:>6.2f} {rec:>6.2f} {f1:>6.2f}")
    for agenda, acc in step_accuracy(data).items():  # type: ignore[arg-type]
        out[f"step_{agenda}_acc"] = acc
    return out


def step_accuracy(data: dict[str, tuple[np.ndarray, ...]]) -> dict[str, float]:
    """Leaving one question out: how often a sentence that serves a step is put in that step
    (argmax over the agenda's heads), per agenda."""
    out = {}
    heads: dict[str, list[str]] = {}
    for kind in data:
        if kind.startswith("head:"):
            heads.setdefault(kind.split(":")[1], []).append(kind)
    for agenda, kinds in sorted(heads.items()):
        probs = []
        for kind in kinds:
            x, y, question, _ = data[kind]
            p, _ = _folds(x, y, question, l2_of(kind))
            probs.append(p)
        ys = np.stack([data[k][1] for k in kinds], axis=1)
        served = ys.sum(axis=1) > 0
        got = np.stack(probs, axis=1).argmax(axis=1)
        acc = float((ys[served].argmax(axis=1) == got[served]).mean())
        out[agenda] = acc
        print(f"step put right, {agenda:<14} {int(served.sum()):>5} sentences  {acc:.2f}")
    return out
