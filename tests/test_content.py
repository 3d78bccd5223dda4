"""The question bank, agendas and rubric load, agree with each other, and hold what was promised."""

from __future__ import annotations

import pytest
from conftest import CONTENT

import interviewer
from interviewer.content import (
    get_question,
    load_agenda,
    load_questions,
    load_rubric,
    question_budget,
)
from interviewer.errors import ContentError

REQUIRED = [
    "recsys-low-latency",
    "llm-serving-cost",
    "rag-support-bot",
    "track-football",
    "content-moderation",
]
CATEGORIES = {
    "ml-system-design",
    "llm-system-design",
    "mlops",
    "architecture-strategy",
    "ml-fundamentals",
    "behavioral",
}


def test_bank_is_big_enough_and_covers_every_category():
    qs = load_questions()
    assert len(qs) >= 30
    assert {q.category for q in qs.values()} == CATEGORIES
    for rid in REQUIRED:
        assert rid in qs
    assert "10,000" in qs["recsys-low-latency"].text or "10000" in qs["recsys-low-latency"].text
    assert "football" in qs["track-football"].text.lower()


@pytest.mark.parametrize("qid", sorted(load_questions()))
def test_each_question_is_complete_and_matches_its_agenda(qid):
    q = get_question(qid)
    agenda = load_agenda(q.agenda)
    budget = question_budget(q, agenda)
    assert sum(budget.values()) == pytest.approx(q.minutes)
    steps = {s.id for s in agenda.steps}
    assert q.facts and q.key_points and q.follow_ups and q.curveballs
    assert all(kp.step in steps and kp.cues for kp in q.key_points)
    assert all(f.step in steps for f in q.follow_ups)
    assert all(fact.keywords and fact.answer for fact in q.facts)
    assert q.track in ("production", "research")


def test_agendas_have_fixed_step_ids():
    assert [s.id for s in load_agenda("ml-design").steps] == [
        "clarify",
        "baseline",
        "iterate",
        "monitor",
    ]
    assert [c.id for c in load_agenda("ml-design").step("baseline").checks] == [
        "data",
        "model",
        "objective",
        "metric",
    ]
    assert [s.id for s in load_agenda("system-design").steps] == [
        "clarify",
        "high-level",
        "deep-dive",
        "scale",
    ]
    assert [s.id for s in load_agenda("star").steps] == ["situation", "task", "action", "result"]


def test_rubric_has_five_criteria_with_five_levels():
    r = load_rubric()
    assert set(r.criteria) == {"clarity", "tradeoffs", "timing", "coverage", "depth"}
    assert set(r.overall.content) <= set(r.criteria)
    assert r.speech.long_pause_s == 2.0
    for c in r.criteria.values():
        assert sorted(c.levels) == ["1", "2", "3", "4", "5"] and c.rules


def test_unknown_question_suggests():
    with pytest.raises(ContentError, match=r"did you mean.*rag-support-bot"):
        get_question("rag-suport-bot")


def test_broken_rubric_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\nversion = "1"\nname = "x"\n[speech]\nfillers = []\n')
    with pytest.raises(ContentError, match=r"bad\.toml"):
        load_rubric(str(bad))
    bad.write_text("this is = = not toml")
    with pytest.raises(ContentError, match="not valid TOML"):
        load_rubric(str(bad))
    # a rubric that parses but holds a value that cannot be meant: named, not used
    good = (CONTENT / "rubrics" / "default.toml").read_text()
    assert "long_pause_s = 2.0" in good
    bad.write_text(good.replace("long_pause_s = 2.0", "long_pause_s = -1.0"))
    with pytest.raises(ContentError, match=r"bad\.toml.*long_pause_s"):
        load_rubric(str(bad))


def test_public_api_is_importable():
    for name in interviewer.__all__:
        assert hasattr(interviewer, name), name


def test_advice_limits_live_in_the_rubric(tmp_path):
    from interviewer.content import Advice

    assert load_rubric().advice == Advice(
        tradeoffs_score=3.0,
        fillers_per_minute=4.0,
        hedges_per_minute=3.0,
        thinking_time_s=10.0,
        budget_deviation=0.25,
    )


def test_question_and_agenda_by_id_or_own_text():
    from interviewer.content import question_and_agenda

    q, a = question_and_agenda("recsys-low-latency")
    assert (q.id, a.id) == ("recsys-low-latency", q.agenda)
    q, a = question_and_agenda("recsys-low-latency", agenda_id="star")
    assert a.id == "star"
    q, a = question_and_agenda(None, "  Design a fraud detector ")
    assert (q.id, q.text, a.id) == ("custom", "Design a fraud detector", "ml-design")
    with pytest.raises(ContentError, match="question text is empty"):
        question_and_agenda(None, "  ")
    with pytest.raises(ContentError, match="unknown question id ''"):
        question_and_agenda("")


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("weight = 0.5", "weight = inf", "weight"),
        ("base = 5", "base = nan", "base"),
        ("points = -1", "points = inf", "points"),
        ("per_unit = -0.5", "per_unit = 1e308", "per_unit"),
    ],
)
def test_a_rubric_number_that_would_make_scores_nan_is_refused(tmp_path, old, new, field):
    good = (CONTENT / "rubrics" / "default.toml").read_text()
    assert old in good
    bad = tmp_path / "bad.toml"
    bad.write_text(good.replace(old, new, 1))
    with pytest.raises(ContentError, match=rf"bad\.toml.*{field}"):
        load_rubric(str(bad))


def test_session_names_the_recordings_folder_uses_or_that_a_cut_spoils_are_refused():
    from interviewer.errors import SessionError
    from interviewer.session import MAX_ID, sanitize

    for name in ("index.sqlite", "INDEX.SQLITE", "index.sqlite-wal"):
        with pytest.raises(SessionError, match="recordings folder uses"):
            sanitize(name)
    cut = sanitize("a" * (MAX_ID - 1) + "-tail")
    assert len(cut) <= MAX_ID and not cut.endswith(("-", ".")), cut
    assert sanitize("x" * (MAX_ID - 1) + ".more") == "x" * (MAX_ID - 1)
