"""Damaged, odd and hostile PDFs end to end: `reader ingest` as a subprocess over a reading list.

test_pdf.py and test_sections.py check extraction of each file; here the user's view: one line
per bad file naming it and the problem, exit 1, the good papers of the same run ingested, the
bad ones not half-ingested, and a bounded run (time and memory) on hostile files.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from ingest_output import outcome_lines
from pdf_factory import make_encrypted, make_many_pages, make_span_flood
from repo_paths import PAPERS

from reader.pdf.extract import extract_paper
from reader.settings import Settings

MESSY = PAPERS / "messy"
READER = shutil.which("reader", path=str(Path(sys.executable).parent))
pytestmark = [
    pytest.mark.skipif(READER is None, reason="the reader console script is not installed"),
    pytest.mark.skipif(not MESSY.is_dir(), reason=f"{MESSY} not available"),
]

# Damaged files under the arXiv id they are listed as: id -> (file in messy/, words expected).
BROKEN = {
    "2101.00001": ("empty.pdf", "empty (0 bytes)"),
    "2101.00002": ("html-not-pdf.pdf", "HTML page, not a PDF"),
    "2101.00003": ("no-text-layer.pdf", "OCR is not done"),
    "1810.04805": ("truncated-1810.04805.pdf", "re-download"),
}
ZEROED = ("1412.6980", "zeroed-header-1412.6980.pdf")  # repaired or refused: both are fine
GOOD = ("2003.04297", "1606.08415")
# A copy annotated and re-saved by a PDF reader (6 incremental updates) and its clean original.
# The other rewritten copies are checked at the extraction level in test_sections.py.
REWRITTEN = {"1512.03385": ("annotated-1512.03385.pdf", "1512.03385.pdf")}


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float


def reader_env(folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    env.update(READER_INDEX_DIR=str(folder / "index"), READER_OFFLINE="1")
    env.update(extra)
    return env


# A child's peak RSS counts what it inherited at fork, and pytest may hold a model by then:
# a small launcher forks `reader`, so the figure is `reader`'s own.
LAUNCHER = (
    "import os, subprocess, sys\n"
    "proc = subprocess.Popen(sys.argv[2:])\n"
    "_, status, usage = os.wait4(proc.pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run_reader(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `reader` and measure its wall time and peak memory (wait4: this child only)."""
    assert READER is not None
    out, err, rss = cwd / ".stdout", cwd / ".stderr", cwd / ".maxrss"
    started = time.monotonic()
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(rss), READER, *args],
            cwd=cwd,
            env=env or reader_env(cwd),
            stdout=stdout,
            stderr=stderr,
            check=False,
        )
    run = Run(
        returncode=proc.returncode,
        stdout=out.read_text(),
        stderr=err.read_text(),
        seconds=time.monotonic() - started,
        max_rss_mb=int(rss.read_text()) / 1024,  # kilobytes on Linux
    )
    for path in (out, err, rss):
        path.unlink()
    return run


def write_list(folder: Path, ids: list[str]) -> None:
    body = "papers:\n" + "".join(f'  - id: "{i}"\n' for i in ids)
    (folder / "papers.yaml").write_text(body)


def link(pdf_dir: Path, paper_id: str, source: Path) -> None:
    """Put a shared PDF in the test's pdf_dir under its reading-list id (no copy)."""
    pdf_dir.mkdir(exist_ok=True)
    if not source.exists():
        pytest.skip(f"{source} not available")
    (pdf_dir / f"{paper_id}.pdf").symlink_to(source)


def papers_in_index(folder: Path) -> dict[str, dict[str, object]]:
    listed = run_reader("papers", "--json", cwd=folder)
    assert listed.returncode == 0, listed.stderr
    return {p["id"]: p for p in json.loads(listed.stdout)["papers"]}


def stored_rows(folder: Path, paper_id: str) -> tuple[int, int]:
    """(sections, chunks) rows of a paper in the library (0, 0: nothing half-written)."""
    uri = f"file:{folder / 'index' / 'library.sqlite'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        sections = conn.execute("SELECT count(*) FROM sections WHERE paper_id = ?", (paper_id,))
        chunks = conn.execute("SELECT count(*) FROM chunks WHERE paper_id = ?", (paper_id,))
        return int(sections.fetchone()[0]), int(chunks.fetchone()[0])


def assert_failed_line(lines: dict[str, str], paper_id: str, file_name: str, words: str) -> None:
    line = lines.get(paper_id, "")
    assert line.startswith("failed"), f"{paper_id}: {line!r}"
    assert file_name in line and words in line, line


# ---------------------------------------------------------------- bad files only (no model load)


HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "2101.00011": (make_encrypted, "encrypted"),
    "2101.00012": (lambda p: make_many_pages(p, 1001), "1001 pages"),
    "2101.00013": (lambda p: make_span_flood(p, 100_000), "READER_MAX_PAGE_SPANS"),
}


def test_damaged_and_hostile_files_fail_one_line_each_in_bounded_time(tmp_path: Path) -> None:
    pdf_dir = tmp_path / "pdfs"
    for paper_id, (name, _) in BROKEN.items():
        link(pdf_dir, paper_id, MESSY / name)
    for paper_id, (make, _) in HOSTILE.items():
        make(pdf_dir / f"{paper_id}.pdf")
    write_list(tmp_path, [*BROKEN, *HOSTILE])

    run = run_reader("ingest", "--pdf-dir", str(pdf_dir), cwd=tmp_path)

    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert run.stderr.strip() == f"error: {len(BROKEN) + len(HOSTILE)} paper(s) failed; see above"
    lines = outcome_lines(run.stdout)
    for paper_id, (_, words) in BROKEN.items():
        assert_failed_line(lines, paper_id, f"{paper_id}.pdf", words)
    for paper_id, (_, words) in HOSTILE.items():
        assert_failed_line(lines, paper_id, f"{paper_id}.pdf", words)
    assert "no text layer" in lines["2101.00003"]
    assert run.seconds < 30, run.seconds  # 1,001 pages and 100,000 spans are refused early
    assert run.max_rss_mb < 1024, run.max_rss_mb
    assert papers_in_index(tmp_path) == {}
    for paper_id in [*BROKEN, *HOSTILE]:
        assert stored_rows(tmp_path, paper_id) == (0, 0)
    sections = run_reader("sections", "2101.00003", cwd=tmp_path)
    assert sections.returncode == 1
    assert sections.stderr.startswith("error: paper '2101.00003' is not in the index")
    assert sections.stderr.count("\n") == 1


def test_zeroed_header_is_repaired_or_refused_by_name(tmp_path: Path) -> None:
    paper_id, name = ZEROED
    link(tmp_path / "pdfs", paper_id, MESSY / name)
    write_list(tmp_path, [paper_id])
    run = run_reader("ingest", "--pdf-dir", str(tmp_path / "pdfs"), cwd=tmp_path)
    line = outcome_lines(run.stdout)[paper_id]
    if run.returncode == 0:
        assert line.startswith("ingested") and "15 pages" in line
    else:
        assert run.returncode == 1 and line.startswith("failed") and f"{paper_id}.pdf" in line
        assert stored_rows(tmp_path, paper_id) == (0, 0)
    assert "Traceback" not in run.stderr


def test_more_pages_than_allowed_can_be_let_through_by_the_named_setting(tmp_path: Path) -> None:
    pdf_dir = tmp_path / "pdfs"
    pdf_dir.mkdir()
    make_many_pages(pdf_dir / "2101.00012.pdf", 1001)
    write_list(tmp_path, ["2101.00012"])
    # The limit raised, the file is read in bounded time; its one line of text is too little.
    env = reader_env(tmp_path, READER_MAX_PDF_PAGES="2000")
    run = run_reader("ingest", "--pdf-dir", str(pdf_dir), cwd=tmp_path, env=env)
    assert run.returncode == 1 and "no text layer" in run.stdout
    assert run.seconds < 60 and run.max_rss_mb < 1024


# ---------------------------------------------------------------- good and bad in one run


@dataclass(frozen=True)
class MixedRun:
    folder: Path
    run: Run


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> MixedRun:
    """One ingest of two good papers, rewritten copies and every damaged file."""
    folder = tmp_path_factory.mktemp("mixed")
    pdf_dir = folder / "pdfs"
    for paper_id in GOOD:
        link(pdf_dir, paper_id, PAPERS / f"{paper_id}.pdf")
    for paper_id, (name, _) in REWRITTEN.items():
        link(pdf_dir, paper_id, MESSY / name)
    for paper_id, (name, _) in BROKEN.items():
        link(pdf_dir, paper_id, MESSY / name)
    write_list(folder, [GOOD[0], *BROKEN, *REWRITTEN, GOOD[1]])
    return MixedRun(folder, run_reader("ingest", "--pdf-dir", str(pdf_dir), cwd=folder))


@pytest.mark.slow
def test_good_papers_go_in_and_each_bad_file_gets_one_line(mixed: MixedRun) -> None:
    run = mixed.run
    assert run.returncode == 1
    assert run.stderr.strip() == f"error: {len(BROKEN)} paper(s) failed; see above"
    lines = outcome_lines(run.stdout)
    for paper_id, (_, words) in BROKEN.items():
        assert_failed_line(lines, paper_id, f"{paper_id}.pdf", words)
        assert stored_rows(mixed.folder, paper_id) == (0, 0)
    for paper_id in [*GOOD, *REWRITTEN]:
        assert lines[paper_id].startswith("ingested"), lines[paper_id]
    assert set(papers_in_index(mixed.folder)) == {*GOOD, *REWRITTEN}
    search = run_reader("search", "Gaussian error linear unit", "--json", cwd=mixed.folder)
    assert search.returncode == 0, search.stderr
    assert json.loads(search.stdout)["hits"][0]["paper_id"] == "1606.08415"


@pytest.mark.slow
@pytest.mark.parametrize("paper_id", sorted(REWRITTEN))
def test_rewritten_copies_have_the_sections_of_the_original(mixed: MixedRun, paper_id: str) -> None:
    original = PAPERS / REWRITTEN[paper_id][1]
    expected = [(s.number, s.title) for s in extract_paper(original, Settings()).sections]
    shown = run_reader("sections", paper_id, "--json", cwd=mixed.folder)
    assert shown.returncode == 0, shown.stderr
    got = [(s["number"], s["title"]) for s in json.loads(shown.stdout)["sections"]]
    assert got == expected


@pytest.mark.slow
def test_a_damaged_replacement_keeps_the_last_good_copy(mixed: MixedRun) -> None:
    """A good paper whose PDF is later swapped for a damaged one keeps its indexed text."""
    before = papers_in_index(mixed.folder)["2003.04297"]
    rows_before = stored_rows(mixed.folder, "2003.04297")
    pdf_dir = mixed.folder / "pdfs-damaged"
    pdf_dir.mkdir()
    good = (PAPERS / "2003.04297.pdf").read_bytes()
    (pdf_dir / "2003.04297.pdf").write_bytes(good[: len(good) // 2])
    run = run_reader("ingest", "--pdf-dir", str(pdf_dir), "--paper", "2003.04297", cwd=mixed.folder)
    assert run.returncode == 1
    assert_failed_line(outcome_lines(run.stdout), "2003.04297", "2003.04297.pdf", "re-download")
    assert papers_in_index(mixed.folder)["2003.04297"] == before
    assert stored_rows(mixed.folder, "2003.04297") == rows_before
