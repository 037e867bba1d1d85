"""Lines to paragraphs: the paper's body text joined and cleaned, where each line starts in it,
and what each paragraph is (running text, an equation's line, a caption, a table's cells, a
footnote), with the edits that mark its sub- and superscripts."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

from reader.pdf.graphics import union
from reader.pdf.headings import Heading
from reader.pdf.layout import Box, Line, LineKind
from reader.pdf.textclean import clean_line, hyphenated_forms, words_of, wrap_join

_NUMBERS_ONLY = re.compile(r"^[\d\s.,;:%+\-−–×x()/\[\]]*$")
_LIST_MARK = re.compile(r"^(\[\d+\]|[•·▪◦∗*–-]|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s)")
_SENTENCE_END = re.compile(r"[.!?:;]['\"”’)]?$")

CAPTIONS = (LineKind.FIGURE_CAPTION, LineKind.TABLE_CAPTION)
# Lines the blocks cut out of the paragraphs they read on in.
CUT = (LineKind.EQUATION, LineKind.TABLE_CELL, LineKind.FOOTNOTE)


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
class ScriptEdit:
    """Where the text differs from the text with sub- and superscripts marked: `length`
    characters at `offset` read `written` there ("dk" → "d_k")."""

    offset: int
    length: int
    written: str


@dataclass(frozen=True)
class RenderedText:
    """The whole paper's body text, where each line's text starts in it, and its pieces:
    paragraphs, plus each line of an equation, a table's cells or a footnote."""

    text: str
    starts: tuple[int, ...]  # per line index; heading lines point at their heading paragraph
    pieces: tuple[Piece, ...] = ()
    scripts: tuple[ScriptEdit, ...] = ()  # in offset order

    @cached_property
    def _script_offsets(self) -> list[int]:
        return [e.offset for e in self.scripts]

    def scripted(self, start: int, stop: int) -> str:
        """`text[start:stop]` with sub- and superscripts marked (edits wholly inside)."""
        offsets = self._script_offsets
        out: list[str] = []
        cursor = start
        for edit in self.scripts[bisect_left(offsets, start) :]:
            if edit.offset + edit.length > stop:
                break
            out += [self.text[cursor : edit.offset], edit.written]
            cursor = edit.offset + edit.length
        out.append(self.text[cursor:stop])
        return "".join(out)


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
    scripts: list[ScriptEdit] = []
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
        elif para:
            while scripts and scripts[-1].offset >= para_start:
                scripts.pop()  # that text is not in the document
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
        elif prev is not None and kind in CAPTIONS:
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
        if line.scripted:
            scripts.extend(_script_edits(text, clean_line(line.scripted), starts[i]))
        if line.kind in CUT:
            pieces.append(Piece(starts[i], len(text), line.kind, line.label, line.page, _box(line)))
        continuable = kind is LineKind.TEXT
        prev = line
    close()
    return RenderedText("\n\n".join(parts), tuple(starts), tuple(pieces), tuple(scripts))


def _script_edits(plain: str, scripted: str, offset: int) -> list[ScriptEdit]:
    """The edits that turn a line's clean text at `offset` into its scripted form, each a
    whole word of it ("dmodel" → "d_{model}"), so a cut at a line or word never splits one."""
    words: list[list[int]] = []  # [from, to] in plain, [from, to] in scripted
    opcodes = SequenceMatcher(None, plain, scripted, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        a = plain.rfind(" ", 0, i1) + 1
        b = plain.find(" ", i2)
        b = len(plain) if b < 0 else b
        # Outside the opcodes the two texts are equal, so the word's ends move alike.
        if words and a < words[-1][1]:
            words[-1][1], words[-1][3] = b, j2 + (b - i2)
        else:
            words.append([a, b, j1 - (i1 - a), j2 + (b - i2)])
    return [ScriptEdit(offset + a, b - a, scripted[ja:jb]) for a, b, ja, jb in words]


def _flow_kind(line: Line) -> LineKind:
    """How a line runs in the text: equations, cells and footnotes read on as text."""
    return LineKind.TEXT if line.kind in CUT else line.kind


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
