"""The study companion in the app: this week on the Library page, and 'Add to reading list'."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from app_driver import links, start, texts, use
from app_library import READING_LIST, settings_for

from reader import Library

pytestmark = pytest.mark.slow  # the shared index is built by ingesting three real papers

CONCEPTS = "app_pages/concepts.py"
READ = "app_pages/read.py"


def test_the_library_opens_with_this_week_overdue_papers_cards_and_exercises(
    monkeypatch: pytest.MonkeyPatch, private: Path
) -> None:
    with Library(settings_for(private / "index", private / "papers.yaml")) as lib:
        # Day 15 of the plan is week 3: MoCo v2 (weeks 3-4) now, weeks 1-2 overdue.
        lib.study.set_plan_start(dt.date.today() - dt.timedelta(days=15))
    use(monkeypatch, private)
    at = start()
    assert "Week 3 of 9" in [s.value for s in at.subheader]
    labels = [label for label, _ in links(at)]
    now = next(i for i, label in enumerate(labels) if label.startswith("Improved Baselines"))
    late = next(i for i, label in enumerate(labels) if label.startswith("Attention Is All"))
    assert "first: introduction, method" in labels[late]
    assert now < late  # "to read now" comes before "overdue"
    assert [m.value for m in at.metric if m.label == "Cards due today"] != []
    assert "clip-loss" in texts(at)  # the stage-2 exercise, MoCo v2 being stage 2
    assert "gelu" not in texts(at).split("Exercises for this stage:")[1].split("\n")[0]


def test_the_plan_is_started_from_the_library_page(
    monkeypatch: pytest.MonkeyPatch, private: Path
) -> None:
    use(monkeypatch, private)
    at = start()
    assert "Set the day you started" in texts(at)
    next(b for b in at.button if b.label == "Start the plan").click().run()
    assert not at.exception
    assert "Week 1 of 9" in [s.value for s in at.subheader]
    with Library(settings_for(private / "index", private / "papers.yaml")) as lib:
        assert lib.study.plan_start() == dt.date.today()


def test_a_concepts_introducing_paper_not_on_the_list_can_be_added(
    monkeypatch: pytest.MonkeyPatch, private: Path
) -> None:
    use(monkeypatch, private)
    at = start(CONCEPTS)
    at.text_input(key="concept_term").input("dropout").run()
    assert "not on your reading list" in texts(at)
    next(b for b in at.button if b.label == "Add 1207.0580 to the reading list").click().run()
    assert not at.exception
    assert any("Added 1207.0580" in s.value.replace("\\", "") for s in at.success)
    written = (private / "papers.yaml").read_text(encoding="utf-8")
    assert written.startswith(READING_LIST) and '"1207.0580"' in written
    at.text_input(key="concept_term").input("GELU").run()  # its paper is listed: no button
    assert not [b for b in at.button if "to the reading list" in str(b.label)]


def test_a_reference_with_an_arxiv_id_can_be_added_from_the_read_page(
    monkeypatch: pytest.MonkeyPatch, private: Path
) -> None:
    use(monkeypatch, private)
    at = start(READ, {"paper": "1706.03762"})
    assert any(e.label.startswith("References: ") for e in at.expander)
    buttons = [b for b in at.button if str(b.label).endswith("to the reading list")]
    assert buttons, "the Transformer paper cites arXiv preprints"
    paper_id = str(buttons[0].label).split()[1]
    buttons[0].click().run()
    assert not at.exception
    written = (private / "papers.yaml").read_text(encoding="utf-8")
    assert written.startswith(READING_LIST) and f'"{paper_id}"' in written
    assert any(f"Added {paper_id}" in s.value.replace("\\", "") for s in at.success)
    at.run()  # the next run sees it listed: no second add
    assert f"{paper_id} is on your reading list." in texts(at)
