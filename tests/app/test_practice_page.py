"""The Practice page: an exercise checked from pasted code, and an interview card graded."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_driver import links, start, texts, use
from app_library import settings_for

from reader import Library

pytestmark = pytest.mark.slow  # the shared index is built by ingesting three real papers

PRACTICE = "app_pages/practice.py"
SOLUTIONS = Path(__file__).resolve().parents[1] / "study" / "practice_files"


def run_checks(at: object, code: str) -> None:
    at.text_area(key="practice_code_gelu").input(code).run()  # type: ignore[attr-defined]
    next(b for b in at.button if b.label == "Run the checks").click().run()  # type: ignore[attr-defined]


def test_pasted_code_is_checked_and_a_mistake_gets_its_hint(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start(PRACTICE)
    at.selectbox(key="practice_exercise").set_value("gelu").run()
    assert any("paper=1606.08415" in q and "section=2" in q for _, q in links(at))
    run_checks(at, (SOLUTIONS / "correct" / "gelu.py").read_text(encoding="utf-8"))
    assert not at.exception
    assert "All 6 checks passed." in [s.value for s in at.success]

    run_checks(at, (SOLUTIONS / "wrong" / "gelu_tanh.py").read_text(encoding="utf-8"))
    assert any("5 of 6 checks passed" in e.value for e in at.error)
    assert any("tanh approximation" in c.value for c in at.code)


def test_an_exercise_of_a_paper_not_ingested_says_so(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start(PRACTICE)
    at.selectbox(key="practice_exercise").set_value("clip-loss").run()
    assert "2103.00020 is not ingested yet" in texts(at)
    assert not any("paper=2103.00020" in q for _, q in links(at))


def test_an_interview_card_is_shown_answered_and_graded(
    monkeypatch: pytest.MonkeyPatch, private: Path
) -> None:
    use(monkeypatch, private)
    at = start(PRACTICE)
    front = texts(at)
    assert "due today" in front
    next(b for b in at.button if b.label == "Show the answer").click().run()
    assert not at.exception
    next(b for b in at.button if b.label == "Good").click().run()
    assert not at.exception
    assert any(s.value.startswith("Recorded. Next due on") for s in at.success)
    with Library(settings_for(private / "index", private / "papers.yaml")) as lib:
        assert lib.study.quiz_stats().reviews == 1
