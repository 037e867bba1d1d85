"""Ingest + eval on Milvus Lite gives the same hits as the default store (a few dev papers, to
stay fast; the whole corpus is compared by hand, see the README's Milvus section)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from repo_paths import CORPUS, EVAL, PAPERS

from reader import Library
from reader.settings import Settings

pytest.importorskip("pymilvus")
pytestmark = pytest.mark.slow  # loads the embedding model and ingests real papers

SUBSET = ("1606.08415", "1607.06450", "2003.04297")  # GELU, LayerNorm, MoCo v2: 91 passages


def subset_files(base: Path) -> tuple[Path, Path]:
    """(papers.yaml, gold folder) of SUBSET and its dev questions."""
    corpus = yaml.safe_load(CORPUS.read_text())
    papers = base / "papers.yaml"
    entries = [p for p in corpus["papers"] if str(p["id"]) in SUBSET]
    papers.write_text(yaml.safe_dump({"papers": entries}))
    gold = base / "gold"
    gold.mkdir()
    questions = yaml.safe_load((EVAL / "questions-dev.yaml").read_text())
    mine = [q for q in questions if str(q["paper"]) in SUBSET]
    (gold / "questions-dev.yaml").write_text(yaml.safe_dump(mine, allow_unicode=True))
    return papers, gold


def test_milvus_lite_eval_matches_the_default_store(tmp_path: Path) -> None:
    if not CORPUS.exists() or not PAPERS.exists():
        pytest.skip("../shared/eval/corpus.yaml and ../shared/papers are needed")
    papers, gold = subset_files(tmp_path)
    results = {}
    for engine in ("sqlite", "milvus"):
        settings = Settings.from_env(
            {}, index_dir=tmp_path / engine, papers_file=papers, pdf_dir=PAPERS,
            offline=True, embedding_threads=2, store=engine,
        )  # fmt: skip
        with Library(settings) as library:
            report = library.ingest()
            assert not report.failed, report.failed
            evaluated = library.evaluate(gold)
        results[engine] = {q.id: q.hit_at_5 for q in evaluated.questions}
    assert len(results["sqlite"]) == 4
    assert results["milvus"] == results["sqlite"]
    assert all(results["milvus"].values())
