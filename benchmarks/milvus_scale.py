"""Milvus Lite at scale: ingest rate and hybrid search latency through MilvusStore.

    python -m benchmarks.milvus_scale [--passages 100000] [--dir /tmp/milvus-bench]

Synthetic papers of 100 passages (random unit vectors of 384 dims, words drawn from a Zipf
vocabulary); a "hybrid search" is what retrieval asks of the store per query: one BM25 and one
vector search of 50 candidates each (the fusion itself runs in Python either way).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path

import numpy as np

from reader.models import Chunk, PaperRecord, SectionRole
from reader.settings import Settings

DIM = 384
PER_PAPER = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/milvus-bench"))
    args = parser.parse_args()
    from reader.store.milvus.store import MilvusStore

    shutil.rmtree(args.dir, ignore_errors=True)
    settings = Settings(index_dir=args.dir, store="milvus")
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(20_000)]
    store = MilvusStore.open(settings, create=True)
    store.set_model_info("bench", DIM)
    started = time.perf_counter()
    for p in range(args.passages // PER_PAPER):
        pid = f"bench{p:06d}"
        words = rng.zipf(1.3, size=(PER_PAPER, 60)) % len(vocab)
        chunks = [
            Chunk(pid, "1", "Method", SectionRole.METHOD, 1, i, " ".join(vocab[w] for w in row))
            for i, row in enumerate(words)
        ]
        vectors = rng.normal(size=(PER_PAPER, DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        record = PaperRecord(pid, 1, f"Paper {p}", pid, "0" * 64, 10, 1, PER_PAPER)
        store.replace_paper(record, f"fp{p}", [], chunks, vectors)
    store.flush()
    ingest_s = time.perf_counter() - started
    latencies = []
    for q in range(args.queries):
        query = rng.normal(size=DIM).astype(np.float32)
        query /= np.linalg.norm(query)
        expr = " OR ".join(f'"{vocab[w]}"' for w in rng.zipf(1.3, size=4) % len(vocab))
        t0 = time.perf_counter()
        store.keyword_search(expr, 50)
        store.vector_search(query, 50, role=SectionRole.METHOD if q % 2 else None)
        latencies.append((time.perf_counter() - t0) * 1000)
    store.close()
    cuts = statistics.quantiles(latencies, n=20)
    print(f"Milvus Lite, {args.passages} passages, {DIM} dims")
    print(f"ingest: {ingest_s:.1f} s, {args.passages / ingest_s:.0f} passages/s")
    print(
        f"hybrid search (BM25 + vector, 50 each): p50 {statistics.median(latencies):.0f} ms, "
        f"p95 {cuts[18]:.0f} ms over {args.queries} queries"
    )


if __name__ == "__main__":
    main()
