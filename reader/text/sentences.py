"""Sentence splitting for scientific prose: abbreviations, citations, decimals and equations."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Tokens that end with a period but do not end a sentence (compared lower-case, without the dot).
ABBREVIATIONS = frozenset(
    {
        "e.g",
        "i.e",
        "etc",
        "al",
        "cf",
        "vs",
        "viz",
        "resp",
        "approx",
        "fig",
        "figs",
        "eq",
        "eqs",
        "eqn",
        "sec",
        "secs",
        "sect",
        "tab",
        "tbl",
        "ref",
        "refs",
        "no",
        "nos",
        "vol",
        "pp",
        "p",
        "ch",
        "chap",
        "app",
        "appx",
        "def",
        "thm",
        "prop",
        "lem",
        "alg",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "st",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "univ",
        "est",
        "min",
        "max",
        "avg",
        "std",
        "var",
        "w.r.t",
        "wrt",
        "a.k.a",
        "aka",
        "u.s",
        "e.t.c",
        "ca",
        "incl",
        "init",
        "exp",
        "dim",
        "conf",
        "proc",
        "ed",
        "eds",
        "trans",
    }
)

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+")
# What may start a new sentence: a capital, a digit, an opening quote/bracket, or a math symbol.
_STARTER = re.compile(r"[A-Z0-9\"'“‘(\[ΦΣΔΘΛΠΨΩ]")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_PARAGRAPH = re.compile(r"\n\s*\n")
# A table's numbers run into the prose after it ("... 65.0 64.3 Using the default τ = 0.07"):
# four bare numbers in a row, then a capitalised word, end a sentence.
_TABLE_RUN = re.compile(r"(?<!\S)(?:[-+]?\d[\d.,]*%?\s+){4,}(?=[A-Z][a-z]+\s)")
# A paragraph opening like this is a caption or a footnote as a whole, every sentence of it.
_ASIDE_OPENING = re.compile(r"^(?:Figure|Fig\.|Table|Tab\.)\s*\d+\s*[:.]\s|^\d{1,2}[A-Z][a-z]")


@dataclass(frozen=True)
class SentenceSpan:
    """One sentence: `text` is `source[start:end]` with whitespace collapsed."""

    start: int
    end: int
    text: str
    paragraph: int = 0  # which paragraph of the source (blank-line separated) it is in


def _is_abbreviation(head: str) -> bool:
    """True when the text before a period ends with an abbreviation or an initial."""
    match = _WORD_BEFORE.search(head)
    if match is None:
        return False
    word = match.group(1)
    lowered = word.lower().rstrip(".")
    if lowered in ABBREVIATIONS:
        return True
    # A single capital letter is an initial ("J. Smith") or a variable ("matrix A. ..." is rarer).
    return len(word) == 1 and word.isupper()


def _collapse(text: str) -> str:
    return " ".join(text.split())


def split_sentences(text: str) -> list[SentenceSpan]:
    """Split `text` into sentences with offsets into it.

    Paragraph breaks always end a sentence; a period ends one only when it is not part of an
    abbreviation ("e.g.", "et al.", "Fig. 2"), an initial, or a number ("3.5").
    """
    spans: list[SentenceSpan] = []
    for number, (p_start, p_end) in enumerate(_paragraphs(text)):
        start = p_start
        table_ends = [m.end() for m in _TABLE_RUN.finditer(text, p_start, p_end)]
        for match in _BOUNDARY.finditer(text, p_start, p_end):
            cut = match.end()
            if cut >= p_end:
                break
            while table_ends and table_ends[0] <= match.start():
                start = _cut_table_run(spans, text, start, table_ends.pop(0), number)
            if not _STARTER.match(text, cut):
                continue
            punct_at = match.start()
            if text[punct_at] == "." and _is_abbreviation(text[start : punct_at + 1]):
                continue
            _append(spans, text, start, match.start() + len(match.group().rstrip()), number)
            start = cut
        for end in table_ends:
            if start < end < p_end:
                start = _cut_table_run(spans, text, start, end, number)
        _append(spans, text, start, p_end, number)
    return spans


def _cut_table_run(
    spans: list[SentenceSpan], text: str, start: int, end: int, paragraph: int
) -> int:
    """End the sentence where a table's numbers stop; where the next one starts."""
    if end > start:
        _append(spans, text, start, end, paragraph)
        return end
    return start


def _paragraphs(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    pos = 0
    for match in _PARAGRAPH.finditer(text):
        bounds.append((pos, match.start()))
        pos = match.end()
    bounds.append((pos, len(text)))
    return bounds


def _append(spans: list[SentenceSpan], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(SentenceSpan(start, end, _collapse(text[start:end]), paragraph))


def opens_aside(sentence: str) -> bool:
    """True when a paragraph opening with `sentence` is a caption ("Figure 2: ...") or a
    footnote whose number ran into its first word ("1Code is at ...")."""
    return bool(_ASIDE_OPENING.match(sentence))


def sentences(text: str) -> list[str]:
    """Just the sentence texts."""
    return [span.text for span in split_sentences(text)]


def is_prose(sentence: str) -> bool:
    """Prose worth quoting: not a table row, a formula dump or a reference entry."""
    if len(sentence) < 25 or len(sentence.split()) < 5:
        return False
    letters = sum(ch.isalpha() for ch in sentence)
    if letters < 0.6 * len(sentence.replace(" ", "")):
        return False
    # Reference entries: "In Proceedings of ...", "arXiv preprint arXiv:1234.5678".
    return not re.search(r"\barXiv preprint\b|\bIn Proceedings\b|\bpp\. \d", sentence)
