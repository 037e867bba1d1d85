"""Split sections into passages for search: sentence-aware, page-anchored, never across sections."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.models import Chunk, Section, SectionRole
from reader.settings import Settings
from reader.text.sentences import opens_aside, split_sentences

_PARAGRAPH_SEPARATOR = "\n\n"  # between paragraphs inside a passage; elsewhere single spaces
# Invisible characters PDF text layers leave behind; they would split or glue words in search.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SKIPPED_TITLES = frozenset({"references", "bibliography", "reference", "literature cited"})


def chunk_sections(paper_id: str, sections: Sequence[Section], settings: Settings) -> list[Chunk]:
    """Passages of at most ~`chunk_max_chars` from each section's own body, in reading order."""
    max_chars = max(settings.chunk_max_chars, 50)
    merge_limit = max_chars * 4 // 3  # a short tail may stretch its neighbour by a third
    chunks: list[Chunk] = []
    for section in sections:
        if _is_references(section):
            continue  # citation lists match every query and answer none
        body = section.text[: section.body_end]
        for start, text in _pack(body, max_chars, settings.chunk_min_chars, merge_limit):
            chunks.append(
                Chunk(
                    paper_id=paper_id,
                    section_number=section.number,
                    section_title=section.title,
                    section_role=section.role,
                    page=section.page_at(start),
                    ordinal=len(chunks),
                    text=text,
                )
            )
    return chunks


def normalise(text: str) -> str:
    """Collapse all whitespace runs to one space and drop invisible characters."""
    return " ".join(text.translate(_INVISIBLE).split())


def _is_references(section: Section) -> bool:
    return section.role == SectionRole.REFERENCES or (
        section.title.strip().lower() in _SKIPPED_TITLES
    )


def _pieces(body: str, max_chars: int) -> list[tuple[int, str, bool]]:
    """Sentences as (start offset, normalised text, starts a paragraph); an over-long one is cut
    at spaces. A caption or footnote paragraph that fits is one piece: cut in two, its second
    half would read as prose of the section, with nothing left to say it is a caption."""
    pieces: list[tuple[int, str, bool]] = []
    paragraph = 0
    aside = False
    for span in split_sentences(body):
        text = normalise(body[span.start : span.end])
        if not text:
            continue
        new_paragraph = bool(pieces) and span.paragraph != paragraph
        if new_paragraph or not pieces:
            aside = opens_aside(text)
        elif aside and len(pieces[-1][1]) + 1 + len(text) <= max_chars:
            at, joined, opens = pieces[-1]
            pieces[-1] = (at, f"{joined} {text}", opens)
            continue
        paragraph = span.paragraph
        if len(text) <= max_chars:
            pieces.append((span.start, text, new_paragraph))
            continue
        for k, (at, part) in enumerate(_cut_long(body, span.start, span.end, max_chars)):
            pieces.append((at, part, new_paragraph and k == 0))
    return pieces


def _cut_long(body: str, start: int, end: int, max_chars: int) -> list[tuple[int, str]]:
    """Split one over-long sentence at word boundaries (hard cut only inside a giant word)."""
    out: list[tuple[int, str]] = []
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", body[start:end])]
    current: list[str] = []
    current_start = start
    length = 0
    for offset, word in words:
        word = normalise(word)
        if not word:
            continue
        while len(word) > max_chars:  # e.g. a URL or a formula without spaces
            if current:
                out.append((current_start, " ".join(current)))
                current, length = [], 0
            out.append((start + offset, word[:max_chars]))
            word, offset = word[max_chars:], offset + max_chars
        extra = len(word) + (1 if current else 0)
        if current and length + extra > max_chars:
            out.append((current_start, " ".join(current)))
            current, length, extra = [], 0, len(word)
        if not current:
            current_start = start + offset
        current.append(word)
        length += extra
    if current:
        out.append((current_start, " ".join(current)))
    return out


def _pack(body: str, max_chars: int, min_chars: int, merge_limit: int) -> list[tuple[int, str]]:
    """Greedily fill passages with whole sentences; fold a short tail into its predecessor.

    Paragraph breaks stay as a blank line: they keep a footnote or a figure label that the
    extractor placed between two paragraphs apart from the sentences around it.
    """
    # (start, text, starts a paragraph, length counting each gap as one character: a paragraph
    # break costs what a space does, so it does not move where passages are cut)
    packed: list[tuple[int, str, bool, int]] = []
    for start, text, new_paragraph in _pieces(body, max_chars):
        sep = _PARAGRAPH_SEPARATOR if new_paragraph else " "
        if packed and packed[-1][3] + 1 + len(text) <= max_chars:
            first, joined, opens, length = packed[-1]
            packed[-1] = (first, joined + sep + text, opens, length + 1 + len(text))
        else:
            packed.append((start, text, new_paragraph, len(text)))
    if len(packed) >= 2:
        (head_start, head, opens, length), (_, tail, tail_opens, tail_length) = packed[-2:]
        sep = _PARAGRAPH_SEPARATOR if tail_opens else " "
        if tail_length < min_chars and length + 1 + tail_length <= merge_limit:
            packed[-2:] = [(head_start, head + sep + tail, opens, length + 1 + tail_length)]
    return [(start, text) for start, text, _, _ in packed]
