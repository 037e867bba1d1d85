"""Page layout: PyMuPDF text dicts to visual lines in reading order, without page furniture."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, NamedTuple

from reader.pdf.scripts import scripted_text

# The rotated stamp arXiv prints on the left margin of page 1.
ARXIV_STAMP = re.compile(
    r"^\s*arXiv:\s*(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?\s*\[[^\]]*\]\s+\d{1,2}\s+\w{3}\s+\d{4}\s*$"
)
_PAGE_NUMBER = re.compile(r"^\s*(page\s+)?(\d{1,4}|[ivxlc]{1,7})(\s*(of|/)\s*\d{1,4})?\s*$", re.I)
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|medi|-bd|bx\d|\.b$|,b$", re.I)
_SENTENCE_END = re.compile(r"[.!?:;)\]]['\"”’]?$")
MARGIN_FRACTION = 0.09  # top/bottom share of the page where running heads and folios live
# A footnote mark: a raised, smaller number ("library.¹", "leaderboard¹⁰"). Symbols (†, ‡)
# stay: they often start a note of their own ("† denotes ...").
_MARK = re.compile(r"^\d{1,2}(?:,\d{1,2})*$")
# What a footnote mark follows: a word ending in lower case ("library.¹"), a closed
# parenthesis and punctuation ("(NSP).⁵") or a cited year ("2014)¹"); never a variable ("x²",
# "(a)²"), a decimal ("0.⁵" of an exponent) or a name like NLVR².
_MARKED = re.compile(r"(?:[A-Za-z]{2,}[a-z][)”\"’]?[.,;:]?|\(\w+\)[.,;:]|\d{4}\)[.,;:]?)[”\"’]?$")


class LineKind(StrEnum):
    """What a line is part of, once equations, figures, tables and footnotes are known."""

    TEXT = "text"
    EQUATION = "equation"  # part of a display equation
    FIGURE_CAPTION = "figure_caption"
    TABLE_CAPTION = "table_caption"
    TABLE_CELL = "table_cell"
    FOOTNOTE = "footnote"


@dataclass(frozen=True)
class Line:
    """One visual line of text on a page, spans of the same baseline merged."""

    page: int  # 1-based
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float  # font size of most of its characters
    max_size: float  # largest font size among its letters (small caps start large)
    bold: bool  # every letter is set in a bold face
    block: int  # index of the PyMuPDF block on its page
    para_start: bool = False  # begins a new paragraph
    first_in_block: bool = False
    kind: LineKind = LineKind.TEXT
    label: str = ""  # which equation, figure or table it belongs to (a page-unique key)
    scripted: str = ""  # the text with sub- and superscripts marked ("d_k"), "" if it has none

    @property
    def caps(self) -> bool:
        """All letters upper case (small caps or capitals), at least two of them."""
        return self.text.isupper() and sum(c.isalpha() for c in self.text) >= 2


# A rectangle on the page: x0, y0, x1, y1 in PDF points, y downwards.
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class EquationArea:
    """A display equation on a page: its box (number included), printed number and text."""

    page: int
    box: Box
    number: str
    text: str


@dataclass(frozen=True)
class PageText:
    """The lines of one page in reading order, the page size, and where graphics are drawn
    (figure detection needs them; filled in by the extractor, empty in unit tests)."""

    page: int
    width: float
    height: float
    lines: tuple[Line, ...]
    span_count: int
    images: tuple[Box, ...] = ()
    paths: tuple[Box, ...] = ()  # vector drawings: lines, curves, filled shapes
    equations: tuple[EquationArea, ...] = ()  # numbered display equations, top to bottom


class _Proto(NamedTuple):
    """A merged line before paragraph flags are known (cheap to build)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float
    max_size: float
    bold: bool
    scripted: str = ""


_bold_cache: dict[tuple[str, int], bool] = {}


def _is_bold(font: str, flags: int) -> bool:
    key = (font, flags & 16)
    found = _bold_cache.get(key)
    if found is None:
        found = bool(flags & 16) or bool(_BOLD_FONT.search(font))
        if len(_bold_cache) < 4096:
            _bold_cache[key] = found
    return found


def _merge_block_lines(block: dict[str, Any]) -> list[_Proto]:
    """Merge the PyMuPDF lines of one block that share a baseline ("1" + "Introduction")."""
    groups: list[list[dict[str, Any]]] = []
    boxes: list[list[float]] = []
    baselines: list[tuple[float, float]] = []  # (baseline y, font size) of each group
    for line in block["lines"]:
        direction = line["dir"]
        if abs(direction[1]) > 0.05 or direction[0] <= 0 or not line["spans"]:
            continue  # rotated text: margin stamps, axis labels
        x0, y0, x1, y1 = line["bbox"]
        main = max(line["spans"], key=lambda s: s["size"])
        base, size = main["origin"][1], main["size"]
        target = None
        # Same baseline (within sub/superscript offsets), not overlapping boxes: tall math
        # symbols make boxes of neighbouring lines overlap.
        for gi in range(len(groups) - 1, max(len(groups) - 4, -1), -1):
            gbase, gsize = baselines[gi]
            if abs(base - gbase) < 0.5 * max(size, gsize):
                target = gi
                break
        if target is None:
            groups.append([line])
            boxes.append([x0, y0, x1, y1])
            baselines.append((base, size))
        else:
            groups[target].append(line)
            box = boxes[target]
            boxes[target] = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)]
    out = []
    for group, box in zip(groups, boxes, strict=True):
        if len(group) > 1:
            group.sort(key=lambda ln: ln["bbox"][0])
        out_line = _make_line(group, box)
        if out_line is not None:
            out.append(out_line)
    out.sort(key=lambda ln: ln.y0)
    return out


def _make_line(group: list[dict[str, Any]], box: list[float]) -> _Proto | None:
    parts: list[str] = []
    owners: list[dict[str, Any] | None] = []  # each part's span (None for a space put in)
    sizes: dict[float, int] = {}
    max_size = 0.0
    bold = True
    letters = 0
    last_x1: float | None = None
    main: dict[str, Any] | None = None  # the group's largest span, found when first needed
    rejoin = False  # a footnote mark and the space before it were just dropped
    for line in group:
        for span in line["spans"]:
            text = span["text"]
            if not text:
                continue
            if _MARK.match(text.strip()) and parts:
                if main is None:
                    main = max((s for ln in group for s in ln["spans"]), key=lambda s: s["size"])
                if _is_footnote_mark(span, main, "".join(parts).rstrip()):
                    # Dropped, and the gap before it with it ("gradients 4." would be
                    # "gradients ."), unless a word follows ("accuracies. †Human").
                    rejoin = parts[-1] == " "
                    if rejoin:
                        parts.pop()
                        owners.pop()
                    last_x1 = span["bbox"][2]
                    continue
            if rejoin:
                rejoin = False
                if text[:1].isalnum():
                    parts.append(" ")
                    owners.append(None)
            sx0 = span["bbox"][0]
            gap = sx0 - last_x1 if last_x1 is not None else 0.0
            spaced = (parts and parts[-1].endswith(" ")) or text.startswith(" ")
            if gap > 0.2 * span["size"] and parts and not spaced:
                parts.append(" ")
                owners.append(None)
            parts.append(text)
            owners.append(span)
            last_x1 = span["bbox"][2]
            stripped = text.strip()
            if stripped:
                size = round(span["size"], 1)
                sizes[size] = sizes.get(size, 0) + len(stripped)
                if stripped.lower() != stripped.upper():  # has letters (cheaper than a regex)
                    letters += 1
                    if size > max_size:
                        max_size = size
                    bold = bold and _is_bold(span["font"], span["flags"])
    text = "".join(parts).strip()
    if not text:
        return None
    size = max(sizes, key=sizes.__getitem__) if sizes else 0.0
    bold = bold and letters > 0
    # Only a line set in more than one size can have scripts.
    scripted = scripted_text(list(zip(parts, owners, strict=True))) if len(sizes) > 1 else ""
    return _Proto(box[0], box[1], box[2], box[3], text, size, max_size or size, bold, scripted)


def _is_footnote_mark(span: dict[str, Any], main: dict[str, Any], before: str) -> bool:
    size, main_size = span["size"], main["size"]
    raised = span["origin"][1] < main["origin"][1] - 0.2 * main_size
    return size <= 0.85 * main_size and raised and bool(_MARKED.search(before))


def page_lines(page_dict: dict[str, Any], page: int) -> PageText:
    """Lines of one page (a `page.get_text("dict")` result) in reading order."""
    width = float(page_dict.get("width", 612.0))
    height = float(page_dict.get("height", 792.0))
    blocks: list[list[_Proto]] = []
    indices: list[int] = []
    spans = 0
    for index, block in enumerate(page_dict.get("blocks", ())):
        if block.get("type", 0) != 0:
            continue
        for line in block["lines"]:
            spans += len(line["spans"])
        merged = [ln for ln in _merge_block_lines(block) if not _is_stamp(ln.text)]
        if merged:
            blocks.append(merged)
            indices.append(index)
    lines: list[Line] = []
    for i in _reading_order(blocks):
        lines.extend(_mark_paragraphs(blocks[i], page, indices[i]))
    return PageText(page, width, height, tuple(lines), spans)


def _is_stamp(text: str) -> bool:
    return text.startswith("arXiv:") and bool(ARXIV_STAMP.match(text))


def _reading_order(blocks: list[list[_Proto]]) -> list[int]:
    """Block indices: left column then right column, cut into bands at blocks spanning both."""
    if not blocks:
        return []
    left_edge = min(ln.x0 for b in blocks for ln in b)
    right_edge = max(ln.x1 for b in blocks for ln in b)
    text_width = max(right_edge - left_edge, 1.0)
    mid = (left_edge + right_edge) / 2
    slack = 0.08 * text_width

    def bbox(b: list[_Proto]) -> tuple[float, float, float, float]:
        return (min(ln.x0 for ln in b), min(ln.y0 for ln in b), max(ln.x1 for ln in b), b[-1].y1)

    boxes = [bbox(b) for b in blocks]
    two_column = _looks_two_column(boxes, mid, text_width)
    if not two_column:
        return sorted(range(len(blocks)), key=lambda i: (round(boxes[i][1], 0), boxes[i][0]))
    result: list[int] = []
    left: list[int] = []
    right: list[int] = []

    def flush() -> None:
        for side in (left, right):
            side.sort(key=lambda i: boxes[i][1])
            result.extend(side)
            side.clear()

    for i in sorted(range(len(blocks)), key=lambda i: boxes[i][1]):
        x0, _, x1, _ = boxes[i]
        if x0 < mid - slack and x1 > mid + slack:
            flush()
            result.append(i)
        elif (x0 + x1) / 2 < mid:
            left.append(i)
        else:
            right.append(i)
    flush()
    return result


def _looks_two_column(
    boxes: Sequence[tuple[float, float, float, float]], mid: float, text_width: float
) -> bool:
    """True when most text sits in blocks confined to one half of the text area."""
    narrow_left = narrow_right = wide = 0.0
    for x0, y0, x1, y1 in boxes:
        area = (x1 - x0) * max(y1 - y0, 1.0)
        if x1 <= mid + 0.02 * text_width:
            narrow_left += area
        elif x0 >= mid - 0.02 * text_width:
            narrow_right += area
        else:
            wide += area
    return narrow_left > 0 and narrow_right > 0 and narrow_left + narrow_right > wide


def _mark_paragraphs(lines: list[_Proto], page: int, block: int) -> list[Line]:
    """Flag lines that begin a paragraph: the block's first, after a gap, or an indented line."""
    out: list[Line] = []
    edges = Counter(round(ln.x0) for ln in lines).most_common()
    block_x0 = min(x for x, n in edges if n == edges[0][1])  # the usual left edge
    block_x1 = max(ln.x1 for ln in lines)
    pitches = sorted(b.y0 - a.y0 for a, b in itertools.pairwise(lines) if b.y0 > a.y0)
    pitch = pitches[len(pitches) // 2] if pitches else 0.0
    for i, line in enumerate(lines):
        start = i == 0
        if i > 0:
            prev = lines[i - 1]
            gap = line.y0 - prev.y0
            indent = line.x0 - block_x0
            short_prev = prev.x1 < block_x1 - 0.1 * (block_x1 - block_x0)
            ends = bool(_SENTENCE_END.search(prev.text))
            if (pitch and gap > 1.6 * pitch) or (ends and (short_prev or 4 < indent < 40)):
                start = True
            elif indent < -4:
                start = True  # hanging indent: a new reference or list item
            elif prev.bold and not line.bold and prev.x1 < block_x1 - 0.3 * (block_x1 - block_x0):
                start = True  # a bold heading line above its first body line
        out.append(
            Line(
                page,
                *line[:8],
                block=block,
                para_start=start,
                first_in_block=i == 0,
                scripted=line.scripted,
            )
        )
    return out


def strip_furniture(pages: Sequence[PageText]) -> list[PageText]:
    """Drop running headers/footers (repeating in the margins) and bare page numbers."""
    counts: Counter[tuple[int, str]] = Counter()
    keys: list[list[tuple[int, str] | None]] = []
    for page in pages:
        page_keys: list[tuple[int, str] | None] = []
        for line in page.lines:
            key = _margin_key(line, page.height)
            page_keys.append(key)
            if key is not None:
                counts[key] += 1
        keys.append(page_keys)
    repeat = 3 if len(pages) >= 4 else 2
    out = []
    for page, page_keys in zip(pages, keys, strict=True):
        kept = []
        for line, key in zip(page.lines, page_keys, strict=True):
            if key is not None and (counts[key] >= repeat or _PAGE_NUMBER.match(line.text)):
                continue
            kept.append(line)
        out.append(replace(page, lines=tuple(kept)))
    return out


def _margin_key(line: Line, height: float) -> tuple[int, str] | None:
    """A position-and-text key for lines in the top or bottom margin; None elsewhere."""
    margin = MARGIN_FRACTION * height
    if line.y1 > margin and line.y0 < height - margin:
        return None
    text = re.sub(r"\d+", "#", line.text.lower())
    return (round(line.y0 / 6), " ".join(text.split()))
