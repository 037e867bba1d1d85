"""A paper's reference list, entry by entry: the number, the text as printed, title and arXiv id.

The References section is stored as blocks (one per printed paragraph, with its box on the
page). Numbered styles ("[12] ...", "12. ...") are split at their markers, also inside a block
that holds two entries. Author-year styles (NeurIPS, ICML, CVPR, ACL) are split by the hanging
indent: an entry's first line starts at the column's left edge and its continuation lines are
indented, so an indented block right under the previous one continues it. Without boxes (a
section stored as text) the words decide: a piece starts an entry when it opens like an author
list and the previous one ended a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reader.catalog import split_arxiv_id
from reader.errors import CatalogError
from reader.models import Block, BlockKind, Section, SectionRole
from reader.reading import reading_order, with_subsections
from reader.study.records import Reference

_BRACKET = re.compile(r"\[(\d{1,3})\]\s*")
_DOTTED = re.compile(r"(\d{1,3})\.\s+(?=[^\W\d_])")
# Where a numbered entry may start inside a block: after a space, never inside a word.
_BRACKET_INSIDE = re.compile(r"(?:^|(?<=\s))\[(\d{1,3})\]\s*")
_DOTTED_INSIDE = re.compile(r"(?:^|(?<=[.?!]\s))(\d{1,3})\.\s+(?=[^\W\d_])")
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}[a-z]?\b")
_ENDS_ENTRY = re.compile(r"\b(?:1[89]|20)\d{2}[a-z]?\.$")  # "..., 2016." closes an entry
# Back matter that the section's span sometimes runs into.
_STOP = re.compile(r"^(?:appendix|appendices|supplementary)\b", re.IGNORECASE)
_INDENT_POINTS = 2.0  # an entry's continuation lines sit ~10pt in; label widths vary by ~5pt
_LINE_GAP_POINTS = 4.0  # lines of one entry touch; entries are a blank half-line apart
_COLUMN_POINTS = 40.0  # blocks whose left edges are closer than this share a column

_ARXIV_PATTERNS = (
    re.compile(r"arxiv\.org/(?:abs|pdf)/([\w.\-/]+?)(?:\.pdf)?(?=[\s,;)]|$)", re.IGNORECASE),
    re.compile(
        r"arXiv\s*:\s*((?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?)", re.IGNORECASE
    ),
    re.compile(r"\babs/(\d{4}\.\d{4,5}(?:v\d+)?)"),
    # Old-style ids printed bare: hep-th/9901001, math.GT/0309136.
    re.compile(
        r"(?<![\w/.])((?:hep-th|hep-ph|hep-ex|hep-lat|gr-qc|astro-ph|cond-mat|quant-ph|"
        r"math-ph|nucl-th|physics|math|cs|nlin|q-bio|stat)(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)\b"
    ),
    # A new-style id printed bare ("Training very deep networks. 1507.06228, 2015.").
    re.compile(r"(?<![\w/.:\-])(\d{4}\.\d{4,5}(?:v\d+)?)(?![\w/.]\w)"),
)


@dataclass(frozen=True)
class _Piece:
    """One stretch of the section: a block's text, and where it is on the page (if known)."""

    text: str
    page: int
    bbox: tuple[float, float, float, float] | None


def paper_references(sections: Sequence[Section]) -> list[Reference]:
    """The entries of a paper's References section(s), in printed order ([] if it has none)."""
    pieces: list[_Piece] = []
    for section in sections:
        if section.role is not SectionRole.REFERENCES or section.level != 1:
            continue
        for part in reading_order(with_subsections(sections, section)):
            if isinstance(part, Block) and part.kind in (BlockKind.PARAGRAPH, BlockKind.EQUATION):
                text = " ".join(part.text.split())
                if text:
                    known = any(part.bbox)
                    pieces.append(_Piece(text, part.page, part.bbox if known else None))
    return _split(pieces)


def references_from_text(text: str) -> list[Reference]:
    """Split a reference list given as text, one printed line or paragraph per line."""
    return _split(
        [_Piece(" ".join(line.split()), 0, None) for line in text.splitlines() if line.strip()]
    )


def _split(pieces: Sequence[_Piece]) -> list[Reference]:
    """The entries the section's pieces hold, in order; what is not an entry is left out."""
    cut = next((i for i, p in enumerate(pieces) if _STOP.match(p.text)), len(pieces))
    pieces = pieces[:cut]
    if not pieces:
        return []
    for marker, inside in ((_BRACKET, _BRACKET_INSIDE), (_DOTTED, _DOTTED_INSIDE)):
        starts = sum(1 for p in pieces if marker.match(p.text))
        if (starts >= 3 or marker.match(pieces[0].text)) and starts * 3 >= len(pieces):
            return _numbered(pieces, marker, inside)
    return _author_year(pieces)


# ---------------------------------------------------------------- numbered styles


def _numbered(
    pieces: Sequence[_Piece], marker: re.Pattern[str], inside: re.Pattern[str]
) -> list[Reference]:
    entries: list[tuple[int, list[str]]] = []
    last = 0
    for k, piece in enumerate(pieces):
        spans = _marker_spans(piece.text, inside, last)
        if not spans or spans[0][1] > 0:
            head = piece.text[: spans[0][1]] if spans else piece.text
            # Text before any marker continues the previous entry, if it sits like a
            # continuation line; otherwise it is something else (a caption, back matter).
            if entries and _continues(pieces, k, numbered=True):
                entries[-1][1].append(head)
        for j, (number, _start, body) in enumerate(spans):
            end = spans[j + 1][1] if j + 1 < len(spans) else len(piece.text)
            entries.append((number, [piece.text[body:end]]))
            last = number
    return [_reference(number, parts) for number, parts in entries if _joined(parts)]


def _marker_spans(text: str, inside: re.Pattern[str], last: int) -> list[tuple[int, int, int]]:
    """(number, marker start, text start) of each marker that goes on from `last`."""
    spans: list[tuple[int, int, int]] = []
    for match in inside.finditer(text):
        number = int(match.group(1))
        # A citation inside an entry ("see [3]") would not follow on from the previous number;
        # a missing entry or two ([3] then [5]) still does. The list's first marker may have
        # any number (a list cut out of a longer one).
        if last < number <= last + 3 or (last == 0 and match.start() == 0):
            spans.append((number, match.start(), match.end()))
            last = number
    return spans


# ---------------------------------------------------------------- author-year styles


def _author_year(pieces: Sequence[_Piece]) -> list[Reference]:
    entries: list[list[str]] = []
    for k, piece in enumerate(pieces):
        if entries and _continues(pieces, k, numbered=False):
            entries[-1].append(piece.text)
        else:
            entries.append([piece.text])
    # What the section's span ran into (a table's cells, back matter) has no year and does not
    # open with names; an entry that lost its year to a line break still opens with names.
    kept = [
        parts
        for parts in entries
        if _YEAR.search(_joined(parts)) or entry_arxiv_id(_joined(parts)) or _opens_entry(parts[0])
    ]
    return [_reference(n, parts) for n, parts in enumerate(kept, start=1)]


def _continues(pieces: Sequence[_Piece], k: int, *, numbered: bool) -> bool:
    """Whether piece `k` is more of the entry before it rather than a new one."""
    piece, prev = pieces[k], pieces[k - 1]
    if piece.bbox is not None and prev.bbox is not None:
        edge, alone = _column_edge(pieces, k)
        indented = piece.bbox[0] > edge + _INDENT_POINTS
        same_column = piece.page == prev.page and abs(piece.bbox[0] - prev.bbox[0]) < _COLUMN_POINTS
        if same_column:
            below = piece.bbox[1] - prev.bbox[3] < _LINE_GAP_POINTS
            return below and (indented or numbered)
        if not alone:
            # The top of a new column or page: the indent alone tells.
            return indented or (numbered and not _opens_entry(piece.text))
        if _ENDS_ENTRY.search(prev.text):
            return False  # alone on a new page after a finished entry: not more of it
    return not _opens_entry(piece.text) or not prev.text.rstrip().endswith((".", "?", "!"))


def _column_edge(pieces: Sequence[_Piece], k: int) -> tuple[float, bool]:
    """The left edge of piece `k`'s column on its page, and whether it is alone there."""
    piece = pieces[k]
    assert piece.bbox is not None
    xs = [
        p.bbox[0]
        for p in pieces
        if p.bbox is not None
        and p.page == piece.page
        and abs(p.bbox[0] - piece.bbox[0]) < _COLUMN_POINTS
    ]
    return min(xs), len(xs) == 1


_NAME = r"[^\W\d_][\w'’\-]*"
_INITIALS = r"(?:[^\W\d_]\.\s?-?)+"
# "Ba, J. L., ..." / "Amari, Shun-Ichi." / "Hinton, G.E. and ..."
_SURNAME_FIRST = re.compile(rf"^(?:{_NAME}\s){{0,2}}{_NAME},\s(?:{_INITIALS}|{_NAME}[,.\s])")
# "Jimmy Lei Ba, ..." / "Y. LeCun, B. Boser" / "Alex Graves." / "Quoc Le and Tomas Mikolov."
_NAME_FIRST = re.compile(
    rf"^(?:{_INITIALS}|{_NAME}\s)(?:{_INITIALS}\s?|{_NAME}\s){{0,3}}{_NAME}(?:,|\.|\s+and\s)"
)
_NOT_AUTHORS = re.compile(
    r"^(?:In|Proceedings|Advances|arXiv|URL|Technical|CoRR|IEEE|Journal|Transactions|"
    r"International|Conference|Workshop|The\s+[a-z])\b"
)


def _opens_entry(text: str) -> bool:
    """Whether `text` begins like an author list: capitalised names, then a comma or period."""
    if not text[:1].isupper() or _NOT_AUTHORS.match(text):
        return False
    head = re.split(r"[,.]", text, maxsplit=1)[0]
    words = head.split()
    if len(words) > 5 or any(w[:1].islower() and w not in _PARTICLES for w in words):
        return False
    return bool(_SURNAME_FIRST.match(text) or _NAME_FIRST.match(text))


# ---------------------------------------------------------------- one entry


def _joined(parts: Sequence[str]) -> str:
    text = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        # A word broken at a line end ("Deeply-" / "supervised") joins without a space.
        text = text + part if text.endswith("-") else f"{text} {part}".strip()
    return text


def _reference(number: int, parts: Sequence[str]) -> Reference:
    text = _joined(parts)
    return Reference(
        number=number, text=text, title=entry_title(text), arxiv_id=entry_arxiv_id(text)
    )


def entry_arxiv_id(text: str) -> str | None:
    """The arXiv id an entry prints (version dropped), or None."""
    for pattern in _ARXIV_PATTERNS:
        for match in pattern.finditer(text):
            try:
                return split_arxiv_id(match.group(1).rstrip("."))[0]
            except CatalogError:
                continue
    return None


_PARTICLES = {
    "and",
    "et",
    "al",
    "al.",
    "van",
    "von",
    "der",
    "den",
    "de",
    "da",
    "dos",
    "du",
    "le",
    "la",
    "di",
    "del",
    "team",
}
_INITIAL_TOKEN = re.compile(r"^(?:[^\W\d_]\.-?)+$")
_QUOTED = re.compile(r"[“\"]([^”\"]{3,300}?)[,.]?[”\"]")
_LEADING_YEAR = re.compile(r"^\(?(?:1[89]|20)\d{2}[a-z]?\)?[.,]\s*")
_TRAILING_YEAR = re.compile(r",\s*(?:1[89]|20)\d{2}[a-z]?$")


def entry_title(text: str) -> str | None:
    """The title read off an entry: a quoted title, else the sentence after the authors.

    None when the authors' end cannot be found or what follows does not read as a title.
    """
    quoted = _QUOTED.search(text)
    if quoted:
        return " ".join(quoted.group(1).split())
    start = _authors_end(text)
    if start is None:
        return None
    rest = _LEADING_YEAR.sub("", text[start:].lstrip())
    match = re.search(r"[.?!](?=\s|$)", rest)
    if match is None:
        return None
    title = rest[: match.end()].rstrip(".").strip()
    title = _TRAILING_YEAR.sub("", title)
    if len(title) < 3 or len(title) > 300 or _NOT_AUTHORS.match(title) or not title[:1].isalnum():
        return None
    return title


def _authors_end(text: str) -> int | None:
    """Where the author list ends (just past its closing period), or None."""
    surname_first = bool(re.match(rf"^(?:{_NAME}\s){{0,2}}{_NAME},\s{_INITIALS}", text))
    lowercase_words = 0
    for match in re.finditer(r"(\S+)\.(?=\s+(\S+))", text):
        token, after = match.group(1), match.group(2)
        words = text[: match.start()].split()
        lowercase_words = sum(
            1 for w in words if w[:1].islower() and w.strip(",.") not in _PARTICLES
        )
        if lowercase_words > 2 or match.start() > 600:
            return None  # running text, not names
        if token.endswith("al") and words[-1:] == ["et"]:
            return match.end()
        initial = bool(_INITIAL_TOKEN.match(token + "."))
        if surname_first:
            # "Hinton, G. E. Layer normalization": the period after the last initial ends the
            # list, unless more initials, "and" or another author follow.
            if initial and (_INITIAL_TOKEN.match(after.rstrip(",")) or after in ("and", "&")):
                continue
            return match.end()
        if not initial or not _surname_follows(text[match.end() :].split()[:3]):
            return match.end()
    return None


def _surname_follows(words: list[str]) -> bool:
    """After an initial ("Geoffrey E."), whether a surname comes next ("Hinton," / "Smith.")."""
    if not words or not words[0][:1].isupper():
        return False
    if _INITIAL_TOKEN.match(words[0]):
        return True
    for k, word in enumerate(words[:2]):
        if word.endswith((",", ".")) and word[:1].isupper():
            return True
        if k and word in ("and", "&"):
            return True
        if len(words) > k + 1 and words[k + 1] in ("and", "&"):
            return True
    return False
