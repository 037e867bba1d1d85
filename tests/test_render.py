"""PDF pages rendered for the Read page: the right file, the passage highlighted, clear errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pymupdf
import pytest
from repo_paths import PAPERS

from reader import PaperNotFoundError, PdfError, Settings
from reader.render import content_box, find_pdf, render_page

LINES = (
    "Layer normalization computes the mean and the variance used for normal-",
    "ization from all of the summed inputs to the neurons in a layer on a",
    "single training case. Unlike batch normalization, it performs exactly",
    "the same computation at training and test times.",
    "",
    "An unrelated closing paragraph about optimizers and learning rates.",
)
PASSAGE = (
    "computes the mean and the variance used for normalization from all of the summed "
    "inputs to the neurons in a layer on a single training case."
)


def make_pdf(path: Path, pages: int = 2) -> Path:
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=612, height=792)
        for i, line in enumerate(LINES):
            page.insert_text((150, 300 + 14 * i), line, fontsize=10, fontname="tiro")
        page.insert_text((300, 760), str(number + 1), fontsize=9)
    doc.save(path)
    doc.close()
    return path


def pixel(png: bytes, x: int, y: int) -> tuple[int, ...]:
    pix = pymupdf.Pixmap(png)
    return tuple(pix.pixel(x, y))


def test_a_passage_spread_over_lines_and_a_hyphen_is_highlighted(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "2401.00001.pdf")
    plain = render_page(pdf, 1)
    marked = render_page(pdf, 1, PASSAGE)
    assert marked.png.startswith(b"\x89PNG") and plain.highlighted == 0
    assert marked.highlighted == 3  # one box per line the passage covers
    assert (marked.width, marked.height) == (plain.width, plain.height)
    # The passage's first line is tinted amber; the unrelated last paragraph is not.
    with pymupdf.open(pdf) as doc:
        crop = content_box(doc[0])
        first = doc[0].search_for("the variance used")[0]
        last = doc[0].search_for("optimizers")[0]

    def at(png: bytes, x: float, y: float) -> tuple[int, ...]:
        return pixel(png, int((x - crop.x0) * 1.5), int((y - crop.y0) * 1.5))

    r, g, b = at(marked.png, first.x1 - 3, first.y1 - 2)[:3]
    assert r > 240 and g > 200 and b < 200, (r, g, b)
    for x in (last.x0 + 2, (last.x0 + last.x1) / 2, last.x1 - 2):
        y = (last.y0 + last.y1) / 2
        assert at(marked.png, x, y) == at(plain.png, x, y)


def test_text_that_is_not_on_the_page_highlights_nothing(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "2401.00001.pdf")
    image = render_page(pdf, 2, "attention heads attend to different representation subspaces")
    assert image.highlighted == 0 and image.page == 2 and image.page_count == 2


def test_a_short_term_is_highlighted_everywhere_on_the_page(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "2401.00001.pdf")
    # Three occurrences; the hyphenated "normal-ization" takes a box on each of its lines.
    assert render_page(pdf, 1, "normalization").highlighted == 4


def test_margins_are_cropped_so_the_text_is_larger(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "2401.00001.pdf")
    image = render_page(pdf, 1, zoom=1.0)
    assert image.width < 612 * 0.7 and image.height < 792 * 0.7


def test_a_page_outside_the_paper_names_the_valid_range(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "2401.00001.pdf")
    with pytest.raises(PaperNotFoundError, match="pick 1-2"):
        render_page(pdf, 3, paper_id="2401.00001")


def test_a_damaged_pdf_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "2401.00002.pdf"
    bad.write_bytes(b"<html>not a pdf</html>")
    with pytest.raises(PdfError, match=r"2401\.00002\.pdf"):
        render_page(bad, 1)


def test_find_pdf_picks_the_version_that_was_ingested(tmp_path: Path) -> None:
    folder, cache = tmp_path / "pdfs", tmp_path / "cache"
    folder.mkdir()
    cache.mkdir()
    latest = make_pdf(folder / "2401.00001.pdf", pages=2)
    older = make_pdf(cache / "2401.00001v1.pdf", pages=1)
    settings = Settings(index_dir=tmp_path / "index", pdf_dir=folder, cache_dir=cache)
    sha = hashlib.sha256(older.read_bytes()).hexdigest()
    assert find_pdf(settings, "2401.00001", sha) == older
    assert find_pdf(settings, "2401.00001", hashlib.sha256(latest.read_bytes()).hexdigest()) == (
        latest
    )
    assert find_pdf(settings, "2401.00001", "0" * 64) is None  # another file: pages may differ
    assert find_pdf(settings, "2401.00009", None) is None


def test_old_style_ids_map_to_file_names(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "hep-th_9901001v2.pdf", pages=1)
    settings = Settings(index_dir=tmp_path / "index", pdf_dir=tmp_path)
    assert find_pdf(settings, "hep-th/9901001", None) == pdf


@pytest.mark.skipif(not (PAPERS / "1706.03762.pdf").exists(), reason="../shared/papers absent")
def test_a_cleaned_passage_is_found_on_a_real_page() -> None:
    # As the index stores it: sub/superscripts flattened ("dk"), the line-end hyphen repaired.
    passage = (
        "The input consists of queries and keys of dimension dk, and values of dimension dv. "
        "We compute the dot products of the query with all keys, divide each by √dk, and "
        "apply a softmax function to obtain the weights on the values."
    )
    image = render_page(PAPERS / "1706.03762.pdf", 4, passage, paper_id="1706.03762")
    assert image.highlighted >= 3
    assert render_page(PAPERS / "1706.03762.pdf", 5, passage).highlighted == 0


def test_focus_crops_to_the_highlighted_passage(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "2401.00001.pdf")
    whole = render_page(pdf, 1, PASSAGE)
    close_up = render_page(pdf, 1, PASSAGE, focus=True)
    assert close_up.highlighted == whole.highlighted == 3
    assert close_up.width == whole.width and close_up.height < whole.height / 2
    # Nothing found: the whole page, not an empty band.
    assert render_page(pdf, 1, "no such words anywhere here", focus=True).height == whole.height
