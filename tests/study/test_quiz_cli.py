"""`reader quiz` as a learner runs it, each command its own process, on a fresh index folder."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from cli_runner import run_reader
from repo_paths import ROOT

from reader import Library
from reader.settings import Settings

NOW = "--now=2026-12-05T09:00:00+00:00"


def quiz(folder: Path, *args: str) -> tuple[int, str, str]:
    result = run_reader(None, "quiz", *args, env={"READER_INDEX_DIR": str(folder), "TZ": "UTC"})
    return result.returncode, result.stdout, result.stderr


def reviews(folder: Path) -> int:
    path = folder / "progress.sqlite"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM card_reviews").fetchone()[0])


def test_next_shows_a_card_with_both_questions_and_the_glossary_back(tmp_path: Path) -> None:
    code, out, err = quiz(tmp_path, "next", "--json", NOW)
    assert code == 0, err
    data = json.loads(out)
    card = data["card"]
    assert {"id", "question", "question_zh", "answer", "citations"} <= set(card)
    assert card["state"] == "new" and data["due_today"] >= 40  # the whole plan's deck, unseen
    # No paper ingested: the glossary's definition answers, with the note saying so.
    assert card["citations"] == [] and card["in_library"] is False
    assert card["note"].startswith("not in your library yet")
    assert card["answer"] == card["glossary"][0]["definition"]
    code, text, _ = quiz(tmp_path, "next", NOW)
    assert code == 0
    assert card["question"] in text and card["question_zh"] in text
    assert f"reader quiz grade {card['id']} again|hard|good|easy" in text
    assert not (tmp_path / "progress.sqlite").exists()  # showing a card writes nothing


def test_a_grade_is_kept_for_the_next_command(tmp_path: Path) -> None:
    first = json.loads(quiz(tmp_path, "next", "--json", NOW)[1])["card"]["id"]
    code, out, err = quiz(tmp_path, "grade", first, "good", NOW)
    assert code == 0, err
    assert out.strip() == "next due: 2026-12-05 (in 0 days, at 09:10)"
    code, out, _ = quiz(tmp_path, "grade", first, "easy", "--now=2026-12-05T09:15:00+00:00")
    assert code == 0 and out.startswith("next due: 2026-12-") and "(in 0 days" not in out
    # Another process: the graded card waits, the next new card is shown.
    after = json.loads(quiz(tmp_path, "next", "--json", "--now=2026-12-05T09:20:00+00:00")[1])
    assert after["card"]["id"] != first
    stats = json.loads(quiz(tmp_path, "stats", "--json", NOW)[1])
    assert stats["reviews"] == 2 and stats["review"] == 1
    assert stats["by_rating"] == {"again": 0, "hard": 0, "good": 1, "easy": 1}
    assert stats["new"] == stats["total"] - 1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("concept:softmax", "perfect"), "again, hard, good or easy"),
        (("no-such-card", "good"), "reader quiz list"),
        (("concept:softmx", "good"), "did you mean concept:softmax"),
    ],
)
def test_an_unknown_card_or_rating_is_one_line_and_records_nothing(
    tmp_path: Path, args: tuple[str, str], words: str
) -> None:
    assert quiz(tmp_path, "grade", "why-sqrt-dk", "hard", NOW)[0] == 0
    code, out, err = quiz(tmp_path, "grade", *args, NOW)
    assert code != 0 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], err
    assert reviews(tmp_path) == 1


def test_grades_survive_a_rebuild_of_the_library(tmp_path: Path) -> None:
    assert quiz(tmp_path, "grade", "q-former", "easy", NOW)[0] == 0
    (tmp_path / "library.sqlite").write_bytes(b"not a database")
    papers = tmp_path / "papers.yaml"
    papers.write_text('papers:\n  - id: "1706.03762"\n    title: "Attention"\n', encoding="utf-8")
    (tmp_path / "pdfs").mkdir()
    rebuilt = run_reader(
        None,
        "ingest",
        "--rebuild",
        "--offline",
        "--papers",
        str(papers),
        "--pdf-dir",
        str(tmp_path / "pdfs"),
        env={"READER_INDEX_DIR": str(tmp_path)},
    )
    assert "Traceback" not in rebuilt.stderr
    library = tmp_path / "library.sqlite"
    assert not library.exists() or library.read_bytes() != b"not a database"  # it was rebuilt
    stats = json.loads(quiz(tmp_path, "stats", "--json", NOW)[1])
    assert stats["reviews"] == 1 and stats["by_rating"]["easy"] == 1


def test_with_every_card_reviewed_next_says_when_the_next_is_due(tmp_path: Path) -> None:
    # The CLI runs in the project folder, so its reading list is the plan's papers.yaml.
    settings = Settings.from_env({}, index_dir=tmp_path, papers_file=ROOT / "papers.yaml")
    study = Library(settings).study
    at = dt.datetime(2026, 12, 5, 9, tzinfo=dt.UTC)
    for card in study.quiz_cards():
        study.quiz_grade(card.id, "easy", at)
    code, out, err = quiz(tmp_path, "next", "--json", "--now=2026-12-05T10:00:00+00:00")
    assert code == 0, err
    data = json.loads(out)
    assert data["card"] is None and data["due_today"] == 0
    assert data["next_due"] > "2026-12-06"
    code, out, _ = quiz(tmp_path, "next", "--now=2026-12-05T10:00:00+00:00")
    assert code == 0 and out.startswith("no card due now; the next one is due 2026-12-")
