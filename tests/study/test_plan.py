"""`reader plan`: the week of the study plan, this week's and overdue papers, the stored start."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from cli_runner import run_reader

from reader.models import PaperEntry, PaperRecord, PaperStatus
from reader.settings import Settings
from reader.store.index_store import LIBRARY, PROGRESS, IndexStore
from reader.store.progress import ProgressDB
from reader.study.plan import NO_START, PlanError, build_plan, parse_date, week_of, week_range

START = dt.date(2026, 11, 16)
READING_LIST = """\
papers:
  # stage 1
  - id: "1706.03762"
    title: "Attention Is All You Need"
    stage: 1
    weeks: "1-2"
    read_first: [introduction, method]
    focus: [multi-head attention, positional encoding]
  - id: "2103.00020"
    title: "CLIP"
    stage: 2
    weeks: "3"
    read_first: [method]
  - id: "2204.14198"
    title: "Flamingo"
    stage: 3
    weeks: "5-6"
  - id: "1606.08415"
    title: "GELU, not in the plan"
"""


def status(
    weeks: str | None, state: str = "not fetched", paper_id: str = "1706.03762"
) -> PaperStatus:
    """A PaperStatus in `state` ('not fetched', 'ingested', 'reading' or 'read')."""
    entry = PaperEntry(paper_id, title=f"paper {paper_id}", weeks=weeks)
    if state == "not fetched":
        return PaperStatus(entry, None, False)
    record = PaperRecord(paper_id, 1, f"paper {paper_id}", "P", "0" * 64, 10, 4, 20)
    read = {"ingested": 0, "reading": 2, "read": 4}[state]
    return PaperStatus(entry, record, True, sections_total=4, sections_read=read)


# ---------------------------------------------------------------- week arithmetic


@pytest.mark.parametrize(
    ("days", "week"),
    [(0, 1), (1, 1), (6, 1), (7, 2), (13, 2), (14, 3), (83, 12), (84, 13), (-1, 0), (-30, 0)],
)
def test_week_1_is_the_first_seven_days(days: int, week: int) -> None:
    assert week_of(START, START + dt.timedelta(days=days)) == week


@pytest.mark.parametrize(
    ("weeks", "expected"), [("1-2", (1, 2)), ("5", (5, 5)), ("10-12", (10, 12))]
)
def test_week_ranges_as_the_catalog_writes_them(weeks: str, expected: tuple[int, int]) -> None:
    assert week_range(weeks) == expected


def test_a_range_is_this_week_from_its_first_to_its_last_week() -> None:
    statuses = [status("1-2", paper_id="1706.03762"), status("5", paper_id="2204.14198")]
    for day, expected in [
        (0, ["1706.03762"]),
        (13, ["1706.03762"]),
        (14, []),
        (28, ["2204.14198"]),
    ]:
        plan = build_plan(START, START + dt.timedelta(days=day), statuses)
        assert [p.id for p in plan.this_week] == expected, day
    assert build_plan(START, START, statuses).total_weeks == 5


def test_overdue_is_an_ended_range_not_read_yet_in_plan_order() -> None:
    statuses = [
        status("1", "reading", "1706.03762"),
        status("1-2", "read", "2103.00020"),
        status("2", "not fetched", "2204.14198"),
        status("2", "ingested", "2301.12597"),
        status("3-4", "reading", "2112.10752"),
        status(None, "ingested", "1606.08415"),  # not in the plan: never listed
    ]
    plan = build_plan(START, START + dt.timedelta(days=14), statuses)  # week 3
    assert plan.week == 3 and not plan.over
    assert [(p.id, p.state) for p in plan.overdue] == [
        ("1706.03762", "reading"),
        ("2204.14198", "not fetched"),
        ("2301.12597", "ingested"),
    ]
    assert [p.id for p in plan.this_week] == ["2112.10752"]


def test_before_the_start_it_is_week_0_with_nothing_due() -> None:
    plan = build_plan(START, START - dt.timedelta(days=1), [status("1-2"), status("3", "read")])
    assert (plan.week, plan.started, plan.this_week, plan.overdue) == (0, False, (), ())


def test_past_the_last_week_the_plan_is_over_and_lists_what_is_unread() -> None:
    statuses = [status("1-2", "read", "1706.03762"), status("3", "reading", "2103.00020")]
    plan = build_plan(START, START + dt.timedelta(days=21), statuses)  # week 4 of 3
    assert plan.over and plan.this_week == ()
    assert [p.id for p in plan.overdue] == ["2103.00020"]
    assert plan.end == dt.date(2026, 12, 6)  # the last day of week 3


@pytest.mark.parametrize(
    "text", ["2026-13-01", "2026-02-30", "2026/11/16", "16.11.2026", "20261116", ""]
)
def test_a_bad_date_names_the_format(text: str) -> None:
    with pytest.raises(PlanError, match="YYYY-MM-DD"):
        parse_date(text)
    assert parse_date("2026-11-16") == START


# ---------------------------------------------------------------- the stored start


def test_the_start_survives_a_library_rebuild_and_an_older_progress_file(tmp_path: Path) -> None:
    settings = Settings.from_env({}, index_dir=tmp_path / "index")
    progress = settings.index_dir / PROGRESS
    settings.index_dir.mkdir()
    with sqlite3.connect(progress) as conn:  # a progress.sqlite from before the plan existed
        conn.execute(
            "CREATE TABLE progress(paper_id TEXT NOT NULL, section_number TEXT NOT NULL, "
            "read INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '', "
            "updated_at TEXT NOT NULL, PRIMARY KEY (paper_id, section_number))"
        )
        conn.execute("INSERT INTO progress VALUES ('1706.03762', '3', 1, 'kept', 'then')")
    conn.close()
    db = ProgressDB(progress)
    assert db.plan_start() is None
    assert db.set_plan_start(START) is None
    assert db.set_plan_start(dt.date(2026, 11, 23)) == START  # the old one, replaced
    db.close()

    IndexStore.open(settings, create=True).close()
    IndexStore.delete_library(settings)
    with IndexStore.open(settings, create=True) as rebuilt:
        assert rebuilt.papers() == []
        assert [(p.paper_id, p.note) for p in rebuilt.progress()] == [("1706.03762", "kept")]
    db = ProgressDB(progress)
    assert db.plan_start() == dt.date(2026, 11, 23)
    db.close()


# ---------------------------------------------------------------- the command line


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    papers = tmp_path / "papers.yaml"
    papers.write_text(READING_LIST, encoding="utf-8")
    return {"READER_INDEX_DIR": str(tmp_path / "index"), "READER_PAPERS_FILE": str(papers)}


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_plan_end_to_end_with_json_and_text(env: dict[str, str], tmp_path: Path) -> None:
    started = run_reader(None, "plan", "start", "2026-11-16", env=env)
    assert started.returncode == 0, started.stderr
    assert "2026-11-16" in started.stdout

    # A PDF at hand makes the first paper 'fetched': the state is the Library page's own.
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    (pdfs / "1706.03762.pdf").write_bytes(b"%PDF-1.4 stand-in")
    env_pdf = {**env, "READER_PDF_DIR": str(pdfs)}
    result = run_reader(None, "plan", "--today", "2026-11-30", "--json", env=env_pdf)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["start"], data["week"], data["total_weeks"], data["over"]) == (
        "2026-11-16",
        3,
        6,
        False,
    )
    assert data["this_week"] == [
        {
            "id": "2103.00020",
            "title": "CLIP",
            "stage": 2,
            "weeks": "3",
            "read_first": ["method"],
            "focus": [],
            "state": "not fetched",
        }
    ]
    assert [(p["id"], p["state"], p["weeks"]) for p in data["overdue"]] == [
        ("1706.03762", "fetched", "1-2")
    ]
    assert data["overdue"][0]["focus"] == ["multi-head attention", "positional encoding"]

    text = run_reader(None, "plan", "--today", "2026-11-30", env=env_pdf).stdout
    lines = text.splitlines()
    assert lines[0] == "Week 3 of 6 (started 2026-11-16)"
    this_week, overdue = text.split("Overdue:")
    assert (
        "CLIP" in this_week and "[not fetched]" in this_week and "read first: method" in this_week
    )
    assert "Attention Is All You Need" in overdue and "[fetched]" in overdue
    assert "focus: multi-head attention; positional encoding" in overdue
    assert "Flamingo" not in text and "GELU" not in text


def test_before_the_start_and_after_the_end_say_so(env: dict[str, str]) -> None:
    assert run_reader(None, "plan", "start", "2026-11-16", env=env).returncode == 0
    before = run_reader(None, "plan", "--today", "2026-11-13", env=env)
    assert before.returncode == 0, before.stderr
    assert before.stdout.strip() == (
        "Week 0 of 6: the plan starts on 2026-11-16, in 3 days; nothing is due yet."
    )
    data = json.loads(run_reader(None, "plan", "--today", "2026-11-13", "--json", env=env).stdout)
    assert (data["week"], data["this_week"], data["overdue"]) == (0, [], [])

    after = run_reader(None, "plan", "--today", "2027-01-04", env=env)
    assert after.returncode == 0, after.stderr
    first, *rest = after.stdout.splitlines()
    assert first == "Week 8: the plan is over; its 6 weeks ran from 2026-11-16 to 2026-12-27."
    listed = "\n".join(rest)
    assert all(title in listed for title in ("Attention Is All You Need", "CLIP", "Flamingo"))


def test_start_overwrites_and_says_the_old_one(env: dict[str, str]) -> None:
    assert run_reader(None, "plan", "start", "2026-11-16", env=env).returncode == 0
    moved = run_reader(None, "plan", "--today", "2026-11-30", "start", "2026-11-23", env=env)
    assert moved.returncode == 0, moved.stderr
    assert (
        moved.stdout.strip() == "The plan starts on 2026-11-23 (was 2026-11-16); today is week 2."
    )
    data = json.loads(run_reader(None, "plan", "--today", "2026-11-30", "--json", env=env).stdout)
    assert (data["start"], data["week"]) == ("2026-11-23", 2)


def test_no_start_is_one_line_and_writes_nothing(env: dict[str, str]) -> None:
    line = one_error_line(run_reader(None, "plan", env=env))
    assert line == f"error: {NO_START}"
    assert line == "error: no plan start date; run reader plan start YYYY-MM-DD"
    assert not Path(env["READER_INDEX_DIR"]).exists()


def test_a_bad_date_is_one_line_and_stores_nothing(env: dict[str, str]) -> None:
    index = Path(env["READER_INDEX_DIR"])
    line = one_error_line(run_reader(None, "plan", "start", "2026-02-30", env=env))
    assert "'2026-02-30'" in line and "YYYY-MM-DD" in line
    assert not index.exists()

    assert run_reader(None, "plan", "start", "2026-11-16", env=env).returncode == 0
    before = (index / PROGRESS).read_bytes()
    line = one_error_line(run_reader(None, "plan", "start", "next monday", env=env))
    assert "YYYY-MM-DD" in line
    line = one_error_line(run_reader(None, "plan", "--today", "30/11/2026", env=env))
    assert "--today" in line and "YYYY-MM-DD" in line
    assert (index / PROGRESS).read_bytes() == before
    data = json.loads(run_reader(None, "plan", "--today", "2026-11-16", "--json", env=env).stdout)
    assert data["start"] == "2026-11-16"


def test_a_reading_list_without_weeks_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    bare = tmp_path / "bare.yaml"
    bare.write_text('papers:\n  - id: "1706.03762"\n', encoding="utf-8")
    assert run_reader(None, "plan", "start", "2026-11-16", env=env).returncode == 0
    line = one_error_line(run_reader(None, "plan", "--papers", str(bare), env=env))
    assert str(bare) in line and "weeks" in line


def test_the_start_survives_reader_ingest_rebuild(env: dict[str, str]) -> None:
    assert run_reader(None, "plan", "start", "2026-11-16", env=env).returncode == 0
    index = Path(env["READER_INDEX_DIR"])

    def library_id() -> str:
        with sqlite3.connect(index / LIBRARY) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'index_id'").fetchone()
        conn.close()
        return str(row[0])

    # Offline with no PDFs every paper fails at once, but the library is made and then rebuilt.
    run_reader(None, "ingest", "--offline", env=env)
    first = library_id()
    run_reader(None, "ingest", "--offline", "--rebuild", env=env)
    assert library_id() != first  # a new library.sqlite
    data = json.loads(run_reader(None, "plan", "--today", "2026-11-16", "--json", env=env).stdout)
    assert (data["start"], data["week"]) == ("2026-11-16", 1)
