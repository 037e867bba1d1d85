"""Which papers a question names: by short name, title head, title acronym or a title phrase
no other paper shares ("Does BLIP-2 ...", "in the Vision Transformer ...")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from reader.text.query import STOP_WORDS
from reader.text.stems import WORD, word_stem

NameKey = tuple[str, ...]  # stemmed words


class NamedPaper(Protocol):
    """A paper as the reading list or the index knows it."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def short_name(self) -> str | None: ...


@dataclass(frozen=True)
class NameMatch:
    """The papers a text names and the stems of the names it used."""

    paper_ids: frozenset[str]
    stems: frozenset[str]


def _words(text: str) -> NameKey:
    return tuple(word_stem(w) for w in WORD.findall(text.lower()))


def paper_name_keys(
    papers: Iterable[NamedPaper], weak: Collection[str] = ()
) -> dict[str, set[NameKey]]:
    """Word sequences (stemmed) by which a reader names each paper. For the papers in `weak`
    a two-word title phrase is not enough ("resolution images" does not name "High-Resolution
    Image Synthesis ..."): only names and phrases of three words or more count."""
    papers = list(papers)
    phrases: dict[str, set[NameKey]] = {}
    for p in papers:
        title_words = WORD.findall((p.title or "").lower())
        grams: set[NameKey] = set()
        for n in (2, 3, 4):
            for i in range(len(title_words) - n + 1):
                gram = title_words[i : i + n]
                if not any(w in STOP_WORDS or w.isdigit() for w in gram):
                    grams.add(tuple(word_stem(w) for w in gram))
        phrases[p.id] = grams
    # A phrase in several titles ("image recognition") names none of them.
    counts = Counter(g for grams in phrases.values() for g in grams)
    keys: dict[str, set[NameKey]] = {}
    for p in papers:
        shortest = 3 if p.id in weak else 2
        own = {g for g in phrases[p.id] if counts[g] == 1 and len(g) >= shortest}
        title = p.title or ""
        if p.short_name and not p.short_name.endswith("…"):
            own.add(_words(p.short_name))
        head = title.split(":", 1)[0]
        if ":" in title and len(head.split()) <= 4:
            own.add(_words(head))
        for acronym in re.findall(r"\(([A-Za-z][\w-]{1,15})\)", title):
            own.add(_words(acronym))
        keys[p.id] = {k for k in own if k and not (len(k) == 1 and k[0] in STOP_WORDS)}
    return keys


def named_in(text: str, keys: Mapping[str, set[NameKey]]) -> NameMatch:
    """The papers `text` names. A name inside a longer name of another paper does not count:
    "BLIP-2" names BLIP-2, not also BLIP."""
    words = _words(text)
    spans: list[tuple[int, int, str, NameKey]] = []
    for pid in sorted(keys):
        for key in keys[pid]:
            n = len(key)
            spans.extend(
                (i, i + n, pid, key) for i in range(len(words) - n + 1) if words[i : i + n] == key
            )
    kept = [
        s
        for s in spans
        if not any(
            o[2] != s[2] and o[0] <= s[0] and s[1] <= o[1] and o[1] - o[0] > s[1] - s[0]
            for o in spans
        )
    ]
    return NameMatch(frozenset(s[2] for s in kept), frozenset(stem for s in kept for stem in s[3]))
