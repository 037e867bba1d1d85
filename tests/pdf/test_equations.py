"""Display equations: one block with its number and the formula's symbols (`_`, `^`, `a / b`),
never split into paragraphs; footnotes at the end of their section."""

from __future__ import annotations

from pathlib import Path

from pdf_factory import CONTINUED, EQ_AFTER, EQ_LEAD, FOOTNOTE, make_equation_paper

from reader.models import BlockKind
from reader.pdf.equations import find_equations
from reader.pdf.extract import extract_paper
from reader.pdf.formula import Glyphs, equation_text
from reader.settings import Settings


def _g(text: str, x0: float, x1: float, base: float, size: float = 10.0) -> Glyphs:
    return Glyphs(text, (x0, base - 0.75 * size, x1, base + 0.25 * size), base, size)


def test_scripts_and_a_fraction_with_a_root_read_as_text() -> None:
    # softmax( QK^T over √d_k ) V, as PyMuPDF gives the spans of "Attention is all you need".
    spans = [
        _g("softmax(", 300, 354, 480.8),
        _g("QK", 355.6, 371.9, 474.0),
        _g("T", 372.7, 377.4, 470.4, 7.0),
        Glyphs("√", (358.1, 472.6, 366.4, 482.5), 480.5, 10.0),
        _g("d", 366.4, 371.6, 488.2),
        _g("k", 371.6, 375.8, 489.7, 7.0),
        _g(")", 380.1, 384.0, 480.8),
        _g("V", 384.0, 389.8, 480.8),
    ]
    bar = (355.4, 478.1, 379.1, 478.5)
    root_overline = (366.2, 480.1, 376.7, 480.5)
    text = equation_text(spans, [bar, root_overline], (300, 465, 390, 491))
    assert text == "softmax(QK^T / √d_k)V"


def test_longer_scripts_are_braced_and_sums_of_terms_parenthesised() -> None:
    spans = [
        _g("x", 100, 105, 500),
        _g("model", 105, 122, 502, 7.0),
        _g("2i", 122, 128, 495, 7.0),
        _g("=", 131, 138, 500),
        _g("a + b", 142, 165, 493),
        _g("c", 150, 155, 507),
    ]
    text = equation_text(spans, [(140, 497, 167, 497.5)], (100, 485, 170, 510))
    assert text == "x_{model}^{2i} = (a + b) / c"


def test_a_numbered_equation_is_one_block_in_its_section_and_the_footnote_goes_last(
    tmp_path: Path,
) -> None:
    paper = extract_paper(make_equation_paper(tmp_path / "eq.pdf"), Settings())
    method = next(s for s in paper.sections if s.number == "2")
    equations = [b for b in method.blocks if b.kind is BlockKind.EQUATION]
    assert [(e.number, e.page) for e in equations] == [("1", 1)]
    assert equations[0].text == "Attention(Q, K, V) = softmax(QK^T / d_k)V"
    x0, y0, x1, y1 = equations[0].bbox
    assert 190 < x0 < 210 and x1 > 500 and y1 - y0 < 40  # the formula and its number
    paragraphs = [b.text for b in method.blocks if b.kind is BlockKind.PARAGRAPH]
    assert paragraphs[0].endswith(EQ_LEAD) and paragraphs[1].startswith(EQ_AFTER)
    # No paragraph is a piece of the formula.
    assert not any(
        "Attention(" in p or p.strip() in {"QK", "T", "dk", ")V (1)"} for p in paragraphs
    )
    # The paragraph cut by the page break reads on; the footnote is the section's last block.
    assert any("The method model attention" in p and CONTINUED in p for p in paragraphs)
    assert method.blocks[-1].kind is BlockKind.FOOTNOTE
    assert method.blocks[-1].text == FOOTNOTE
    assert method.blocks[-1].page == 1
    # Blocks are in reading order (footnotes last) and point into the section's text.
    offsets = [b.offset for b in method.blocks if b.kind is not BlockKind.FOOTNOTE]
    assert offsets == sorted(offsets)
    assert method.text[method.blocks[-1].offset :].startswith(FOOTNOTE[:20])
    for block in method.blocks:
        if block.kind is BlockKind.PARAGRAPH:
            assert method.text[block.offset :].startswith(block.text[:30])


def _page(*rows: tuple[float, float, float, str], width: float = 595.0) -> dict[str, object]:
    """A PyMuPDF page dict of one-span lines: (x0, x1, baseline, text), body type 10 pt."""
    lines = [
        {
            "dir": (1.0, 0.0),
            "bbox": (x0, base - 9.0, x1, base + 3.0),
            "spans": [
                {
                    "text": text,
                    "bbox": (x0, base - 9.0, x1, base + 3.0),
                    "origin": (x0, base),
                    "size": 10.0,
                    "font": "Times",
                }
            ],
        }
        for x0, x1, base, text in rows
    ]
    return {"width": width, "blocks": [{"type": 0, "lines": lines}]}


_PROSE = "which the method uses throughout every layer of the model and its training"


def test_a_one_column_page_with_a_running_head_keeps_a_wide_equation() -> None:
    # A running head in the left half and a line cut at a superscript in the right half
    # made this page read as two columns, and the formula across its middle went unfound.
    page = _page(
        (105, 285, 70, "Published as a conference paper at a venue"),
        (105, 490, 120, _PROSE),
        (105, 362, 132, "Note that the decay term is here parameterised as beta"),
        (357, 490, 134, "instead of its square root. Now let"),
        (105, 490, 144, _PROSE),
        (247, 348, 170, "u = max(β · u, |g|)"),
        (474, 490, 170, "(12)"),
        (105, 490, 196, _PROSE),
    )
    (equation,) = find_equations(page, 9, [])
    assert equation.number == "12"
    assert equation.text.startswith("u = max(β")


def test_a_prose_line_cut_at_inline_math_stays_out_of_the_equation_below() -> None:
    # "... parameterised as β^p" | "2 instead of β_2. Now let p →∞,": neither piece reads
    # as prose alone; the whole line does.
    page = _page(
        (105, 490, 100, _PROSE),
        (105, 362, 112, "Note that the decay term is here equivalently parameterised as βp"),
        (357, 490, 113, "2 instead of β2. Now let p →∞,"),
        (230, 380, 126, "u = lim (1 − β) · |g|"),
        (479, 490, 126, "(8)"),
        (105, 490, 150, _PROSE),
    )
    (equation,) = find_equations(page, 9, [])
    assert equation.number == "8"
    assert "instead" not in equation.text and "Note" not in equation.text
    assert not [e for e in find_equations(page, 9, []) if not e.number]
