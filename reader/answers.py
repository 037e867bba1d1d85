"""Extractive answers: the retrieved sentences that answer a question, each with its citation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.errors import LLMError
from reader.models import Answer, Citation, Hit, SectionRole
from reader.retrieval import Retriever, content_stems
from reader.sentences import is_prose, split_sentences
from reader.settings import Settings

if TYPE_CHECKING:
    from reader.embeddings import Embedder

NOT_FOUND = "Not found in your library."

POOL = 10  # passages whose sentences compete for the answer
DENSE_WEIGHT = 1.0
KEYWORD_WEIGHT = 0.35
RANK_WEIGHT = 0.08


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate answer sentence with the evidence behind its score."""

    text: str
    hit_index: int  # index into the pool of hits
    position: int  # sentence index inside its passage
    dense: float  # cosine to the question
    keyword: float  # IDF-weighted share of question terms it contains
    score: float


def citation_label(hit: Hit, short_names: Mapping[str, str]) -> str:
    """`[Transformer §3.2.1, p.4]`: short name, section number (or title), page."""
    name = short_names.get(hit.paper_id) or hit.paper_id
    number = hit.section.split(" ", 1)[0] if hit.section[:1].isalnum() else ""
    section = number if number and any(ch.isdigit() for ch in number) else hit.section
    where = f" §{section}" if section else ""
    return f"[{name}{where}, p.{hit.page}]"


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
    ) -> None:
        self.retriever = retriever
        self.embedder = embedder
        self.settings = settings
        self.short_names = dict(short_names)

    def ask(
        self,
        question: str,
        paper_ids: frozenset[str] | None = None,
        role: SectionRole | None = None,
    ) -> Answer:
        q = self.retriever.normalize(question)
        pool = self.retriever.candidates(q, max(POOL, self.settings.search_k), paper_ids, role)
        shown = tuple(pool[: self.settings.search_k])
        scored = self.score_sentences(q.text, pool)
        if not scored or scored[0].dense < self.settings.abstain_threshold:
            return Answer(question, NOT_FOUND, True, (), shown)
        chosen = self.choose(scored, pool)
        citations = tuple(
            Citation(
                paper_id=pool[s.hit_index].paper_id,
                section=pool[s.hit_index].section,
                page=pool[s.hit_index].page,
                quote=s.text,
                label=citation_label(pool[s.hit_index], self.short_names),
            )
            for s in chosen
        )
        text = " ".join(f"{s.text} {c.label}" for s, c in zip(chosen, citations, strict=True))
        used = {s.hit_index for s in chosen}
        # The passages an answer quotes are always among the hits shown with it.
        hits = shown + tuple(pool[i] for i in sorted(used) if i >= len(shown))
        extractive = Answer(question, text, False, citations, hits)
        if self.settings.llm_url:
            return self._generative(question, hits, extractive)
        return extractive

    def score_sentences(self, query_text: str, pool: Sequence[Hit]) -> list[ScoredSentence]:
        """Every usable sentence of the pool, best first."""
        candidates: list[tuple[int, int, str]] = []
        for i, hit in enumerate(pool):
            for j, span in enumerate(split_sentences(hit.text)):
                if is_prose(span.text):
                    candidates.append((i, j, span.text))
        if not candidates:
            return []
        vectors = self.embedder.embed([query_text] + [text for _, _, text in candidates])
        cosines = vectors[1:] @ vectors[0]
        weights = {s: self.retriever.idf(s) for s in set(content_stems(query_text))}
        total = sum(weights.values()) or 1.0
        scored = []
        for (i, j, text), cos in zip(candidates, cosines, strict=True):
            stems = set(content_stems(text))
            keyword = sum(w for s, w in weights.items() if s in stems) / total
            score = DENSE_WEIGHT * float(cos) + KEYWORD_WEIGHT * keyword + RANK_WEIGHT / (1 + i)
            scored.append(ScoredSentence(text, i, j, float(cos), keyword, score))
        scored.sort(key=lambda s: -s.score)
        return scored

    def choose(self, scored: Sequence[ScoredSentence], pool: Sequence[Hit]) -> list[ScoredSentence]:
        """The best sentence, plus its neighbour or a near-tie when they fit the length budget."""
        limit = self.settings.max_answer_chars
        best = scored[0]
        chosen = [ScoredSentence(clip(best.text, limit), *_rest(best))]
        length = len(chosen[0].text)
        by_place = {(s.hit_index, s.position): s for s in scored}
        follower = by_place.get((best.hit_index, best.position + 1))
        extras: list[ScoredSentence] = []
        if follower is not None and follower.score >= 0.8 * best.score:
            extras.append(follower)
        extras.extend(s for s in scored[1:3] if s.score >= 0.95 * best.score)
        for extra in extras:
            if len(chosen) == 3 or any(extra.text == c.text for c in chosen):
                continue
            if length + 1 + len(extra.text) <= limit:
                chosen.append(extra)
                length += 1 + len(extra.text)
        # Read in document order when the sentences come from one passage.
        return sorted(
            chosen, key=lambda s: (s.hit_index != best.hit_index, s.hit_index, s.position)
        )

    def _generative(self, question: str, hits: Sequence[Hit], fallback: Answer) -> Answer:
        from reader.llm import generate_answer

        labels = [citation_label(h, self.short_names) for h in hits]
        try:
            return generate_answer(question, hits, labels, self.settings)
        except LLMError:
            # A failed or unfaithful generation never replaces the extractive answer.
            return fallback


def _rest(s: ScoredSentence) -> tuple[int, int, float, float, float]:
    return (s.hit_index, s.position, s.dense, s.keyword, s.score)
