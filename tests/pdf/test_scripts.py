"""Inline sub- and superscripts: made-up spans, a generated PDF, and the real papers (the
paragraph blocks mark them, the section text that search reads is as before)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pdf_factory import SCRIPT_LINE_PLAIN, make_script_paper
from repo_paths import PAPERS

from reader.models import BlockKind, ExtractedPaper
from reader.pdf.extract import extract_paper
from reader.pdf.scripts import scripted_text
from reader.settings import Settings

BODY = 10.0


def span(text: str, x0: float, size: float = BODY, shift: float = 0.0) -> dict[str, Any]:
    """A PyMuPDF-like span at `x0`, `shift` points below the body baseline (y = 100)."""
    width = 0.5 * size * len(text)
    base = 100.0 + shift
    return {
        "text": text,
        "size": size,
        "origin": (x0, base),
        "bbox": (x0, base - size, x0 + width, base + 2),
    }


def pieces(*spans: dict[str, Any]) -> list[tuple[str, dict[str, Any] | None]]:
    return [(s["text"], s) for s in spans]


def test_a_lowered_smaller_span_is_a_subscript_and_a_raised_one_a_superscript() -> None:
    d = span("of dimension d", 0)
    k = span("k", d["bbox"][2], 7, 1.5)
    rest = span(", and K", k["bbox"][2])
    t = span("T", rest["bbox"][2], 7, -3.5)
    assert scripted_text(pieces(d, k, rest, t)) == "of dimension d_k, and K^T"


def test_longer_scripts_are_braced_and_stacked_ones_keep_their_order() -> None:
    d = span("width d", 0)
    model = span("model", d["bbox"][2], 7, 1.5)
    w = span(" and W", model["bbox"][2])
    i = span("i", w["bbox"][2], 7, 1.5)
    q = span("Q", w["bbox"][2], 7, -3.5)  # set above the subscript, same x
    assert scripted_text(pieces(d, model, w, i, q)) == "width d_{model} and W_i^Q"


def test_a_script_of_a_script_is_written_inside_its_braces() -> None:
    pos = span("pos/10000", 0)
    sup = span("2i/d", pos["bbox"][2], 7, -3.5)
    sub = span("model", sup["bbox"][2], 5, -2.0)  # lower than "2i/d", smaller still
    close = span(")", sub["bbox"][2])
    assert scripted_text(pieces(pos, sup, sub, close)) == "pos/10000^{2i/d_{model}})"


def test_no_scripts_in_a_line_of_one_size_or_after_a_space() -> None:
    assert scripted_text(pieces(span("plain words", 0))) == ""
    words = span("the word ", 0)
    # Smaller and lowered, but after a space: a word of its own, not a script.
    assert scripted_text(pieces(words, span("k", words["bbox"][2] + 4, 7, 1.5))) == ""


def test_marks_after_names_are_not_exponents() -> None:
    name = span("Ashish Vaswani", 0)
    star = span("∗", name["bbox"][2], 7, -3.5)
    assert scripted_text(pieces(name, star)) == ""


def test_a_space_set_between_a_base_and_its_script_does_not_part_them() -> None:
    """TeX puts a script-sized space span between "W" and a superscript over an empty
    subscript ("W" " " "O")."""
    w = span("Concat(head)W", 0)
    gap = span(" ", w["bbox"][2], 7, 0.0)
    gap["bbox"] = (w["bbox"][2], 93.0, w["bbox"][2] + 1.4, 102.0)  # as narrow as TeX sets it
    o = span("O", gap["bbox"][2], 7, -3.5)
    assert scripted_text(pieces(w, gap, o)) == "Concat(head)W^O"


def test_a_generated_paper_marks_scripts_in_its_paragraphs_only(tmp_path: Path) -> None:
    paper = extract_paper(make_script_paper(tmp_path / "scripts.pdf"), Settings())
    method = next(s for s in paper.sections if s.number == "2")
    # Search and answers read the text as before: scripts run in, the footnote mark dropped.
    assert SCRIPT_LINE_PLAIN in method.text
    assert "library1" not in method.text and "The library is ours." in method.text
    first = next(b for b in method.blocks if b.kind is BlockKind.PARAGRAPH)
    assert first.text.startswith(
        "Keys have dimension d_k, values d_{model} and weights W_i^Q; we square x^2."
    )
    assert "The library is ours." in first.text  # the mark is not a superscript


@pytest.fixture(scope="module")
def papers() -> dict[str, ExtractedPaper]:
    if not PAPERS.exists():
        pytest.skip("../shared/papers is needed")
    return {p.stem: extract_paper(p, Settings()) for p in sorted(PAPERS.glob("*.pdf"))}


def test_transformer_method_prose_reads_d_k(papers: dict[str, ExtractedPaper]) -> None:
    paper = papers["1706.03762"]
    section = next(s for s in paper.sections if s.number == "3.2.1")
    prose = " ".join(b.text for b in section.blocks if b.kind is BlockKind.PARAGRAPH)
    assert "queries and keys of dimension d_k, and values of dimension d_v" in prose
    assert "divide each by √d_k" in prose
    assert "dimension dk, and values of dimension dv" in section.text  # as search reads it
    encoding = next(s for s in paper.sections if s.number == "3.5")
    prose = " ".join(b.text for b in encoding.blocks if b.kind is BlockKind.PARAGRAPH)
    assert "the same dimension d_{model} as the embeddings" in prose


_MARKUP = re.compile(r"[\s_^{}]")


def test_marking_scripts_adds_and_drops_nothing(papers: dict[str, ExtractedPaper]) -> None:
    """On every paper, a paragraph block is its stretch of the section text with scripts
    marked: the same characters once the marks and spaces are set aside."""
    marked = 0
    for pid, paper in papers.items():
        for section in paper.sections:
            blocks = sorted(section.blocks, key=lambda b: b.offset)
            for k, block in enumerate(blocks):
                if block.kind is not BlockKind.PARAGRAPH:
                    continue
                marked += "_" in block.text or "^" in block.text
                text = _MARKUP.sub("", block.text)
                end = blocks[k + 1].offset if k + 1 < len(blocks) else len(section.text)
                own = _MARKUP.sub("", section.text[block.offset : end])
                assert own.startswith(text[:60]), (pid, section.number, block.text[:80])
                assert _MARKUP.sub("", section.text).find(text) >= 0 or len(text) > 2000, (
                    pid,
                    section.number,
                    block.text[:80],
                )
    assert marked > 100  # the papers have hundreds of scripts in their prose
