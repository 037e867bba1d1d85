"""Which sections to read: by role, number or title, and a section with its subsections."""

from __future__ import annotations

from collections.abc import Sequence

from reader.errors import PaperNotFoundError
from reader.models import Section, SectionRole


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
