"""Equations, figures and tables as things of their own: their lines tagged in the reading
flow, and each one's area on the page, so a section can show it where it stands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from reader.models import BlockKind
from reader.pdf.figures import (
    FigureScan,
    caption_number,
    figure_areas,
    in_figure,
    is_table_caption,
    split_scanned,
)
from reader.pdf.graphics import inside, union
from reader.pdf.layout import Box, EquationArea, Line, LineKind, PageText
from reader.pdf.textclean import clean_line


@dataclass(frozen=True)
class Visual:
    """An equation, figure or table: `key` is the label its lines (equation, caption, cells)
    carry."""

    key: str
    kind: BlockKind
    page: int
    box: Box
    number: str | None
    text: str  # equation: the formula; figure: the words drawn in it; table: from its cells


def equation_visual(key: str, equation: EquationArea) -> Visual:
    return Visual(
        key, BlockKind.EQUATION, equation.page, equation.box, equation.number, equation.text
    )


def _box(line: Line) -> Box:
    return (line.x0, line.y0, line.x1, line.y1)


def _tag(
    page: PageText, scan: FigureScan, dropped: Sequence[Line]
) -> tuple[PageText, list[Visual]]:
    tags: dict[Line, tuple[LineKind, str]] = {}
    visuals: list[Visual] = []
    for i, figure in enumerate(scan.figures):
        if not figure.caption_lines:
            continue  # an image without a caption has no place in the text
        key = f"p{page.page}:f{i}"
        for line in figure.caption_lines:
            tags[line] = (LineKind.FIGURE_CAPTION, key)
        words = " ".join(clean_line(ln.text) for ln in dropped if in_figure(ln, figure))
        box = union([figure.drawn, *(_box(ln) for ln in figure.caption_lines)])
        number = caption_number(figure.caption_lines[0].text)
        visuals.append(Visual(key, BlockKind.FIGURE, page.page, box, number, words))
    caption_lines = {ln for t in scan.tables for ln in t.caption_lines} | {
        ln for f in scan.figures for ln in f.caption_lines
    }
    for j, table in enumerate(scan.tables):
        first = table.caption_lines[0].text
        if not is_table_caption(first):
            continue  # an algorithm: its text stays in the flow as printed
        key = f"p{page.page}:t{j}"
        captions = set(table.caption_lines)
        for line in table.caption_lines:
            tags[line] = (LineKind.TABLE_CAPTION, key)
        # Rows of numbers pass the figure code's test for running text ("base 6 512 2048 8
        # 64 ...": many tokens): inside a table's rules only sentences stay in the prose.
        free = [
            ln
            for ln in page.lines
            if ln not in captions and ln not in caption_lines and not _sentence_like(ln.text)
        ]
        cells = {ln for ln in free if ln not in tags and _in_parts(ln, table.parts[1:])}
        # The rest of the rows PyMuPDF put in one block with them: a rule drawn close to a
        # figure may have joined that figure's drawing, and the table's area stops short.
        blocks = {ln.block for ln in cells}
        cells |= {ln for ln in free if ln not in tags and ln.block in blocks}
        for line in cells:
            tags[line] = (LineKind.TABLE_CELL, key)
        visuals.append(
            Visual(key, BlockKind.TABLE, page.page, table.box, caption_number(first), "")
        )
    if not tags:
        return page, visuals
    lines = tuple(
        replace(ln, kind=tags[ln][0], label=tags[ln][1]) if ln in tags else ln for ln in page.lines
    )
    return replace(page, lines=lines), visuals


_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "a",
        "an",
        "to",
        "in",
        "is",
        "are",
        "we",
        "for",
        "with",
        "on",
        "by",
        "that",
        "this",
        "as",
        "from",
        "it",
        "be",
        "which",
    ]
)


def _sentence_like(text: str) -> bool:
    """Running text has function words; a table's header and rows ("N dmodel dff h dk",
    "(E) positional embedding instead of sinusoids 4.92") have one at most."""
    return sum(1 for t in text.lower().split() if t.strip(".,;:()") in _FUNCTION_WORDS) >= 2


def _in_parts(line: Line, parts: Sequence[Box]) -> bool:
    return any(inside(_box(line), part) for part in parts)


def find_visuals(
    pages: Sequence[PageText], body: float
) -> tuple[list[PageText], list[tuple[Line, ...]], dict[str, Visual]]:
    """Every page without its figure text and with its figure and table lines tagged; each
    page's figure text; and the figures and tables by key."""
    out: list[PageText] = []
    figure_text: list[tuple[Line, ...]] = []
    visuals: dict[str, Visual] = {}
    for page in pages:
        if not page.images and not page.paths:
            out.append(page)
            figure_text.append(())
            continue
        scan = figure_areas(page, body)
        kept, dropped = split_scanned(page, scan)
        tagged, found = _tag(kept, scan, dropped)
        out.append(tagged)
        figure_text.append(dropped)
        visuals.update((v.key, v) for v in found)
    return out, figure_text, visuals
