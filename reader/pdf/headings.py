"""Find section headings among a paper's lines: numbering, font style, and a sane sequence."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from reader.pdf.layout import Line
from reader.pdf.textclean import clean_line

_ARABIC = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?:\.(?!\d))?\s*(?P<title>.*)$")
_LETTER = re.compile(
    r"^(?:(?:appendix|supplementary\s+material)\s+)?(?P<num>[A-H](?:\.\d{1,2}){0,3})"
    r"(?:\s*[.:](?!\d)|\s)\s*(?P<title>.*)$",
    re.I,
)
_APPENDIX_WORD = re.compile(r"^(appendix|appendices|supplementary material)\b", re.I)
_ROMAN = re.compile(r"^(?P<num>[IVX]{1,5})\.\s+(?P<title>.*)$")
_CAPTION = re.compile(r"^(fig(ure)?|table|tab|algorithm|alg|listing|eq(uation)?)\.?\s*\d", re.I)
UNNUMBERED = (
    "abstract",
    "references",
    "bibliography",
    "acknowledgements",
    "acknowledgments",
    "acknowledgement",
    "acknowledgment",
    "appendix",
    "appendices",
    "supplementary material",
    "broader impact",
    "broader impacts",
    "ethics statement",
    "reproducibility statement",
    "author contributions",
    "limitations",
    "introduction",
    "conclusion",
    "conclusions",
    "related work",
)
MAX_TITLE_WORDS = 16


@dataclass(frozen=True)
class HeadingText:
    """A heading's printed number (may be "") and title."""

    number: str
    title: str

    @property
    def depth(self) -> int:
        """1 for "3", "A" or unnumbered; 2 for "3.2"; 3 for "3.2.1"."""
        return self.number.count(".") + 1 if self.number else 1

    @property
    def is_letter(self) -> bool:
        return bool(self.number) and self.number[0].isalpha() and self.number[0] not in "IVX"


@dataclass(frozen=True)
class Heading:
    """A detected heading: where it is in the line list and how many lines it spans."""

    index: int
    span: int
    number: str
    title: str
    level: int
    page: int


def _title_ok(title: str) -> bool:
    """Plausible heading title: short, starts like a title, not a sentence or a table row."""
    if not title or len(title) > 120:
        return False
    words = title.split()
    if len(words) > MAX_TITLE_WORDS:
        return False
    letters = sum(c.isalpha() for c in title)
    if letters < 2 or letters < 0.5 * len(title.replace(" ", "")):
        return False
    first = words[0]
    if not (first[0].isupper() or first[0].isdigit() or first != first.lower()):
        return False  # "iNaturalist" and "pRMSNorm" start lower case but are names
    if title[-1] in ",;=" or ". " in title:
        return False
    if title.endswith(".") and not _title_case(title):
        return False  # a sentence, not a heading
    return not _CAPTION.match(title)


_MINOR_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "via",
        "vs",
        "with",
        "without",
    ]
)


def _title_case(title: str) -> bool:
    """Every word capitalised except short function words: "Benchmark Experiments."."""
    words = [w for w in title.split() if w[:1].isalpha()]
    return bool(words) and all(w[0].isupper() or w.lower() in _MINOR_WORDS for w in words)


def parse_heading(text: str) -> HeadingText | None:
    """Split a line into heading number and title, or None if it cannot be a heading.

    Accepts "3 Model Architecture", "3.2. Attention", "A.1 Details", "Appendix A: Proofs",
    "IV. RESULTS" and known unnumbered titles such as "Abstract" or "References".
    """
    text = clean_line(text)
    if not text or len(text) > 140 or _CAPTION.match(text):
        return None
    lowered = text.lower().rstrip(":. ")
    if lowered in UNNUMBERED:
        return HeadingText("", text.rstrip(":. "))
    for pattern in (_ARABIC, _ROMAN, _LETTER):
        match = pattern.match(text)
        if match:
            number = match.group("num")
            title = match.group("title").strip()
            if title.endswith(".") and not title.endswith("..") and _title_case(title):
                title = title[:-1].rstrip()  # some styles end headings with a period
            if pattern is _LETTER:
                number = number.upper()
            if _title_ok(title):
                return HeadingText(number, title)
    if _APPENDIX_WORD.match(text):
        rest = _APPENDIX_WORD.sub("", text).strip(" :.-")
        if not rest:
            return HeadingText("", text.rstrip(":. "))
    return None


def body_size(lines: Sequence[Line]) -> float:
    """The font size of most text in the paper."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def heading_style(line: Line, body: float) -> bool:
    """Set apart from body text: bold, larger, or in (small) capitals."""
    if line.max_size < body - 1.5:
        return False  # footnotes, captions and figure labels are smaller than body text
    return line.bold or line.max_size >= body + 0.9 or line.caps


def _style_key(line: Line) -> tuple[float, bool, bool]:
    return (round(line.max_size * 2) / 2, line.bold, line.caps)


def candidates(lines: Sequence[Line], body: float) -> list[tuple[int, int, HeadingText]]:
    """Heading-looking lines: (index, lines used, parsed text), in reading order."""
    found: list[tuple[int, int, HeadingText]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.para_start or not heading_style(line, body) or len(line.text) > 140:
            i += 1
            continue
        text, used = line.text, 1
        # A number alone on its line, with the title just after it.
        if re.fullmatch(r"(\d{1,2}(\.\d{1,2}){0,3}|[A-H](\.\d{1,2}){0,3})\.?", text.strip()):
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is not None and nxt.page == line.page and heading_style(nxt, body):
                text, used = f"{text.strip()} {nxt.text}", 2
        parsed = parse_heading(text)
        if parsed is None:
            i += 1
            continue
        # A title wrapped onto a following line of the same style.
        while i + used < len(lines) and used < 4:
            nxt = lines[i + used]
            prev = lines[i + used - 1]
            if (
                nxt.page != line.page
                or nxt.block != prev.block
                or _style_key(nxt) != _style_key(line)
                or nxt.y0 - prev.y1 > 0.8 * max(line.size, 1.0)
                or parse_heading(nxt.text) is not None
            ):
                break
            longer = parse_heading(f"{text} {nxt.text}")
            if longer is None or longer.title == parsed.title:
                break
            text, parsed, used = f"{text} {nxt.text}", longer, used + 1
        found.append((i, used, parsed))
        i += used
    return found


def detect_headings(lines: Sequence[Line]) -> list[Heading]:
    """Headings from the page layout alone, kept only where the numbering makes sense."""
    body = body_size(lines)
    found = candidates(lines, body)
    heads = _numbered(lines, found)
    if sum(1 for h in heads if h.number and h.level == 1) < 2:
        heads = _by_style(lines, body, heads)
    return heads


_ANCHORS = frozenset(("introduction", "conclusion", "conclusions", "related work"))


def _by_style(lines: Sequence[Line], body: float, known: list[Heading]) -> list[Heading]:
    """Unnumbered papers: lines set like their "Introduction" heading are headings too."""
    styles = {_style_key(lines[h.index]) for h in known if h.title.lower() in _ANCHORS}
    if not styles:
        return known
    taken = {h.index for h in known}
    heads = list(known)
    for i, line in enumerate(lines):
        if i in taken or not line.para_start or _style_key(line) not in styles:
            continue
        title = clean_line(line.text)
        if len(title.split()) <= 10 and _title_ok(title) and heading_style(line, body):
            heads.append(Heading(i, 1, "", title, 1, line.page))
    return sorted(heads, key=lambda h: h.index)


def _roman(number: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for ch, nxt in zip(number, [*number[1:], ""], strict=True):
        value = values[ch]
        total += -value if nxt and values[nxt] > value else value
    return total


def _numbered(lines: Sequence[Line], found: list[tuple[int, int, HeadingText]]) -> list[Heading]:
    """The candidates whose numbers form a plausible sequence, plus known unnumbered titles."""
    numbered_top = sum(1 for _, _, h in found if h.number and h.depth == 1 and not h.is_letter)
    heads: list[Heading] = []
    top: int | None = None  # current top-level number
    last_parts: tuple[int, ...] = ()
    letter: str | None = None
    after_refs = False
    roman: int | None = None  # current top-level roman number (IEEE style: "II. Method")
    for index, used, h in found:
        line = lines[index]
        title_low = h.title.lower()
        if not h.number:
            if title_low in ("references", "bibliography") or _APPENDIX_WORD.match(title_low):
                after_refs, letter = True, None
            heads.append(Heading(index, used, "", h.title, 1, line.page))
            continue
        if roman is not None and not after_refs and h.is_letter and "." not in h.number:
            # IEEE style: lettered subsections under roman sections.
            if (letter is None and h.number == "A") or (
                letter is not None and ord(h.number) == ord(letter) + 1
            ):
                letter = h.number
                heads.append(Heading(index, used, h.number, h.title, 2, line.page))
            continue
        if h.is_letter:
            major = h.number.split(".")[0]
            announced = (
                after_refs
                or line.text.lower().startswith("appendix")
                or bool(_APPENDIX_WORD.match(h.title))
            )
            nested = numbered_top >= 2 and top is not None and "." in h.number
            if not (announced or nested):
                continue
            if letter is None and major != "A":
                continue
            if letter is not None and not (major == letter or ord(major) == ord(letter) + 1):
                continue
            if "." in h.number and major != letter:
                continue
            letter = major
            heads.append(Heading(index, used, h.number, h.title, h.depth, line.page))
            continue
        if h.number[0] in "IVX":
            value = _roman(h.number)
            if (roman is None and value == 1) or (roman is not None and roman < value <= roman + 2):
                roman, letter = value, None
                heads.append(Heading(index, used, h.number, h.title, 1, line.page))
            continue
        if not h.number.replace(".", "").isdigit():
            continue
        parts = tuple(int(p) for p in h.number.split("."))
        if letter is not None:
            continue  # arabic numbers after lettered appendices are tables or lists
        if len(parts) == 1:
            if top is None and parts[0] > 3:
                continue  # a paper starts at section 1, 2 or 3
            if top is not None and not top < parts[0] <= top + 2:
                continue
            top = parts[0]
        else:
            if top is None or parts[0] != top:
                continue
            if last_parts[: len(parts) - 1] != parts[:-1] and parts[-1] != 1:
                continue  # "3.2.4" needs "3.2" before it, unless it starts a run at 1
        if parts <= last_parts:
            continue  # numbers only go forward; a repeat is a table row or a reference
        last_parts = parts
        heads.append(Heading(index, used, h.number, h.title, h.depth, line.page))
    return heads
