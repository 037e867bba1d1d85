"""The on-disk index: papers, FTS and vector search, sections, notes, damage and locking."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from reader.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexMissingError,
    ModelError,
    PaperNotFoundError,
    QueryError,
    ReaderError,
)
from reader.models import Block, BlockKind, Chunk, PageMark, PaperRecord, Section, SectionRole
from reader.settings import Settings
from reader.store.index_store import LIBRARY, PROGRESS, VECTORS, IndexStore

DIM = 16
ROLES = (SectionRole.INTRODUCTION, SectionRole.METHOD, SectionRole.EXPERIMENTS)


def unit_rows(n: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def make_sections() -> list[Section]:
    intro = "Transformers changed everything. Page two starts here."
    return [
        Section("", "Abstract", 1, SectionRole.ABSTRACT, 1, 1, "We study things.", 16),
        Section(
            "1", "Introduction", 1, SectionRole.INTRODUCTION, 1, 2, intro, len(intro),
            (PageMark(0, 1), PageMark(33, 2)),
        ),
        Section("2", "Method", 1, SectionRole.METHOD, 2, 3, "Body.\n2.1 Sub\nSub text.", 5),
        Section(
            "2.1", "Sub", 2, SectionRole.METHOD, 3, 3, "Sub text.", 9,
            blocks=(
                Block(BlockKind.PARAGRAPH, "Sub text.", 3, (72.0, 90.5, 540.0, 102.25), 0),
                Block(BlockKind.EQUATION, "y = x_i^2 / √d_k", 3, (200, 110, 540, 130), 9, "1"),
                Block(
                    BlockKind.FIGURE, "q k encoder", 3, (72, 140, 300, 260), 9, "2",
                    "Figure 2: An overview — 多头注意力.",
                ),
                Block(BlockKind.FOOTNOTE, "∗Work done elsewhere.", 3, (72, 700, 300, 710), 9),
            ),
        ),
    ]  # fmt: skip


def make_paper(
    paper_id: str, texts: Sequence[str], seed: int = 0
) -> tuple[PaperRecord, list[Section], list[Chunk], np.ndarray]:
    chunks = [
        Chunk(paper_id, str(i % 3 + 1), f"Title {i % 3}", ROLES[i % 3], 1 + i % 4, i, text)
        for i, text in enumerate(texts)
    ]
    record = PaperRecord(
        paper_id, 2, f"Paper {paper_id}", paper_id.upper(), "abc", 9, 0, 0, ("Ann", "Bo")
    )
    return record, make_sections(), chunks, unit_rows(len(texts), seed)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index")


@pytest.fixture
def store(settings: Settings) -> Iterator[IndexStore]:
    with IndexStore.open(settings, create=True) as opened:
        opened.set_model_info("test-model", DIM)
        yield opened


def fill(store: IndexStore, papers: int = 2, chunks: int = 12) -> dict[str, np.ndarray]:
    vectors = {}
    for p in range(papers):
        texts = [f"passage {i} of paper {p} on attention heads" for i in range(chunks)]
        record, sections, chunk_list, rows = make_paper(f"p{p}", texts, seed=p)
        store.replace_paper(record, f"fp{p}", sections, chunk_list, rows)
        vectors[f"p{p}"] = rows
    return vectors


def test_missing_index_says_how_to_build_it(settings: Settings) -> None:
    with pytest.raises(IndexMissingError, match="reader ingest"):
        IndexStore.open(settings)
    assert not IndexStore.exists(settings)


def test_papers_replace_and_remove(store: IndexStore) -> None:
    fill(store)
    assert [p.id for p in store.papers()] == ["p0", "p1"]
    record = store.paper("p0")
    assert record is not None and record.authors == ("Ann", "Bo")
    assert (record.chunk_count, record.section_count) == (12, 4)
    assert store.paper_fingerprint("p1") == "fp1" and store.paper_fingerprint("zz") is None

    old_ids = {c.id for c in store.iter_chunks("p0")}
    record, sections, chunks, rows = make_paper("p0", ["fresh text about gelu"], seed=9)
    store.replace_paper(record, "fp0b", sections, chunks, rows)
    assert [p.id for p in store.papers()] == ["p0", "p1"]  # keeps its place
    assert [c.chunk.text for c in store.iter_chunks("p0")] == ["fresh text about gelu"]
    assert store.chunks(sorted(old_ids)) == []
    assert not old_ids & {i for i, _ in store.vector_search(rows[0], 50)}
    with pytest.raises(PaperNotFoundError):
        store.chunk(min(old_ids))

    store.remove_paper("p1")
    assert [p.id for p in store.papers()] == ["p0"]
    assert store.keyword_search("attention", 10) == []


def test_keyword_search_with_filters_stemming_and_diacritics(store: IndexStore) -> None:
    texts = ["The café serves naïve transformers", "Residual blocks", "Transformer layers"]
    record, sections, chunks, rows = make_paper("p0", texts)
    store.replace_paper(record, "fp", sections, chunks, rows)
    fill(store, papers=0)
    hits = store.keyword_search("cafe AND naive", 5)
    assert [store.chunk(i).chunk.text for i, _ in hits] == [texts[0]]
    hits = store.keyword_search("transformer", 5)
    assert len(hits) == 2 and all(score > 0 for _, score in hits)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    role_hits = store.keyword_search("transformer", 5, role=SectionRole.EXPERIMENTS)
    assert [store.chunk(i).chunk.section_role for i, _ in role_hits] == [SectionRole.EXPERIMENTS]
    assert store.keyword_search("transformer", 5, paper_ids=["other"]) == []
    assert store.keyword_search("transformer", 5, paper_ids=[]) == []
    with pytest.raises(QueryError) as info:
        store.keyword_search('"unterminated', 5)
    assert "sqlite" not in str(info.value).lower()


def test_vector_search_with_filters(store: IndexStore) -> None:
    vectors = fill(store, papers=3)
    top_id, top_score = store.vector_search(vectors["p1"][4], 3)[0]
    top = store.chunk(top_id)
    assert top.chunk.paper_id == "p1" and top.chunk.ordinal == 4
    assert top.paper_title == "Paper p1" and top_score == pytest.approx(1.0, abs=1e-5)
    only_p2 = store.vector_search(vectors["p1"][4], 5, paper_ids={"p2"})
    assert len(only_p2) == 5 and {store.chunk(i).chunk.paper_id for i, _ in only_p2} == {"p2"}
    method = store.vector_search(vectors["p0"][0], 50, role=SectionRole.METHOD)
    assert {c.chunk.section_role for c in store.chunks([i for i, _ in method])} == {
        SectionRole.METHOD
    }
    with pytest.raises(ModelError):
        store.vector_search(np.ones(DIM + 1, dtype=np.float32), 3)


def test_sections_round_trip_with_marks_and_blocks(store: IndexStore) -> None:
    fill(store, papers=1)
    sections = store.sections("p0")
    assert sections == make_sections()
    assert sections[1].page_at(40) == 2 and sections[1].page_at(0) == 1
    assert store.sections("nope") == []


def test_reader_sees_writes_and_never_writes(store: IndexStore, settings: Settings) -> None:
    vectors = fill(store, papers=1)
    store.flush()
    reader = IndexStore.open(settings)
    assert reader.vector_search(vectors["p0"][3], 1)[0][1] == pytest.approx(1.0, abs=1e-5)
    faiss_before = (settings.index_dir / VECTORS).read_bytes()
    record, sections, chunks, rows = make_paper("p9", ["new paper text"], seed=5)
    store.replace_paper(record, "fp", sections, chunks, rows)
    # The file is now stale; the reader rebuilds in memory and leaves the file alone.
    new_id = reader.vector_search(rows[0], 1)[0][0]
    assert reader.chunk(new_id).chunk.paper_id == "p9"
    assert (settings.index_dir / VECTORS).read_bytes() == faiss_before
    with pytest.raises(ReaderError, match="create=True"):
        reader.remove_paper("p0")
    reader.close()


def test_progress_survives_replace_and_library_rebuild(
    store: IndexStore, settings: Settings
) -> None:
    fill(store, papers=1)
    store.set_read("p0", "1", True)
    store.set_note("p0", "2.1", "check eq. 3")
    store.set_note("p0", "", "abstract note")
    with pytest.raises(PaperNotFoundError):
        store.set_read("p0", "7", True)
    with pytest.raises(PaperNotFoundError):
        store.set_note("missing", "1", "x")
    fill(store, papers=1)  # re-ingest replaces the paper
    expected = [("", False, "abstract note"), ("1", True, ""), ("2.1", False, "check eq. 3")]
    got = [(p.section_number, p.read, p.note) for p in store.progress("p0")]
    assert got == expected
    store.close()

    IndexStore.delete_library(settings)
    assert (settings.index_dir / PROGRESS).exists()
    with IndexStore.open(settings, create=True) as rebuilt:
        assert rebuilt.papers() == []
        fill(rebuilt, papers=1)
        got = [(p.section_number, p.read, p.note) for p in rebuilt.progress()]
        assert got == expected


def test_progress_can_be_written_through_a_query_store(
    store: IndexStore, settings: Settings
) -> None:
    fill(store, papers=1)
    with IndexStore.open(settings) as reader:
        assert reader.progress() == []
        reader.set_read("p0", "2", True)
        assert [p.read for p in reader.progress("p0")] == [True]


def test_garbage_and_foreign_sqlite_are_reported_not_raised(settings: Settings) -> None:
    settings.index_dir.mkdir(parents=True)
    library = settings.index_dir / LIBRARY
    library.write_bytes(b"this is not a database at all" * 100)
    for create in (False, True):
        with pytest.raises(IndexCorruptError, match="--rebuild"):
            IndexStore.open(settings, create=create)
    library.unlink()
    with sqlite3.connect(library) as conn:
        conn.execute("CREATE TABLE holiday_photos(x)")
    conn.close()
    with pytest.raises(IndexCorruptError, match="not a reader index"):
        IndexStore.open(settings)


def test_older_layout_asks_for_rebuild(store: IndexStore, settings: Settings) -> None:
    store.close()
    with sqlite3.connect(settings.index_dir / LIBRARY) as conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(IndexCorruptError, match=r"layout 0.*--rebuild"):
        IndexStore.open(settings)


def test_truncated_faiss_file_is_healed(store: IndexStore, settings: Settings) -> None:
    vectors = fill(store, papers=2)
    store.close()
    path = settings.index_dir / VECTORS
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])
    with IndexStore.open(settings) as reader:  # read-only: heals in memory only
        hit = reader.vector_search(vectors["p1"][2], 1)[0]
        assert reader.chunk(hit[0]).chunk.ordinal == 2
    assert len(path.read_bytes()) == len(good) // 2
    with IndexStore.open(settings, create=True):  # a writer heals the file itself
        pass
    assert path.read_bytes() == good


def test_faiss_file_of_another_library_is_not_used(store: IndexStore, settings: Settings) -> None:
    fill(store, papers=2)
    store.close()
    (settings.index_dir / LIBRARY).unlink()  # library lost, old vectors.faiss left behind
    with IndexStore.open(settings, create=True) as fresh:
        fresh.set_model_info("test-model", DIM)
        vectors = fill(fresh, papers=1)
        assert {
            fresh.chunk(i).chunk.paper_id for i, _ in fresh.vector_search(vectors["p0"][0], 30)
        } == {"p0"}


def test_model_change_reembeds_and_keeps_text(store: IndexStore) -> None:
    fill(store, papers=2)
    store.set_note("p0", "1", "keep me")

    class CountingEmbedder:
        name = "counting"
        dim = 4

        def embed(self, texts: Sequence[str]) -> np.ndarray:
            rows = np.array([[len(t), 1.0, t.count("0"), 1.0] for t in texts], dtype=np.float32)
            return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    before = [(c.id, c.chunk) for c in store.iter_chunks()]
    store.reembed_all(CountingEmbedder(), lambda chunk: chunk.text)
    store.set_model_info("counting", 4)
    assert [(c.id, c.chunk) for c in store.iter_chunks()] == before
    assert store.model_info() == ("counting", 4)
    query = CountingEmbedder().embed([before[0][1].text])[0]
    assert len(store.vector_search(query, 5)) == 5
    assert [p.note for p in store.progress()] == ["keep me"]


def test_concurrent_threads_share_one_store(store: IndexStore) -> None:
    vectors = fill(store, papers=2)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                store.keyword_search("attention", 3)
                store.vector_search(vectors["p0"][0], 3)
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def _hold_lock(settings: Settings, held: object, release: object) -> None:
    with IndexStore.ingest_lock(settings, 5.0):
        held.set()  # type: ignore[attr-defined]
        release.wait(10)  # type: ignore[attr-defined]


def test_second_ingest_waits_then_gives_up(settings: Settings) -> None:
    ctx = multiprocessing.get_context("fork")
    held, release = ctx.Event(), ctx.Event()
    child = ctx.Process(target=_hold_lock, args=(settings, held, release))
    child.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        with (
            pytest.raises(IndexLockedError, match=f"pid {child.pid}"),
            IndexStore.ingest_lock(settings, 0.3),
        ):
            pass
        assert time.monotonic() - started >= 0.3
        threading.Timer(0.3, release.set).start()
        with IndexStore.ingest_lock(settings, 5.0):  # waits for the holder to finish
            assert release.is_set()
    finally:
        release.set()
        child.join(10)


def test_lock_from_an_open_store_and_release_on_exit(store: IndexStore) -> None:
    with store.ingest_lock(0.1):
        pass
    with store.ingest_lock(0.1):  # released: a second holder gets it at once
        pass


def _write_forever(settings: Settings) -> None:
    with IndexStore.open(settings, create=True) as store:
        store.set_model_info("test-model", DIM)
        for n in range(10_000):
            record, sections, chunks, rows = make_paper(f"p{n % 5}", ["x y z"] * 40, seed=n)
            store.replace_paper(record, f"fp{n}", sections, chunks, rows)


def test_kill_during_writes_leaves_whole_papers(settings: Settings) -> None:
    ctx = multiprocessing.get_context("fork")
    for delay in (0.3, 0.6):
        child = ctx.Process(target=_write_forever, args=(settings,))
        child.start()
        time.sleep(delay)
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        with IndexStore.open(settings) as reader:  # a read-only open recovers the WAL too
            assert all(p.chunk_count == 40 for p in reader.papers())
        with IndexStore.open(settings, create=True) as store:
            papers = store.papers()
            assert papers, "the writer should have committed something"
            for paper in papers:
                assert len(list(store.iter_chunks(paper.id))) == paper.chunk_count == 40
            assert len(store.vector_search(unit_rows(1, 0)[0], 1000)) == 40 * len(papers)
        with sqlite3.connect(settings.index_dir / LIBRARY) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')")
        conn.close()


def test_query_open_is_fast(store: IndexStore, settings: Settings) -> None:
    fill(store, papers=10, chunks=300)
    store.close()
    started = time.perf_counter()
    with IndexStore.open(settings) as reader:
        opened = time.perf_counter() - started
        assert reader.model_info() == ("test-model", DIM)
    assert opened < 0.25  # ~1 ms measured; generous for loaded CI machines


def test_open_store_notices_a_rebuilt_library(store: IndexStore, settings: Settings) -> None:
    fill(store, papers=1)
    store.close()
    reader = IndexStore.open(settings)
    assert not reader.replaced_on_disk()
    IndexStore.delete_library(settings)
    with IndexStore.open(settings, create=True):
        pass
    assert reader.replaced_on_disk()
    reader.close()


def test_writer_removes_old_temp_files_of_a_killed_writer(
    store: IndexStore, settings: Settings
) -> None:
    store.close()
    old = settings.index_dir / ".vectors.faiss.abc.tmp"
    young = settings.index_dir / ".vectors.faiss.def.tmp"
    for path in (old, young):
        path.write_bytes(b"partial")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    with IndexStore.open(settings, create=True):
        pass
    assert not old.exists() and young.exists()
