"""The papers choose the English: among the readings of a Chinese name, among a concept's
glossary names, and how a chosen term is spelled. Counting uses is passed in, so this stage
needs no index of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Protocol

from reader.models import ConceptResult, GlossaryEntry, QueryMapping


class GlossaryNames(Protocol):
    def lookup(self, term: str) -> GlossaryEntry | None: ...
    def names(self, entry: GlossaryEntry) -> tuple[str, ...]: ...


def concept_english(mapping: QueryMapping, uses: Callable[[str], int]) -> str:
    """The English a Chinese concept name is looked up as: its reading the papers use most
    (ties: the likeliest sense), else the mapped English."""
    english = mapping.concept_english or mapping.english
    if not mapping.readings:
        return english
    counts = {reading: uses(reading) for reading in mapping.readings}
    best = max(mapping.readings, key=lambda r: counts[r])
    return best if counts[best] else english


def spelled_as_printed(english: str, result: ConceptResult) -> str:
    """`english` as the papers print it ("noise-contrastive estimation"), when the lookup
    found that spelling; never the papers' short form of it."""
    printed = [
        f for f in (result.expansion, result.canonical) if f and _loose(f) == _loose(english)
    ]
    return printed[0] if printed else english


def in_the_papers_words(
    mapping: QueryMapping,
    glossary: GlossaryNames,
    most_used: Callable[[Sequence[str]], str | None],
) -> QueryMapping:
    """Each glossary concept of a question named as the papers asked about name it
    (`most_used` counts in those papers): 位置编码 of ViT is its "position embeddings"."""
    english, words = mapping.english, list(mapping.words)
    for i, word in enumerate(mapping.words):
        entry = glossary.lookup(word.english) if word.source == "glossary" else None
        if entry is None or word.english not in english:
            continue
        best = most_used([word.english, *_long_names(glossary.names(entry))])
        if best is not None and best != word.english:
            english = english.replace(word.english, best, 1)
            words[i] = replace(word, english=best)
    return replace(mapping, english=english, words=tuple(words))


def _long_names(names: Iterable[str]) -> list[str]:
    # An acronym ("PE") would lose the words the embedding needs.
    return [n for n in names if len(n) > 4 and not n.isupper()]


def _loose(term: str) -> str:
    return " ".join(term.lower().replace("-", " ").split())
