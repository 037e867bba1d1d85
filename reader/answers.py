"""Extractive answers: the retrieved sentences that answer a question, each with its citation."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from reader.definitions import defined_term, defines
from reader.errors import LLMError
from reader.models import Answer, Citation, Hit, SectionRole
from reader.retrieval import Retriever, content_stems
from reader.sentences import is_prose, split_sentences
from reader.settings import Settings

if TYPE_CHECKING:
    from reader.embeddings import Embedder

NOT_FOUND = "Not found in your library."

POOL = 10  # passages whose sentences compete for the answer
MAX_EMBED = 24  # sentences embedded per question (the cost of `ask`)
DENSE_WEIGHT = 1.0
KEYWORD_WEIGHT = 0.35
RANK_WEIGHT = 0.08
DEFINITION_BONUS = 0.25  # "what is X?" and the sentence defines X
FOLLOWER_SHARE = 0.8
NEAR_TIE_SHARE = 0.9
PAIR_COST = 0.03  # a pair must beat its best sentence by more than noise
ANSWER_TYPE_BONUS = 0.08
OTHER_PAPER_PENALTY = 0.1  # the question names a paper and this sentence is from another

_QUANTITY = re.compile(
    r"\b(?:how\s+(?:many|much|large|big|long|often)|what\s+(?:fraction|"
    r"percentage|proportion|share|number|ratio|size|rate))\b",
    re.IGNORECASE,
)
_WHY = re.compile(r"^\s*why\b", re.IGNORECASE)
_HAS_NUMBER = re.compile(r"\d")
_HAS_REASON = re.compile(
    r"\b(?:because|since|due\s+to|so\s+that|in\s+order\s+to|the\s+reason|suspect|"
    r"to\s+(?:avoid|prevent|counteract|address|overcome)|which\s+(?:is\s+)?not|cannot)\b",
    re.IGNORECASE,
)


def answer_type_cue(question: str) -> re.Pattern[str] | None:
    """What an answer to this kind of question contains: a number, or a reason."""
    if _QUANTITY.search(question):
        return _HAS_NUMBER
    if _WHY.search(question):
        return _HAS_REASON
    return None


_CAPTION = re.compile(r"^(?:Figure|Fig\.|Table|Tab\.)\s*\d|^\(?[a-z]\)\s")


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate answer sentence with the evidence behind its score."""

    text: str
    hit_index: int  # index into the pool of hits
    position: int  # sentence index inside its passage
    dense: float  # cosine to the question
    keyword: float  # IDF-weighted share of question terms it contains
    score: float
    length: int = 1  # sentences in this unit (a pair quotes two adjacent ones)
    opens: bool = False  # defines the asked term or ends in ':' (it goes on in the next one)


@dataclass(frozen=True)
class _Unit:
    hit_index: int
    position: int
    length: int
    text: str
    keyword: float
    prior: float
    opens: bool


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
        if not scored or max(s.dense for s in scored) < self.settings.abstain_threshold:
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
        """Usable sentences, and pairs of adjacent ones, of the pool, best first."""
        named, name_stems = self.retriever.named_papers(query_text)
        # Inside a paper the question names, its name ("BERT") tells sentences apart poorly.
        weights = {
            s: w for s, w in self.retriever.query_weights(query_text).items() if s not in name_stems
        }
        total = sum(weights.values()) or 1.0
        term = defined_term(query_text)
        wants = answer_type_cue(query_text)
        singles: list[_Unit] = []
        for i, hit in enumerate(pool):
            for j, span in enumerate(split_sentences(hit.text)):
                if not is_prose(span.text):
                    continue
                stems = set(content_stems(span.text))
                keyword = sum(w for s, w in weights.items() if s in stems) / total
                prior = KEYWORD_WEIGHT * keyword + RANK_WEIGHT / (1 + i) - _penalty(span.text)
                if named and hit.paper_id not in named:
                    prior -= OTHER_PAPER_PENALTY
                opens = span.text.endswith(":")
                if term and defines(span.text, term):
                    prior += DEFINITION_BONUS
                    opens = True
                if wants is not None and wants.search(span.text):
                    prior += ANSWER_TYPE_BONUS
                singles.append(_Unit(i, j, 1, span.text, keyword, prior, opens))
        if not singles:
            return []
        # Embedding is the cost of `ask`: only the lexically plausible sentences compete,
        # alone and with their neighbour (a reason often sits next to the sentence that
        # restates the question).
        singles.sort(key=lambda u: -u.prior)
        singles = singles[:MAX_EMBED]
        vectors = self.embedder.embed([query_text] + [u.text for u in singles])
        question, rows = vectors[0], vectors[1:]
        cosines = rows @ question
        scored = [
            ScoredSentence(
                u.text,
                u.hit_index,
                u.position,
                float(cos),
                u.keyword,
                DENSE_WEIGHT * float(cos) + u.prior,
                1,
                u.opens,
            )
            for u, cos in zip(singles, cosines, strict=True)
        ]
        at = {(u.hit_index, u.position): k for k, u in enumerate(singles)}
        for k, u in enumerate(singles):
            n = at.get((u.hit_index, u.position + 1))
            if n is None:
                continue
            nxt = singles[n]
            if len(u.text) + 1 + len(nxt.text) > self.settings.max_answer_chars:
                continue
            # A mean-pooled embedding of two sentences is close to the length-weighted mean
            # of theirs: pairs cost no extra model call.
            mixed = len(u.text) * rows[k] + len(nxt.text) * rows[n]
            cos = float(mixed @ question) / max(float(np.linalg.norm(mixed)), 1e-9)
            prior = max(u.prior, nxt.prior) - PAIR_COST
            scored.append(
                ScoredSentence(
                    f"{u.text} {nxt.text}",
                    u.hit_index,
                    u.position,
                    cos,
                    max(u.keyword, nxt.keyword),
                    DENSE_WEIGHT * cos + prior,
                    2,
                )
            )
        scored.sort(key=lambda s: -s.score)
        return scored

    def choose(self, scored: Sequence[ScoredSentence], pool: Sequence[Hit]) -> list[ScoredSentence]:
        """The best sentence, plus its neighbour or near-ties when they fit the length budget."""
        limit = self.settings.max_answer_chars
        best = scored[0]
        chosen = [dataclasses.replace(best, text=clip(best.text, limit))]
        length = len(chosen[0].text)
        by_place = {(s.hit_index, s.position): s for s in scored}
        follower = by_place.get((best.hit_index, best.position + best.length))
        if follower is not None and follower.length != 1:
            follower = None
        near_ties = [s for s in scored[1:4] if s.score >= NEAR_TIE_SHARE * best.score]
        extras: list[ScoredSentence] = []
        # A definition, or a sentence ending in ':', finishes in the next sentence; otherwise
        # near-ties come first: when the evidence does not single out one sentence, show them.
        if follower is not None and best.opens:
            extras.append(follower)
        extras.extend(near_ties)
        if follower is not None and follower.score >= FOLLOWER_SHARE * best.score:
            extras.append(follower)
        for extra in extras:
            if len(chosen) == 3 or any(_overlaps(extra, c) for c in chosen):
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


def _penalty(sentence: str) -> float:
    """Captions and fragments cut mid-sentence are rarely the answer."""
    if _CAPTION.search(sentence):
        return 0.1
    if sentence[:1].islower():
        return 0.05
    return 0.0


def _overlaps(a: ScoredSentence, b: ScoredSentence) -> bool:
    """Two units quoting a common sentence of one passage."""
    if a.text in b.text or b.text in a.text:
        return True
    if a.hit_index != b.hit_index:
        return False
    return a.position < b.position + b.length and b.position < a.position + a.length
