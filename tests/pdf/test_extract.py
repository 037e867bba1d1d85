"""PDF extraction: generated papers read in order and cleanly; damaged or hostile files fail
with one clear line naming the file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pdf_factory import (
    STANDARD_OUTLINE,
    Caption,
    Heading,
    Item,
    PaperSpec,
    Para,
    make_encrypted,
    make_image_only,
    make_many_pages,
    make_paper,
    make_span_flood,
    paragraph,
    standard_items,
)
from repo_paths import PAPERS

from reader.errors import PdfError
from reader.models import ExtractedPaper, SectionRole
from reader.pdf.extract import check_pdf_bytes, extract_paper
from reader.settings import Settings

MESSY = PAPERS / "messy"


def _extract(path: Path, **overrides: object) -> ExtractedPaper:
    return extract_paper(path, Settings().replace(**overrides))


def _labels(paper: ExtractedPaper) -> list[str]:
    return [s.label for s in paper.sections]


def _section(paper: ExtractedPaper, number: str, title: str = "") -> str:
    for s in paper.sections:
        if s.number == number and (not title or s.title == title):
            return s.text
    raise AssertionError(f"no section {number} {title} in {_labels(paper)}")


# ------------------------------------------------------------------ generated papers


@pytest.mark.parametrize("columns", [1, 2])
@pytest.mark.parametrize("outline", [False, True])
def test_generated_paper_sections(tmp_path: Path, columns: int, outline: bool) -> None:
    spec = PaperSpec(
        items=standard_items(), columns=columns, outline=STANDARD_OUTLINE if outline else None
    )
    paper = _extract(make_paper(tmp_path / "p.pdf", spec))
    assert paper.used_outline is outline
    assert paper.title == "A Synthetic Paper About Attention"
    assert _labels(paper) == [
        "Abstract",
        "1 Introduction",
        "2 Method",
        "2.1 Encoder",
        "2.2 Decoder",
        "3 Experiments",
        "4 Conclusion",
        "References",
    ]
    levels = {s.label: s.level for s in paper.sections}
    assert levels["2.1 Encoder"] == 2 and levels["2 Method"] == 1 and levels["References"] == 1
    roles = {s.label: s.role for s in paper.sections}
    assert roles["Abstract"] == SectionRole.ABSTRACT
    assert roles["1 Introduction"] == SectionRole.INTRODUCTION
    assert roles["2 Method"] == roles["2.1 Encoder"] == SectionRole.METHOD
    assert roles["3 Experiments"] == SectionRole.EXPERIMENTS
    assert roles["References"] == SectionRole.REFERENCES
    method = next(s for s in paper.sections if s.number == "2")
    assert method.text.startswith("Method begins here.")
    # The whole span: own body, then subsections with their heading lines; not the next section.
    assert "2.1 Encoder\n\nEncoder begins here." in method.text
    assert "Decoder begins here." in method.text
    assert "Experiments begin here" not in method.text
    assert method.text[method.body_end :].startswith("2.1 Encoder")
    # Figure and table captions are body text, never headings.
    assert "Figure 1: Overview of the model architecture" in method.text
    assert not any(s.title.startswith(("Figure", "Table")) for s in paper.sections)


@pytest.mark.parametrize("columns", [1, 2])
def test_text_is_clean(tmp_path: Path, columns: int) -> None:
    paper = _extract(
        make_paper(tmp_path / "p.pdf", PaperSpec(items=standard_items(), columns=columns))
    )
    intro = _section(paper, "1")
    # Line-end hyphenation undone, real compounds kept, wrapped lines joined with spaces.
    assert "A smooth activation follows each self-attention layer;" in intro
    assert "\n\n" in intro and "\n\n\n" not in intro
    assert all("\n" not in para for para in intro.split("\n\n"))
    everything = "\n".join(s.text for s in paper.sections)
    assert "arXiv:2401.01234" not in everything  # rotated margin stamp
    assert "Preprint. Under review." not in everything  # running header
    assert not any(line.strip().isdigit() for line in everything.split("\n"))  # page numbers


def test_two_columns_read_left_then_right(tmp_path: Path) -> None:
    items = [Heading("1", "Introduction")] + [
        Para(f"Marker{k:02d} " + paragraph(k)) for k in range(14)
    ]
    items += [Heading("2", "Method"), Para("Method begins here. " + paragraph(99))]
    paper = _extract(make_paper(tmp_path / "p.pdf", PaperSpec(items=items, columns=2)))
    intro = _section(paper, "1")
    positions = [intro.index(f"Marker{k:02d}") for k in range(14)]
    assert positions == sorted(positions)
    assert paper.page_count >= 2
    pages = [m.page for m in next(s for s in paper.sections if s.number == "1").marks]
    assert pages == sorted(pages) and (pages == [] or pages[0] == 2)


def test_page_marks_point_at_page_starts(tmp_path: Path) -> None:
    items = [Heading("1", "Introduction")] + [
        Para(f"Marker{k:02d} " + paragraph(k)) for k in range(12)
    ]
    paper = _extract(make_paper(tmp_path / "p.pdf", PaperSpec(items=items)))
    intro = paper.sections[0]
    assert intro.page_start == 1 and intro.page_end == paper.page_count >= 2
    assert [m.page for m in intro.marks] == list(range(2, paper.page_count + 1))
    for mark in intro.marks:
        assert intro.page_at(mark.offset) == mark.page
        assert intro.page_at(max(mark.offset - 1, 0)) == mark.page - 1


def test_heading_split_over_two_lines(tmp_path: Path) -> None:
    spec = PaperSpec(items=standard_items(split_heading=True), columns=2)
    paper = _extract(make_paper(tmp_path / "p.pdf", spec))
    method = next(s for s in paper.sections if s.number == "2")
    assert method.title == (
        "Method With A Deliberately Long Heading That Has To Wrap Onto A Second Line Here"
    )
    assert method.text.startswith("Method begins here.")


def test_number_in_its_own_span(tmp_path: Path) -> None:
    spec = PaperSpec(items=standard_items(number_span=True))
    paper = _extract(make_paper(tmp_path / "p.pdf", spec))
    assert "2 Method" in _labels(paper)


def test_outline_titles_without_numbers_use_printed_numbers(tmp_path: Path) -> None:
    outline = [(level, title.split(" ", 1)[1]) for level, title in STANDARD_OUTLINE]
    spec = PaperSpec(items=standard_items(), outline=outline)
    paper = _extract(make_paper(tmp_path / "p.pdf", spec))
    assert paper.used_outline
    assert "2.1 Encoder" in _labels(paper) and "3 Experiments" in _labels(paper)


def test_captions_and_numbers_in_text_are_not_headings(tmp_path: Path) -> None:
    items = [
        Heading("1", "Introduction"),
        Para(paragraph(1)),
        Caption("Figure 2:", "Accuracy of the model."),
        Caption("Table 3.", "Error rates."),
        Para("2 GPUs were used for 3 days. " + paragraph(2)),
        Heading("2", "Method"),
        Para(paragraph(3)),
    ]
    paper = _extract(make_paper(tmp_path / "p.pdf", PaperSpec(items=items)))
    assert _labels(paper) == ["1 Introduction", "2 Method"]


def test_ieee_style_roman_numbers_and_lettered_subsections(tmp_path: Path) -> None:
    items: list[Item] = [
        Heading("", "Abstract"),
        Para(paragraph(1)),
        Heading("I.", "INTRODUCTION"),
        Para("Introduction begins here. " + paragraph(2)),
        Heading("II.", "PROPOSED METHOD"),
        Para("Method begins here. " + paragraph(3)),
        Heading("A.", "Encoder", level=2),
        Para(paragraph(4)),
        Heading("B.", "Decoder", level=2),
        Para(paragraph(5)),
        Heading("III.", "EXPERIMENTS"),
        Para(paragraph(6)),
        Heading("IV.", "CONCLUSION"),
        Para(paragraph(7)),
        Heading("", "REFERENCES"),
        Para("[1] A. Author. A paper. 2020."),
    ]
    paper = _extract(make_paper(tmp_path / "p.pdf", PaperSpec(items=items, columns=2)))
    assert [(s.label, s.level) for s in paper.sections] == [
        ("Abstract", 1),
        ("I INTRODUCTION", 1),
        ("II PROPOSED METHOD", 1),
        ("A Encoder", 2),
        ("B Decoder", 2),
        ("III EXPERIMENTS", 1),
        ("IV CONCLUSION", 1),
        ("REFERENCES", 1),
    ]
    method = next(s for s in paper.sections if s.number == "II")
    assert method.role == SectionRole.METHOD and method.text.startswith("Method begins here.")


def test_unnumbered_headings_found_by_their_style(tmp_path: Path) -> None:
    items: list[Item] = [
        Heading("", "Abstract"),
        Para(paragraph(1)),
        Heading("", "Introduction"),
        Para("Introduction begins here. " + paragraph(2)),
        Heading("", "Our Approach"),
        Para("Approach begins here. " + paragraph(3)),
        Heading("", "Experiments"),
        Para(paragraph(4)),
        Heading("", "Conclusion"),
        Para(paragraph(5)),
        Heading("", "References"),
        Para("[1] A. Author. A paper. 2020."),
    ]
    paper = _extract(make_paper(tmp_path / "p.pdf", PaperSpec(items=items)))
    assert _labels(paper) == [
        "Abstract",
        "Introduction",
        "Our Approach",
        "Experiments",
        "Conclusion",
        "References",
    ]
    approach = paper.sections[2]
    assert approach.role == SectionRole.METHOD
    assert approach.text.startswith("Approach begins here.")


def test_no_headings_gives_one_section(tmp_path: Path) -> None:
    items: list = [Para(paragraph(k)) for k in range(3)]
    paper = _extract(make_paper(tmp_path / "p.pdf", PaperSpec(items=items)))
    assert len(paper.sections) == 1
    assert paper.sections[0].role == SectionRole.OTHER
    assert paragraph(1)[:40] in paper.sections[0].text


# ------------------------------------------------------------------ damaged and hostile files


def _assert_one_line_naming(exc: pytest.ExceptionInfo[PdfError], name: str) -> None:
    message = str(exc.value)
    assert name in message and "\n" not in message


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("empty.pdf", "empty"),
        ("html-not-pdf.pdf", "HTML"),
        ("truncated-1810.04805.pdf", "re-download"),
        ("no-text-layer.pdf", "no text layer"),
    ],
)
def test_messy_files_raise_clear_errors(name: str, needle: str) -> None:
    path = MESSY / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    with pytest.raises(PdfError) as exc:
        _extract(path)
    _assert_one_line_naming(exc, name)
    assert needle in str(exc.value)


def test_zeroed_header_reads_or_raises() -> None:
    path = MESSY / "zeroed-header-1412.6980.pdf"
    if not path.exists():
        pytest.skip(f"{path} not available")
    try:
        paper = _extract(path)
    except PdfError as exc:
        assert path.name in str(exc) and "\n" not in str(exc)
    else:
        assert paper.page_count == 15 and paper.sections


def test_generated_damage(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    html = tmp_path / "page.pdf"
    html.write_bytes(b"<!DOCTYPE html><html><body>Rate limit exceeded</body></html>")
    good = make_paper(tmp_path / "good.pdf", PaperSpec(items=standard_items()))
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good.read_bytes()[:2000])
    for path in (empty, html, cut, tmp_path / "missing.pdf"):
        with pytest.raises(PdfError) as exc:
            _extract(path)
        _assert_one_line_naming(exc, path.name)


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = make_encrypted(tmp_path / "locked.pdf")
    with pytest.raises(PdfError, match="encrypted") as exc:
        _extract(path)
    _assert_one_line_naming(exc, "locked.pdf")


def test_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    path = make_image_only(tmp_path / "scan.pdf")
    with pytest.raises(PdfError, match="no text layer"):
        _extract(path)


def test_too_many_pages_fails_fast(tmp_path: Path) -> None:
    path = make_many_pages(tmp_path / "huge.pdf", 1001)
    start = time.perf_counter()
    with pytest.raises(PdfError, match="max_pdf_pages") as exc:
        _extract(path)
    assert time.perf_counter() - start < 2.0
    _assert_one_line_naming(exc, "huge.pdf")


def test_span_flood_is_refused_in_bounded_time(tmp_path: Path) -> None:
    path = make_span_flood(tmp_path / "flood.pdf", 100_000)
    start = time.perf_counter()
    with pytest.raises(PdfError, match="spans") as exc:
        _extract(path)
    assert time.perf_counter() - start < 10.0
    _assert_one_line_naming(exc, "flood.pdf")


def test_check_pdf_bytes() -> None:
    check_pdf_bytes(b"%PDF-1.5\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n", "ok.pdf")
    for data, needle in [
        (b"", "empty"),
        (b"<html><body>Not found</body></html>", "HTML"),
        (b"hello world", "not a PDF"),
        (b"%PDF-1.5\n1 0 obj\n<<>>\nendobj\n" + b"x" * 5000, "truncated"),
    ]:
        with pytest.raises(PdfError, match=needle) as exc:
            check_pdf_bytes(data, "paper.pdf")
        assert "paper.pdf" in str(exc.value)


def test_footnote_marks_are_dropped_but_exponents_and_names_kept(tmp_path: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    y = 100.0

    def line(*parts: tuple[str, bool]) -> None:  # (text, raised and small)
        nonlocal y
        x = 72.0
        for text, raised in parts:
            size = 6.0 if raised else 10.0
            page.insert_text((x, y - (4 if raised else 0)), text, fontsize=size)
            x += pymupdf.get_text_length(text, fontsize=size)
        y += 14

    line(("The softmax is pushed into regions with extremely small gradients", False), ("4", True),
         (". To counteract this,", False))  # fmt: skip
    line(("we scale the dot products. The code is released in the library.", False), ("1", True),
         (" Because of this,", False))  # fmt: skip
    line(("we report accuracy on NLVR", False), ("2", True), (" for every model size.", False))
    line(("The loss grows like x", False), ("2", True), (" while the rate decays as n", False),
         ("0.", False), ("5", True), (" over the steps.", False))  # fmt: skip
    path = tmp_path / "marks.pdf"
    doc.save(path)
    text = " ".join(" ".join(s.text.split()) for s in _extract(path).sections)
    assert "extremely small gradients. To counteract this," in text
    assert "released in the library. Because of this," in text
    assert "accuracy on NLVR2 for every" in text
    assert "grows like x2 while" in text and "n0.5 over" in text
