"""Open a PDF safely and turn it into clean sections (the public entry point of extraction)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from reader.errors import PdfError
from reader.models import ExtractedPaper, FigureText, Section, SectionRole
from reader.pdf.equations import find_equations, may_have_equations, stacked, tag_equations
from reader.pdf.figures import may_have_figures
from reader.pdf.flow import defer_asides
from reader.pdf.footnotes import tag_footnotes
from reader.pdf.graphics import page_graphics
from reader.pdf.headings import Heading, body_size, detect_headings
from reader.pdf.layout import Line, PageText, page_lines, strip_furniture
from reader.pdf.outline import OutlineEntry, outline_headings
from reader.pdf.paragraphs import render
from reader.pdf.sections import build_sections, section_blocks
from reader.pdf.texfonts import page_dict
from reader.pdf.textclean import clean_line
from reader.pdf.visuals import Visual, equation_visual, find_visuals
from reader.settings import Settings

MIN_TEXT_CHARS = 200  # fewer visible characters than this in the whole file: no text layer
_HEAD_BYTES = 1024
_TAIL_BYTES = 4096


def _diagnose(head: bytes, tail: bytes, size: int, source: str) -> str | None:
    """What is wrong with a file judged by its first and last bytes, or None if plausible."""
    if size == 0:
        return f"{source} is empty (0 bytes); re-download it"
    if b"%PDF-" not in head:
        lowered = head.lstrip().lower()
        if lowered.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")) or (
            b"<html" in lowered
        ):
            return f"{source} is an HTML page, not a PDF; check the URL and re-download it"
        if b"obj" in tail or b"%%EOF" in tail:
            return None  # header damaged but the body looks like PDF: let repair try
        return f"{source} is not a PDF (no %PDF header); re-download it"
    return None


def check_pdf_bytes(data: bytes, source: str) -> None:
    """Raise PdfError unless `data` plausibly is a whole PDF file."""
    problem = _diagnose(data[:_HEAD_BYTES], data[-_TAIL_BYTES:], len(data), source)
    if problem is None and b"%PDF-" in data[:_HEAD_BYTES] and b"%%EOF" not in data[-_TAIL_BYTES:]:
        problem = f"{source} is truncated (no %%EOF at the end); re-download it"
    if problem is not None:
        raise PdfError(problem)


def _pymupdf() -> Any:
    """PyMuPDF, imported on first use (it is slow to import) and typed loosely."""
    import pymupdf

    return pymupdf


def _open(path: Path, settings: Settings) -> Any:
    """The opened PyMuPDF document, after the cheap checks; raises PdfError."""
    pymupdf = _pymupdf()
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
            handle.seek(max(0, size - _TAIL_BYTES))
            tail = handle.read(_TAIL_BYTES)
    except FileNotFoundError:
        raise PdfError(f"{path} does not exist; check the path") from None
    except OSError as exc:
        raise PdfError(f"{path} cannot be read ({exc.strerror}); check its permissions") from None
    problem = _diagnose(head, tail, size, name)
    if problem is not None:
        raise PdfError(problem)
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:
        raise PdfError(
            f"{name} is damaged and cannot be opened ({_short(exc)}); re-download it"
        ) from None
    if doc.needs_pass or doc.is_encrypted:
        doc.close()
        raise PdfError(f"{name} is encrypted (password-protected); save an unencrypted copy")
    pages = doc.page_count
    if pages == 0:
        doc.close()
        raise PdfError(f"{name} has no readable pages (truncated or damaged); re-download it")
    if pages > settings.max_pdf_pages:
        doc.close()
        raise PdfError(
            f"{name} has {pages} pages, more than max_pdf_pages={settings.max_pdf_pages}; "
            "is it really a paper? raise READER_MAX_PDF_PAGES to read it"
        )
    return doc


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:80] or type(exc).__name__


def _refuse_text_floods(page: Any, name: str, number: int, settings: Settings) -> None:
    """Cheap pre-check: far more text-showing operators than spans allowed (hostile page)."""
    contents = page.read_contents()
    shows = contents.count(b"Tj") + contents.count(b"TJ")
    if shows > 2 * settings.max_page_spans:
        raise PdfError(
            f"{name}: page {number} has about {shows} text spans, more than "
            f"max_page_spans={settings.max_page_spans} (damaged or hostile); "
            "raise READER_MAX_PAGE_SPANS to read it"
        )


def _lists_images(page: Any) -> bool:
    """The page's resources name an image (cheap: no drawing is run)."""
    try:
        return bool(page.get_images())
    except Exception:
        return False


def read_pages(doc: Any, name: str, settings: Settings) -> list[PageText]:
    """Every page's lines in reading order; raises PdfError on hostile or broken pages."""
    pymupdf = _pymupdf()
    flags = (
        pymupdf.TEXT_MEDIABOX_CLIP
        | pymupdf.TEXT_PRESERVE_WHITESPACE
        | pymupdf.TEXT_CID_FOR_UNKNOWN_UNICODE  # TeX's big symbols (reader.pdf.texfonts)
    )
    pages: list[PageText] = []
    for number in range(doc.page_count):
        try:
            page = doc.load_page(number)
            _refuse_text_floods(page, name, number + 1, settings)
            blocks = page_dict(page, flags)
        except PdfError:
            raise  # already says what is wrong and how to fix it
        except Exception as exc:
            raise PdfError(
                f"{name} is damaged: page {number + 1} cannot be read ({_short(exc)}); "
                "re-download it"
            ) from None
        spans = sum(len(line["spans"]) for b in blocks["blocks"] for line in b.get("lines", ()))
        if spans > settings.max_page_spans:
            raise PdfError(
                f"{name}: page {number + 1} has {spans} text spans, more than "
                f"max_page_spans={settings.max_page_spans} (damaged or hostile); "
                "raise READER_MAX_PAGE_SPANS to read it"
            )
        text = page_lines(blocks, number + 1)
        # Reading the drawings costs a pass over the page: only for pages with a figure or
        # table caption, an image (a figure with or without a caption), or a formula with
        # a fraction in it.
        if may_have_figures(text) or _lists_images(page):
            images, paths = page_graphics(page)
            text = replace(text, images=images, paths=paths)
        if may_have_equations(blocks):
            found = find_equations(blocks, number + 1, text.paths)
            if not text.paths and any(stacked(eq) for eq in found):
                # A fraction's bar is a drawing: read them only for a formula that needs them.
                images, paths = page_graphics(page)
                text = replace(text, images=images, paths=paths)
                found = find_equations(blocks, number + 1, paths)
            text = replace(text, equations=tuple(found))
        pages.append(text)
    return pages


def paper_title(pages: Sequence[PageText]) -> str | None:
    """The largest text in the upper part of page 1, joined over its lines."""
    if not pages:
        return None
    first = pages[0]
    top = [ln for ln in first.lines if ln.y0 < 0.45 * first.height and len(ln.text) > 2]
    if not top:
        return None
    biggest = max(ln.max_size for ln in top)
    picked = [ln for ln in top if abs(ln.max_size - biggest) < 0.6]
    title = clean_line(" ".join(ln.text for ln in picked[:4]))
    return title[:300] or None


def _merge_heads(outline: list[Heading], layout: list[Heading]) -> list[Heading]:
    """Outline headings, plus layout headings the outline lacks (Abstract, References, ...)."""
    taken: set[int] = set()
    for head in outline:
        taken.update(range(head.index, head.index + head.span))
    max_depth = max((h.level for h in outline), default=0)
    numbers = {h.number for h in outline if h.number}
    merged = list(outline)
    for head in layout:
        if any(i in taken for i in range(head.index, head.index + head.span)):
            continue
        if head.number in numbers:
            continue
        if head.number and head.level <= max_depth and not _fills_gap(head, outline):
            continue  # the outline is authoritative for the numbered levels it covers
        merged.append(head)
    return sorted(merged, key=lambda h: h.index)


def _fills_gap(head: Heading, outline: Sequence[Heading]) -> bool:
    """A printed heading whose outline entry could not be located (so its number is missing)."""
    before = [h for h in outline if h.index < head.index and h.number]
    after = [h for h in outline if h.index > head.index and h.number]
    if not before or not after:
        return False
    return _number_key(before[-1].number) < _number_key(head.number) < _number_key(after[0].number)


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 1000 + ord(p[0]) for p in number.split("."))


def _whole_text_section(
    lines: Sequence[Line], title: str | None, visuals: Mapping[str, Visual]
) -> tuple[Section, ...]:
    """No headings found: one section holding all text, so nothing is lost."""
    rendered = render(lines, ())
    return (
        Section(
            number="",
            title=title or "Full text",
            level=1,
            role=SectionRole.OTHER,
            page_start=lines[0].page if lines else 1,
            page_end=lines[-1].page if lines else 1,
            text=rendered.text,
            body_end=len(rendered.text),
            blocks=section_blocks(rendered, 0, len(rendered.text), visuals),
        ),
    )


def extract_paper(path: Path, settings: Settings) -> ExtractedPaper:
    """Clean text and section tree of a PDF; raises PdfError for unreadable files."""
    path = Path(path)
    doc = _open(path, settings)
    try:
        pages = read_pages(doc, path.name, settings)
        toc: list[OutlineEntry] = []
        try:
            toc = [(int(e[0]), str(e[1]), int(e[2])) for e in doc.get_toc(simple=True)]
        except Exception:
            toc = []  # a broken outline is no reason to fail: fall back to the layout
        page_count = doc.page_count
    finally:
        doc.close()
    visible = sum(len(ln.text.strip()) for p in pages for ln in p.lines)
    if visible < MIN_TEXT_CHARS:
        raise PdfError(
            f"{path.name} has no text layer (a scan?); OCR is not done, use a PDF with text"
        )
    pages = strip_furniture(pages)
    body = body_size([ln for p in pages for ln in p.lines])
    # Words drawn inside figures are not prose: they must reach no passage, answer or definition.
    pages, figure_lines, visuals = find_visuals(pages, body)
    tagged = []
    for page in pages:
        page, equations = tag_equations(page)
        visuals.update((key, equation_visual(key, eq)) for key, eq in equations.items())
        tagged.append(tag_footnotes(page, body))
    pages = tagged
    lines = [ln for p in pages for ln in p.lines]
    lines = defer_asides(lines, body)
    title = paper_title(pages)
    layout_heads = detect_headings(lines)
    outline = outline_headings(toc, lines, page_count) if len(toc) >= 3 else []
    used_outline = len(outline) >= max(3, len(toc) // 2)
    heads = _merge_heads(outline, layout_heads) if used_outline else layout_heads
    sections = (
        build_sections(lines, heads, visuals)
        if heads
        else _whole_text_section(lines, title, visuals)
    )
    figure_text = tuple(
        FigureText(page=ln.page, text=clean_line(ln.text))
        for dropped in figure_lines
        for ln in dropped
    )
    return ExtractedPaper(
        page_count=page_count,
        sections=sections,
        title=title,
        used_outline=used_outline,
        figure_text=figure_text,
    )
