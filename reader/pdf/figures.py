"""Figure text: words drawn inside figures (node labels, axis ticks, legends) are not prose.

A region counts as a figure only when it is an image, or vector drawings of real size just
above a "Figure N:" / "Fig. N." caption. Text inside such a region is figure text unless it is
a caption, a heading, a numbered equation, body prose, or lies in a table or an algorithm (a
"Table N" region keeps its text: tables are drawn with rules too). The rule is conservative on
purpose: a label left in the text is a blemish, a sentence lost from the text is a wrong answer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from reader.pdf.graphics import clusters, inside, near, overlaps_x, union
from reader.pdf.headings import heading_style, parse_heading
from reader.pdf.layout import Box, Line, PageText

# "Figure 2:", "Fig. 3.", "FIGURE 1 |", "Figure A.1:" at the start of a caption; prose such as
# "Figure 2 shows" has no punctuation after the number.
_FIGURE_CAPTION = re.compile(r"^(?:fig(?:ure)?\.?)\s*(?:[A-Z]\.?)?\d{1,3}[a-z]?\s*[.:|]", re.I)
# Tables and algorithms keep their text; "Algorithm 1 Name" has no punctuation after the number.
_KEPT_CAPTION = re.compile(
    r"^(?:(?:table|tab\.)\s*(?:[A-Z]\.?)?\d{1,3}[a-z]?\s*[.:|]|algorithm\s+\d{1,3}\b)", re.I
)
_CAPTION_NUMBER = re.compile(
    r"^(?:fig(?:ure)?\.?|table|tab\.|algorithm)\s*((?:[A-Z]\.?)?\d{1,3}[a-z]?)", re.I
)
_SENTENCE_END = re.compile(r"[.!?:;)\]]['\"”’]?$")
# A display equation's number, set apart at the line's end ("... + b    (3)"), or alone;
# "R50(4x)" in a legend is no equation.
_EQUATION_NUMBER = re.compile(r"(?:^|\s)\(\d{1,3}[a-z]?\)$")
# A sub-figure's label: "(a)", "(b)", "(iv)" opening each piece of the line.
_SUBCAPTION_MARK = re.compile(r"(?:^|\s)\((?:[a-h]|[ivx]{1,4})\)\s")

LINK_GAP = 12.0  # drawings this close belong to one picture (arrows, boxes, plot marks)
SEED_GAP = 45.0  # a figure ends at most this far above its caption (sub-captions in between)
ROW_GAP = 40.0  # rows of sub-figures stacked this close are one figure
TABLE_GAP = 30.0  # rules this close above or below a "Table N" caption are that table's
TABLE_CHAIN = 60.0  # and rules this close to those (rows between rules are a line or a few)
MIN_PART_HEIGHT = 3.0  # fraction bars and rules are flat: they never make or extend a figure
MIN_FIGURE_W, MIN_FIGURE_H = 40.0, 30.0  # "of real size"
MARGIN_X, MARGIN_Y = 16.0, 20.0  # tick labels and titles sit just outside the drawn frame
SIDE_GAP, MAX_SIDE_LABEL = 12.0, 60.0  # a short label this close beside the frame is its own
MAX_IMAGE_SHARE = 0.6  # an image covering more of the page is a background or a scan
MIN_IMAGE_SIDE = 12.0
TYPE_CHANGE = 1.5  # points: a sentence running on keeps its type size
MAX_SUBCAPTION_WORDS = 10  # "(a) Finetuned ImageNet Top-1 Accuracy." is a label, not prose


@dataclass(frozen=True)
class FigureArea:
    """A figure on a page: `drawn` bounds its images and drawings, `box` the text that belongs
    to it; `caption` is its label ("Figure 2."), or "" for an image without one."""

    page: int
    box: Box
    drawn: Box
    caption: str
    caption_lines: tuple[Line, ...] = ()


@dataclass(frozen=True)
class TableArea:
    """A table on a page: its caption's lines and the areas of its rules and cells."""

    page: int
    parts: tuple[Box, ...]
    caption_lines: tuple[Line, ...]

    @property
    def box(self) -> Box:
        return union(self.parts)


@dataclass(frozen=True)
class FigureScan:
    """What figure detection found on a page: figures, tables (and algorithms), the lines
    that must stay whatever area they lie in, and the areas whose text stays."""

    figures: tuple[FigureArea, ...]
    tables: tuple[TableArea, ...]
    protected: frozenset[Line]
    kept: tuple[Box, ...]


def _line_box(line: Line) -> Box:
    return (line.x0, line.y0, line.x1, line.y1)


def _wordy(line: Line, body: float) -> bool:
    """A line that reads like running text: body-sized (captions are a point smaller), six
    words or more, and of some width."""
    return line.size >= body - 1.5 and len(line.text.split()) >= 6 and line.x1 - line.x0 >= 100


def _prose_blocks(page: PageText, body: float) -> set[int]:
    """Blocks of running text: two wordy lines, one of ten words or more, or a column-wide
    one with another line. Figure labels are short and scattered; a diagram's rare
    sentence-like box is kept rather than risk losing prose."""
    blocks: dict[int, list[Line]] = defaultdict(list)
    for line in page.lines:
        blocks[line.block].append(line)
    prose = set()
    for key, members in blocks.items():
        wordy = [ln for ln in members if _wordy(ln, body)]
        if (
            len(wordy) >= 2
            or any(len(ln.text.split()) >= 10 for ln in wordy)
            or (len(members) >= 2 and any(ln.x1 - ln.x0 >= 200 for ln in wordy))
        ):
            prose.add(key)
    return prose


def may_have_figures(page: PageText) -> bool:
    """Whether a page prints a figure or table caption: only then are its drawings worth
    reading."""
    return any(True for _ in _caption_starts(page, _FIGURE_CAPTION)) or any(
        True for _ in _caption_starts(page, _KEPT_CAPTION)
    )


def caption_number(text: str) -> str | None:
    """The printed number of a "Figure 2:" / "Table A.1." caption, or None."""
    match = _CAPTION_NUMBER.match(text.strip())
    return match.group(1) if match else None


def is_table_caption(text: str) -> bool:
    return bool(re.match(r"^(?:table|tab\.)", text.strip(), re.I))


def _caption_starts(page: PageText, pattern: re.Pattern[str]) -> Iterator[int]:
    """Lines that open a caption: the label at the start of a block or paragraph, or right
    after a finished sentence, a line that is no prose or a line in other type (a caption set
    in one block with its table's rows); never the continuation of a sentence ("... in\nTable
    6. We ...")."""
    for i, line in enumerate(page.lines):
        if not pattern.match(line.text.strip()):
            continue
        prev = page.lines[i - 1] if i else None
        if (
            line.first_in_block
            or line.para_start
            or prev is None
            or prev.block != line.block
            or _SENTENCE_END.search(prev.text)
            or not reads_as_prose(prev.text)
            or abs(prev.size - line.size) > TYPE_CHANGE
        ):
            yield i


def reads_as_prose(text: str) -> bool:
    """Five or more tokens, most of them words (table rows are numbers and short names)."""
    tokens = text.split()
    words = [t for t in tokens if t.strip(".,;:()").isalpha() and len(t.strip(".,;:()")) >= 2]
    return len(tokens) >= 5 and len(words) >= 0.6 * len(tokens)


def _caption_lines(page: PageText, start: int) -> list[Line]:
    """A caption's lines: its first line and those right below it in the same type (PyMuPDF
    sometimes puts a caption's first line in a block of its own)."""
    first = page.lines[start]
    out = [first]
    for line in page.lines[start + 1 :]:
        prev = out[-1]
        gap = line.y0 - prev.y1
        if not (-3 <= gap <= 0.8 * max(prev.size, 1.0)) or abs(line.size - first.size) > 0.6:
            break
        if line.x0 < first.x0 - 3 or line.x1 > max(ln.x1 for ln in out) + 3:
            break
        out.append(line)
    return out


def is_subcaption(line: Line, body: float) -> bool:
    """A row of sub-figure labels ("(a) Recall@1", "(a) Finetuned ... (b) Zero-Shot ..."):
    each piece opens with its mark and is a few words, in type no larger than the body's."""
    text = line.text.strip()
    if line.size > body + 0.5 or not _SUBCAPTION_MARK.match(" " + text):
        return False
    pieces = [p for p in _SUBCAPTION_MARK.split(" " + text) if p.strip()]
    return all(len(p.split()) <= MAX_SUBCAPTION_WORDS for p in pieces)


def _is_barrier(line: Line, body: float, prose: set[int], captions: set[Line]) -> bool:
    """Text a figure never reaches across: prose, captions, headings, numbered equations;
    a row of sub-figure labels is the figure's own, whatever block PyMuPDF put it in."""
    if line in captions:
        return True
    if is_subcaption(line, body):
        return False
    if line.block in prose:
        return True
    if line.size >= body - 1.5 and _EQUATION_NUMBER.search(line.text.strip()):
        return True  # equations are set in body type, figure labels smaller
    return heading_style(line, body) and parse_heading(line.text) is not None


def _column_limits(page: PageText, prose: set[int], cap: Box) -> tuple[float, float]:
    """How far across a figure may reach: on a two-column page a caption set in one column
    has its figure in that column."""
    lines = [ln for ln in page.lines if ln.block in prose]
    if not lines:
        return 0.0, page.width
    left, right = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
    mid, slack = (left + right) / 2, 0.02 * (right - left)
    if not (
        any(ln.x1 <= mid + slack for ln in lines) and any(ln.x0 >= mid - slack for ln in lines)
    ):
        return 0.0, page.width  # one column
    if cap[2] <= mid + slack:
        return 0.0, mid
    if cap[0] >= mid - slack:
        return mid, page.width
    return 0.0, page.width


def _next_to_caption(group: Box, cap: Box) -> bool:
    """A drawn group reaching down to just above a figure caption, across from it (it may
    run on below: bars and curves are clipped at the axes, which the display list hides)."""
    return (
        overlaps_x(group[0], group[2], cap[0], cap[2])
        and group[1] < cap[1] - 1
        and group[3] >= cap[1] - SEED_GAP
    )


def _rule_chain(cap: Box, seeds: list[Box], side: Sequence[Box], taken: Sequence[Box]) -> Box:
    """From a table caption to the farthest of its rules, chained from `seeds` through rules
    within TABLE_CHAIN of each other and within the table's width (never across columns)."""
    chain = list(seeds)
    lo = min(cap[0], *(g[0] for g in chain)) - 10
    hi = max(cap[2], *(g[2] for g in chain)) + 10
    while True:
        box = union([*chain, cap])
        more = [
            g
            for g in side
            if g not in chain
            and g not in taken
            and lo <= g[0] <= g[2] <= hi
            and near(g, box, TABLE_CHAIN)
        ]
        if not more:
            break
        chain.extend(more)
    x0, y0, x1, y1 = union(chain)
    # Across the rules only: a caption set across both columns must not claim the other's.
    return (x0, min(y0, cap[3]), x1, max(y1, cap[1]))


def _kept_areas(page: PageText, figure_caps: Sequence[Box]) -> list[TableArea]:
    """Tables and algorithms: their caption, the drawn groups touching it above or below,
    rules chained to those, and everything between.

    Templates differ in where a table's caption goes, so both sides are looked at; a group
    that also ends just above a figure caption is that figure, unless it is all there is.
    """
    starts = list(_caption_starts(page, _KEPT_CAPTION))
    if not starts:
        return []
    groups = clusters(page.images + page.paths, LINK_GAP, page.width, page.height)
    claimed = [g for g in groups if any(_next_to_caption(g, c) for c in figure_caps)]
    tables = []
    for start in starts:
        cap_lines = _caption_lines(page, start)
        cap = union([_line_box(ln) for ln in cap_lines])
        out = [cap]
        across = [g for g in groups if overlaps_x(g[0], g[2], cap[0], cap[2])]
        above = [g for g in across if g[3] <= cap[1] + 2]
        below = [g for g in across if g[1] >= cap[3] - 2]
        touching = [g for g in above if g[3] >= cap[1] - TABLE_GAP] + [
            g for g in below if g[1] <= cap[3] + TABLE_GAP
        ]
        free = [g for g in touching if g not in claimed]
        if not free and touching:
            out.append(union([*touching, cap]))
        for side in (above, below):
            seeds = [g for g in free if g in side]
            if seeds:
                out.append(_rule_chain(cap, seeds, side, claimed))
        tables.append(TableArea(page.page, tuple(out), tuple(cap_lines)))
    return tables


def _caption_area(
    page: PageText,
    cap: Box,
    barriers: Sequence[Line],
    kept: Sequence[Box],
    limits: tuple[float, float],
) -> Box | None:
    """The drawn part of the figure just above a figure caption, or None when nothing of real
    size is there."""
    cx0, cy0, cx1, _ = cap
    lo, hi = limits
    # The figure cannot reach above the nearest prose, heading or caption over the caption.
    ceiling = max(
        (b.y1 for b in barriers if b.y1 <= cy0 + 1 and overlaps_x(b.x0, b.x1, cx0, cx1)),
        default=0.0,
    )
    # Cut at the caption: plot bars and curves are often drawn long and clipped at the axes,
    # and the display list does not say where. Flat strokes (rules, fraction bars, horizontal
    # arrows) do not join: a table's bottom rule or an equation's bar just above a figure
    # must not become its top edge.
    parts = [
        (max(r[0], lo), r[1], min(r[2], hi), min(r[3], cy0))
        for r in page.images + page.paths
        if ceiling - 1 <= r[1] < cy0 - 1
        and r[3] - r[1] >= MIN_PART_HEIGHT
        and lo <= (r[0] + r[2]) / 2 <= hi
        and not any(inside(r, t) for t in kept)
    ]
    groups = [
        g
        for g in clusters(parts, LINK_GAP, page.width, page.height)
        if g[3] - g[1] >= MIN_PART_HEIGHT
    ]
    picked = [g for g in groups if _next_to_caption(g, cap)]
    if not picked:
        return None
    # Sub-figures beside or above those: within ROW_GAP of the figure's top, and across from
    # the figure or its caption.
    grown = True
    while grown:
        grown = False
        box = union(picked)
        for g in groups:
            across = overlaps_x(g[0], g[2], min(box[0], cx0), max(box[2], cx1))
            if g not in picked and across and g[3] >= box[1] - ROW_GAP:
                picked.append(g)
                grown = True
    box = union(picked)
    if box[2] - box[0] < MIN_FIGURE_W or box[3] - box[1] < MIN_FIGURE_H:
        return None
    return box


def _image_areas(page: PageText) -> list[Box]:
    """Images of real size that are not page backgrounds: a figure with or without caption."""
    limit = MAX_IMAGE_SHARE * page.width * page.height
    return [
        r
        for r in page.images
        if min(r[2] - r[0], r[3] - r[1]) >= MIN_IMAGE_SIDE
        and (r[2] - r[0]) * (r[3] - r[1]) <= limit
    ]


def figure_areas(page: PageText, body: float) -> FigureScan:
    """A page's figure and table areas, plus what inside them must stay: the protected lines
    (captions, prose, headings, equations) and the table and algorithm areas."""
    prose = _prose_blocks(page, body)
    caption_lines: set[Line] = set()
    figure_caps: list[tuple[Box, str, tuple[Line, ...]]] = []
    for pattern in (_FIGURE_CAPTION, _KEPT_CAPTION):
        for start in _caption_starts(page, pattern):
            cap = _caption_lines(page, start)
            caption_lines.update(cap)
            label = pattern.match(page.lines[start].text.strip())
            if pattern is _FIGURE_CAPTION and label:
                box = union([_line_box(ln) for ln in cap])
                figure_caps.append((box, label.group(0), tuple(cap)))
    barriers = [ln for ln in page.lines if _is_barrier(ln, body, prose, caption_lines)]
    # Lines of running text are never table cells, even inside a table's rules.
    protected = frozenset(barriers)
    areas = [FigureArea(page.page, r, r, "") for r in _image_areas(page)]
    tables = _kept_areas(page, [c for c, _, _ in figure_caps])
    kept = tuple(box for table in tables for box in table.parts)
    if not figure_caps:
        return FigureScan(tuple(areas), tuple(tables), protected, kept)
    for cap_box, name, cap_lines in figure_caps:
        limits = _column_limits(page, prose, cap_box)
        drawn = _caption_area(page, cap_box, barriers, kept, limits)
        if drawn is None:
            continue
        x0, _, x1, _ = drawn
        # Titles above the frame, tick labels beside it, sub-captions below it.
        box = (
            max(x0 - MARGIN_X, limits[0]),
            _top_margin(page, drawn, barriers, body),
            min(x1 + MARGIN_X, limits[1]),
            cap_box[1],
        )
        areas.append(FigureArea(page.page, box, drawn, name, cap_lines))
    return FigureScan(tuple(areas), tuple(tables), protected, kept)


def _top_margin(page: PageText, drawn: Box, barriers: Sequence[Line], body: float) -> float:
    """Where a figure's text may begin above its drawing: MARGIN_Y up for a title, but never
    across prose, nor a display equation right above the figure: a fraction bar or a
    body-sized line with "=" keeps a line's height below it (the denominator) out too."""
    x0, y0, x1, _ = drawn
    top = max(y0 - MARGIN_Y, 0.0)
    stops = [b.y1 for b in barriers if b.y1 <= y0 and overlaps_x(b.x0, b.x1, x0, x1)]
    equation = [
        ln.y1
        for ln in page.lines
        if ln.y1 >= top
        and ln.y0 < y0
        and overlaps_x(ln.x0, ln.x1, x0, x1)
        and ln.size >= body - 0.5
        and "=" in ln.text
    ]
    equation += [
        r[3]
        for r in page.paths
        if r[3] - r[1] < MIN_PART_HEIGHT
        and r[2] - r[0] >= 5
        and top <= r[3] < y0 - 1
        and overlaps_x(r[0], r[2], x0, x1)
    ]
    stops += [min(y0, y + body) for y in equation]
    return max([top, *stops])


def in_figure(line: Line, area: FigureArea) -> bool:
    """Centred in the area, or a short label hugging the drawing's side (axis ticks, legends)."""
    if inside(_line_box(line), area.box):
        return True
    x0, y0, x1, y1 = area.drawn
    cy = (line.y0 + line.y1) / 2
    if not y0 <= cy <= y1 or line.x1 - line.x0 > MAX_SIDE_LABEL:
        return False
    return x0 - SIDE_GAP <= line.x1 <= x0 + 2 or x1 - 2 <= line.x0 <= x1 + SIDE_GAP


def split_figure_text(page: PageText, body: float) -> tuple[PageText, tuple[Line, ...]]:
    """The page without its figure text, and the figure text (in reading order)."""
    if not page.images and not page.paths:
        return page, ()
    scan = figure_areas(page, body)
    return split_scanned(page, scan)


def split_scanned(page: PageText, scan: FigureScan) -> tuple[PageText, tuple[Line, ...]]:
    if not scan.figures:
        return page, ()
    kept: list[Line] = []
    dropped: list[Line] = []
    for line in page.lines:
        box = _line_box(line)
        if (
            line not in scan.protected
            and any(in_figure(line, a) for a in scan.figures)
            and not any(inside(box, t) for t in scan.kept)
        ):
            dropped.append(line)
        else:
            kept.append(line)
    if not dropped:
        return page, ()
    return replace(page, lines=tuple(kept)), tuple(dropped)
