"""Figure text: labels drawn inside figures leave the section text (so passages, answers and
definitions), while captions, equations and prose around them stay; table cells are the table
block's text, not its paragraphs'."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pdf_factory import (
    DIAGRAM_LABELS,
    EQUATION_PARTS,
    FIGURE_CAPTION,
    IMAGE_LABELS,
    SIDE_PROSE,
    TABLE_CAPTION,
    TABLE_CELLS,
    make_figure_paper,
)
from repo_paths import PAPERS

from reader.ingest.chunking import chunk_sections
from reader.models import BlockKind, ExtractedPaper, SectionRole
from reader.pdf.extract import extract_paper
from reader.pdf.figures import figure_areas, split_figure_text
from reader.pdf.graphics import clusters
from reader.pdf.layout import Line, PageText
from reader.settings import Settings


def _text(paper: ExtractedPaper) -> str:
    return " ".join(" ".join(s.text.split()) for s in paper.sections)


@pytest.mark.parametrize("columns", [1, 2])
def test_labels_leave_the_text_and_caption_table_equation_prose_stay(
    tmp_path: Path, columns: int
) -> None:
    paper = extract_paper(make_figure_paper(tmp_path / "f.pdf", columns), Settings())
    text = _text(paper)
    for label in DIAGRAM_LABELS + IMAGE_LABELS:
        assert label not in text, label
    assert FIGURE_CAPTION in text and TABLE_CAPTION in text
    # Table cells are no prose: they are the table block's text, with its caption.
    tables = [b for s in paper.sections for b in s.blocks if b.kind is BlockKind.TABLE]
    assert len(tables) == 1 and TABLE_CAPTION in (tables[0].caption or "")
    for cell in TABLE_CELLS:
        assert cell in tables[0].text, cell
    prose = " ".join(
        b.text for s in paper.sections for b in s.blocks if b.kind is BlockKind.PARAGRAPH
    )
    for cell in ("Throughput", "71.3", "oursnet", "75.9"):  # words the prose never uses
        assert cell not in prose, cell
        assert cell in text, cell  # the section's text keeps them: search finds a table
    figures = [b for s in paper.sections for b in s.blocks if b.kind is BlockKind.FIGURE]
    # Each figure block: its caption, and the words drawn in it.
    assert [f.number for f in figures] == ["1", "2"]
    assert FIGURE_CAPTION in (figures[0].caption or "")
    assert all(label in figures[0].text for label in DIAGRAM_LABELS), figures[0].text
    assert all(label in figures[1].text for label in IMAGE_LABELS), figures[1].text
    for part in EQUATION_PARTS:
        assert part in text, part
    for prose in ("Method begins here.", "After the figure the method goes on.", "The table"):
        assert prose in text, prose
    if columns == 2:
        assert SIDE_PROSE.strip() in text
    # The labels are kept, tagged with their page, outside the sections.
    # (Labels on one baseline make one line: "EncQzeta MomKeta".)
    tagged = {
        page: " ".join(f.text for f in paper.figure_text if f.page == page) for page in (1, 2)
    }
    assert all(label in tagged[1] for label in DIAGRAM_LABELS), tagged
    assert all(label in tagged[2] for label in IMAGE_LABELS), tagged
    words = " ".join(tagged.values()).split()
    assert sorted(words) == sorted(DIAGRAM_LABELS + IMAGE_LABELS)


def test_labels_reach_no_passage(tmp_path: Path) -> None:
    paper = extract_paper(make_figure_paper(tmp_path / "f.pdf"), Settings())
    chunks = chunk_sections("p", paper.sections, Settings())
    method = " ".join(c.text for c in chunks if c.section_role == SectionRole.METHOD)
    assert "Method begins here." in method and FIGURE_CAPTION in method
    for chunk in chunks:
        for label in DIAGRAM_LABELS + IMAGE_LABELS:
            assert label not in chunk.text


def _line(y: float, text: str, block: int, x0: float = 100, size: float = 7.0) -> Line:
    return Line(1, x0, y, x0 + 6 * len(text), y + size, text, size, size, False, block, True, True)


def test_drawings_without_a_figure_caption_keep_their_text() -> None:
    """A boxed algorithm or a ruled table is drawn too: without "Figure N:" it is no figure."""
    lines = (_line(110, "for each batch do", 0), _line(130, "update encoder", 1))
    page = PageText(1, 612, 792, lines, 2, paths=((90, 100, 400, 200),))
    kept, dropped = split_figure_text(page, 10.0)
    assert kept == page and dropped == ()


def test_a_figure_caption_takes_the_labels_but_not_the_prose_above() -> None:
    prose = [_line(60 + 12 * k, "word " * 12, 0, x0=72, size=10.0) for k in range(3)]
    labels = [_line(130, "EncQ", 1), _line(170, "LossXi", 2)]
    caption = _line(215, "Figure 3: The toy model.", 3, x0=72, size=9.0)
    page = PageText(1, 612, 792, (*prose, *labels, caption), 6, paths=((90, 120, 400, 200),))
    kept, dropped = split_figure_text(page, 10.0)
    assert [ln.text for ln in dropped] == ["EncQ", "LossXi"]
    assert kept.lines == (*prose, caption)


def test_sub_figure_labels_in_the_caption_block_are_the_figures() -> None:
    """PyMuPDF may set "(c) Recall@10" in the caption's block, or "(a) ... (b) ..." in a
    block that reads like prose: those labels are the figure's, and the figure is found."""
    prose = [_line(60 + 12 * k, "word " * 12, 0, x0=72, size=10.0) for k in range(3)]
    plot = _line(150, "Baseline", 1)
    marks = _line(205, "(a) Recall@1 (b) Recall@5", 2, size=9.0)
    caption = _line(
        216, "Figure 6: Recall values on validation set for the three models.", 2, x0=72, size=9.0
    )
    page = PageText(1, 612, 792, (*prose, plot, marks, caption), 3, paths=((90, 120, 400, 200),))
    figures = figure_areas(page, 10.0)
    assert [f.caption for f in figures.figures] == ["Figure 6:"]
    kept, dropped = split_figure_text(page, 10.0)
    assert [ln.text for ln in dropped] == ["Baseline", "(a) Recall@1 (b) Recall@5"]
    assert kept.lines == (*prose, caption)


def test_a_prose_line_opening_with_a_mark_stays_above_a_figure() -> None:
    prose = _line(
        205,
        "(a) the encoder reads every patch of the image and then the decoder "
        "writes the caption word by word",
        0,
        x0=72,
        size=10.0,
    )
    caption = _line(230, "Figure 2: The model.", 1, x0=72, size=9.0)
    page = PageText(1, 612, 792, (prose, caption), 2, paths=((90, 120, 400, 200),))
    kept, _ = split_figure_text(page, 10.0)
    assert prose in kept.lines


def test_a_table_caption_right_after_its_smaller_rows_opens_a_caption() -> None:
    """ "Table 1:" set in one block after the rows it captions: the rows read like words and
    end without a full stop, but are in smaller type, so the caption still starts there."""
    rows = [
        _line(60, "Batch norm Invariant No Invariant Invariant Invariant No", 0),
        _line(70, "Layer norm Invariant Invariant No Invariant No Invariant", 0),
    ]
    caption = _line(
        82, "Table 1: Invariance properties under the normalization methods.", 0, size=10.0
    )
    caption = replace(caption, para_start=False, first_in_block=False)  # all one block
    page = PageText(1, 612, 792, (*rows, caption), 1, paths=((90, 56, 500, 58),))
    tables = figure_areas(page, 10.0).tables
    assert [t.caption_lines for t in tables] == [(caption,)]


def test_clusters_join_near_drawings_only() -> None:
    near = [(0.0, 0.0, 10.0, 10.0), (15.0, 0.0, 25.0, 10.0), (30.0, 5.0, 40.0, 8.0)]
    far = [(200.0, 200.0, 210.0, 210.0)]
    groups = sorted(clusters(near + far, 12.0, 612, 792))
    assert groups == [(0.0, 0.0, 40.0, 10.0), (200.0, 200.0, 210.0, 210.0)]
    # A hostile page (thousands of page-sized shapes) gives up rather than grind.
    assert clusters([(0.0, 0.0, 600.0, 780.0)] * 5000 + [(1.0, 1.0, 2.0, 2.0)], 12.0, 612, 792)


def test_moco_figure_2_labels_are_in_no_method_passage() -> None:
    path = PAPERS / "1911.05722.pdf"
    if not path.exists():
        pytest.skip(f"{path} not available")
    paper = extract_paper(path, Settings())
    chunks = chunk_sections("1911.05722", paper.sections, Settings())
    method = [" ".join(c.text.split()) for c in chunks if c.section_role == SectionRole.METHOD]
    joined = " ".join(method)
    # The words drawn in Figure 2 ("contrastive loss", "gradient", "q·k", "encoder q", ...).
    for label in (
        "contrastive loss contrastive loss",
        "gradient gradient",
        "q·k q·k",
        "encoder q encoder k",
        "sampling momentum encoder",
        "(a) end-to-end xq",
    ):
        assert label not in joined, label
    # The prose and the caption around the figure stay.
    for prose in (
        "Figure 2. Conceptual comparison of three contrastive loss mechanisms",
        "The key representations are sampled from a memory bank",
        "Another mechanism is the memory bank approach proposed by",
        "Relations to previous mechanisms. MoCo is a general mechanism",
        "Dictionary as a queue. At the core of our approach",
    ):
        assert prose in joined, prose
    pages = {f.page for f in paper.figure_text if f.text in ("gradient", "q·k", "sampling")}
    assert 3 in pages
