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
    match_long_form,
)
from reader.concepts.glossary import Glossary
from reader.concepts.variants import bare_uses, preferred_spelling, singular_terms
from reader.errors import QueryError
from reader.models import (
    ConceptResult,
    GlossaryEntry,
    Occurrence,
    PaperRecord,
    ReadingList,
    ReadingListRef,
    StoredChunk,
)
from reader.settings import Settings
from reader.text.definitions import (
    Candidate,
    defining_papers,
    definition_candidates,
    rank_definitions,
)
from reader.text.query import CAMEL, compact, normalize_query, normalize_text, term_pattern

MAX_SCAN = 5000  # passages scanned per lookup; counts of a very common word stop there
MAX_DEFINITIONS = 5
DEFINITION_CHARS = 420


@dataclass(frozen=True)
class _Match:
    chunk: StoredChunk
    count: int


@dataclass(frozen=True)
class _Name:
    """What a typed term resolved to: the name to report, its expansion, every form to look
    for, and the papers that define the acronym."""

    canonical: str
    expansion: str | None
    forms: tuple[str, ...]
    definers: tuple[str, ...]


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
        # Scans of the current lookup: resolving a term asks for the same forms more than once.
        self._scans: dict[tuple[str, ...], list[_Match]] = {}

    def lookup(self, term: str) -> ConceptResult:
        clean = normalize_text(term).strip(" \"'“”?.!,;:")[: self.settings.max_query_chars]
        if not re.search(r"\w", clean):
            raise QueryError("the term is empty: give a word or phrase to look up")
        papers = {p.id: p for p in self.store.papers()}
        self._scans = {}
        entry = self.glossary.lookup(clean)
        name = self._resolve(clean, entry)
        if entry is None:
            entry = self._glossary_via(name.forms)
        matches = self._scan(name.forms)
        forms = list(name.forms)
        if not matches and entry is not None:
            # "LayerNorm" in the papers is "layer normalization": fall back to glossary names.
            forms = list(dict.fromkeys([*forms, *self.glossary.names(entry)]))
            matches = self._scan(forms)

        occurrences = _occurrences(matches)
        candidates = definition_candidates([m.chunk for m in matches], forms, DEFINITION_CHARS)
        introducer = self._introducer(name, entry, papers, occurrences, candidates)
        definitions = rank_definitions(candidates, introducer, MAX_DEFINITIONS)
        related = self._related(clean, name.canonical, forms, entry)
        refs, hint = self._reading_list(
            clean, name.canonical, entry, set(papers), bool(occurrences)
        )
        return ConceptResult(
            term=clean,
            found=bool(occurrences),
            expansion=name.expansion,
            definitions=tuple(definitions),
            occurrences=tuple(occurrences),
            related=tuple(related),
            glossary=entry,
            reading_list=tuple(refs),
            hint=hint,
            canonical=name.canonical,
        )

    # ------------------------------------------------------------------ variants

    def _resolve(self, clean: str, entry: GlossaryEntry | None) -> _Name:
        """One concept for every way of typing it: singular, the papers' spelling, and the
        acronym when the papers define one for a long form and use it at least as often."""
        matches = self._scan([clean])
        base = clean
        singulars = singular_terms(clean)
        if singulars[0] != clean:
            plural_matches = self._scan(singulars[:1])
            texts = _texts(plural_matches)
            chosen = next((s for s in singulars if bare_uses(s, texts)), None)
            if chosen or (plural_matches and not matches):
                base, matches = chosen or singulars[0], plural_matches
        texts = _texts(matches)
        spelled = preferred_spelling(base, texts) if texts else None
        if spelled is None and entry is not None:
            spelled = next(
                (n for n in self.glossary.names(entry) if compact(n) == compact(base)), None
            )
        name = spelled or (base if texts else clean)
        known = self.glossary.names(entry) if entry is not None else ()
        if looks_like_acronym(name):
            expansion = best_expansion(find_expansions(name, texts), name, known)
            return _Name(name, expansion, _unique([name, expansion]), _definers(name, matches))

        defined = find_acronym(name, texts)
        # Of several acronyms ("BN", "BatchNorm"), the one the glossary names the concept by.
        named = [a for a in defined if any(compact(a) == compact(n) for n in known)]
        acronym = named[0] if named else (defined.most_common(1)[0][0] if defined else None)
        if acronym is None and entry is not None and _expands(entry.term, name):
            acronym = entry.term  # "singular value decomposition" is the glossary's SVD
        if acronym is None:
            return _Name(name, None, (name,), ())
        if re.search(r"[a-z]{3}", acronym):
            # "LayerNorm" shortens "layer normalization" but is no acronym of it (unlike "ReLU",
            # "MLM"): the concept keeps the name typed, and the short form is searched too.
            return _Name(name, None, (name, acronym), _definers(name, matches))
        short_matches = self._scan([acronym])
        short_texts = _texts(short_matches)
        if _uses(acronym, short_texts) < _uses(name, texts):
            # The papers mostly write it out ("self-attention", rarely "SA"): keep the long form.
            return _Name(name, None, (name, acronym), ())
        acronym = preferred_spelling(acronym, short_texts) or acronym
        found = find_expansions(acronym, short_texts)
        expansion = best_expansion(found, acronym, (*known, name))
        return _Name(
            acronym,
            expansion,
            _unique([acronym, expansion, name]),
            _definers(acronym, short_matches),
        )

    # ------------------------------------------------------------------ scanning

    def passages_using(self, phrase: str) -> int:
        """How many passages use `phrase` (as `lookup` counts a term's uses)."""
        return len(self._scan_store([phrase]))

    def most_used(self, names: Sequence[str], papers: frozenset[str]) -> str | None:
        """The name the papers use most (only `papers`, when given); ties keep the first."""
        best, best_uses = None, 0
        for name in names:
            matches = self._scan_store([name])
            uses = sum(1 for m in matches if not papers or m.chunk.chunk.paper_id in papers)
            if uses > best_uses:
                best, best_uses = name, uses
        return best

    def _scan(self, forms: Sequence[str]) -> list[_Match]:
        """Passages that use any of `forms`, with the number of uses in each."""
        key = tuple(forms)
        if key not in self._scans:
            self._scans[key] = self._scan_store(forms)
        return self._scans[key]

    def _scan_store(self, forms: Sequence[str]) -> list[_Match]:
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
        name: _Name,
        entry: GlossaryEntry | None,
        papers: dict[str, PaperRecord],
        occurrences: Sequence[Occurrence],
        candidates: Sequence[Candidate],
    ) -> str | None:
        """The ingested paper most likely to introduce the term: the glossary's, one named
        after it, one defining its acronym, the earliest that defines it, then the most uses."""
        used = {o.paper_id for o in occurrences}
        if entry is not None and entry.introduced_by in used:
            return entry.introduced_by
        keys = {compact(f) for f in name.forms if f}
        titled = [
            (rank, pid)
            for pid in sorted(used)  # a set's order changes between processes: never rank by it
            if pid in papers and (rank := _title_rank(papers[pid].title, keys)) is not None
        ]
        if titled:
            return min(titled, key=lambda t: (t[0], _published(papers.get(t[1]), t[1]), t[1]))[1]
        for group in ([p for p in name.definers if p in used], defining_papers(candidates)):
            if group:
                return min(group, key=lambda pid: (_published(papers.get(pid), pid), pid))
        if occurrences:
            return min(occurrences, key=lambda o: (-o.count, o.paper_id)).paper_id
        return None

    def _related(
        self, term: str, canonical: str, forms: Sequence[str], entry: GlossaryEntry | None
    ) -> list[str]:
        related = list(forms)
        if entry is not None:
            related.append(entry.term)
            related.extend(entry.related)
        # The term itself, however typed or resolved, is not related to itself.
        seen: set[str] = {compact(term), compact(canonical)}
        unique = []
        for r in related:
            if compact(r) not in seen:
                seen.add(compact(r))
                unique.append(r)
        return unique

    def _reading_list(
        self,
        term: str,
        canonical: str,
        entry: GlossaryEntry | None,
        ingested: set[str],
        found: bool,
    ) -> tuple[list[ReadingListRef], str | None]:
        keys = {compact(term), compact(canonical)}
        if entry is not None:
            keys |= {compact(n) for n in self.glossary.names(entry)}
        refs: list[ReadingListRef] = []
        for paper in self.reading_list.papers if self.reading_list else ():
            key_concept = any(compact(c) in keys for c in paper.key_concepts)
            introduces = entry is not None and entry.introduced_by == paper.id
            if key_concept or introduces:
                title = paper.title or paper.id
                refs.append(ReadingListRef(paper.id, title, paper.id in ingested, introduces))
        if found:
            return refs, None
        missing = [r for r in refs if not r.ingested]
        if missing:
            ref = next((r for r in missing if r.introduces), missing[0])
            entry_pl = self.reading_list.get(ref.paper_id) if self.reading_list else None
            name = (entry_pl.short_name if entry_pl else None) or ref.title
            verb = "is introduced by" if ref.introduces else "is a key concept of"
            return refs, (
                f"{canonical} {verb} {name} ({ref.paper_id}), which is on your reading list but "
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


def _texts(matches: Sequence[_Match]) -> list[str]:
    return [m.chunk.chunk.text for m in matches]


def _unique(forms: Iterable[str | None]) -> tuple[str, ...]:
    """Forms without blanks or repeats (ignoring case, hyphens and plurals)."""
    seen: dict[str, str] = {}
    for form in forms:
        if form and compact(form) not in seen:
            seen[compact(form)] = form
    return tuple(seen.values())


def _uses(term: str, texts: Iterable[str]) -> int:
    pattern = term_pattern(term)
    return sum(len(pattern.findall(t)) for t in texts)


def _expands(acronym: str, long_form: str) -> bool:
    """True when `long_form` spells out `acronym` ("Rectified Linear Unit" for "ReLU")."""
    if not looks_like_acronym(acronym) or compact(acronym) == compact(long_form):
        return False
    matched = match_long_form(acronym, long_form)
    return matched is not None and compact(matched) == compact(long_form)


def _definers(acronym: str, matches: Sequence[_Match]) -> tuple[str, ...]:
    """Papers whose text defines `acronym` ("Gaussian Error Linear Unit (GELU)")."""
    return tuple(
        dict.fromkeys(
            m.chunk.chunk.paper_id
            for m in matches
            if find_expansions(acronym, [m.chunk.chunk.text])
        )
    )


def _title_rank(title: str, keys: set[str]) -> int | None:
    """0: the title is the term ("Layer Normalization"); 1: it names it ("BERT: …",
    "… (GELUs)"); 2: it contains it; None: it does not."""
    whole = compact(title)
    if whole in keys:
        return 0
    named = {compact(title.split(":")[0])} | {
        compact(x) for x in re.findall(r"\(([^()]+)\)", title)
    }
    if named & keys:
        return 1
    return 2 if any(k and k in whole for k in keys) else None


def _published(paper: PaperRecord | None, paper_id: str) -> str:
    """A sort key for publication order: the date when known, else the arXiv id's yymm."""
    if paper is not None and paper.published:
        return paper.published[:10]
    m = re.match(r"(\d{2})(\d{2})\.\d+", paper_id)
    return f"20{m.group(1)}-{m.group(2)}" if m else paper_id
