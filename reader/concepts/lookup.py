"""Concept lookup: where a term is used, the sentences that define it, and the glossary."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reader.answers.retrieval import KeywordSource, section_label
from reader.concepts.acronyms import (
    best_expansion,
    find_acronym,
    find_expansions,
    looks_like_acronym,
)
from reader.concepts.glossary import Glossary
from reader.errors import QueryError
from reader.models import (
    ConceptResult,
    Definition,
    GlossaryEntry,
    Occurrence,
    PaperRecord,
    ReadingList,
    ReadingListRef,
    StoredChunk,
)
from reader.settings import Settings
from reader.text.definitions import definition_candidates
from reader.text.query import CAMEL, compact, normalize_query, normalize_text, term_pattern

MAX_SCAN = 5000  # passages scanned per lookup; counts of a very common word stop there
MAX_DEFINITIONS = 5
DEFINITION_CHARS = 420


@dataclass(frozen=True)
class _Match:
    chunk: StoredChunk
    count: int


class ConceptFinder:
    """Looks a term up in the papers of one index, then in the project's glossary."""

    def __init__(
        self,
        store: KeywordSource,
        settings: Settings,
        glossary: Glossary,
        reading_list: ReadingList | None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.glossary = glossary
        self.reading_list = reading_list

    def lookup(self, term: str) -> ConceptResult:
        clean = normalize_text(term).strip(" \"'“”?.!,;:")[: self.settings.max_query_chars]
        if not re.search(r"\w", clean):
            raise QueryError("the term is empty: give a word or phrase to look up")
        papers = {p.id: p for p in self.store.papers()}
        entry = self.glossary.lookup(clean)

        matches = self._scan([clean])
        expansion: str | None = None
        forms = [clean]
        if looks_like_acronym(clean):
            texts = (m.chunk.chunk.text for m in matches)
            known = self.glossary.names(entry) if entry is not None else ()
            expansion = best_expansion(find_expansions(clean, texts), clean, known)
            if expansion:
                forms.append(expansion)
        else:
            acronym = find_acronym(clean, (m.chunk.chunk.text for m in matches))
            if acronym:
                forms.append(acronym)
        if expansion is None and entry is None:
            entry = self._glossary_via(forms)
        if len(forms) > 1:
            matches = self._scan(forms)
        if not matches and entry is not None:
            # "LayerNorm" in the papers is "layer normalization": fall back to glossary names.
            forms = list(dict.fromkeys([clean, *self.glossary.names(entry)]))
            matches = self._scan(forms)

        occurrences = _occurrences(matches)
        introducer = self._introducer(clean, expansion, entry, papers, occurrences)
        definitions = _definitions(matches, forms, introducer)
        related = self._related(clean, forms, entry)
        refs, hint = self._reading_list(clean, entry, set(papers), bool(occurrences))
        return ConceptResult(
            term=clean,
            found=bool(occurrences),
            expansion=expansion,
            definitions=tuple(definitions),
            occurrences=tuple(occurrences),
            related=tuple(related),
            glossary=entry,
            reading_list=tuple(refs),
            hint=hint,
        )

    # ------------------------------------------------------------------ scanning

    def _scan(self, forms: Sequence[str]) -> list[_Match]:
        """Passages that use any of `forms`, with the number of uses in each."""
        expressions = []
        for form in forms:
            q = normalize_query(form, self.settings.max_query_chars)
            words = re.findall(r"[^\W_]+", q.text)
            if not words:
                continue
            joined = " ".join(words)
            expressions.append(f'"{joined}"')
            if len(words) > 1:
                expressions.append(f'"{"".join(words)}"')
            camel = re.findall(r"[^\W_]+", " ".join(CAMEL.split(form)).lower())
            if len(camel) > 1 and " " not in form:
                expressions.append('"' + " ".join(camel) + '"')
        if not expressions:
            return []
        ids = [cid for cid, _ in self.store.keyword_search(" OR ".join(expressions), MAX_SCAN)]
        patterns = [term_pattern(f) for f in forms]
        found = []
        for sc in self.store.chunks(ids):
            count = sum(len(p.findall(sc.chunk.text)) for p in patterns)
            if count:
                found.append(_Match(sc, count))
        found.sort(key=lambda m: (m.chunk.chunk.paper_id, m.chunk.chunk.ordinal))
        return found

    # ------------------------------------------------------------------ context

    def _glossary_via(self, forms: Iterable[str]) -> GlossaryEntry | None:
        for form in forms:
            entry = self.glossary.lookup(form)
            if entry is not None:
                return entry
        return None

    def _introducer(
        self,
        term: str,
        expansion: str | None,
        entry: GlossaryEntry | None,
        papers: dict[str, PaperRecord],
        occurrences: Sequence[Occurrence],
    ) -> str | None:
        """The ingested paper most likely to introduce the term: glossary, title, then usage."""
        used = {o.paper_id for o in occurrences}
        if entry is not None and entry.introduced_by in used:
            return entry.introduced_by
        keys = {compact(term)} | ({compact(expansion)} if expansion else set())
        for pid in used:
            title = compact(papers[pid].title) if pid in papers else ""
            if any(k and k in title for k in keys):
                return pid
        if occurrences:
            return max(occurrences, key=lambda o: o.count).paper_id
        return None

    def _related(self, term: str, forms: Sequence[str], entry: GlossaryEntry | None) -> list[str]:
        related = [f for f in forms[1:] if compact(f) != compact(term)]
        if entry is not None:
            if compact(entry.term) != compact(term):
                related.append(entry.term)
            related.extend(entry.related)
        seen: set[str] = set()
        unique = []
        for r in related:
            if compact(r) not in seen:
                seen.add(compact(r))
                unique.append(r)
        return unique

    def _reading_list(
        self, term: str, entry: GlossaryEntry | None, ingested: set[str], found: bool
    ) -> tuple[list[ReadingListRef], str | None]:
        keys = {compact(term)}
        if entry is not None:
            keys |= {compact(n) for n in self.glossary.names(entry)}
        refs: list[ReadingListRef] = []
        introduced_by: ReadingListRef | None = None
        for paper in self.reading_list.papers if self.reading_list else ():
            key_concept = any(compact(c) in keys for c in paper.key_concepts)
            introduces = entry is not None and entry.introduced_by == paper.id
            if key_concept or introduces:
                ref = ReadingListRef(paper.id, paper.title or paper.id, paper.id in ingested)
                refs.append(ref)
                if introduces:
                    introduced_by = ref
        if found:
            return refs, None
        missing = [r for r in refs if not r.ingested]
        if missing:
            ref = introduced_by if introduced_by in missing else missing[0]
            assert ref is not None
            entry_pl = self.reading_list.get(ref.paper_id) if self.reading_list else None
            name = (entry_pl.short_name if entry_pl else None) or ref.title
            verb = "is introduced by" if ref is introduced_by else "is a key concept of"
            return refs, (
                f"{term} {verb} {name} ({ref.paper_id}), which is on your reading list but "
                "not ingested: run `reader ingest`"
            )
        note = " (the glossary entry is written for this project, not quoted)" if entry else ""
        return refs, f"'{term}' is not found in your library{note}"


def _occurrences(matches: Sequence[_Match]) -> list[Occurrence]:
    """Per paper: how often, and where first in reading order."""
    counts: Counter[str] = Counter()
    first: dict[str, StoredChunk] = {}
    for m in matches:
        c = m.chunk.chunk
        counts[c.paper_id] += m.count
        if c.paper_id not in first or c.ordinal < first[c.paper_id].chunk.ordinal:
            first[c.paper_id] = m.chunk
    return [
        Occurrence(
            paper_id=pid,
            count=n,
            first_section=section_label(
                first[pid].chunk.section_number, first[pid].chunk.section_title
            ),
            first_page=first[pid].chunk.page,
        )
        for pid, n in counts.most_common()
    ]


def _definitions(
    matches: Sequence[_Match], forms: Sequence[str], introducer: str | None
) -> list[Definition]:
    scored = definition_candidates([m.chunk for m in matches], forms, introducer, DEFINITION_CHARS)
    return [d for _, d in scored[:MAX_DEFINITIONS]]
