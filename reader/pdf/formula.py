"""A formula's text from its PyMuPDF spans: smaller raised or lowered spans are scripts
(`_`, `^`, braced when longer than one character), a fraction bar folds what is above and
below it into `a / b`, a square root's overline is no fraction."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reader.pdf.layout import Box
from reader.pdf.texfonts import is_extension_font
from reader.pdf.textclean import compose_formula_accents

_OPERATOR_RUN = re.compile(r"[\s+\-−=×·,]")
SCRIPT_SIZE = 0.85  # a span this much smaller than its row's main size is a script
MIN_BAR_WIDTH = 4.0
MAX_BAR_HEIGHT = 1.6


@dataclass(frozen=True)
class Glyphs:
    """One PyMuPDF span: its text, box, baseline origin and size."""

    text: str
    box: Box
    base: float  # baseline y
    size: float
    font: str = ""


def equation_text(spans: Sequence[Glyphs], paths: Sequence[Box], box: Box) -> str:
    """A formula's spans as one line of text: scripts as `_`/`^`, fractions as `a / b`."""
    spans = list(spans)
    bars = sorted(
        (
            p
            for p in paths
            if p[2] - p[0] >= MIN_BAR_WIDTH
            and p[3] - p[1] <= MAX_BAR_HEIGHT
            and box[0] - 2 <= p[0]
            and p[2] <= box[2] + 2
            and box[1] - 2 <= p[1] <= box[3] + 2
        ),
        key=lambda p: p[2] - p[0],  # inner (narrower) fractions first
    )
    radicals = [s.box for s in spans if s.text.strip().startswith("√")]
    for bar in bars:
        if _overline(bar, radicals, spans):
            continue  # the overline of a square root, not a fraction
        spans = _fold_fraction(spans, bar)
    return _tidy(" ".join(_row_text(row) for row in _split_rows(spans)))


def _overline(bar: Box, radicals: Sequence[Box], spans: Sequence[Glyphs]) -> bool:
    """A bar starting where a root sign ends is its overline, unless a numerator sits right
    on it (a fraction under a root: "√(1 / n ...)")."""
    if not any(abs(r[2] - bar[0]) < 2.5 and r[1] - 2 <= bar[1] <= r[3] + 2 for r in radicals):
        return False
    return not any(
        bar[0] <= _cx(s) <= bar[2] and 0 <= bar[1] - s.box[3] < 0.35 * s.size for s in spans
    )


def _fold_fraction(spans: list[Glyphs], bar: Box) -> list[Glyphs]:
    y = (bar[1] + bar[3]) / 2
    over = [s for s in spans if bar[0] - 1 <= _cx(s) <= bar[2] + 1]
    size = max((s.size for s in over), default=10.0)
    plain = [s for s in over if not s.text.strip().startswith("√")]
    top = [s for s in plain if _cy(s) < y and y - s.box[3] < 1.5 * size]
    bottom = [s for s in plain if _cy(s) > y and s.box[1] - y < 1.5 * size]
    for root in (s for s in over if s not in plain):
        # A root sign reaches across the bar: it goes with the radicand on its right.
        after = [s for s in plain if s.box[0] >= root.box[2] - 1]
        if after:
            radicand = min(after, key=lambda s: (s.box[0], s.box[1]))
            (top if radicand in top else bottom).append(root)
    if not top or not bottom:
        return spans
    num, den = _group_text(top), _group_text(bottom)
    text = f"{_wrap(num)} / {_wrap(den)}"
    used = {id(s) for s in top + bottom}
    folded = Glyphs(
        text,
        (bar[0], min(s.box[1] for s in top), bar[2], max(s.box[3] for s in bottom)),
        y + 0.33 * size,  # where the surrounding row's baseline sits
        size,
    )
    return [s for s in spans if id(s) not in used] + [folded]


def _group_text(spans: Sequence[Glyphs]) -> str:
    return _tidy(" ".join(_row_text(row) for row in _split_rows(list(spans))))


def _wrap(text: str) -> str:
    if len(text) > 1 and _OPERATOR_RUN.search(text) and not (text[0] == "(" and text[-1] == ")"):
        return f"({text})"
    return text


def _cx(s: Glyphs) -> float:
    return (s.box[0] + s.box[2]) / 2


def _cy(s: Glyphs) -> float:
    return (s.box[1] + s.box[3]) / 2


def _tall(s: Glyphs) -> bool:
    """A glyph of TeX's extension font (a display sum, a big bracket), whose baseline is not
    that of the symbols beside it."""
    return is_extension_font(s.font)


def _split_rows(spans: list[Glyphs]) -> list[list[Glyphs]]:
    """Spans grouped by the baseline of their full-size members, top to bottom."""
    if not spans:
        return []
    main = max(s.size for s in spans)
    full = sorted(
        (s for s in spans if s.size >= SCRIPT_SIZE * main and not _tall(s)), key=lambda s: s.base
    )
    bases: list[float] = []
    for s in full:
        if not bases or s.base - bases[-1] > 0.9 * main:
            bases.append(s.base)
    if not bases:
        bases = [spans[0].base]
    rows: list[list[Glyphs]] = [[] for _ in bases]
    for s in spans:
        # A big operator or delimiter is set on the math axis, its baseline far from the
        # row's: it belongs to the row its middle is level with.
        y = _cy(s) if _tall(s) else s.base
        nearest = min(range(len(bases)), key=lambda k: (abs(y - bases[k]), k))
        rows[nearest].append(s)
    return [sorted(r, key=lambda s: s.box[0]) for r in rows if r]


def _row_text(row: Sequence[Glyphs]) -> str:
    """One baseline's spans in order; smaller raised spans are superscripts, lowered ones
    subscripts, of what precedes them."""
    if not row:
        return ""
    main = max(row, key=lambda s: (not _tall(s), s.size, -s.box[0]))
    base, size = main.base, main.size
    out: list[str] = []
    pending: dict[str, list[str]] = {"_": [], "^": []}
    last_x1: float | None = None

    def flush() -> None:
        for mark in ("_", "^"):
            if pending[mark]:
                joined = "".join(pending[mark]).strip()
                out.append(f"{mark}{joined}" if len(joined) == 1 else f"{mark}{{{joined}}}")
                pending[mark] = []

    for s in row:
        text = s.text
        script = None
        if s.size <= SCRIPT_SIZE * size and not _tall(s):
            if s.base < base - 0.15 * size:
                script = "^"
            elif s.base > base + 0.08 * size:
                script = "_"
        if script is not None and (out or pending["_"] or pending["^"]):
            pending[script].append(text.strip())
            last_x1 = s.box[2]
            continue
        flush()
        if last_x1 is not None and s.box[0] - last_x1 > 0.2 * s.size and not text.startswith(" "):
            out.append(" ")
        out.append(text)
        last_x1 = s.box[2]
    flush()
    return "".join(out)


def _tidy(text: str) -> str:
    # U+FFFD: a glyph without a Unicode value (big delimiters of the math extension fonts).
    text = " ".join(text.replace("\ufffd", " ").split())
    text = _spaced_relations(text)
    text = re.sub(r"([(\[{])\s+", r"\1", text)
    text = re.sub(r"\s+([)\]},;])", r"\1", text)
    return compose_formula_accents(text.strip())


def _spaced_relations(text: str) -> str:
    """One space either side of "=" outside scripts ("a =(b)" → "a = (b)"; "_{i=1}" kept)."""
    out: list[str] = []
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if ch == "=" and depth == 0:
            while out and out[-1] == " ":
                out.pop()
            out.append(" = ")
        elif ch == " " and out and out[-1].endswith(" "):
            continue
        else:
            out.append(ch)
    return "".join(out).strip()
