"""Which sections to read: by role, number or title; a section with its subsections, and the
order their headings and blocks are read in."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.errors import PaperNotFoundError
from reader.models import Block, BlockKind, Section, SectionRole


def pick_sections(paper_id: str, sections: Sequence[Section], wanted: str | None) -> list[Section]:
    """The section(s) to read: by role or number; default the Introduction, then the Method."""
    if wanted is None:
        first = (
            first_with_role(sections, role)
            for role in (SectionRole.INTRODUCTION, SectionRole.METHOD)
        )
        found = [s for s in first if s is not None]
        return found or [s for s in sections if s.level == 1][:1]
    key = wanted.strip().lower()
    by_number = [s for s in sections if s.number.lower() == key.rstrip(".")]
    if by_number:
        return by_number
    if key in {r.value for r in SectionRole}:
        role_match = first_with_role(sections, SectionRole(key))
        if role_match is not None:
            return [role_match]
    by_title = [s for s in sections if s.title.lower() == key]
    if by_title:
        return by_title[:1]
    choices = ", ".join(s.label for s in sections if s.level == 1)
    raise PaperNotFoundError(
        f"no section {wanted!r} in {paper_id}; give a role "
        f"({', '.join(r.value for r in SectionRole)}) or a number ({choices})"
    )


def first_with_role(sections: Sequence[Section], role: SectionRole) -> Section | None:
    return next((s for s in sections if s.role == role and s.level == 1), None)


def with_subsections(sections: Sequence[Section], section: Section) -> list[Section]:
    """The section and the subsections its text holds, in reading order."""
    start = next((i for i, s in enumerate(sections) if s == section), None)
    if start is None:
        return [section]
    out = [section]
    for later in sections[start + 1 :]:
        if later.level <= section.level:
            break
        out.append(later)
    return out


def reading_order(parts: Sequence[Section]) -> list[str | Block]:
    """What a reader is shown of a section and its subsections (`parts`, the section first):
    each subsection's heading (a str), then its blocks, its footnotes last. A section stored
    without blocks reads as its paragraphs."""
    out: list[str | Block] = []
    for k, part in enumerate(parts):
        if k:
            out.append(part.label)
        blocks = list(part.blocks) or [
            Block(BlockKind.PARAGRAPH, " ".join(p.split()), part.page_start, (0, 0, 0, 0), 0)
            for p in re.split(r"\n\s*\n", part.text[: part.body_end])
            if p.strip()
        ]
        out.extend(b for b in blocks if b.kind is not BlockKind.FOOTNOTE)
        out.extend(b for b in blocks if b.kind is BlockKind.FOOTNOTE)
    return out
