"""Display equations: a numbered formula set apart from the prose becomes one block whose text
keeps its symbols, with sub- and superscripts written `_` and `^` and fractions as `a / b`.

Found on the raw PyMuPDF page dict, where each span still has its size and baseline: the
merged lines of the layout have lost them. An equation is anchored on its printed number
("(3)" at the column's right edge, far from what precedes it on its row) and grows over the
rows above and below that read as mathematics, never over prose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from reader.pdf.formula import Glyphs, equation_text
from reader.pdf.graphics import union
from reader.pdf.layout import Box, EquationArea, Line, LineKind, PageText

_NUMBER = re.compile(r"^\((\d{1,3}[a-z]?)\)$")
_WORD = re.compile(r"^[A-Za-z]{3,}[.,;:]?$")
_MATH_CHARS = frozenset("=+−×·∑∏∫√≤≥≈∝→←∈∀∃∂∇‖∥⊤⊙⊗∼~^_{}<>|∞")
_RELATIONS = frozenset("=≤≥≈∝<>→←∈")
_GREEK = re.compile(r"[\u0370-\u03ff\U0001d6a8-\U0001d7cb]")
EDGE_SLACK = 14.0  # points between the number's right edge and the column's
COLUMN_ROWS = 3  # prose rows in each half that make a page two-column
ROW_GAP = 0.6  # rows of one equation lie closer than this many body sizes apart


@dataclass(frozen=True)
class _Row:
    """One PyMuPDF line of the page with its spans."""

    box: Box
    spans: tuple[Glyphs, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans).strip()


def _rows(page_dict: dict[str, Any]) -> list[_Row]:
    rows = []
    for block in page_dict.get("blocks", ()):
        if block.get("type", 0) != 0:
            continue
        for line in block.get("lines", ()):
            direction = line.get("dir", (1.0, 0.0))
            if abs(direction[1]) > 0.05 or direction[0] <= 0:
                continue
            spans = tuple(
                Glyphs(
                    s["text"],
                    tuple(s["bbox"]),
                    float(s["origin"][1]),
                    float(s["size"]),
                    str(s.get("font", "")),
                )
                for s in line.get("spans", ())
                if s["text"].strip()
            )
            if spans:
                rows.append(_Row(tuple(line["bbox"]), spans))  # type: ignore[arg-type]
    return rows


def _is_prose(text: str) -> bool:
    """Running words: four or more plain words making up most of the row."""
    tokens = text.split()
    words = [t for t in tokens if _WORD.match(t)]
    return len(words) >= 4 and sum(map(len, words)) >= 0.5 * len(text.replace(" ", ""))


def _row_is_prose(row: _Row, body_font: str) -> bool:
    """Prose by its words, or, where the PDF stores no spaces between words, by words run
    together ("Thecontrastiveloss(1)canbeminimized") in the text's own font."""
    text = row.text
    if _is_prose(text):
        return True
    glued = [t for t in re.findall(r"[A-Za-z]+", text) if len(t) >= 16]
    in_font = sum(len(s.text) for s in row.spans if s.font == body_font)
    return bool(glued) and in_font >= 0.6 * len(text)


def _body_font(rows: Sequence[_Row]) -> str:
    weights: dict[str, int] = {}
    for row in rows:
        for span in row.spans:
            weights[span.font] = weights.get(span.font, 0) + len(span.text)
    return max(weights, key=weights.__getitem__) if weights else ""


def _is_math(text: str) -> bool:
    return any(c in _MATH_CHARS for c in text) or bool(_GREEK.search(text))


def _body_size(rows: Sequence[_Row]) -> float:
    weights: dict[float, int] = {}
    for row in rows:
        for span in row.spans:
            key = round(span.size, 1)
            weights[key] = weights.get(key, 0) + len(span.text)
    return max(weights, key=weights.__getitem__) if weights else 10.0


@dataclass(frozen=True)
class _Columns:
    """Where a page's text columns are, from its prose rows (worked out once per page)."""

    left: float
    right: float
    mid: float | None  # None on a one-column page
    left_right: float  # the right edge of the left column

    @classmethod
    def of(cls, rows: Sequence[_Row], width: float) -> _Columns:
        prose = [r for r in rows if _is_prose(r.text) and len(r.text.split()) >= 6]
        if not prose:
            return cls(0.0, width, None, width)
        left, right = min(r.box[0] for r in prose), max(r.box[2] for r in prose)
        mid, slack = (left + right) / 2, 0.02 * (right - left)
        in_left = [r.box[2] for r in prose if r.box[2] <= mid + slack]
        in_right = [r for r in prose if r.box[0] >= mid - slack]
        # A running head or a row broken at a superscript can sit in one half; a second
        # column is several rows of prose there.
        if len(in_left) < COLUMN_ROWS or len(in_right) < COLUMN_ROWS:
            return cls(left, right, None, right)
        return cls(left, right, mid, max(in_left))

    def at(self, x: float) -> tuple[float, float]:
        """The x-range of the column holding x: half the page on a two-column page."""
        if self.mid is None:
            return self.left, self.right
        slack = 0.02 * (self.right - self.left)
        if x <= self.mid + slack:
            return self.left, self.left_right
        return self.mid - slack, self.right


def find_equations(
    page_dict: dict[str, Any], page: int, paths: Sequence[Box]
) -> list[EquationArea]:
    """The page's display equations, top to bottom: numbered ones first claim their rows."""
    rows = _rows(page_dict)
    if not rows:
        return []
    body = _body_size(rows)
    font = _body_font(rows)
    columns = _Columns.of(rows, float(page_dict.get("width", 612.0)))
    found: list[EquationArea] = []
    taken: set[int] = set()
    numbered = [
        i
        for i, row in enumerate(rows)
        if _NUMBER.match(row.spans[-1].text.strip()) and row.spans[-1].size >= body - 1.5
    ]
    for i in numbered:
        row = rows[i]
        last = row.spans[-1]
        match = _NUMBER.match(last.text.strip())
        if match is None or i in taken:
            continue
        left, right = columns.at(last.box[0])
        if last.box[2] < right - EDGE_SLACK or last.box[2] > right + EDGE_SLACK:
            continue
        before = [
            s
            for r in rows
            for s in r.spans
            if s is not last
            and left - 2 <= s.box[0]
            and s.box[2] <= last.box[0] + 1
            and abs(s.base - last.base) < 0.6 * body
        ]
        before.sort(key=lambda s: s.box[0])
        spaced = _Row(last.box, tuple(replace(g, text=f" {g.text.strip()}") for g in before))
        relation = any(c in _RELATIONS for g in before for c in g.text)
        if before and not relation and _row_is_prose(spaced, font):
            continue  # "... as in (3)", "(3) the unchanged token": running text, however spaced
        others = [rows[k].box for k in numbered if k != i]
        members = [
            m for m in _grow(rows, i, left, last.box[2], body, font, others) if m not in taken
        ]
        taken.update(members)
        spans = [s for m in members for s in rows[m].spans if s is not last]
        box = union([rows[m].box for m in members])
        text = equation_text(spans, paths, box)
        if text:
            found.append(EquationArea(page, box, match.group(1), text))
    found += _unnumbered(rows, taken, body, font, paths, page, columns)
    return sorted(found, key=lambda e: e.box[1])


def _unnumbered(
    rows: Sequence[_Row],
    taken: set[int],
    body: float,
    font: str,
    paths: Sequence[Box],
    page: int,
    columns: _Columns,
) -> list[EquationArea]:
    """Display math without a number: runs of rows that read as mathematics, not prose, each
    close below the last and overlapping it across (a derivation, a formula set apart)."""
    candidates = [
        k
        for k, r in enumerate(rows)
        if k not in taken
        and _mathematical(r, font)
        and _set_apart(r, columns.at(r.box[0]))
        and not _row_is_prose(_visual_line(rows, k, range(len(rows))), font)
    ]
    # A piece of a prose line PyMuPDF cut off ("... has dimensionality" | "dff = 2048."):
    # level with words in the same column, it is inline math.
    wordy = [(r, columns.at(r.box[0])) for r in rows if _words(r.text) >= 2]
    candidates = [
        k
        for k in candidates
        if not any(
            r is not rows[k]
            and abs(_mid(r) - _mid(rows[k])) < 0.4 * body
            and column == columns.at(rows[k].box[0])
            for r, column in wordy
        )
    ]
    groups: list[list[int]] = []
    for k in sorted(candidates, key=lambda k: (rows[k].box[1], rows[k].box[0])):
        box = rows[k].box
        for group in groups:
            g = union([rows[m].box for m in group])
            close = box[1] - g[3] < ROW_GAP * body and g[1] - box[3] < ROW_GAP * body
            if close and min(box[2], g[2]) - max(box[0], g[0]) > -2:
                group.append(k)
                break
        else:
            groups.append([k])
    out = []
    for group in groups:
        text_rows = [rows[m] for m in group]
        if not any(any(c in _RELATIONS for c in r.text) for r in text_rows):
            continue  # a stray symbol or label, not a formula set apart
        box = union([r.box for r in text_rows])
        text = equation_text([s for r in text_rows for s in r.spans], paths, box)
        if text:
            out.append(EquationArea(page, box, "", text))
    return out


def _set_apart(row: _Row, column: tuple[float, float]) -> bool:
    """Not a line of running text with inline math: display math neither fills the column
    from edge to edge nor starts at its left edge with words ("such as a hidden")."""
    left, right = column
    at_left = row.box[0] <= left + 3
    if at_left and row.box[2] >= right - 3:
        return False
    words = _words(row.text)
    return not (at_left and words >= 2) and words <= 3


def _words(text: str) -> int:
    return sum(1 for t in text.split() if t.strip(".,;:()").isalpha() and len(t) >= 3)


def _mid(row: _Row) -> float:
    return (row.box[1] + row.box[3]) / 2


def _mathematical(row: _Row, body_font: str) -> bool:
    """Mathematics by its symbols, or set mostly in fonts other than the text's."""
    if _is_math(row.text):
        return True
    other = sum(len(s.text) for s in row.spans if s.font != body_font)
    return other >= 0.5 * max(len(row.text), 1)


def _grow(
    rows: Sequence[_Row],
    seed: int,
    left: float,
    right: float,
    body: float,
    font: str,
    others: Sequence[Box],
) -> list[int]:
    """Rows of the equation: those on the number's row, then rows above and below that read
    as mathematics and lie within ROW_GAP of it, inside the column; never a row nearer to
    another equation's number (stacked equations each keep their own rows)."""
    box = rows[seed].box
    members = {seed}
    own = (box[1] + box[3]) / 2

    def nearer_other(r: _Row) -> bool:
        mid = (r.box[1] + r.box[3]) / 2
        return any(abs(mid - (o[1] + o[3]) / 2) < abs(mid - own) for o in others)

    in_column = [
        k
        for k, r in enumerate(rows)
        if r.box[0] >= left - 2 and r.box[2] <= right + 2 and k != seed and not nearer_other(r)
    ]
    # The number's row: everything in the column level with it (pieces of a fraction too).
    for k in in_column:
        r = rows[k]
        level = min(r.box[3], box[3]) - max(r.box[1], box[1]) > 0.3 * body
        if level and not _row_is_prose(r, font):
            members.add(k)
    grown = True
    while grown:
        grown = False
        box = union([rows[m].box for m in members])
        for k in in_column:
            if k in members:
                continue
            r = rows[k]
            close = r.box[1] - box[3] < ROW_GAP * body and box[1] - r.box[3] < ROW_GAP * body
            overlapping = min(r.box[3], box[3]) - max(r.box[1], box[1]) > 0
            if not close or _NUMBER.match(r.spans[-1].text.strip()):
                continue
            if _row_is_prose(_visual_line(rows, k, in_column), font):
                continue
            if overlapping or _is_math(r.text) or len(r.text) <= 3:
                members.add(k)
                grown = True
    return sorted(members)


def _visual_line(rows: Sequence[_Row], k: int, among: Sequence[int]) -> _Row:
    """Row k joined with the rows level with it: PyMuPDF cuts a line of prose at inline
    math ("... parameterised as β^p" | "2 instead of β_2. Now let"), and only the whole
    line reads as prose."""
    row = rows[k]
    height = row.box[3] - row.box[1]

    def level(r: _Row) -> bool:
        overlap = min(r.box[3], row.box[3]) - max(r.box[1], row.box[1])
        return overlap > 0.5 * min(height, r.box[3] - r.box[1])

    mates = sorted(
        [row, *(rows[j] for j in among if j != k and level(rows[j]))], key=lambda r: r.box[0]
    )
    spans = tuple(replace(s, text=f" {s.text.strip()}") for r in mates for s in r.spans)
    return _Row(union([r.box for r in mates]), spans)


def stacked(equation: EquationArea) -> bool:
    """Whether an equation's text was read without fraction bars and may hold a fraction:
    it is taller than one line of type."""
    return equation.box[3] - equation.box[1] > 16.0


def may_have_equations(page_dict: dict[str, Any]) -> bool:
    """Whether a page prints something like an equation number (only then are its drawings,
    the fraction bars, worth reading)."""
    return any(
        _NUMBER.match(span["text"].strip())
        for block in page_dict.get("blocks", ())
        for line in block.get("lines", ())
        for span in line.get("spans", ())
    )


def tag_equations(page: PageText) -> tuple[PageText, dict[str, EquationArea]]:
    """The page with each display equation's lines tagged EQUATION under a page-unique key,
    and the equations by key. The lines stay as they are: the section text reads on through
    them as printed; the block shows the formula's own text."""
    if not page.equations:
        return page, {}
    keys = {f"p{page.page}:e{k}": eq for k, eq in enumerate(page.equations)}

    def owner(line: Line) -> str | None:
        cx, cy = (line.x0 + line.x1) / 2, (line.y0 + line.y1) / 2
        for key, eq in keys.items():
            x0, y0, x1, y1 = eq.box
            if x0 - 1 <= cx <= x1 + 1 and y0 - 1 <= cy <= y1 + 1:
                return key
        return None

    lines = []
    for line in page.lines:
        key = owner(line) if line.kind is LineKind.TEXT else None
        lines.append(line if key is None else replace(line, kind=LineKind.EQUATION, label=key))
    return replace(page, lines=tuple(lines)), keys
