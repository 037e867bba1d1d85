"""The section tree: headings plus the clean text between them, with pages and roles."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reader.models import Block, BlockKind, PageMark, Section, SectionRole
from reader.pdf.graphics import union
from reader.pdf.headings import Heading
from reader.pdf.layout import Box, Line, LineKind
from reader.pdf.textclean import clean_line, hyphenated_forms, words_of, wrap_join
from reader.pdf.visuals import Visual

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


_CAPTIONS = (LineKind.FIGURE_CAPTION, LineKind.TABLE_CAPTION)
# Lines the blocks cut out of the paragraphs they read on in.
_CUT = (LineKind.EQUATION, LineKind.TABLE_CELL, LineKind.FOOTNOTE)


@dataclass(frozen=True)
class Piece:
    """One paragraph of the rendered text and what it is: running text, an equation, a
    figure's or table's caption, or a footnote (LineKind of its lines)."""

    offset: int
    length: int
    kind: LineKind
    label: str
    page: int
    bbox: Box


@dataclass(frozen=True)
class RenderedText:
    """The whole paper's body text, where each line's text starts in it, and its pieces:
    paragraphs, plus each line of an equation, a table's cells or a footnote."""

    text: str
    starts: tuple[int, ...]  # per line index; heading lines point at their heading paragraph
    pieces: tuple[Piece, ...] = ()


def render(lines: Sequence[Line], heads: Sequence[Heading]) -> RenderedText:
    """Join lines into clean paragraphs; each heading becomes its own "number title" paragraph.

    Equations, table cells and footnotes read on in the text as they always did (search and
    answers see what they saw); each of their lines is also recorded as a piece, so the blocks
    can cut them out of the paragraphs afterwards. A caption is a paragraph of its own.
    """
    vocab, compounds = _hyphen_evidence(lines)
    head_at = {h.index: h for h in heads}
    parts: list[str] = []
    pieces: list[Piece] = []
    length = 0  # length of "\n\n".join(parts)
    para = ""
    para_start = 0
    para_lines: list[Line] = []
    starts = [0] * len(lines)
    skip_until = -1
    continuable = False
    prev: Line | None = None

    def close() -> None:
        nonlocal para, length
        if para and not _NUMBERS_ONLY.match(para):  # axis ticks and table debris carry no text
            parts.append(para)
            length = para_start + len(para)
            first = para_lines[0]
            box = union([_box(ln) for ln in para_lines if ln.page == first.page])
            kind, label = _flow_kind(first), _flow_label(first)
            pieces.append(Piece(para_start, len(para), kind, label, first.page, box))
        para = ""
        para_lines.clear()

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
            para_lines.clear()
            if para and not _NUMBERS_ONLY.match(para):
                parts.append(para)
                length = para_start + len(para)
            para = ""
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
        kind = _flow_kind(line)
        if prev is not None and (kind, _flow_label(line)) != (_flow_kind(prev), _flow_label(prev)):
            new_para = True  # a caption is never part of the paragraph around it
        elif prev is not None and kind in _CAPTIONS:
            new_para = False  # a caption is one paragraph, whatever blocks PyMuPDF made
        if new_para or not para:
            close()
            para_start = length + 2 if parts else 0
            para = text
            starts[i] = para_start
        else:
            para = wrap_join(para, text, vocab, compounds)
            starts[i] = para_start + len(para) - len(text)
        para_lines.append(line)
        if line.kind in _CUT:
            pieces.append(Piece(starts[i], len(text), line.kind, line.label, line.page, _box(line)))
        continuable = kind is LineKind.TEXT
        prev = line
    close()
    return RenderedText("\n\n".join(parts), tuple(starts), tuple(pieces))


def _flow_kind(line: Line) -> LineKind:
    """How a line runs in the text: equations, cells and footnotes read on as text."""
    return LineKind.TEXT if line.kind in _CUT else line.kind


def _flow_label(line: Line) -> str:
    return "" if _flow_kind(line) is LineKind.TEXT else line.label


def _box(line: Line) -> Box:
    return (line.x0, line.y0, line.x1, line.y1)


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
            cells.setdefault(piece.label, []).append(rendered.text[piece.offset : stop])
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
        if piece.kind in _CUT or not start <= piece.offset < end:
            continue
        text = rendered.text[piece.offset : piece.offset + piece.length]
        visual = visuals.get(piece.label)
        if piece.kind in _CAPTIONS and visual is not None:
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
        for offset, prose in _prose_of(rendered.text, piece, cuts):
            out.append(Block(BlockKind.PARAGRAPH, prose, piece.page, piece.bbox, offset - start))
    out.sort(key=lambda b: b.offset)
    for note in notes.values():
        text = " ".join(
            " ".join(rendered.text[p.offset : p.offset + p.length].split()) for p in note
        )
        first = note[0]
        out.append(Block(BlockKind.FOOTNOTE, text, first.page, first.bbox, first.offset - start))
    return tuple(out)


def _prose_of(
    doc: str, paragraph: Piece, cuts: Sequence[tuple[int, int, bool]]
) -> list[tuple[int, str]]:
    """A paragraph's prose as (offset, text) runs: cells and footnotes cut out and the prose
    around them joined; an equation ends one run and the next begins after it."""
    runs: list[tuple[int, str]] = []
    cursor = paragraph.offset
    stop = paragraph.offset + paragraph.length
    joined = False  # the last run may be continued (only a cell or a note came between)
    for c0, c1, equation in [*cuts, (stop, stop, True)]:
        if c1 <= cursor or c0 > stop:
            continue
        piece = " ".join(doc[cursor : min(c0, stop)].split())
        if piece:
            lead = cursor + len(doc[cursor:c0]) - len(doc[cursor:c0].lstrip())
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
