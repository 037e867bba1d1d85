"""The section tree: headings plus the clean text between them, with pages and roles."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reader.models import PageMark, Section, SectionRole
from reader.pdf.headings import Heading
from reader.pdf.layout import Line
from reader.pdf.textclean import clean_line, hyphenated_forms, words_of, wrap_join

_NUMBERS_ONLY = re.compile(r"^[\d\s.,;:%+\-−–×x()/\[\]]*$")
_LIST_MARK = re.compile(r"^(\[\d+\]|[•·▪◦∗*–-]|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s)")
_SENTENCE_END = re.compile(r"[.!?:;]['\"”’)]?$")
_ROLE_PATTERNS: tuple[tuple[SectionRole, re.Pattern[str]], ...] = (
    (SectionRole.ABSTRACT, re.compile(r"^abstract$")),
    (SectionRole.REFERENCES, re.compile(r"^(references|bibliography|literature cited)$")),
    (SectionRole.APPENDIX, re.compile(r"^(appendix|appendices|supplementary)")),
    (SectionRole.INTRODUCTION, re.compile(r"^(introduction|overview|motivation)\b")),
    (SectionRole.RELATED_WORK, re.compile(r"related work|prior work|previous work|literature")),
    (
        SectionRole.BACKGROUND,
        re.compile(
            r"^(background|preliminar|notation|problem (setup|set"
            r"ting|formulation|statement))"
        ),
    ),
    (
        SectionRole.EXPERIMENTS,
        re.compile(
            r"experiment|evaluation|results|empirical|ablation|benchmark|comparison with"
            r"|analys[ie]s$|studies$|study$"
        ),
    ),
    (SectionRole.CONCLUSION, re.compile(r"conclu|discussion|future work|limitation|summary")),
)
# Top-level sections that are never the paper's method.
_NOT_METHOD = re.compile(r"acknowledg|broader impact|ethic|reproducib|author contrib|funding")


@dataclass(frozen=True)
class RenderedText:
    """The whole paper's body text, and where each line's text starts in it."""

    text: str
    starts: tuple[int, ...]  # per line index; heading lines point at their heading paragraph


def render(lines: Sequence[Line], heads: Sequence[Heading]) -> RenderedText:
    """Join lines into clean paragraphs; each heading becomes its own "number title" paragraph."""
    vocab, compounds = _hyphen_evidence(lines)
    head_at = {h.index: h for h in heads}
    parts: list[str] = []
    length = 0  # length of "\n\n".join(parts)
    para = ""
    para_start = 0
    starts = [0] * len(lines)
    skip_until = -1
    continuable = False
    prev: Line | None = None

    def close() -> None:
        nonlocal para, length
        if para and not _NUMBERS_ONLY.match(para):  # axis ticks and table debris carry no text
            parts.append(para)
            length = para_start + len(para)
            para = ""

    for i, line in enumerate(lines):
        if i < skip_until:
            starts[i] = starts[i - 1]
            continue
        head = head_at.get(i)
        if head is not None:
            close()
            para_start = length + 2 if parts else 0
            starts[i] = para_start
            para = f"{head.number} {head.title}".strip()
            close()
            skip_until = i + head.span
            continuable = False
            continue
        text = clean_line(line.text)
        if not text:
            starts[i] = length + 2 if parts or para else 0
            continue
        new_para = line.para_start
        if new_para and continuable and para and prev is not None:
            new_para = not _continues(para, text, prev, line)
        if new_para or not para:
            close()
            para_start = length + 2 if parts else 0
            para = text
            starts[i] = para_start
        else:
            para = wrap_join(para, text, vocab, compounds)
            starts[i] = para_start + len(para) - len(text)
        continuable = True
        prev = line
    close()
    return RenderedText("\n\n".join(parts), tuple(starts))


def _continues(para: str, text: str, prev: Line, line: Line) -> bool:
    """Whether a new block carries on the open paragraph (next column, next page, or a block
    split PyMuPDF made inside a paragraph)."""
    if _SENTENCE_END.search(para) or _LIST_MARK.match(text):
        return False
    if text[0].islower():
        return True
    # Unfinished sentence and the very next line below in the same column.
    return (
        line.page == prev.page
        and abs(line.x0 - prev.x0) < 30
        and 0 <= line.y0 - prev.y1 < 0.8 * max(line.size, 1.0)
    )


def _hyphen_evidence(lines: Sequence[Line]) -> tuple[set[str], set[str]]:
    """Words and hyphenated compounds printed whole in the paper (not split at a line end)."""
    texts = []
    prev_hyphen = False
    for line in lines:
        text = line.text
        if prev_hyphen:
            text = text.split(" ", 1)[1] if " " in text else ""
        prev_hyphen = text.endswith("-")
        if prev_hyphen:
            text = text.rsplit(" ", 1)[0] if " " in text else ""
        texts.append(text)
    return words_of(texts), hyphenated_forms(texts)


def build_sections(lines: Sequence[Line], heads: Sequence[Heading]) -> tuple[Section, ...]:
    """Sections in reading order; each spans up to the next heading of its level or higher."""
    heads = sorted(heads, key=lambda h: h.index)
    rendered = render(lines, heads)
    doc, starts = rendered.text, rendered.starts
    roles = assign_roles(heads)
    sections: list[Section] = []
    for k, head in enumerate(heads):
        label = f"{head.number} {head.title}".strip()
        body_start = min(starts[head.index] + len(label) + 2, len(doc))
        end_line = len(lines)
        for nxt in heads[k + 1 :]:
            if nxt.level <= head.level:
                end_line = nxt.index
                break
        end = starts[end_line] - 2 if end_line < len(lines) else len(doc)
        end = max(end, body_start)
        text = doc[body_start:end]
        child = heads[k + 1] if k + 1 < len(heads) else None
        if child is not None and child.index < end_line:
            body_end = max(0, min(starts[child.index] - body_start, len(text)))
        else:
            body_end = len(text)
        marks: list[PageMark] = []
        page = head.page
        last_page = page
        for i in range(head.index + head.span, end_line):
            if lines[i].page > page:  # asides moved past a page break do not count
                page = lines[i].page
                offset = max(0, min(starts[i] - body_start, len(text)))
                if marks and marks[-1].offset == offset:
                    marks[-1] = PageMark(offset, page)
                else:
                    marks.append(PageMark(offset, page))
            last_page = page
        sections.append(
            Section(
                number=head.number,
                title=head.title,
                level=head.level,
                role=roles[k],
                page_start=head.page,
                page_end=max(last_page, head.page),
                text=text,
                body_end=body_end,
                marks=tuple(marks),
            )
        )
    return tuple(sections)


def role_of_title(title: str) -> SectionRole | None:
    """The role a top-level title names outright, if any."""
    low = " ".join(title.lower().split())
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(low):
            return role
    return None


def assign_roles(heads: Sequence[Heading]) -> list[SectionRole]:
    """A role per heading: decided on top-level headings, inherited by their subsections."""
    top_roles: list[SectionRole] = []
    tops = [h for h in heads if h.level == 1]
    in_appendix = False
    seen_refs = False
    for head in tops:
        role = role_of_title(head.title)
        lettered = head.number[:1] in tuple("ABCDEFGH")  # appendix letters; roman I, V, X are not
        if role == SectionRole.REFERENCES:
            seen_refs = True
        elif role == SectionRole.APPENDIX or lettered:
            in_appendix = True
            role = SectionRole.APPENDIX
        elif seen_refs and role is None:
            in_appendix = True
        if in_appendix and role != SectionRole.REFERENCES:
            role = SectionRole.APPENDIX
        top_roles.append(role or SectionRole.OTHER)
    _pick_method(tops, top_roles)
    out: list[SectionRole] = []
    current = SectionRole.OTHER
    top_iter = iter(top_roles)
    for head in heads:
        if head.level == 1:
            current = next(top_iter)
        out.append(current)
    return out


def _pick_method(tops: Sequence[Heading], roles: list[SectionRole]) -> None:
    """The first substantive top-level section after the introduction is the method."""
    preamble = {
        SectionRole.ABSTRACT,
        SectionRole.INTRODUCTION,
        SectionRole.RELATED_WORK,
        SectionRole.BACKGROUND,
    }
    started = SectionRole.INTRODUCTION not in roles
    for i, head in enumerate(tops):
        if roles[i] == SectionRole.INTRODUCTION:
            started = True
            continue
        if not started or roles[i] in preamble:
            continue
        if roles[i] in (SectionRole.REFERENCES, SectionRole.APPENDIX):
            return
        if roles[i] == SectionRole.OTHER and not _NOT_METHOD.search(head.title.lower()):
            roles[i] = SectionRole.METHOD
        return
