"""Hybrid retrieval: FTS5 BM25 and FAISS cosine rankings fused by reciprocal rank fusion."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from reader.answers.paper_names import (
    NamedPaper,
    NameKey,
    QuestionNames,
    named_in,
    paper_name_keys,
)
from reader.errors import QueryError
from reader.models import Hit, PaperRecord, SectionRole, StoredChunk
from reader.settings import Settings
from reader.text.definitions import defined_term, defines
from reader.text.query import STOP_WORDS, NormalizedQuery, fts_expression, normalize_query
from reader.text.sentences import split_sentences
from reader.text.stems import as_printed, content_stems, match_stem, match_stems, word_stem

if TYPE_CHECKING:
    import numpy as np

    from reader.embeddings.base import Embedder


class KeywordSource(Protocol):
    """The part of IndexStore keyword lookups need (concepts too)."""

    def keyword_search(
        self,
        match_expr: str,
        k: int,
        paper_ids: frozenset[str] | None = None,
        role: SectionRole | None = None,
    ) -> list[tuple[int, float]]: ...

    def chunks(self, ids: Sequence[int]) -> Sequence[StoredChunk]: ...

    def papers(self) -> Sequence[PaperRecord]: ...


class ChunkSource(KeywordSource, Protocol):
    """The part of IndexStore retrieval needs."""

    def vector_search(
        self,
        query_vec: np.ndarray,
        k: int,
        paper_ids: frozenset[str] | None = None,
        role: SectionRole | None = None,
    ) -> list[tuple[int, float]]: ...

    def iter_chunks(self, paper_id: str | None = None) -> Iterator[StoredChunk]: ...


_WORD = re.compile(r"[^\W_]+")
_COMPARING = re.compile(
    r"\b(?:compare[sd]?|comparison|differ(?:s|ent|ence)?|versus|vs\.?|between|both)\b",
    re.IGNORECASE,
)
OPENING_CHARS = 8000  # of abstract and introduction, searched for the names a paper gives itself
RERANK_DEPTH = 30  # fused candidates re-scored by sentence coverage
COVERAGE_WEIGHT = 1.0  # in units of a rank-1 RRF contribution
# A paper states its main ideas in its abstract and introduction (where the study plan starts
# reading, too): between near-equal passages, those win. Chosen on the dev questions (hit@5
# 16 -> 17, MRR 0.69 -> 0.75); the held-out ones agree (hit@5 10 -> 11, MRR 0.54 -> 0.62).
ROLE_PRIOR = {SectionRole.ABSTRACT: 0.2, SectionRole.INTRODUCTION: 0.2}
DEFINITION_WEIGHT = 2.0  # "what is X?": passages that define X, as much as two rank-1 votes
# Scores are compared after rounding, then by chunk id: float noise between machines and
# thread counts (~1e-7) must not reorder near-equal passages.
SCORE_DECIMALS = 6


def score_key(score: float) -> float:
    """The sort key of a score, best first: rounded, negated."""
    return -round(score, SCORE_DECIMALS)


def rrf_fuse(
    rankings: Sequence[Sequence[int]], rrf_k: int, weights: Sequence[float]
) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: sum of weight / (rrf_k + rank) over rankings (rank from 1)."""
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, chunk_id in enumerate(ranking, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (rrf_k + rank)
    return sorted(scores.items(), key=lambda item: (score_key(item[1]), item[0]))


class Retriever:
    """Hybrid search over one index: lexical for terms like "GELU", dense for questions."""

    def __init__(
        self,
        store: ChunkSource,
        embedder: Embedder,
        settings: Settings,
        reading_list: Sequence[NamedPaper] = (),
    ) -> None:
        self.store = store
        self.reading_list = tuple(reading_list)
        self.embedder = embedder
        self.settings = settings
        self._df: dict[str | None, Counter[str]] | None = None
        self._n_docs: Counter[str | None] = Counter()
        self._names: tuple[tuple[str, ...], dict[str, set[NameKey]]] | None = None
        self._last_vector: tuple[str, np.ndarray] | None = None
        self._last_names: tuple[str, frozenset[str], QuestionNames] | None = None

    def normalize(self, query: str) -> NormalizedQuery:
        q = normalize_query(query, self.settings.max_query_chars)
        if not _WORD.search(q.text):
            raise QueryError("the query is empty: type some words to search for")
        return q

    def search(
        self,
        query: str,
        k: int,
        paper_ids: frozenset[str] | None = None,
        role: SectionRole | None = None,
    ) -> list[Hit]:
        """The k best passages for `query`, optionally only in `paper_ids` / sections of `role`."""
        q = self.normalize(query)
        if k <= 0:
            return []
        return self.candidates(q, k, paper_ids, role)

    def candidates(
        self,
        q: NormalizedQuery,
        k: int,
        paper_ids: frozenset[str] | None = None,
        role: SectionRole | None = None,
    ) -> list[Hit]:
        """Fused and re-ranked passages for a normalised query."""
        n = max(self.settings.candidate_k, k)
        expr = fts_expression(q)
        vec = self.query_vector(q.text)
        rankings = [
            [cid for cid, _ in self.store.keyword_search(expr, n, paper_ids, role)] if expr else [],
            [cid for cid, _ in self.store.vector_search(vec, n, paper_ids, role)],
        ]
        question_names = self.names(q.text)
        named, name_stems = question_names.named, question_names.stems
        scope = named if paper_ids is None else named & paper_ids
        if scope and scope != paper_ids:
            # A question that names a paper ("does BERT ...") is mostly about that paper; inside
            # it the name itself says nothing, so the lexical side searches the other words.
            inner = fts_expression(without_stems(q, name_stems))
            if inner:
                rankings.append([c for c, _ in self.store.keyword_search(inner, n, scope, role)])
            rankings.append([c for c, _ in self.store.vector_search(vec, n, scope, role)])
        fused = rrf_fuse(rankings, self.settings.rrf_k, [1.0] * len(rankings))
        pool = fused[: max(k, RERANK_DEPTH)]
        stored = {c.id: c for c in self.store.chunks([cid for cid, _ in pool])}
        unit = 1.0 / (self.settings.rrf_k + 1)
        weights = self.match_weights(q.text, name_stems)
        term = defined_term(q.text)
        rescored = []
        for cid, score in pool:
            sc = stored.get(cid)
            if sc is None:
                continue
            # Answers are sentences: reward a passage with one sentence covering the question,
            # and, for "what is X?", a passage that defines X.
            bonus = COVERAGE_WEIGHT * best_sentence_coverage(sc.chunk.text, weights)
            bonus += ROLE_PRIOR.get(sc.chunk.section_role, 0.0)  # in units of a rank-1 vote
            if term and defines(sc.chunk.text, term):
                bonus += DEFINITION_WEIGHT
            rescored.append((score + unit * bonus, sc))
        rescored.sort(key=lambda item: (score_key(item[0]), item[1].id))
        return [to_hit(sc, score) for score, sc in rescored[:k]]

    def query_vector(self, text: str) -> np.ndarray:
        """The embedding of a query; the last one is kept, so `ask` embeds its question once."""
        if self._last_vector is None or self._last_vector[0] != text:
            self._last_vector = (text, self.embedder.embed([text])[0])
        return self._last_vector[1]

    def match_weights(
        self, text: str, skip: frozenset[str] = frozenset(), paper_id: str | None = None
    ) -> dict[str, float]:
        """IDF weight of each match stem of the query, without the words whose stem is in
        `skip` (the names of papers the query names). With `paper_id`, the IDF inside that
        paper: there, a word common in the library but rare in the paper tells its passages
        apart (measured: dev answer@1 15 -> 16 of 17, held-out unchanged)."""
        weights: dict[str, float] = {}
        for word in _WORD.findall(as_printed(text).lower()):
            stem = word_stem(word)
            if word in STOP_WORDS or stem in skip:
                continue
            key = match_stem(word)
            weights[key] = max(self.idf(stem, paper_id), weights.get(key, 0.0))
        return weights

    def query_weights(self, text: str) -> dict[str, float]:
        """IDF weight of each content stem of the query."""
        return {s: self.idf(s) for s in set(content_stems(text))}

    def names(self, text: str) -> QuestionNames:
        """The papers a question names, the one it asks about, and the listed ones it names
        that are not ingested (kept for the last question: `ask` needs them three times)."""
        papers = self.store.papers()
        ingested = frozenset(p.id for p in papers)
        if self._last_names is not None and self._last_names[:2] == (text, ingested):
            return self._last_names[2]
        match = named_in(text, self._name_keys(papers, ingested))
        named = match.paper_ids & ingested
        # The paper named first is the one asked about ("Which β2 does Attention Is All You
        # Need set for its Adam optimizer?"), unless the question compares them.
        asked = named if _COMPARING.search(text) else match.first & ingested
        missing = tuple(
            p for p in self.reading_list if p.id in match.paper_ids and p.id not in ingested
        )
        found = QuestionNames(named, match.stems, asked, missing)
        self._last_names = (text, ingested, found)
        return found

    def _name_keys(
        self, papers: Sequence[PaperRecord], ingested: frozenset[str]
    ) -> dict[str, set[NameKey]]:
        # Names are matched over the reading list too, so "BLIP-2" (not ingested) is not
        # mistaken for "BLIP" (ingested). A paper not ingested turns the answer into "ingest
        # it first", so it needs a clear name, not a two-word title phrase.
        absent = [p for p in self.reading_list if p.id not in ingested]
        known: list[NamedPaper] = [*papers, *absent]
        key = tuple(p.id for p in known)
        if self._names is None or self._names[0] != key:
            texts = {p.id: self._own_text(p.id) for p in papers}
            openings = {pid: opening for pid, (opening, _) in texts.items()}
            bodies = {pid: body for pid, (_, body) in texts.items()}
            weak = {p.id for p in absent}
            self._names = (key, paper_name_keys(known, weak, openings, bodies))
        return self._names[1]

    def _own_text(self, paper_id: str) -> tuple[str, str]:
        """A paper's opening (the start of its abstract and introduction, where it names
        itself) and its whole text (where it may name itself later), in one pass."""
        opening: list[str] = []
        body: list[str] = []
        size = 0
        for sc in self.store.iter_chunks(paper_id):
            body.append(sc.chunk.text)
            role = sc.chunk.section_role
            if size < OPENING_CHARS and role in (SectionRole.ABSTRACT, SectionRole.INTRODUCTION):
                opening.append(sc.chunk.text)
                size += len(sc.chunk.text)
        return " ".join(opening)[:OPENING_CHARS], " ".join(body)

    def idf(self, stem: str, paper_id: str | None = None) -> float:
        """Inverse document frequency of a stem over the library's passages, or over one
        paper's (counted once, on first use)."""
        if self._df is None:
            df: dict[str | None, Counter[str]] = {None: Counter()}
            n: Counter[str | None] = Counter()
            for sc in self.store.iter_chunks():
                stems = set(content_stems(sc.chunk.text))
                df[None].update(stems)
                df.setdefault(sc.chunk.paper_id, Counter()).update(stems)
                n[None] += 1
                n[sc.chunk.paper_id] += 1
            self._df, self._n_docs = df, n
        counts = self._df.get(paper_id, Counter())
        return math.log((self._n_docs[paper_id] + 1) / (counts.get(stem, 0) + 0.5))


def section_label(number: str, title: str) -> str:
    return f"{number} {title}".strip()


def to_hit(sc: StoredChunk, score: float) -> Hit:
    c = sc.chunk
    return Hit(
        chunk_id=sc.id,
        paper_id=c.paper_id,
        paper_title=sc.paper_title,
        section=section_label(c.section_number, c.section_title),
        section_role=c.section_role,
        page=c.page,
        text=c.text,
        score=score,
    )


def best_sentence_coverage(text: str, weights: dict[str, float]) -> float:
    """The largest IDF-weighted share of the query's match stems found in one sentence."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    best = 0.0
    for span in split_sentences(text):
        stems = match_stems(span.text)
        best = max(best, sum(w for s, w in weights.items() if s in stems))
    return best / total


def without_stems(q: NormalizedQuery, stems: frozenset[str]) -> NormalizedQuery:
    """The query minus the terms made only of `stems`."""
    kept = tuple(t for t in q.terms if not all(word_stem(w) in stems for w in t.split()))
    return NormalizedQuery(q.text, kept, q.typed)
