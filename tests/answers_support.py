"""Small in-memory stand-ins for the store and the embedder, for fast unit tests of retrieval,
answers and concepts (the slow tests use the real IndexStore and the real model)."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator, Sequence

import numpy as np

from reader.answers.extractive import Answerer
from reader.answers.rerank import Reranker
from reader.answers.retrieval import Retriever
from reader.models import Chunk, PaperEntry, PaperRecord, SectionRole, StoredChunk
from reader.settings import Settings
from reader.text.query import STOP_WORDS


class HashEmbedder:
    """Bag of content words hashed into 256 dimensions: texts sharing words are similar."""

    name = "hash-bow"
    dim = 256

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                if word in STOP_WORDS:
                    continue
                word = word[:-1] if len(word) > 3 and word.endswith("s") else word
                h = int(hashlib.md5(word.encode()).hexdigest(), 16)
                rows[i, h % self.dim] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return rows / norms


class MemoryStore:
    """The IndexStore search surface over a list of chunks: FTS5 BM25 and brute-force cosine."""

    def __init__(self, chunks: Sequence[Chunk], titles: dict[str, str], embedder: HashEmbedder):
        self._chunks = list(chunks)
        self._titles = titles
        self._vectors = embedder.embed([c.text for c in chunks])
        self._db = sqlite3.connect(":memory:")
        self._db.execute("create virtual table f using fts5(text, tokenize='porter unicode61')")
        self._db.executemany(
            "insert into f(rowid, text) values (?, ?)", [(i, c.text) for i, c in enumerate(chunks)]
        )

    def _keep(self, i: int, paper_ids: frozenset[str] | None, role: SectionRole | None) -> bool:
        c = self._chunks[i]
        return (paper_ids is None or c.paper_id in paper_ids) and (
            role is None or c.section_role == role
        )

    def papers(self) -> list[PaperRecord]:
        return [
            PaperRecord(pid, 1, t, t.split(":")[0], "", 1, 1, 1) for pid, t in self._titles.items()
        ]

    def keyword_search(
        self,
        match_expr: str,
        k: int,
        paper_ids: frozenset[str] | None = None,
        role: SectionRole | None = None,
    ) -> list[tuple[int, float]]:
        rows = self._db.execute(
            "select rowid, bm25(f) from f where f match ? order by bm25(f)", (match_expr,)
        ).fetchall()
        return [(int(i), -float(s)) for i, s in rows if self._keep(int(i), paper_ids, role)][:k]

    def vector_search(
        self,
        query_vec: np.ndarray,
        k: int,
        paper_ids: frozenset[str] | None = None,
        role: SectionRole | None = None,
    ) -> list[tuple[int, float]]:
        scores = self._vectors @ query_vec
        order = [int(i) for i in np.argsort(-scores) if self._keep(int(i), paper_ids, role)]
        return [(i, float(scores[i])) for i in order[:k]]

    def chunks(self, ids: Sequence[int]) -> list[StoredChunk]:
        return [self._stored(i) for i in ids]

    def iter_chunks(self, paper_id: str | None = None) -> Iterator[StoredChunk]:
        for i, c in enumerate(self._chunks):
            if paper_id is None or c.paper_id == paper_id:
                yield self._stored(i)

    def _stored(self, i: int) -> StoredChunk:
        c = self._chunks[i]
        return StoredChunk(i, c, self._titles[c.paper_id])


def chunk(
    paper_id: str,
    ordinal: int,
    text: str,
    number: str = "1",
    title: str = "Introduction",
    role: SectionRole = SectionRole.INTRODUCTION,
    page: int = 1,
) -> Chunk:
    return Chunk(paper_id, number, title, role, page, ordinal, text)


TITLES = {"1706.03762": "Attention Is All You Need", "1810.04805": "BERT: Pre-training"}
SHORT = {"1706.03762": "Transformer", "1810.04805": "BERT"}


def sample_answerer(
    reranker: Reranker | None = None,
    reading_list: Sequence[PaperEntry] = (),
    **settings: object,
) -> Answerer:
    """An answerer over two passages (Transformer §3.2.1, BERT §3.1) and a caption; the
    reading list may name papers that are not ingested."""
    chunks = [
        chunk(
            "1706.03762",
            0,
            "We suspect that for large values of dk, the dot products grow large in magnitude, "
            "pushing the softmax function into regions where it has extremely small gradients. "
            "To counteract this effect, we scale the dot products by one over the square root "
            "of dk. Additive attention uses a feed-forward network.",
            "3.2.1",
            "Scaled Dot-Product Attention",
            SectionRole.METHOD,
            4,
        ),
        chunk(
            "1810.04805",
            1,
            "In all of our experiments, we mask 15% of all WordPiece tokens in each sequence at "
            "random. We use a gelu activation rather than the standard relu.",
            "3.1",
            "Pre-training BERT",
            SectionRole.METHOD,
            4,
        ),
        chunk("1810.04805", 2, "Figure 2: BERT input representation with token embeddings."),
    ]
    embedder = HashEmbedder()
    s = Settings().replace(**settings)
    store = MemoryStore(chunks, TITLES, embedder)
    return Answerer(Retriever(store, embedder, s, reading_list), embedder, s, SHORT, reranker)


def one_passage_answerer(settings: Settings, text: str) -> Answerer:
    """An answerer over a single passage, BERT §3.1 p.4, with `settings` (an LLM, say)."""
    embedder = HashEmbedder()
    passage = chunk("1810.04805", 0, text, "3.1", "Pre-training BERT", SectionRole.METHOD, 4)
    store = MemoryStore([passage], {"1810.04805": TITLES["1810.04805"]}, embedder)
    return Answerer(Retriever(store, embedder, settings), embedder, settings, SHORT)
