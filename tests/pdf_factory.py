"""Small, deterministic PDFs made with PyMuPDF for tests: papers in one or two columns, with
or without an outline, a paper with figures, a table and an equation, plus hostile files
(encrypted, huge page counts, span floods)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

PAGE_W, PAGE_H = 612.0, 792.0
BODY = 10.0
LEADING = 12.0
REGULAR, BOLD = "tiro", "tibo"  # Times-Roman, Times-Bold (base-14, always available)

_VOCABULARY = (
    "model attention layer network training data image text token sequence encoder decoder "
    "vision language learning gradient optimizer batch feature representation loss objective "
    "transformer convolution residual contrastive momentum queue embedding projection head "
    "benchmark accuracy baseline ablation dataset evaluation"
)
WORDS = tuple(_VOCABULARY.split())


@functools.lru_cache(maxsize=4096)
def _width(text: str, font: str, size: float) -> float:
    """Printed width of a word (base-14 fonts have no kerning, so widths add up)."""
    return float(pymupdf.get_text_length(text, fontname=font, fontsize=size))


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaking of `text` into lines at most `width` points wide."""
    lines: list[str] = []
    current = ""
    used = 0.0
    space = _width(" ", font, size)
    for word in text.split():
        extra = _width(word, font, size) + (space if current else 0.0)
        if used + extra <= width or not current:
            current = f"{current} {word}" if current else word
            used += extra
        else:
            lines.append(current)
            current = word
            used = _width(word, font, size)
    if current:
        lines.append(current)
    return lines


def sentence(seed: int, words: int = 14) -> str:
    """A deterministic pseudo-sentence; `seed` makes paragraphs distinguishable."""
    picked = [WORDS[(seed * 7 + i * 11 + i * i) % len(WORDS)] for i in range(words)]
    return " ".join(picked).capitalize() + "."


def paragraph(seed: int, sentences: int = 4) -> str:
    return " ".join(sentence(seed * 13 + k) for k in range(sentences))


@dataclass
class Heading:
    """A heading as printed: number and title; `split_number` prints the number separately."""

    number: str
    title: str
    level: int = 1
    split_number: bool = False


@dataclass
class Para:
    text: str


@dataclass
class Caption:
    """A figure or table caption (label in bold, like LaTeX templates often print it)."""

    label: str
    text: str


@dataclass
class Lines:
    """A paragraph printed with exactly these line breaks (to test hyphenation)."""

    lines: list[str]


Item = Heading | Para | Caption | Lines


@dataclass
class PaperSpec:
    title: str = "A Synthetic Paper About Attention"
    items: list[Item] = field(default_factory=list)
    columns: int = 1
    outline: list[tuple[int, str]] | None = None  # (level, title); pages are filled in
    running_header: str | None = "Preprint. Under review."
    page_numbers: bool = True
    arxiv_stamp: bool = True


class _Writer:
    """Lays out items top to bottom, column by column, page by page."""

    def __init__(self, doc: pymupdf.Document, spec: PaperSpec) -> None:
        self.doc = doc
        self.spec = spec
        self.top, self.bottom = 72.0, PAGE_H - 72.0
        margin, gutter = 72.0, 20.0
        width = PAGE_W - 2 * margin
        if spec.columns == 2:
            col = (width - gutter) / 2
            self.cols = [(margin, col), (margin + col + gutter, col)]
        else:
            self.cols = [(margin, width)]
        self.page: pymupdf.Page | None = None
        self.col = 0
        self.y = self.top
        self.heading_pages: list[int] = []
        self.first_top = self.top  # where columns start on page 1 (below the title)
        self.new_page()

    def new_page(self) -> None:
        self.page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        number = self.doc.page_count
        if self.spec.running_header:
            self.page.insert_text((72, 40), self.spec.running_header, fontname=REGULAR, fontsize=9)
        if self.spec.page_numbers:
            self.page.insert_text(
                (PAGE_W / 2 - 3, PAGE_H - 40), str(number), fontname=REGULAR, fontsize=BODY
            )
        self.col = 0
        self.y = self.top

    def advance(self, height: float) -> None:
        if self.y + height > self.bottom:
            if self.col + 1 < len(self.cols):
                self.col += 1
                self.y = self.first_top if self.doc.page_count == 1 else self.top
            else:
                self.new_page()

    def text(self, x: float, text: str, font: str, size: float) -> None:
        assert self.page is not None
        self.page.insert_text((x, self.y + size), text, fontname=font, fontsize=size)

    def wrap(self, text: str, font: str, size: float, width: float) -> list[str]:
        return wrap(text, font, size, width)

    def lines(self, lines: Sequence[str], font: str, size: float, first_indent: float = 0) -> None:
        for i, line in enumerate(lines):
            self.advance(LEADING)
            x0 = self.cols[self.col][0] + (first_indent if i == 0 else 0)
            self.text(x0, line, font, size)
            self.y += LEADING

    def heading(self, head: Heading) -> None:
        size = 12.0 if head.level == 1 else BODY
        self.y += 8
        self.advance(3 * LEADING)  # keep a heading with its first lines
        self.heading_pages.append(self.doc.page_count)
        x0, width = self.cols[self.col]
        if head.split_number:
            self.text(x0, head.number, BOLD, size)
            title_x = x0 + 24
            for line in self.wrap(head.title, BOLD, size, width - 24):
                self.text(title_x, line, BOLD, size)
                self.y += LEADING + 2
        else:
            label = f"{head.number} {head.title}".strip()
            for line in self.wrap(label, BOLD, size, width):
                self.text(x0, line, BOLD, size)
                self.y += LEADING + 2
        self.y += 4

    def para(self, text: str) -> None:
        width = self.cols[self.col][1]
        self.lines(self.wrap(text, REGULAR, BODY, width - 12), REGULAR, BODY, first_indent=12)
        self.y += 6

    def caption(self, cap: Caption) -> None:
        x0, width = self.cols[self.col]
        self.y += 30  # room for an imaginary figure
        self.advance(2 * LEADING)
        assert self.page is not None
        self.page.draw_rect(pymupdf.Rect(x0, self.y - 28, x0 + width, self.y - 4))
        self.text(x0, cap.label, BOLD, 9.0)
        offset = pymupdf.get_text_length(cap.label + " ", fontname=BOLD, fontsize=9.0)
        rest = self.wrap(cap.text, REGULAR, 9.0, width - offset)
        if rest:
            self.text(x0 + offset, rest[0], REGULAR, 9.0)
        self.y += 11
        for line in rest[1:]:
            self.advance(11)
            self.text(x0, line, REGULAR, 9.0)
            self.y += 11
        self.y += 8


def make_paper(path: Path, spec: PaperSpec) -> Path:
    """Write a paper PDF following `spec` and return its path."""
    doc = pymupdf.open()
    writer = _Writer(doc, spec)
    first = doc[0]
    title_width = pymupdf.get_text_length(spec.title, fontname=BOLD, fontsize=17)
    first.insert_text(((PAGE_W - title_width) / 2, 100), spec.title, fontname=BOLD, fontsize=17)
    first.insert_text((250, 125), "Ada Lovelace and Alan Turing", fontname=REGULAR, fontsize=11)
    if spec.arxiv_stamp:
        first.insert_text(
            (30, 560),
            "arXiv:2401.01234v2  [cs.LG]  3 Jan 2024",
            fontname=REGULAR,
            fontsize=20,
            rotate=90,
        )
    writer.y = writer.first_top = 150
    for item in spec.items:
        if isinstance(item, Heading):
            writer.heading(item)
        elif isinstance(item, Para):
            writer.para(item.text)
        elif isinstance(item, Lines):
            writer.lines(item.lines, REGULAR, BODY, first_indent=12)
            writer.y += 6
        else:
            writer.caption(item)
    if spec.outline is not None:
        pages = writer.heading_pages
        toc = [
            [lvl, title, pages[i] if i < len(pages) else 1]
            for i, (lvl, title) in enumerate(spec.outline)
        ]
        doc.set_toc(toc)
    doc.save(path)
    doc.close()
    return path


def standard_items(split_heading: bool = False, number_span: bool = False) -> list[Item]:
    """A small paper: Abstract, 1 Introduction, 2 Method (2.1, 2.2), 3 Experiments,
    4 Conclusion, References; with a figure caption and a table caption in the body."""
    method_title = (
        "Method With A Deliberately Long Heading That Has To Wrap Onto A Second Line Here"
        if split_heading
        else "Method"
    )
    return [
        Heading("", "Abstract"),
        Para("We study synthetic papers. " + paragraph(1, 3)),
        Heading("1", "Introduction"),
        Para("Introduction begins here. " + paragraph(2)),
        Lines(
            [
                "A smooth acti-",
                "vation follows each self-",
                "attention layer; self-attention and activation are standard.",
            ]
        ),
        Para(paragraph(3)),
        Heading("2", method_title, split_number=number_span),
        Para("Method begins here. " + paragraph(4)),
        Caption("Figure 1:", "Overview of the model architecture used by this method."),
        Heading("2.1", "Encoder"),
        Para("Encoder begins here. " + paragraph(5)),
        Caption("Table 1:", "Results on the benchmark with several baselines."),
        Heading("2.2", "Decoder"),
        Para("Decoder begins here. " + paragraph(6, 8)),
        Heading("3", "Experiments"),
        Para("Experiments begin here. " + paragraph(7, 10)),
        Para(paragraph(8, 10)),
        Heading("4", "Conclusion"),
        Para("Conclusion begins here. " + paragraph(9)),
        Heading("", "References"),
        Para("[1] A. Author. A paper about things. In Proceedings, 2020."),
        Para("[2] B. Author. Another paper about other things. Journal, 2021."),
    ]


STANDARD_OUTLINE = [
    (1, "1 Introduction"),
    (1, "2 Method"),
    (2, "2.1 Encoder"),
    (2, "2.2 Decoder"),
    (1, "3 Experiments"),
    (1, "4 Conclusion"),
]


def make_encrypted(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Secret paper text. " * 5, fontname=REGULAR, fontsize=10)
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="user")
    doc.close()
    return path


def make_many_pages(path: Path, pages: int = 1001) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Page 1 " * 50, fontname=REGULAR, fontsize=10)
    for _ in range(pages - 1):
        doc.new_page()  # blank: the page count alone must be enough to refuse the file
    doc.save(path)
    doc.close()
    return path


def make_span_flood(path: Path, spans: int = 100_000) -> Path:
    """One page with `spans` tiny text pieces at scattered positions (a hostile file)."""
    doc = pymupdf.open()
    page = doc.new_page(width=PAGE_W, height=PAGE_H)
    page.insert_text((10, 10), "x", fontname="helv", fontsize=1)  # registers font /helv
    ops = ["BT"]
    for i in range(spans):
        x, y = 5 + (i * 7) % 600, 5 + (i * 13) % 780
        size = 1 + i % 3  # alternating sizes force a new span each time
        ops.append(f"/helv {size} Tf 1 0 0 1 {x} {y} Tm (a) Tj")
    ops.append("ET")
    xref = page.get_contents()[0]
    doc.update_stream(xref, doc.xref_stream(xref) + b"\n" + "\n".join(ops).encode())
    doc.save(path)
    doc.close()
    return path


def make_image_only(path: Path) -> Path:
    """A 'scan': pages with drawings but no text layer."""
    doc = pymupdf.open()
    for _ in range(2):
        page = doc.new_page()
        for k in range(20):
            page.draw_rect(pymupdf.Rect(50, 50 + 30 * k, 500, 70 + 30 * k), fill=(0.2, 0.2, 0.2))
    doc.save(path)
    doc.close()
    return path


# Words drawn inside the figures of `make_figure_paper`: none occurs in its prose.
DIAGRAM_LABELS = ("EncQzeta", "MomKeta", "LossXi", "QueueTheta", "GradRho")
IMAGE_LABELS = ("Catzone", "Dogpatch")
TABLE_CELLS = ("Method", "Accuracy", "Throughput", "baseline", "71.3", "oursnet", "75.9")
EQUATION_PARTS = ("Lcon =", "exp(alpha beta)", "sum exp(gamma delta)")
FIGURE_CAPTION = "Figure 1: Overview of the toy model with its two encoders and the queue."
TABLE_CAPTION = "Table 1: Results on the toy benchmark."
IMAGE_CAPTION = "Figure 2: A photo with labels drawn over it."
SIDE_PROSE = "Right column prose begins here. "


def _text_block(page: pymupdf.Page, x: float, y: float, width: float, text: str) -> float:
    """A prose paragraph in body type from (x, y) down; returns the y below it."""
    for line in wrap(text, REGULAR, BODY, width):
        page.insert_text((x, y + BODY), line, fontname=REGULAR, fontsize=BODY)
        y += LEADING
    return y + 6


def _heading(page: pymupdf.Page, x: float, y: float, label: str) -> float:
    page.insert_text((x, y + 12), label, fontname=BOLD, fontsize=12)
    return y + 22


def _label(page: pymupdf.Page, x: float, y: float, text: str, size: float = 7.0) -> None:
    page.insert_text((x, y + size), text, fontname=REGULAR, fontsize=size)


def _diagram(page: pymupdf.Page, x0: float, width: float, top: float) -> float:
    """Boxes with short labels, joined by arrows (like MoCo's Figure 2); returns its bottom."""
    box_w = width / 4
    left = pymupdf.Rect(x0 + 8, top + 8, x0 + 8 + box_w, top + 36)
    right = pymupdf.Rect(x0 + width - 8 - box_w, top + 8, x0 + width - 8, top + 36)
    loss = pymupdf.Rect(x0 + (width - box_w) / 2, top + 58, x0 + (width + box_w) / 2, top + 84)
    for rect in (left, right, loss):
        page.draw_rect(rect, color=(0, 0, 0), width=0.8)
    arrows = (
        ((left.x0 + box_w / 2, left.y1), (loss.x0 + 4, loss.y0)),
        ((right.x0 + box_w / 2, right.y1), (loss.x1 - 4, loss.y0)),
    )
    for start, end in arrows:
        page.draw_line(start, end, width=0.8)
    for k in range(4):  # the queue: a row of small cells
        cell = pymupdf.Rect(right.x0 + 6 * k, top + 90, right.x0 + 6 * k + 5, top + 98)
        page.draw_rect(cell, color=(0, 0, 0), fill=(0.7, 0.7, 0.9), width=0.5)
    _label(page, left.x0 + 4, left.y0 + 9, DIAGRAM_LABELS[0])
    _label(page, right.x0 + 4, right.y0 + 9, DIAGRAM_LABELS[1])
    _label(page, loss.x0 + 4, loss.y0 + 8, DIAGRAM_LABELS[2])
    _label(page, right.x0, top + 100, DIAGRAM_LABELS[3])
    _label(page, x0 + width / 2 - 12, top + 40, DIAGRAM_LABELS[4], 6.0)
    return top + 110


def _image(page: pymupdf.Page, rect: pymupdf.Rect) -> None:
    """A photo-like image (a grey gradient) with labels set over it."""
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 20), False)
    for yy in range(20):
        for xx in range(40):
            pix.set_pixel(xx, yy, (60 + 4 * xx, 90 + 5 * yy, 120))
    page.insert_image(rect, pixmap=pix)
    _label(page, rect.x0 + 12, rect.y0 + 14, IMAGE_LABELS[0], 8.0)
    _label(page, rect.x0 + rect.width / 2, rect.y1 - 24, IMAGE_LABELS[1], 8.0)


def _table(page: pymupdf.Page, x0: float, y: float) -> float:
    """A booktabs table with its caption above (rules, a header row, two rows)."""
    page.insert_text((x0, y + 9), TABLE_CAPTION, fontname=REGULAR, fontsize=9)
    y += 16
    cols = (x0 + 10, x0 + 120, x0 + 200)
    page.draw_line((x0, y), (x0 + 280, y), width=0.8)
    rows = [
        TABLE_CELLS[:3],
        (TABLE_CELLS[3], TABLE_CELLS[4], "fast"),
        (TABLE_CELLS[5], "75.9", "slow"),
    ]
    for r, row in enumerate(rows):
        for x, cell in zip(cols, row, strict=True):
            page.insert_text((x, y + 12 + 12 * r), cell, fontname=REGULAR, fontsize=9)
        if r == 0:
            page.draw_line((x0, y + 15), (x0 + 280, y + 15), width=0.5)
    y += 12 * len(rows) + 6
    page.draw_line((x0, y), (x0 + 280, y), width=0.8)
    return y + 12


def _equation(page: pymupdf.Page, center: float, y: float) -> float:
    """An unnumbered display equation with a fraction bar; returns the y below it."""
    top, bottom = EQUATION_PARTS[1], EQUATION_PARTS[2]
    w = max(_width(top, REGULAR, BODY), _width(bottom, REGULAR, BODY))
    left = center - w / 2
    page.insert_text((left - 42, y + 18), EQUATION_PARTS[0], fontname=REGULAR, fontsize=BODY)
    page.insert_text(
        (left + (w - _width(top, REGULAR, BODY)) / 2, y + 9), top, fontname=REGULAR, fontsize=BODY
    )
    page.draw_line((left, y + 14), (left + w, y + 14), width=0.6)
    page.insert_text(
        (left + (w - _width(bottom, REGULAR, BODY)) / 2, y + 25),
        bottom,
        fontname=REGULAR,
        fontsize=BODY,
    )
    return y + 30


def make_figure_paper(path: Path, columns: int = 1) -> Path:
    """A paper whose Method holds a display equation right above a drawn diagram with short
    labels and a "Figure 1:" caption, then prose. Page 2 holds a ruled table with a "Table 1:"
    caption, right above an image with labels over it and a "Figure 2:" caption. With two
    columns, page 1's right column is prose beside the figure."""
    doc = pymupdf.open()
    page = doc.new_page(width=PAGE_W, height=PAGE_H)
    page.insert_text((180, 100), "A Synthetic Paper With Figures", fontname=BOLD, fontsize=17)
    page.insert_text((230, 125), "Ada Lovelace and Alan Turing", fontname=REGULAR, fontsize=11)
    x0, width = (72.0, 228.0) if columns == 2 else (72.0, PAGE_W - 144)
    y = _heading(page, x0, 150, "1 Introduction")
    y = _text_block(page, x0, y, width, "Introduction begins here. " + paragraph(2))
    y = _heading(page, x0, y + 6, "2 Method")
    y = _text_block(page, x0, y, width, "Method begins here. " + paragraph(4, 2))
    y = _equation(page, x0 + width / 2, y + 4)
    bottom = _diagram(page, x0 + 10, width - 20, y - 4)  # close: within a title's reach
    caption = wrap(FIGURE_CAPTION, REGULAR, 9, width)
    for k, line in enumerate(caption):
        page.insert_text((x0, bottom + 14 + 11 * k), line, fontname=REGULAR, fontsize=9)
    y = bottom + 14 + 11 * len(caption) + 8
    _text_block(page, x0, y, width, "After the figure the method goes on. " + paragraph(5, 3))
    if columns == 2:
        _text_block(page, 312, 150, width, SIDE_PROSE + paragraph(7, 12))
    page = doc.new_page(width=PAGE_W, height=PAGE_H)
    y = _table(page, 72, 72)
    # A figure right below the table: its reach for titles must not take the last rows.
    _image(page, pymupdf.Rect(150, y - 6, 350, y + 94))
    page.insert_text((72, y + 108), IMAGE_CAPTION, fontname=REGULAR, fontsize=9)
    y = _text_block(page, 72, y + 124, PAGE_W - 144, "The table shows it. " + paragraph(6, 2))
    y = _heading(page, 72, y + 6, "3 Experiments")
    y = _text_block(page, 72, y, PAGE_W - 144, "Experiments begin here. " + paragraph(7, 3))
    y = _heading(page, 72, y + 6, "4 Conclusion")
    y = _text_block(page, 72, y, PAGE_W - 144, "Conclusion begins here. " + paragraph(9, 2))
    y = _heading(page, 72, y + 6, "References")
    _text_block(page, 72, y, PAGE_W - 144, "[1] A. Author. A paper about things. 2020.")
    doc.save(path)
    doc.close()
    return path


EQ_LEAD = "The attention weights are computed as follows:"
EQ_AFTER = "where the keys have dimension dk and the scale keeps the softmax gradients large."
FOOTNOTE = "*Work done while the author was at a lab far away."
CONTINUED = "continues on the next page with more words about the method and its parts."


def make_equation_paper(path: Path) -> Path:
    """A paper whose Method has a numbered display equation (a fraction, a superscript, a
    subscript, its number at the column's right edge) and an author footnote at the foot of
    page 1, while its paragraph runs on to page 2."""
    doc = pymupdf.open()
    left, width = 72.0, 468.0
    page = doc.new_page(width=PAGE_W, height=PAGE_H)
    y = 90.0

    def text_block(pg: pymupdf.Page, text: str, y: float, size: float = BODY) -> float:
        for line in wrap(text, REGULAR, size, width):
            pg.insert_text((left, y), line, fontname=REGULAR, fontsize=size)
            y += LEADING
        return y + 6

    def heading(pg: pymupdf.Page, text: str, y: float) -> float:
        pg.insert_text((left, y), text, fontname=BOLD, fontsize=12)
        return y + 20

    y = heading(page, "1 Introduction", y)
    y = text_block(page, paragraph(1, 5), y)
    y = heading(page, "2 Method", y + 6)
    lines = wrap(paragraph(2, 4) + " " + EQ_LEAD, REGULAR, BODY, width)
    right = left + max(_width(line, REGULAR, BODY) for line in lines)
    for line in lines:
        page.insert_text((left, y), line, fontname=REGULAR, fontsize=BODY)
        y += LEADING
    base = y + 22  # the equation's main baseline
    x = 200.0

    def put(text: str, x: float, y: float, size: float = BODY) -> float:
        page.insert_text((x, y), text, fontname=REGULAR, fontsize=size)
        return x + _width(text, REGULAR, size)

    x = put("Attention(Q, K, V) = softmax(", x, base)
    bar_left = x
    end = put("QK", x + 2, base - 7)
    end = put("T", end, base - 11, 7.0)
    den = put("d", x + 6, base + 7)
    put("k", den, base + 9, 7.0)
    bar_right = max(end, den + 4) + 2
    page.draw_line((bar_left, base - 3.5), (bar_right, base - 3.5), width=0.5)
    put(")V", bar_right + 1, base)
    put("(1)", right - _width("(1)", REGULAR, BODY), base)
    y = base + 26
    y = text_block(page, EQ_AFTER + " " + paragraph(3, 10), y)
    page.insert_text(
        (left, y), "The method " + " ".join(WORDS[:8]), fontname=REGULAR, fontsize=BODY
    )
    # The footnote at the foot of page 1, in smaller type, its mark run into its first word.
    page.insert_text((left + 12, PAGE_H - 70), FOOTNOTE, fontname=REGULAR, fontsize=8)
    page = doc.new_page(width=PAGE_W, height=PAGE_H)
    y = text_block(page, CONTINUED + " " + paragraph(4, 3), 90.0)
    y = heading(page, "3 Experiments", y + 6)
    text_block(page, paragraph(5, 5), y)
    doc.save(path)
    doc.close()
    return path


SCRIPT_LINE_PLAIN = "Keys have dimension dk, values dmodel and weights WiQ; we square x2."


def make_script_paper(path: Path) -> Path:
    """A paper whose Method line sets sub- and superscripts in smaller type off the baseline
    ("d" + lowered "k", "W" + "i" below + "Q" above) and a footnote mark after a word."""
    doc = pymupdf.open()
    left, width = 72.0, 468.0
    page = doc.new_page(width=PAGE_W, height=PAGE_H)
    page.insert_text((left, 90), "1 Introduction", fontname=BOLD, fontsize=12)
    y = 110.0
    for line in wrap(paragraph(1, 4), REGULAR, BODY, width):
        page.insert_text((left, y), line, fontname=REGULAR, fontsize=BODY)
        y += LEADING
    y += 12
    page.insert_text((left, y), "2 Method", fontname=BOLD, fontsize=12)
    y += 20

    def put(text: str, x: float, dy: float = 0.0, size: float = BODY) -> float:
        page.insert_text((x, y + dy), text, fontname=REGULAR, fontsize=size)
        return x + _width(text, REGULAR, size)

    small = 0.7 * BODY
    x = put("Keys have dimension d", left)
    x = put("k", x, 1.5, small)
    x = put(", values d", x)
    x = put("model", x, 1.5, small)
    x = put(" and weights W", x)
    put("i", x, 1.5, small)
    x = put("Q", x, -3.5, small)
    x = put("; we square x", x)
    x = put("2", x, -3.5, small)
    x = put(". The library", x)
    x = put("1", x, -3.5, small)
    put(" is ours.", x)
    y += LEADING
    for line in wrap(paragraph(2, 3), REGULAR, BODY, width):
        page.insert_text((left, y), line, fontname=REGULAR, fontsize=BODY)
        y += LEADING
    page.insert_text(
        (left + 12, PAGE_H - 70), "1The library is open source.", fontname=REGULAR, fontsize=8
    )
    doc.save(path)
    doc.close()
    return path
