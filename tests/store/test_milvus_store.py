"""Milvus Lite specifics: filtered searches return k hits, a crashed replace is repaired,
the data directory lock is reported with its fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reader.errors import IndexLockedError, SettingsError
from reader.models import Chunk, SectionRole
from reader.settings import Settings
from reader.store.open import open_store

pytest.importorskip("pymilvus")

from store.test_store_contract import DIM, make_paper, unit_rows

from reader.store.milvus.store import MilvusStore


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index", store="milvus")


def test_a_filter_matching_16_rows_returns_k_hits(settings: Settings) -> None:
    with open_store(settings, create=True) as store:
        for p in range(6):
            texts = [f"paper {p} passage {i} about attention" for i in range(50)]
            record, sections, chunks, rows = make_paper(f"p{p}", texts, seed=p)
            if p == 5:  # 16 rows in role ABSTRACT, nowhere else
                chunks = [
                    Chunk(c.paper_id, c.section_number, c.section_title,
                          SectionRole.ABSTRACT if c.ordinal < 16 else c.section_role,
                          c.page, c.ordinal, c.text)
                    for c in chunks
                ]  # fmt: skip
            store.replace_paper(record, f"fp{p}", sections, chunks, rows)
        query = unit_rows(1, 99)[0]
        dense = store.vector_search(query, 10, role=SectionRole.ABSTRACT)
        sparse = store.keyword_search('"attention"', 10, role=SectionRole.ABSTRACT)
        in_paper = store.vector_search(query, 10, paper_ids={"p3"})
        assert len(dense) == 10 and len(sparse) == 10 and len(in_paper) == 10
        found = store.chunks([i for i, _ in dense + sparse])
        assert {c.chunk.section_role for c in found} == {SectionRole.ABSTRACT}
        assert {c.chunk.paper_id for c in store.chunks([i for i, _ in in_paper])} == {"p3"}


class Crash(Exception):
    pass


def _replace(store: MilvusStore, texts: list[str], fingerprint: str) -> None:
    record, sections, chunks, rows = make_paper("p0", texts, seed=len(texts))
    store.replace_paper(record, fingerprint, sections, chunks, rows)


@pytest.mark.parametrize("crash_at", ["before_commit", "after_commit"])
def test_a_crash_mid_replace_shows_one_version_and_the_next_writer_repairs_it(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, crash_at: str
) -> None:
    old_texts = [f"old passage {i} on gelu" for i in range(8)]
    new_texts = [f"new passage {i} on relu" for i in range(5)]
    store = MilvusStore.open(settings, create=True)
    store.set_model_info("m", DIM)
    _replace(store, old_texts, "old")
    calls = {"n": 0}
    real = MilvusStore._delete_version

    def crashing(self: MilvusStore, passages: str | None, paper_id: str, which: str) -> None:
        calls["n"] += 1
        # 1st call: leftovers before writing; 2nd: the old version after the commit.
        if crash_at == "after_commit" and calls["n"] == 2:
            raise Crash
        real(self, passages, paper_id, which)

    monkeypatch.setattr(MilvusStore, "_delete_version", crashing)
    if crash_at == "before_commit":
        monkeypatch.setattr(
            MilvusStore, "_next_position", lambda self: (_ for _ in ()).throw(Crash)
        )
        real_upsert = store._client.upsert

        def upsert(name: str, rows: list[dict[str, object]]) -> object:
            if name.startswith("reader_passages"):
                real_upsert(name, rows[:2])  # half the passages are written, then we die
                raise Crash
            return real_upsert(name, rows)

        monkeypatch.setattr(store._client, "upsert", upsert)
    with pytest.raises(Crash):
        _replace(store, new_texts, "new")
    monkeypatch.undo()
    expected = old_texts if crash_at == "before_commit" else new_texts
    assert [c.chunk.text for c in store.iter_chunks("p0")] == expected
    hits = store.vector_search(unit_rows(1, 3)[0], 50)
    assert sorted(c.chunk.text for c in store.chunks([i for i, _ in hits])) == sorted(expected)
    assert len(hits) == len(expected)  # the other version's rows never come back
    store.close()

    with MilvusStore.open(settings, create=True) as repaired:  # what `reader ingest` opens
        client, name = repaired._client, repaired._passages()
        assert name is not None
        rows = client.query(name, filter='paper_id == "p0"', output_fields=["fingerprint"])
        assert {r["fingerprint"] for r in rows} == {"old" if crash_at == "before_commit" else "new"}
        assert len(rows) == len(expected)
        _replace(repaired, new_texts, "new")
        assert [c.chunk.text for c in repaired.iter_chunks("p0")] == new_texts


def test_a_locked_lite_directory_names_the_server_fix(settings: Settings) -> None:
    from milvus_lite.server_manager import server_manager_instance

    with open_store(settings, create=True):
        pass
    server_manager_instance.release_all()  # this process lets go of the data directory
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pymilvus import MilvusClient; "
         f"MilvusClient(uri={str(settings.index_dir / 'milvus.db')!r}); "
         "print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(IndexLockedError, match="milvus-lite server --data-dir"):
            open_store(settings)
    finally:
        holder.kill()
        holder.wait()


def test_store_settings_are_checked_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="set it to sqlite"):
        Settings(index_dir=tmp_path, store="mongo")
    with pytest.raises(SettingsError, match="http://host:19530"):
        Settings(index_dir=tmp_path, store="milvus", milvus_token="root:Milvus")
    settings = Settings(index_dir=tmp_path / "none", store="milvus")
    assert not MilvusStore.exists(settings)
    assert not (tmp_path / "none").exists()  # asking did not create an empty library
