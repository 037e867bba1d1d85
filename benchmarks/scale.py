"""Scale benchmark: the product's vector index and keyword store at 100k and 1M chunks.

    python -m benchmarks.scale [--sizes 100000 1000000] [--quick] [--only store]

Vectors: clustered synthetic 384-d unit rows (2,000 topics), searched with the product's
`VectorIndex` as flat (exact) and HNSW; recall@10 of HNSW against flat. Keywords: the product's
SQLite + FTS5 layout filled with generated passages (words drawn with the frequencies of the
dev corpus's own text), queried through `IndexStore.keyword_search` with the dev questions.
Store: both at once in one real index directory (library.sqlite with the clustered vectors as
blobs, vectors.faiss built by `IndexStore.open` as the product builds it): recall@10 of
`vector_search` against exact scores, keyword search unfiltered and filtered by paper, and the
hybrid lookup of a question (keyword + vector top 50, RRF, passages of the top 30).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import numpy as np
import yaml

from benchmarks.measure import GOLD, PAPERS, Table, loadavg, mb, ms, percentile

DIM = 384
TOPICS = 2000
QUERIES = 200
CHUNKS_PER_PAPER = 60
WORDS_PER_CHUNK = 140


def clustered(n: int, seed: int, centres: np.ndarray) -> np.ndarray:
    """`n` unit rows scattered around random topic centres (cosine to own centre ≈ 0.8)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 100_000):
        stop = min(n, start + 100_000)
        rows = centres[rng.integers(0, len(centres), stop - start)]
        rows = rows + rng.normal(scale=0.04, size=rows.shape).astype(np.float32)
        out[start:stop] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out


def vector_rows(sizes: list[int]) -> list[tuple[str, ...]]:
    from reader.store.faiss_index import VectorIndex, kind_for

    rng = np.random.default_rng(0)
    centres = rng.normal(size=(TOPICS, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    queries = clustered(QUERIES, 99, centres)
    rows = []
    for n in sizes:
        vectors = clustered(n, n, centres)
        ids = np.arange(n, dtype=np.int64)
        truth: list[set[int]] = []
        for kind, hnsw_min in (("flat", 10**12), ("hnsw", 0)):
            load = loadavg()
            started = time.perf_counter()
            index = VectorIndex.build(ids, vectors, DIM, hnsw_min=hnsw_min)
            built = time.perf_counter() - started
            size = len(index.to_bytes())
            latencies, found = [], 0
            for i, q in enumerate(queries):
                t = time.perf_counter()
                hits = index.search(q, 10)
                latencies.append(time.perf_counter() - t)
                got = {h for h, _ in hits}
                if kind == "flat":
                    truth.append(got)
                else:
                    found += len(got & truth[i])
            recall = "1.000 (exact)" if kind == "flat" else f"{found / (10 * QUERIES):.3f}"
            chosen = "← product" if kind_for(n) == kind else ""
            rows.append(
                (
                    f"{n:,}",
                    f"{kind} {chosen}".strip(),
                    f"{built:.1f} s",
                    mb(size),
                    ms(percentile(latencies, 50)),
                    ms(percentile(latencies, 95)),
                    recall,
                    load,
                )
            )
            del index
    return rows


def corpus_words() -> tuple[list[str], list[int]]:
    """Words of the dev papers with their counts: generated passages then read like papers."""
    import pymupdf

    counts: Counter[str] = Counter()
    for pdf in sorted(PAPERS.glob("*.pdf"))[:6]:
        with pymupdf.open(pdf) as doc:
            for page in doc:
                counts.update(w.strip(".,;:()[]") for w in page.get_text().split())
    words = [w for w, _ in counts.most_common() if w.isalpha()]
    return words, [counts[w] for w in words]


def passages(n: int, words: list[str], weights: list[int]) -> Iterator[str]:
    rnd = random.Random(n)
    for _ in range(n):
        yield " ".join(rnd.choices(words, weights, k=WORDS_PER_CHUNK))


def keyword_rows(sizes: list[int]) -> list[tuple[str, ...]]:
    from reader.settings import Settings
    from reader.store.index_store import IndexStore
    from reader.text.query import fts_expression, normalize_query

    words, weights = corpus_words()
    questions = [q["question"] for q in yaml.safe_load((GOLD / "questions-dev.yaml").read_text())]
    exprs = [fts_expression(normalize_query(q, 2000)) for q in questions]
    blob = bytes(4 * DIM)  # the product keeps each chunk's vector in SQLite too
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="reader-bench-fts-") as tmp:
            settings = Settings(index_dir=Path(tmp))
            IndexStore.open(settings, create=True).close()
            load = loadavg()
            started = time.perf_counter()
            _fill(Path(tmp) / "library.sqlite", n, passages(n, words, weights), blob)
            built = time.perf_counter() - started
            size = sum(p.stat().st_size for p in Path(tmp).glob("library.sqlite*"))
            with IndexStore.open(settings) as store:
                for expr in exprs[:3]:
                    store.keyword_search(expr, 50)  # warm the page cache
                latencies = []
                for _ in range(3):
                    for expr in exprs:
                        t = time.perf_counter()
                        store.keyword_search(expr, 50)
                        latencies.append(time.perf_counter() - t)
            rows.append(
                (
                    f"{n:,}",
                    f"{built:.0f} s",
                    mb(size),
                    ms(percentile(latencies, 50)),
                    ms(percentile(latencies, 95)),
                    load,
                )
            )
    return rows


def _fill(path: Path, n: int, texts: Iterator[str], blob: bytes | np.ndarray) -> None:
    """Insert `n` chunks in papers of CHUNKS_PER_PAPER, through the schema's FTS triggers."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        papers = (n + CHUNKS_PER_PAPER - 1) // CHUNKS_PER_PAPER
        with conn:
            conn.executemany(
                "INSERT INTO papers(id, version, title, short_name, sha256, page_count, "
                "section_count, chunk_count, authors, published, arxiv_url, fingerprint, "
                "updated_at) VALUES (?, 1, ?, ?, '', 12, 8, ?, '[]', NULL, NULL, '', '')",
                [(f"p{i}", f"Paper {i}", f"P{i}", CHUNKS_PER_PAPER) for i in range(papers)],
            )
        batch: list[tuple[object, ...]] = []
        for i, text in enumerate(texts):
            vector = blob if isinstance(blob, bytes) else blob[i].astype("<f4").tobytes()
            paper = f"p{i // CHUNKS_PER_PAPER}"
            batch.append((paper, i % CHUNKS_PER_PAPER, "3", "Method", text, vector))
            if len(batch) == 20_000:
                _insert(conn, batch)
                batch = []
        _insert(conn, batch)
        if not isinstance(blob, bytes):  # vectors changed under the store: bump the generation
            with conn:
                conn.execute("UPDATE meta SET value = '1' WHERE key = 'generation'")
                conn.execute(f"INSERT INTO meta VALUES ('model_dim', '{DIM}')")
        with conn:
            conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')")
    finally:
        conn.close()


def _insert(conn: sqlite3.Connection, batch: list[tuple[object, ...]]) -> None:
    with conn:
        conn.executemany(
            "INSERT INTO chunks(paper_id, ordinal, section_number, section_title, section_role, "
            "page, text, vector) VALUES (?, ?, ?, ?, 'method', 1, ?, ?)",
            batch,
        )


def store_rows(sizes: list[int], workdir: Path | None) -> list[tuple[str, ...]]:
    """One real store per size: recall, build, size and latencies through `IndexStore`."""
    from reader.answers.retrieval import RERANK_DEPTH, rrf_fuse
    from reader.settings import Settings
    from reader.store.index_store import LIBRARY, VECTORS, IndexStore
    from reader.text.query import fts_expression, normalize_query

    words, weights = corpus_words()
    questions = [q["question"] for q in yaml.safe_load((GOLD / "questions-dev.yaml").read_text())]
    exprs = [e for q in questions if (e := fts_expression(normalize_query(q, 2000)))]
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(TOPICS, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    queries = clustered(QUERIES, 99, centres)
    rows: list[tuple[str, ...]] = []
    for n in sizes:
        vectors = clustered(n, n, centres)
        with tempfile.TemporaryDirectory(prefix=f"store-{n}-", dir=workdir) as tmp:
            settings = Settings(index_dir=Path(tmp))
            IndexStore.open(settings, create=True).close()
            load = loadavg()
            started = time.perf_counter()
            _fill(Path(tmp) / LIBRARY, n, passages(n, words, weights), vectors)
            filled = time.perf_counter() - started
            started = time.perf_counter()
            IndexStore.open(settings, create=True).close()  # builds vectors.faiss
            built = time.perf_counter() - started
            size = (Path(tmp) / VECTORS).stat().st_size
            db = sum(p.stat().st_size for p in Path(tmp).glob(f"{LIBRARY}*"))
            papers = [f"p{i}" for i in range(0, (n + CHUNKS_PER_PAPER - 1) // CHUNKS_PER_PAPER)]
            with IndexStore.open(settings) as store:
                store.vector_search(queries[0], 10)  # load vectors.faiss
                found, vec_lat = 0, []
                for q in queries:
                    t = time.perf_counter()
                    hits = store.vector_search(q, 10)
                    vec_lat.append(time.perf_counter() - t)
                    exact = np.argpartition(-(vectors @ q), 10)[:10] + 1  # chunk ids from 1
                    found += len({h for h, _ in hits} & set(exact.tolist()))
                kw: list[float] = []
                kw_paper: list[float] = []
                hybrid: list[float] = []
                hybrid_paper: list[float] = []
                for expr in exprs[:3]:
                    store.keyword_search(expr, 50)  # warm the page cache
                for r in range(3):
                    for i, expr in enumerate(exprs):
                        q = queries[(i + r * len(exprs)) % QUERIES]
                        one = frozenset([papers[(i * 7919 + r) % len(papers)]])
                        kw.append(_timed(partial(store.keyword_search, expr, 50)))
                        kw_paper.append(_timed(partial(store.keyword_search, expr, 50, one)))
                        for scope, out in ((None, hybrid), (one, hybrid_paper)):
                            t = time.perf_counter()
                            rankings = [
                                [c for c, _ in store.keyword_search(expr, 50, scope)],
                                [c for c, _ in store.vector_search(q, 50, scope)],
                            ]
                            fused = rrf_fuse(rankings, settings.rrf_k, [1.0, 1.0])
                            store.chunks([c for c, _ in fused[:RERANK_DEPTH]])
                            out.append(time.perf_counter() - t)
            rows.append(
                (
                    f"{n:,}",
                    f"{found / (10 * QUERIES):.3f}",
                    f"{filled:.0f} s + {built:.0f} s",
                    f"{mb(size)} + {mb(db)}",
                    f"{ms(percentile(vec_lat, 50))} / {ms(percentile(vec_lat, 95))}",
                    f"{ms(percentile(kw, 50))} / {ms(percentile(kw, 95))}",
                    f"{ms(percentile(kw_paper, 50))} / {ms(percentile(kw_paper, 95))}",
                    f"{ms(percentile(hybrid, 50))} / {ms(percentile(hybrid, 95))}",
                    f"{ms(percentile(hybrid_paper, 50))} / {ms(percentile(hybrid_paper, 95))}",
                    load,
                )
            )
            print(" | ".join(rows[-1]), flush=True)  # a long run shows each size as it ends
        del vectors
    return rows


def _timed(call: Callable[[], object]) -> float:
    t = time.perf_counter()
    call()
    return time.perf_counter() - t


def store_table(sizes: list[int], workdir: Path | None) -> Table:
    headers = (
        "chunks",
        "recall@10",
        "fill SQLite + build vectors.faiss",
        "vectors.faiss + library.sqlite",
        "vector p50 / p95",
        "keyword p50 / p95",
        "keyword, one paper",
        "hybrid p50 / p95",
        "hybrid, one paper",
        "load",
    )
    note = (
        f"One real index per size: {WORDS_PER_CHUNK}-word generated passages in papers of "
        f"{CHUNKS_PER_PAPER}, clustered synthetic 384-d vectors ({TOPICS} topics) stored as the "
        f"product stores them; recall@10 of `vector_search` against exact scores over {QUERIES} "
        "queries; keyword = `keyword_search` top 50 with the dev questions, 3 rounds; hybrid = "
        f"keyword + vector top 50, RRF, passages of the top {30} fetched (the Retriever's "
        "reranking by sentence coverage is left out: it is per candidate, not per library)."
    )
    return Table("Store at scale (IndexStore)", headers, tuple(store_rows(sizes, workdir)), note)


def run(sizes: list[int]) -> list[Table]:
    vec = Table(
        "Vector index at scale",
        ("chunks", "index", "build", "size", "p50", "p95", "recall@10 vs flat", "load"),
        tuple(vector_rows(sizes)),
        f"Clustered synthetic 384-d unit vectors ({TOPICS} topics); {QUERIES} queries, k=10, "
        "single-threaded search as in the product. '← product' marks the index type the "
        "product picks at that size.",
    )
    kw = Table(
        "Keyword search (SQLite FTS5) at scale",
        ("chunks", "build", "library.sqlite", "p50", "p95", "load"),
        tuple(keyword_rows(sizes)),
        f"Generated {WORDS_PER_CHUNK}-word passages with the word frequencies of the dev papers, "
        "stored in the product's layout (384-d vector blob per chunk included); the dev "
        "questions through `IndexStore.keyword_search`, top 50, 3 rounds.",
    )
    return [vec, kw]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--quick", action="store_true", help="10k and 100k chunks only")
    parser.add_argument(
        "--only", choices=("store",), help="only the real-store table (one index per size)"
    )
    parser.add_argument("--workdir", type=Path, help="where the store indexes go (default /tmp)")
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else args.sizes
    if args.only == "store":
        print(store_table(sizes, args.workdir).markdown())
        return
    for table in run(sizes):
        print(table.markdown())


if __name__ == "__main__":
    main()
