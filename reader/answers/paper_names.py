"""Which papers a question names: by short name, title head, title acronym or a title phrase
no other paper shares ("Does BLIP-2 ...", "in the Vision Transformer ...")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from reader.concepts.acronyms import looks_like_acronym, match_long_form
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
    first: frozenset[str] = frozenset()  # the paper(s) named first: the one asked about


@dataclass(frozen=True)
class QuestionNames:
    """What a question says about papers, for one library."""

    named: frozenset[str]  # ingested papers it names
    stems: frozenset[str]  # the stems of the names it used
    asked: frozenset[str]  # the ingested paper(s) it is about
    missing: tuple[NamedPaper, ...]  # reading-list papers it names that are not ingested


def _words(text: str) -> NameKey:
    return tuple(word_stem(w) for w in WORD.findall(text.lower()))


_DEFINED = re.compile(r"\(([A-Z][\w-]{1,15})\)")  # "Momentum Contrast (MoCo)"
_VERSIONED = re.compile(r"\b([A-Z][A-Za-z]+ v\d)\b")  # "MoCo v2"


def self_names(title: str, opening: str, body: str = "") -> dict[str, int]:
    """Names a paper gives itself, each with how many title words back it: the acronym it
    defines in its abstract and introduction whose long form covers most title words ("Vision
    Transformer (ViT)" for "... Transformers for Image Recognition"), or, when those define
    none, anywhere in its `body` ("residual nets (ResNets)"); and a versioned name its opening
    uses twice or whose base it defines ("MoCo v2", backed as strongly as a name can be)."""
    title_stems = {word_stem(w) for w in WORD.findall(title.lower())} - STOP_WORDS
    defined = Counter(m.group(1) for m in _DEFINED.finditer(opening))
    best = _own_acronym(title_stems, opening) or (_own_acronym(title_stems, body) if body else None)
    names: dict[str, int] = {}
    if best:
        backing, short, long_form = best
        names[short] = backing
        if len(WORD.findall(long_form)) >= 2:
            # Readers name it by what the acronym stands for, too ("the Vision Transformer").
            names[long_form] = backing
    for version in set(_VERSIONED.findall(opening)):
        # "MoCo v2" in a paper that defines "(MoCo)": its own next version, not a citation.
        if opening.count(version) >= 2 or version.split()[0] in defined:
            names[version] = len(title_stems) + 1
    return names


def _own_acronym(title_stems: set[str], text: str) -> tuple[int, str, str] | None:
    """The acronym `text` defines whose long form is most the title's words: (backing, it,
    its long form)."""
    counts = Counter(m.group(1) for m in _DEFINED.finditer(text))
    best: tuple[int, int, str, str] | None = None
    for m in _DEFINED.finditer(text):
        short = m.group(1)
        if not looks_like_acronym(short):
            continue
        long_form = match_long_form(short, text[max(0, m.start() - 200) : m.start()])
        if not long_form:
            continue
        stems = [word_stem(w) for w in WORD.findall(long_form.lower())]
        covered = sum(s in title_stems for s in stems)
        if covered == 0 or 2 * covered < len(stems):
            continue  # an acronym of something else the paper uses ("SGD", "NLP")
        rank = (covered, counts[short], short, long_form)
        best = rank if best is None or rank > best else best
    return (best[0], best[2], best[3]) if best else None


def paper_name_keys(
    papers: Iterable[NamedPaper],
    weak: Collection[str] = (),
    openings: Mapping[str, str] | None = None,
    bodies: Mapping[str, str] | None = None,
) -> dict[str, set[NameKey]]:
    """Word sequences (stemmed) by which a reader names each paper: its short name, whole
    title, title head, title acronym, a title phrase of three or more words no other title
    has, its opening two words, and the names it gives itself in `openings` (abstract and
    introduction text, by paper id). For the papers in `weak` only names and phrases of
    three words or more count ("resolution images" does not name "High-Resolution Image
    Synthesis ...")."""
    papers = list(papers)
    phrases: dict[str, set[NameKey]] = {}
    for p in papers:
        title_words = WORD.findall((p.title or "").lower())
        grams: set[NameKey] = set()
        for n in (2, 3, 4):
            for i in range(len(title_words) - n + 1):
                gram = title_words[i : i + n]
                # Two words name a paper only where its title starts ("Momentum Contrast"),
                # not mid-title ("image text" in "... Image-Text Foundation Models").
                if n == 2 and i > 0:
                    continue
                if not any(w in STOP_WORDS or w.isdigit() for w in gram):
                    grams.add(tuple(word_stem(w) for w in gram))
        phrases[p.id] = grams
    # A phrase in several titles ("image recognition") names none of them.
    counts = Counter(g for grams in phrases.values() for g in grams)
    keys: dict[str, set[NameKey]] = {}
    claims: dict[NameKey, list[tuple[int, str]]] = {}
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
        if len(_words(title)) >= 3:
            own.add(_words(title))  # "Attention Is All You Need", all stop words but one
        if openings and p.id in openings and not looks_like_acronym(p.short_name or ""):
            body = (bodies or {}).get(p.id, "")
            for name, backing in self_names(title, openings[p.id], body).items():
                claims.setdefault(_words(name), []).append((backing, p.id))
        keys[p.id] = {k for k in own if k and not (len(k) == 1 and k[0] in STOP_WORDS)}
    # "MoCo" is defined by MoCo and by MoCo v2: it names the paper whose title backs it most.
    for key, backers in claims.items():
        backing, pid = max(backers)
        if [b for b, _ in backers].count(backing) == 1:
            keys[pid].add(key)
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
    start = min((s[0] for s in kept), default=0)
    return NameMatch(
        frozenset(s[2] for s in kept),
        frozenset(stem for s in kept for stem in s[3]),
        frozenset(s[2] for s in kept if s[0] == start),
    )
