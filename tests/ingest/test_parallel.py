"""`reader ingest --workers N`: the same index as one process, failures kept per paper."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from crashing_extract import DEADLY, extract_or_die
from pdf_factory import Heading, PaperSpec, Para, make_paper, paragraph
from repo_paths import ROOT

from reader import Library, Settings
from reader.fetch.arxiv_client import PaperFetcher
from reader.ingest.pipeline import IngestRun
from reader.store.index_store import IndexStore

pytestmark = pytest.mark.slow  # loads the embedding model

# The third and fourth fall in different halves of --shard I/2 (see the shard test).
IDS = ("2101.00001", "2101.00002", "2101.00004", "2101.00003")
BROKEN = b"%PDF-1.7\n" + b"\x00garbage" * 200 + b"\n%%EOF\n"

# A script without `if __name__ == "__main__"`: spawn must not re-run it in the workers.
UNGUARDED = """
import sys
from pathlib import Path
from reader import Library, Settings
settings = Settings.from_env({}, index_dir=Path(sys.argv[1]), papers_file=Path(sys.argv[2]),
                             pdf_dir=Path(sys.argv[3]), offline=True, embedding_threads=1,
                             model_cache_dir=Path(sys.argv[4]), ingest_workers=2)
report = Library(settings).ingest()
print("RAN-ONCE")
for o in report.outcomes:
    print(o.paper_id, o.status, o.message)
"""


@pytest.fixture(scope="module")
def library_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(papers.yaml, pdf dir, model cache): three small papers and one unreadable PDF."""
    base = tmp_path_factory.mktemp("parallel")
    pdfs = base / "pdfs"
    pdfs.mkdir()
    for n, paper_id in enumerate(IDS[:3]):
        items = [Heading("", "Abstract"), Para(paragraph(10 * n + 1, 3))]
        for s in range(1, 4):
            items += [Heading(str(s), f"Part {s} of {n}"), Para(paragraph(10 * n + s + 1, 6))]
        make_paper(pdfs / f"{paper_id}.pdf", PaperSpec(title=f"Synthetic Paper {n}", items=items))
    (pdfs / f"{IDS[3]}.pdf").write_bytes(BROKEN)
    papers = base / "papers.yaml"
    papers.write_text("papers:\n" + "".join(f'  - {{id: "{i}", version: 1}}\n' for i in IDS))
    shared = os.environ.get("READER_MODEL_CACHE_DIR")
    return papers, pdfs, Path(shared) if shared else base / "models"


def settings_for(index: Path, files: tuple[Path, Path, Path], workers: int = 1) -> Settings:
    papers, pdfs, models = files
    return Settings.from_env(
        {},
        index_dir=index,
        papers_file=papers,
        pdf_dir=pdfs,
        offline=True,
        embedding_threads=1,  # the same threads on both sides, so the vectors can match
        model_cache_dir=models,
        ingest_workers=workers,
    )


def index_rows(index: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(index / "library.sqlite")
    try:
        return conn.execute(
            "SELECT id, paper_id, ordinal, section_number, section_title, page, text, vector "
            "FROM chunks ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def test_two_workers_build_the_same_index_as_one_process(
    tmp_path: Path, library_files: tuple[Path, Path, Path]
) -> None:
    one = Library(settings_for(tmp_path / "one", library_files)).ingest()
    papers, pdfs, models = library_files
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED)
    env = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    ran = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "two"), str(papers), str(pdfs), str(models)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.count("RAN-ONCE") == 1  # the workers did not re-run the script
    lines = ran.stdout.split("RAN-ONCE\n", 1)[1].splitlines()
    assert lines == [f"{o.paper_id} {o.status} {o.message}" for o in one.outcomes]
    assert [o.status for o in one.outcomes] == ["ingested"] * 3 + ["failed"]
    rows_one, rows_two = index_rows(tmp_path / "one"), index_rows(tmp_path / "two")
    assert len(rows_one) > 9
    assert [r[:7] for r in rows_one] == [r[:7] for r in rows_two]  # ids, places and texts
    vectors_one = np.frombuffer(b"".join(r[7] for r in rows_one), "<f4")
    vectors_two = np.frombuffer(b"".join(r[7] for r in rows_two), "<f4")
    assert np.allclose(vectors_one, vectors_two, atol=1e-6)


def test_a_paper_that_kills_its_worker_fails_alone(
    tmp_path: Path, library_files: tuple[Path, Path, Path]
) -> None:
    settings = settings_for(tmp_path / "index", library_files, workers=2)
    library = Library(settings)
    with IndexStore.open(settings, create=True) as store:
        report = IngestRun(
            settings=settings,
            store=store,
            load_embedder=lambda: library.embedder,
            fetch=PaperFetcher(settings).fetch,
            extract=partial(extract_or_die, settings),
            workers=2,
        ).run(list(library.reading_list().papers))
        stored = {p.id for p in store.papers()}
    status = {o.paper_id: (o.status, o.message) for o in report.outcomes}
    assert [o.paper_id for o in report.outcomes] == list(IDS)
    assert status[DEADLY][0] == "failed" and "process died" in status[DEADLY][1]
    assert status[IDS[3]][0] == "failed"  # the unreadable PDF, reported as without workers
    assert stored == {IDS[0], IDS[2]}


def test_two_shards_into_one_index_equal_a_plain_ingest(
    tmp_path: Path, library_files: tuple[Path, Path, Path]
) -> None:
    from reader.ingest.shard import Shard

    Library(settings_for(tmp_path / "plain", library_files)).ingest()
    shared = tmp_path / "shared"
    reports = [
        Library(settings_for(shared, library_files)).ingest(shard=Shard(i, 2)) for i in (1, 2)
    ]
    done = [[o.paper_id for o in r.outcomes] for r in reports]
    assert sorted(done[0] + done[1]) == sorted(IDS) and not set(done[0]) & set(done[1])
    assert all(any(o.status == "ingested" for o in r.outcomes) for r in reports)

    def by_place(index: Path) -> list[tuple[object, ...]]:  # ids follow the order of writing
        return sorted(r[1:7] for r in index_rows(index))

    assert by_place(shared) == by_place(tmp_path / "plain")
