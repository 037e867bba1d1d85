"""Extractive answers: the best window of retrieved sentences that answers a question, cited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from reader.answers.answer_types import answer_type
from reader.answers.retrieval import Retriever, score_key
from reader.answers.windows import Question, Window, windows
from reader.models import (
    Answer,
    AnswerOption,
    Citation,
    Generation,
    Hit,
    PaperRef,
    SectionRole,
)
from reader.settings import Settings
from reader.text.definitions import defined_term
from reader.text.markers import strip_reference_markers
from reader.text.query import NormalizedQuery
from reader.text.stems import as_printed, match_stems

if TYPE_CHECKING:
    from reader.answers.rerank import Reranker
    from reader.embeddings.base import Embedder

NOT_FOUND = "Not found in your library."

# Passages whose sentences compete for the answer (12 -> 20: held-out answer@1 24 -> 25 of 40,
# top-3 31 -> 33).
POOL = 20
MAX_EMBED = 12  # sentences embedded per question: the cost of `ask`
DENSE_WEIGHT = 1.0
MAX_SHARE = 0.5  # a window's similarity: between its best sentence's and its mean's
# Answer scores mix cosines of separately embedded sentences, whose float noise between CPUs
# and thread counts is ~1e-7: they are compared at this precision, then by a stable key.
ANSWER_DECIMALS = 4
MAX_ALTERNATIVES = 2  # answers from other passages after the best one
TIE_GAP = 0.05  # score gap under which the runner-up window is shown too
FIRST_STAGE_SHARE = 0.1  # with a reranker, the first-stage score only breaks its near-ties


def citation_label(hit: Hit, short_names: Mapping[str, str]) -> str:
    """`[Transformer §3.2.1, p.4]`: short name, section number (or title), page."""
    name = short_names.get(hit.paper_id) or hit.paper_id
    number = hit.section.split(" ", 1)[0] if hit.section[:1].isalnum() else ""
    section = number if number and any(ch.isdigit() for ch in number) else hit.section
    where = f" §{section}" if section else ""
    return f"[{name}{where}, p.{hit.page}]"


def missing_text(paper: PaperRef) -> str:
    """What `ask` says when the question is about a reading-list paper not yet ingested."""
    return (
        f"{paper.title} ({paper.id}) is on your reading list but not ingested yet, so it cannot "
        f"answer this; run `reader ingest --paper {paper.id}` and ask again."
    )


def clip(text: str, limit: int) -> str:
    """Cut at a word boundary, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


class Answerer:
    """Answers a question from the library's own sentences, or abstains."""

    def __init__(
        self,
        retriever: Retriever,
        embedder: Embedder,
        settings: Settings,
        short_names: Mapping[str, str],
        reranker: Reranker | None = None,
    ) -> None:
        self.retriever = retriever
        self.embedder = embedder
        self.settings = settings
        self.short_names = dict(short_names)
        self.reranker = reranker

    def ask(
        self,
        question: str,
        paper_ids: frozenset[str] | None = None,
        role: SectionRole | None = None,
    ) -> Answer:
        q = self.retriever.normalize(question)
        missing = self._missing_paper(q.text, paper_ids)
        pool = self.retriever.candidates(q, max(POOL, self.settings.search_k), paper_ids, role)
        shown = tuple(pool[: self.settings.search_k])
        if missing is not None:
            # Another paper's passage that shares the words is not an answer about this one.
            not_asked = self._not_asked("not asked: the paper the question names is not ingested")
            return Answer(
                question, missing_text(missing), True, (), shown, missing_paper=missing,
                generation=not_asked,
            )  # fmt: skip
        ranked = self.choose(q, pool)
        if not ranked:
            not_asked = self._not_asked("not asked: no passage is close enough to the question")
            return Answer(question, NOT_FOUND, True, (), shown, generation=not_asked)
        options = [self._option(pool, group, score) for score, group in ranked]
        # The passages an answer quotes are always among the hits shown with it.
        quoted = {w.hit_index for _, group in ranked for w in group}
        used = sorted(i for i in quoted if i >= len(shown))
        hits = shown + tuple(pool[i] for i in used)
        best = options[0]
        extractive = Answer(
            question, best.answer, False, best.citations, hits, options=tuple(options)
        )
        if self.settings.llm_url:
            return self._generative(question, hits, extractive)
        return extractive

    def _not_asked(self, reason: str) -> Generation | None:
        """Why a configured LLM got no request; None when none is configured."""
        return (
            Generation(False, reason, self.settings.llm_model, 0.0)
            if self.settings.llm_url
            else None
        )

    def _option(self, pool: Sequence[Hit], group: Sequence[Window], score: float) -> AnswerOption:
        parts: list[str] = []
        citations: list[Citation] = []
        room = self.settings.max_answer_chars
        for w in group:
            hit = pool[w.hit_index]
            label = citation_label(hit, self.short_names)
            # The papers' "[3]" would read as a citation of the answer's: shown without them,
            # while each citation quotes the sentence as the section stores it (to find it).
            plain = [strip_reference_markers(s) for s in w.sentences]
            text = clip(" ".join(plain), room)
            room -= len(text) + 1
            parts.append(f"{text} {label}")
            citations.extend(
                Citation(hit.paper_id, hit.section, hit.page, quote, label)
                for quote in _quotes(w.sentences, plain, text)
            )
        return AnswerOption(" ".join(parts), tuple(citations), round(score, ANSWER_DECIMALS))

    def _missing_paper(self, text: str, paper_ids: frozenset[str] | None) -> PaperRef | None:
        """The reading-list paper the question asks about when it is not ingested and the
        question names no ingested paper (nor filters to one)."""
        if paper_ids is not None:
            return None
        names = self.retriever.names(text)
        if not names.missing or names.named:
            return None
        paper = names.missing[0]
        return PaperRef(paper.id, paper.title or paper.short_name or paper.id)

    def question(self, q: NormalizedQuery) -> Question:
        """The question's weighted terms, the term it asks to define, its answer type."""
        query_text, typed = q.text, q.typed or q.text
        names = self.retriever.names(query_text)
        named = names.asked
        # Inside a paper the question names, its name ("BERT") tells sentences apart poorly.
        only = next(iter(named)) if len(named) == 1 else None
        weights = self.retriever.match_weights(query_text, names.stems, only)
        stems = frozenset(match_stems(as_printed(query_text)))
        return Question(weights, stems, defined_term(typed), answer_type(typed), named, names.stems)

    def choose(self, q: NormalizedQuery, pool: Sequence[Hit]) -> list[tuple[float, list[Window]]]:
        """Answers, best first, each from passages no better answer quotes: the window with
        the best dense + lexical score (with a near-tie from elsewhere when both fit the length
        budget), then the next best windows. None when the evidence is weak."""
        candidates = windows(self.question(q), pool, self.settings.max_answer_chars)
        query_text = q.text
        # Embedding is the cost of `ask`: only the sentences of the lexically best windows are
        # embedded, in one batch, and a window's vector is the length-weighted mean of its
        # sentences' (close to a mean-pooled embedding of the window, at no extra model call).
        slot: dict[tuple[int, int], int] = {}
        row_of: dict[str, int] = {}  # a sentence repeated in several passages is embedded once
        texts: list[str] = []
        for w in candidates:
            new = [(p, t) for p, t in zip(w.places, w.sentences, strict=True) if p not in slot]
            fresh = {t for _, t in new if t not in row_of}
            if len(texts) + len(fresh) > MAX_EMBED:
                continue
            for p, t in new:
                if t not in row_of:
                    row_of[t] = len(texts)
                    texts.append(t)
                slot[p] = row_of[t]
            if len(texts) == MAX_EMBED:
                break
        if not texts:
            return []
        rows = self.embedder.embed(texts)
        question = self.retriever.query_vector(query_text)
        cosines = rows @ question
        if float(cosines.max()) < self.settings.abstain_threshold:
            return []
        scored: list[tuple[float, Window]] = []
        for w in candidates:
            at = [slot.get(p) for p in w.places]
            if any(k is None for k in at):
                continue
            mixed = sum(
                len(t) * rows[k] for t, k in zip(w.sentences, at, strict=True) if k is not None
            )
            mix = float(np.asarray(mixed) @ question) / max(float(np.linalg.norm(mixed)), 1e-9)
            top = max(float(cosines[k]) for k in at if k is not None)
            cos = MAX_SHARE * top + (1 - MAX_SHARE) * mix
            score = DENSE_WEIGHT * cos + w.lexical
            scored.append((score, w))
        scored.sort(key=lambda item: (-round(item[0], ANSWER_DECIMALS), _window_key(pool, item[1])))
        if not scored:
            return []
        if self.reranker is not None:
            scored = rerank(self.reranker, query_text, scored, self.settings.rerank_depth)
        top, best = scored[0]
        first = [best]
        # When the evidence does not single out one window, show the runner-up too.
        for score, w in scored[1:]:
            if score < top - TIE_GAP:
                break
            if set(w.places) & set(best.places):
                continue
            if len(best.text) + len(w.text) + 1 <= self.settings.max_answer_chars:
                first.append(w)
            break
        ranked = [(top, first)]
        quoted = {w.hit_index for w in first}
        for score, w in scored[1:]:
            if len(ranked) > MAX_ALTERNATIVES:
                break
            if w.hit_index in quoted:
                continue
            ranked.append((score, [w]))
            quoted.add(w.hit_index)
        return ranked

    def _generative(self, question: str, hits: Sequence[Hit], fallback: Answer) -> Answer:
        from reader.generation import answer_with_llm

        labels = [citation_label(h, self.short_names) for h in hits]
        return answer_with_llm(question, hits, labels, self.settings, fallback)


def rerank(
    reranker: Reranker, question: str, scored: Sequence[tuple[float, Window]], depth: int
) -> list[tuple[float, Window]]:
    """The `depth` best first-stage windows, re-ordered by the cross-encoder."""
    head = scored[: max(1, depth)]
    marks = reranker.score(question, [w.text for _, w in head])
    rescored = [
        (float(mark) + FIRST_STAGE_SHARE * first, w)
        for mark, (first, w) in zip(marks, head, strict=True)
    ]
    rescored.sort(key=lambda item: score_key(item[0]))
    return rescored


def _quotes(sentences: Sequence[str], plain: Sequence[str], shown: str) -> list[str]:
    """The sentences the answer shows (the last one may be clipped): whole ones as stored,
    a clipped one as shown."""
    quotes: list[str] = []
    rest = shown
    for stored, s in zip(sentences, plain, strict=True):
        if not rest:
            break
        whole = rest.startswith(s)
        quote = s if whole else rest.rstrip("…")
        quotes.append(stored if whole else quote)
        rest = rest[len(quote) :].lstrip()
    return quotes


def _window_key(pool: Sequence[Hit], w: Window) -> tuple[int, int, int]:
    """A tie key that does not depend on scores: the passage's id, then the place in it."""
    return (pool[w.hit_index].chunk_id, w.position, len(w.sentences))
