"""PDF pages as PNG images, with a passage highlighted where it lies on the page."""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.errors import PaperNotFoundError, PdfError
from reader.models import PageImage
from reader.settings import Settings

HIGHLIGHT_FILL = (1.0, 0.84, 0.0)  # amber, readable through 35% opacity
HIGHLIGHT_OPACITY = 0.35
MIN_BLOCK_WORDS = 4  # shorter common runs ("of the model") match by chance
SHORT_PHRASE_WORDS = 3  # a phrase this short must match exactly; every occurrence is marked
CROP_PADDING = 14.0  # points of margin kept around the page's text
FOCUS_MARGIN = 90.0  # points of context kept above and below a focused highlight
CLIP_ZOOM = 2.5  # an equation or figure crop: crisp at the width of the text column
CLIP_PADDING = 4.0  # points of margin around a cropped block

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Token:
    norm: str
    # (box, (block, line)) per printed piece: two for a word broken by a line-end hyphen.
    pieces: tuple[tuple[tuple[float, float, float, float], tuple[int, int]], ...]


def pdf_candidates(settings: Settings, paper_id: str) -> list[Path]:
    """Local files that may hold a paper: <id>.pdf and <id>v<N>.pdf in pdf_dir and the cache."""
    stem = paper_id.replace("/", "_")
    found: list[Path] = []
    for folder in (settings.pdf_dir, settings.pdf_cache_dir):
        if folder is None or not folder.is_dir():
            continue
        exact = folder / f"{stem}.pdf"
        if exact.is_file():
            found.append(exact)
        found += sorted(
            p for p in folder.glob(f"{stem}v*.pdf") if p.stem[len(stem) + 1 :].isdigit()
        )
    return found


def find_pdf(
    settings: Settings, paper_id: str, sha256: str | None, recorded: Path | None = None
) -> Path | None:
    """The local PDF a paper was ingested from: the candidate whose sha256 matches.

    `recorded` (the file ingest read) is tried first. Without a hash, the first candidate.
    A file with another hash is a different version whose
    pages need not match the index, so it is never returned in place of the right one.
    """
    candidates = pdf_candidates(settings, paper_id)
    if recorded is not None and recorded.is_file():
        candidates.insert(0, recorded)
    if sha256 is None:
        return candidates[0] if candidates else None
    return next((p for p in candidates if _file_sha256(p) == sha256), None)


def require_pdf(paper_id: str, path: Path | None) -> Path:
    """`path`, or a PdfError that says how to get the paper's PDF back."""
    if path is None:
        raise PdfError(
            f"the PDF of {paper_id} is not on disk; set READER_PDF_DIR to its folder "
            "or run `reader ingest` to fetch it again"
        )
    return path


def _file_sha256(path: Path) -> str:
    stat = path.stat()
    return _sha256(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _sha256(path: Path, mtime_ns: int, size: int) -> str:
    # Keyed by mtime and size too, so a replaced file is hashed again; each PDF is read once.
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def render_page(
    pdf_path: Path,
    page: int,
    highlight: str | None = None,
    *,
    paper_id: str = "",
    zoom: float = 1.5,
    focus: bool = False,
) -> PageImage:
    """Render 1-based `page` of a PDF to PNG, with `highlight` (a passage or phrase) marked.

    With `focus`, only the band of the page around the highlight is drawn (the whole page if
    the highlight is not found), so a cited passage is in view without scrolling.
    """
    pymupdf = _pymupdf()
    with _open_pdf(pdf_path) as doc:
        if not doc.is_pdf or doc.page_count == 0:
            raise PdfError(f"{pdf_path}: not a readable PDF; re-fetch it")
        if not 1 <= page <= doc.page_count:
            raise PaperNotFoundError(
                f"{paper_id or pdf_path.name} has no page {page}; pick 1-{doc.page_count}"
            )
        pdf_page = doc[page - 1]
        rects = highlight_rects(pdf_page, highlight) if highlight else []
        for rect in rects:
            # Drawn on the in-memory page only; the file is never saved.
            pdf_page.draw_rect(
                rect, color=None, fill=HIGHLIGHT_FILL, fill_opacity=HIGHLIGHT_OPACITY, overlay=True
            )
        clip = content_box(pdf_page)
        if focus and rects:
            top = min(r.y0 for r in rects) - FOCUS_MARGIN
            bottom = max(r.y1 for r in rects) + FOCUS_MARGIN
            clip = pymupdf.Rect(clip.x0, max(clip.y0, top), clip.x1, min(clip.y1, bottom))
        return _png(pdf_page, clip, zoom, paper_id, doc.page_count, len(rects))


def render_clip(
    pdf_path: Path,
    page: int,
    bbox: tuple[float, float, float, float],
    *,
    paper_id: str = "",
    zoom: float = CLIP_ZOOM,
) -> PageImage:
    """Render the `bbox` area (PDF points) of 1-based `page` to PNG at `zoom`: an equation, a
    figure or a table as crisp as the PDF, a few points of margin around it."""
    pymupdf = _pymupdf()
    with _open_pdf(pdf_path) as doc:
        if not doc.is_pdf or not 1 <= page <= doc.page_count:
            raise PaperNotFoundError(
                f"{paper_id or pdf_path.name} has no page {page}; re-ingest it with "
                "`reader ingest --rebuild`"
            )
        pdf_page = doc[page - 1]
        x0, y0, x1, y1 = bbox
        pad = CLIP_PADDING
        clip = pymupdf.Rect(x0 - pad, y0 - pad, x1 + pad, y1 + pad) & pdf_page.rect
        if clip.is_empty:
            raise PaperNotFoundError(
                f"the area {bbox} is not on page {page} of {paper_id or pdf_path.name}; "
                "re-ingest it with `reader ingest --rebuild`"
            )
        return _png(pdf_page, clip, zoom, paper_id, doc.page_count, 0)


def _open_pdf(pdf_path: Path) -> Any:
    """The PDF opened as a PDF (never sniffed as HTML or an image); a damaged file is a
    PdfError that says to fetch it again."""
    try:
        return _pymupdf().open(pdf_path, filetype="pdf")
    except Exception as exc:  # pymupdf raises several unrelated types for damaged files
        raise PdfError(f"{pdf_path}: cannot open the PDF ({exc}); re-fetch it") from None


def _png(
    pdf_page: Any, clip: Any, zoom: float, paper_id: str, page_count: int, highlighted: int
) -> PageImage:
    """The `clip` area of a page drawn at `zoom`, as the app shows it."""
    pymupdf = _pymupdf()
    pix = pdf_page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip, alpha=False)
    return PageImage(
        paper_id=paper_id,
        page=pdf_page.number + 1,
        page_count=page_count,
        png=pix.tobytes("png"),
        width=pix.width,
        height=pix.height,
        highlighted=highlighted,
    )


def content_box(page: Any) -> Any:
    """The page without its empty margins, so the text is as large as the column allows."""
    box = _pymupdf().Rect()
    for block in page.get_text("blocks"):
        rect = _pymupdf().Rect(block[:4])
        if rect.height > 4 * rect.width:  # rotated margin text, like arXiv's side stamp
            continue
        box |= rect
    for image in page.get_image_info():
        box |= _pymupdf().Rect(image["bbox"])
    if box.is_empty:
        return page.rect
    pad = CROP_PADDING
    padded = _pymupdf().Rect(box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad)
    return padded & page.rect


def highlight_rects(page: Any, text: str) -> list[Any]:
    """Boxes (one per line) covering where `text` lies on the page; [] if it is not there.

    The index holds cleaned text (ligatures split, hyphenation repaired), so a long passage is
    matched word by word against the page's words rather than searched for literally.
    """
    wanted = [_norm(w) for w in _WORD.findall(text)]
    wanted = [w for w in wanted if w]
    if not wanted:
        return []
    tokens = _page_tokens(page)
    norms = [t.norm for t in tokens]
    if len(wanted) <= SHORT_PHRASE_WORDS:
        n = len(wanted)
        spans = [(i, i + n) for i in range(len(norms) - n + 1) if norms[i : i + n] == wanted]
    else:
        spans = _matched_spans(norms, wanted)
    boxes: dict[tuple[tuple[int, int], int], Any] = {}
    for number, (start, end) in enumerate(spans):
        for token in tokens[start:end]:
            for box, line in token.pieces:
                key = (line, number)  # one box per line and occurrence
                rect = _pymupdf().Rect(box)
                boxes[key] = boxes[key] | rect if key in boxes else rect
    return list(boxes.values())


def _pymupdf() -> Any:
    # Imported on first use so `import reader` stays instant; typed Any as its stubs are partial.
    import pymupdf

    return pymupdf


def _norm(word: str) -> str:
    # NFKC folds ligatures (ﬁ → fi) and full-width forms, as the extractor does.
    return "".join(ch for ch in unicodedata.normalize("NFKC", word).lower() if ch.isalnum())


def _page_tokens(page: Any) -> list[_Token]:
    """The page's words, normalised, with a word broken by a line-end hyphen joined again."""
    words = page.get_text("words", sort=True)
    tokens: list[_Token] = []
    i = 0
    while i < len(words):
        x0, y0, x1, y1, raw, block, line = words[i][:7]
        nxt = words[i + 1] if i + 1 < len(words) else None
        if raw.endswith("-") and nxt is not None and (nxt[5], nxt[6]) != (block, line):
            joined = _norm(raw) + _norm(nxt[4])
            second = (tuple(nxt[:4]), (nxt[5], nxt[6]))
            tokens.append(_Token(joined, (((x0, y0, x1, y1), (block, line)), second)))
            i += 2
            continue
        for part in _WORD.findall(raw):
            norm = _norm(part)
            if norm:
                tokens.append(_Token(norm, (((x0, y0, x1, y1), (block, line)),)))
        i += 1
    return tokens


def _matched_spans(page_words: Sequence[str], wanted: Sequence[str]) -> list[tuple[int, int]]:
    """Runs of page words (start, end) that align with `wanted`, gaps inside the passage filled."""
    matcher = difflib.SequenceMatcher(None, page_words, wanted, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= MIN_BLOCK_WORDS]
    if not blocks:
        return []
    start, end = blocks[0].a, blocks[-1].a + blocks[-1].size
    # One stretch when it is about as long as the passage (formulas or a hyphen broke the run);
    # otherwise the matched blocks alone, so no unrelated text between them is marked.
    if end - start <= len(wanted) * 1.3 + 10:
        return [(start, end)]
    return _merge((b.a, b.a + b.size) for b in blocks)


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
