"""The section tree: headings plus the clean text between them, with pages, roles and blocks."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from reader.models import Block, BlockKind, PageMark, Section, SectionRole
from reader.pdf.headings import Heading
from reader.pdf.layout import Line, LineKind
from reader.pdf.paragraphs import CAPTIONS, CUT, Piece, RenderedText, render
from reader.pdf.visuals import Visual

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


def build_sections(
    lines: Sequence[Line], heads: Sequence[Heading], visuals: Mapping[str, Visual] | None = None
) -> tuple[Section, ...]:
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
                blocks=section_blocks(rendered, body_start, body_end, visuals or {}),
            )
        )
    return tuple(sections)


def section_blocks(
    rendered: RenderedText, start: int, length: int, visuals: Mapping[str, Visual]
) -> tuple[Block, ...]:
    """The typed blocks of the text between `start` and `start + length`, offsets relative;
    the section's footnotes last.

    An equation's lines may have made several paragraphs ("softmax(QKT", "√dk", ")V (1)"): its
    span is cut out of them and the equation is one block with the formula's own text. Table
    cells and footnotes are cut out too; the prose on either side of them is one paragraph.
    """
    end = start + length
    equations: dict[str, list[int]] = {}
    cells: dict[str, list[str]] = {}
    notes: dict[str, list[Piece]] = {}
    cuts: list[tuple[int, int, bool]] = []  # (from, to, is an equation)
    for piece in rendered.pieces:
        stop = piece.offset + piece.length
        if piece.kind is LineKind.EQUATION:
            span = equations.setdefault(piece.label, [piece.offset, stop])
            span[0], span[1] = min(span[0], piece.offset), max(span[1], stop)
        elif piece.kind is LineKind.TABLE_CELL:
            cells.setdefault(piece.label, []).append(rendered.scripted(piece.offset, stop))
            cuts.append((piece.offset, stop, False))
        elif piece.kind is LineKind.FOOTNOTE:
            cuts.append((piece.offset, stop, False))
            if start <= piece.offset < end:
                notes.setdefault(piece.label, []).append(piece)
    cuts += [(a, b, True) for a, b in equations.values()]
    cuts.sort()
    out: list[Block] = []
    for key, (a, _) in equations.items():
        visual = visuals.get(key)
        if start <= a < end and visual is not None:
            number = visual.number or None
            out.append(
                Block(BlockKind.EQUATION, visual.text, visual.page, visual.box, a - start, number)
            )
    for piece in rendered.pieces:
        if piece.kind in CUT or not start <= piece.offset < end:
            continue
        text = rendered.scripted(piece.offset, piece.offset + piece.length)
        visual = visuals.get(piece.label)
        if piece.kind in CAPTIONS and visual is not None:
            inner = visual.text
            if visual.kind is BlockKind.TABLE:
                inner = " ".join(cells.get(piece.label, ()))
            out.append(
                Block(
                    visual.kind,
                    inner,
                    visual.page,
                    visual.box,
                    piece.offset - start,
                    visual.number,
                    text,
                )
            )
            continue
        for offset, prose in _prose_of(rendered, piece, cuts):
            out.append(Block(BlockKind.PARAGRAPH, prose, piece.page, piece.bbox, offset - start))
    out.sort(key=lambda b: b.offset)
    for note in notes.values():
        text = " ".join(
            " ".join(rendered.scripted(p.offset, p.offset + p.length).split()) for p in note
        )
        first = note[0]
        out.append(Block(BlockKind.FOOTNOTE, text, first.page, first.bbox, first.offset - start))
    return tuple(out)


def _prose_of(
    rendered: RenderedText, paragraph: Piece, cuts: Sequence[tuple[int, int, bool]]
) -> list[tuple[int, str]]:
    """A paragraph's prose as (offset, text) runs: cells and footnotes cut out and the prose
    around them joined; an equation ends one run and the next begins after it. Sub- and
    superscripts are marked ("d_k") in this text, not in the section's."""
    runs: list[tuple[int, str]] = []
    cursor = paragraph.offset
    stop = paragraph.offset + paragraph.length
    joined = False  # the last run may be continued (only a cell or a note came between)
    for c0, c1, equation in [*cuts, (stop, stop, True)]:
        if c1 <= cursor or c0 > stop:
            continue
        piece = " ".join(rendered.scripted(cursor, min(c0, stop)).split())
        if piece:
            gap = rendered.text[cursor:c0]
            lead = cursor + len(gap) - len(gap.lstrip())
            if joined and runs:
                runs[-1] = (runs[-1][0], f"{runs[-1][1]} {piece}")
            else:
                runs.append((lead, piece))
        joined = not equation
        cursor = max(cursor, c1)
        if cursor >= stop:
            break
    return runs


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
