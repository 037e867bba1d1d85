"""Clean text runs from PDFs: ligatures, odd whitespace, line-end hyphenation, wrapped lines."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable

LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\ua732": "AA",
    "\ua733": "aa",
    "\u0132": "IJ",
    "\u0133": "ij",
}
_TRANSLATE = str.maketrans(
    {
        **LIGATURES,
        "\r": "\n",
        "\u2028": "\n",
        "\u2029": "\n\n",
        "\u00ad": "",  # soft hyphen: only marks a possible break
        "\u2010": "-",  # typographic hyphens copy as ASCII hyphens
        "\u2011": "-",
    }
)
# Left parts that usually form a real compound when a line breaks at their hyphen.
COMPOUND_PREFIXES = frozenset(
    (
        *("self", "non", "multi", "cross", "semi", "state", "end", "fine", "well", "high"),
        *("low", "long", "short", "large", "small", "top", "two", "three", "four", "five"),
        *("zero", "few", "many", "first", "second", "third", "half", "single", "double"),
        *("full", "task", "model", "data", "image", "text", "word", "token", "sequence"),
        *("layer", "pre", "post"),
    )
)
# TeX sets accents as separate glyphs before the letter: "G¨uler" should read "Güler", and
# "ˆmt" (\hat{m}_t) "m̂t"; a formula's glyphs, read left to right, put them after it ("hˆ").
_COMBINING = {
    "\u00a8": "\u0308",
    "\u00af": "\u0304",
    "\u00b4": "\u0301",
    "\u02c6": "\u0302",
    "\u02c7": "\u030c",
    "\u02d9": "\u0307",
    "\u02da": "\u030a",
    "\u02dc": "\u0303",
}
_ACCENTS = "\u00a8\u00af\u00b4\u02c6\u02c7\u02d9\u02da\u02dc"
_LETTERS = "A-Za-z\u0131\u0391-\u03a9\u03b1-\u03c9\u03d1\u03d5\u03f5"
# A letter that already carries a mark takes no second one (cleaning twice changes nothing).
_ACCENT_FIRST = re.compile(f"([{_ACCENTS}])([{_LETTERS}])(?![\u0300-\u036f])")
_ACCENT_AFTER = re.compile(f"([{_LETTERS}])([{_ACCENTS}])")
_LINE_END_SPLIT = re.compile(r"[A-Za-z]+-[^\S\n]*\n\s*[A-Za-z]+")
_COMPOUND = re.compile(r"(?=\b([a-z]+-[a-z]+)\b)")  # overlapping: left-to, to-right
_URL_TAIL = re.compile(r"(https?://|www\.)\S*[/?=&#_.-]$")
_WORD = re.compile(r"[a-z]+")
_SPACES = re.compile(r"[^\S\n]+")
_PARAGRAPHS = re.compile(r"\n[^\S\n]*\n\s*")
_HYPHEN_END = re.compile(r"([A-Za-z]+)-$")
_LOWER_START = re.compile(r"^([a-z]+)")


# Control and format characters (zero-width spaces, BOM, bidi marks, surrogates, private-use
# glyphs of unmapped fonts) carry no text; whitespace controls are left to the space collapsing.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffd\ud800-\udfff\ue000-\uf8ff]"
)


def _drop_invisible(text: str) -> str:
    """Remove control and format characters but keep whitespace."""
    return _INVISIBLE.sub("", text)


def _accented(letter: str, accent: str) -> str:
    """The letter with the accent on it: one character where Unicode has it ("ü", "ĥ"),
    else the letter and a combining mark ("m̂")."""
    letter = "i" if letter == "ı" else letter
    return unicodedata.normalize("NFC", letter + _COMBINING[accent])


def _compose(match: re.Match[str]) -> str:
    return _accented(match.group(2), match.group(1))


def compose_formula_accents(text: str) -> str:
    """A formula's accents, which follow their letter in reading order: "hˆ_t" → "ĥ_t"."""
    return _ACCENT_AFTER.sub(lambda m: _accented(m.group(1), m.group(2)), text)


def clean_line(text: str) -> str:
    """One line: ligatures expanded, invisible characters dropped, whitespace collapsed."""
    text = _drop_invisible(text.replace("\r\n", " ").translate(_TRANSLATE))
    if _ACCENT_FIRST.search(text):
        text = _ACCENT_FIRST.sub(_compose, text)
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def words_of(texts: Iterable[str]) -> set[str]:
    """Lower-cased words of some texts, used to decide line-end hyphenation."""
    joined = "\n".join(texts).translate(_TRANSLATE).lower()
    return set(_WORD.findall(joined))


def hyphenated_forms(texts: Iterable[str]) -> set[str]:
    """Lower-cased 'left-right' compounds printed inside lines (not at a line end)."""
    return set(_COMPOUND.findall("\n".join(texts).lower()))


def keep_hyphen(left: str, right: str, vocab: Collection[str], compounds: Collection[str]) -> bool:
    """Whether 'left-' at a line end followed by 'right' is a real hyphen (True) or a split word."""
    low_left, low_right = left.lower(), right.lower()
    joined = low_left + low_right
    if f"{low_left}-{low_right}" in compounds:
        return True
    if joined in vocab:
        return False
    if low_left in COMPOUND_PREFIXES and low_right in vocab:
        return True
    return len(low_left) >= 3 and len(low_right) >= 3 and low_left in vocab and low_right in vocab


def wrap_join(
    left: str, right: str, vocab: Collection[str] = (), compounds: Collection[str] = ()
) -> str:
    """Join two wrapped lines of one paragraph, rejoining a word hyphenated at the line end."""
    if not left:
        return right
    if not right:
        return left
    tail = _HYPHEN_END.search(left)
    head = _LOWER_START.match(right)
    if tail and head:
        word = tail.group(1)
        start = tail.start(1)
        chained = start > 0 and left[start - 1] == "-"  # "left-to-" + "right"
        rest = head.group(1)
        if chained or f"{word}-{rest}".lower() in compounds:
            return left + right
        if (word + rest).lower() in vocab:
            return left[:-1] + right  # printed whole elsewhere: "BooksCor-" + "pus"
        # Mixed case before the hyphen ("ResNet-like") marks a name, not a split.
        named = word[1:] != word[1:].lower()
        if named or keep_hyphen(word, rest, vocab, compounds):
            return left + right
        return left[:-1] + right
    if _URL_TAIL.search(left):
        return left + right  # a URL broken at a line end
    if left.endswith("-") and right[:1].isalnum() and len(left) > 1 and left[-2].isalnum():
        return left + right  # "GPT-" + "3", "ResNet-" + "50": a compound split at its hyphen
    return left + " " + right


def clean_paragraph(
    lines: Iterable[str], vocab: Collection[str] = (), compounds: Collection[str] = ()
) -> str:
    """Clean and join the wrapped lines of one paragraph."""
    text = ""
    for raw in lines:
        line = clean_line(raw)
        if line:
            text = wrap_join(text, line, vocab, compounds)
    return text


def clean_text(
    text: str, vocab: Collection[str] | None = None, compounds: Collection[str] | None = None
) -> str:
    """Clean a text run; idempotent.

    Ligatures are expanded, invisible characters dropped, wrapped lines joined (with line-end
    hyphenation undone), runs of spaces collapsed, and paragraphs kept apart by a blank line.
    Without `vocab`, the words of the text itself decide which line-end hyphens are real.
    """
    text = _drop_invisible(text.replace("\r\n", "\n").translate(_TRANSLATE))
    if vocab is None or compounds is None:
        # Evidence from the text itself, minus the fragments of words split at line ends.
        whole = _LINE_END_SPLIT.sub(" ", text)
        vocab = words_of([whole]) if vocab is None else vocab
        compounds = hyphenated_forms([whole]) if compounds is None else compounds
    paragraphs = (
        clean_paragraph(chunk.split("\n"), vocab, compounds) for chunk in _PARAGRAPHS.split(text)
    )
    return "\n\n".join(p for p in paragraphs if p)


def normalize_for_match(text: str) -> str:
    """Lower-case, ligatures expanded, accents kept, whitespace collapsed: for comparing strings."""
    text = unicodedata.normalize("NFKC", _drop_invisible(text.translate(_TRANSLATE)))
    return " ".join(text.lower().split())
