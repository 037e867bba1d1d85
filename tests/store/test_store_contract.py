"""The passage-store contract, run against every engine: SQLite + FAISS and Milvus Lite."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from reader.errors import IndexMissingError, ModelError, PaperNotFoundError
from reader.models import Block, BlockKind, Chunk, PageMark, PaperRecord, Section, SectionRole
from reader.settings import Settings
from reader.store.base import PassageStore
from reader.store.open import delete_store, open_store, store_exists

DIM = 16
ROLES = (SectionRole.INTRODUCTION, SectionRole.METHOD, SectionRole.EXPERIMENTS)
ENGINES = ["sqlite", "milvus-lite"]


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
        Section(
            "2", "Method", 1, SectionRole.METHOD, 2, 3, "Sub text " * 9000, 9,  # > 64 KB
            blocks=(
                Block(BlockKind.EQUATION, "y = x_i^2 / √d_k", 3, (200, 110, 540, 130), 9, "1"),
                Block(
                    BlockKind.FIGURE, "q k encoder", 3, (72, 140, 300, 260), 9, "2",
                    "Figure 2: An overview — 多头注意力.",
                ),
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


def engine_settings(engine: str, tmp_path: Path) -> Settings:
    if engine == "milvus-lite":
        pytest.importorskip("pymilvus")
        return Settings(index_dir=tmp_path / "index", store="milvus")
    return Settings(index_dir=tmp_path / "index")


@pytest.fixture(params=ENGINES)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    return engine_settings(str(request.param), tmp_path)


@pytest.fixture
def store(settings: Settings) -> Iterator[PassageStore]:
    with open_store(settings, create=True) as opened:
        opened.set_model_info("test-model", DIM)
        yield opened


def fill(store: PassageStore, papers: int = 2, chunks: int = 12) -> dict[str, np.ndarray]:
    vectors = {}
    for p in range(papers):
        texts = [f"passage {i} of paper {p} on attention heads" for i in range(chunks)]
        record, sections, chunk_list, rows = make_paper(f"p{p}", texts, seed=p)
        store.replace_paper(record, f"fp{p}", sections, chunk_list, rows)
        vectors[f"p{p}"] = rows
    return vectors


def test_missing_library_says_how_to_build_it(settings: Settings) -> None:
    assert not store_exists(settings)
    with pytest.raises(IndexMissingError, match="reader ingest"):
        open_store(settings)


def test_papers_replace_and_remove(store: PassageStore) -> None:
    fill(store)
    assert [p.id for p in store.papers()] == ["p0", "p1"]
    record = store.paper("p0")
    assert record is not None and record.authors == ("Ann", "Bo")
    assert (record.chunk_count, record.section_count) == (12, 3)
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
    assert store.keyword_search('"attention"', 10) == []


def test_same_paper_again_keeps_its_passage_ids(store: PassageStore) -> None:
    fill(store, papers=1)
    before = [c.id for c in store.iter_chunks("p0")]
    fill(store, papers=1)
    after = [c.id for c in store.iter_chunks("p0")]
    assert len(after) == 12 and len(set(after)) == 12
    assert store.chunks(after) == list(store.iter_chunks("p0"))
    assert store.engine == "sqlite" or after == before


def test_keyword_search_with_filters_and_stemming(store: PassageStore) -> None:
    texts = ["Transformers serve words", "Residual blocks", "Transformer layers"]
    record, sections, chunks, rows = make_paper("p0", texts)
    store.replace_paper(record, "fp", sections, chunks, rows)
    hits = store.keyword_search('"transformer"', 5)
    assert {store.chunk(i).chunk.text for i, _ in hits} == {texts[0], texts[2]}
    assert all(score > 0 for _, score in hits)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    role_hits = store.keyword_search('"transformer"', 5, role=SectionRole.EXPERIMENTS)
    assert [store.chunk(i).chunk.section_role for i, _ in role_hits] == [SectionRole.EXPERIMENTS]
    assert store.keyword_search('"transformer"', 5, paper_ids=["other"]) == []
    assert store.keyword_search('"transformer"', 5, paper_ids=[]) == []
    rare = store.keyword_search('"residual" OR "nothing"', 5)
    assert [store.chunk(i).chunk.text for i, _ in rare] == [texts[1]]


def test_vector_search_with_filters(store: PassageStore) -> None:
    vectors = fill(store, papers=3)
    top_id, top_score = store.vector_search(vectors["p1"][4], 3)[0]
    top = store.chunk(top_id)
    assert top.chunk.paper_id == "p1" and top.chunk.ordinal == 4
    assert top.paper_title == "Paper p1" and top_score == pytest.approx(1.0, abs=1e-5)
    only_p2 = store.vector_search(vectors["p1"][4], 5, paper_ids={"p2"})
    assert len(only_p2) == 5 and {store.chunk(i).chunk.paper_id for i, _ in only_p2} == {"p2"}
    method = store.vector_search(vectors["p0"][0], 50, role=SectionRole.METHOD)
    assert len(method) == 12
    assert {c.chunk.section_role for c in store.chunks([i for i, _ in method])} == {
        SectionRole.METHOD
    }
    with pytest.raises(ModelError):
        store.vector_search(np.ones(DIM + 1, dtype=np.float32), 3)


def test_sections_round_trip_with_marks_and_blocks(store: PassageStore) -> None:
    fill(store, papers=1)
    sections = store.sections("p0")
    assert sections == make_sections()
    assert sections[1].page_at(40) == 2 and sections[1].page_at(0) == 1
    assert store.sections("nope") == []


def test_a_reader_sees_the_writers_papers(store: PassageStore, settings: Settings) -> None:
    fill(store, papers=1)
    with open_store(settings) as reader:
        assert [p.id for p in reader.papers()] == ["p0"]
        assert len(list(reader.iter_chunks())) == 12


def test_progress_survives_replace_and_library_rebuild(
    store: PassageStore, settings: Settings
) -> None:
    fill(store, papers=1)
    store.set_read("p0", "1", True)
    store.set_note("p0", "2", "check eq. 3")
    with pytest.raises(PaperNotFoundError):
        store.set_read("p0", "7", True)
    fill(store, papers=1)
    expected = [("1", True, ""), ("2", False, "check eq. 3")]
    assert [(p.section_number, p.read, p.note) for p in store.progress("p0")] == expected
    store.close()

    delete_store(settings)
    assert (settings.index_dir / "progress.sqlite").exists()
    with open_store(settings, create=True) as rebuilt:
        assert rebuilt.papers() == []
        fill(rebuilt, papers=1)
        assert [(p.section_number, p.read, p.note) for p in rebuilt.progress()] == expected


def test_model_change_reembeds_and_keeps_text(store: PassageStore) -> None:
    fill(store, papers=2)

    class CountingEmbedder:
        name = "counting"
        dim = 4

        def embed(self, texts: Sequence[str]) -> np.ndarray:
            rows = np.array([[len(t), 1.0, t.count("0"), 1.0] for t in texts], dtype=np.float32)
            return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    before = [(c.id, c.chunk) for c in store.iter_chunks()]
    store.reembed_all(CountingEmbedder(), lambda chunk: chunk.text)  # type: ignore[arg-type]
    store.set_model_info("counting", 4)
    assert [(c.id, c.chunk) for c in store.iter_chunks()] == before
    assert store.model_info() == ("counting", 4)
    query = CountingEmbedder().embed([before[0][1].text])[0]
    assert len(store.vector_search(query, 5)) == 5
