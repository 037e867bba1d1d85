"""Glyphs of TeX's math extension fonts (CMEX) read as the symbols they draw.

A Type 1 CMEX font carries no Unicode map. Asked for character codes where Unicode is
unknown (TEXT_CID_FOR_UNKNOWN_UNICODE), PyMuPDF gives them as they are: a display sum is
"X", a text sum "P", a big parenthesis "\\x10", a wide hat "b". The codes are those of
TeX's OMX encoding, the same in every paper set with Computer Modern. In other fonts an
unknown glyph's control-character code becomes U+FFFD again, as without the flag.
"""

from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _omx() -> dict[str, str]:
    table: dict[str, str] = {}
    # Delimiters in four sizes: ( ) [ ] ⌊ ⌋ ⌈ ⌉ { } ⟨ ⟩ | ‖ / \ , then three more sizes.
    delimiters = "()[]⌊⌋⌈⌉{}⟨⟩|‖/\\"
    for k, c in enumerate(delimiters):
        table[chr(k)] = c
    for start, chars in ((0x10, "()"), (0x12, "()[]⌊⌋⌈⌉{}⟨⟩/\\"), (0x20, "()[]⌊⌋⌈⌉{}⟨⟩/\\/\\")):
        for k, c in enumerate(chars):
            table[chr(start + k)] = c
    # Pieces of built-up delimiters: the top piece stands for the whole, the rest is drawing.
    for code, c in {0x30: "(", 0x31: ")", 0x32: "[", 0x33: "]", 0x38: "{", 0x39: "}"}.items():
        table[chr(code)] = c
    for code in (*range(0x34, 0x38), *range(0x3A, 0x40), *range(0x40, 0x44)):
        table[chr(code)] = ""
    table[chr(0x44)], table[chr(0x45)] = "⟨", "⟩"
    big = "⊔⊔∮∮⊙⊙⊕⊕⊗⊗∑∏∫⋃⋂⊎⋀⋁∑∏∫⋃⋂⊎⋀⋁∐∐"
    for k, c in enumerate(big):
        table[chr(0x46 + k)] = c
    # Wide accents draw over the next symbol: kept as a spacing hat or tilde before it.
    for code in (0x62, 0x63, 0x64):
        table[chr(code)] = "ˆ"
    for code in (0x65, 0x66, 0x67):
        table[chr(code)] = "˜"
    for k, c in enumerate("[]⌊⌋⌈⌉{}"):
        table[chr(0x68 + k)] = c
    for code in range(0x70, 0x75):
        table[chr(code)] = "√"
    for code in range(0x75, 0x80):
        table[chr(code)] = ""  # radical and arrow extensions, horizontal brace tips
    return table


_OMX = _omx()
# Pieces of large brackets PyMuPDF maps into Adobe's private use area (U+F8EB..U+F8FE).
_TOPS = {"\uf8eb": "(", "\uf8f6": ")", "\uf8ee": "[", "\uf8f9": "]", "\uf8f1": "{", "\uf8fc": "}"}
_PRIVATE = {chr(c): _TOPS.get(chr(c), "") for c in range(0xF8EB, 0xF8FF)}


def is_extension_font(font: str) -> bool:
    """Whether a span's font is one of TeX's math extension fonts (CMEX5 … CMEX10)."""
    name = font.split("+")[-1].upper()
    return name.startswith("CMEX")


def extension_text(text: str) -> str:
    """CMEX codes as the symbols they draw."""
    return "".join(_OMX.get(c, c) for c in text)


def private_pieces(text: str) -> str:
    """Large-bracket pieces in the private use area as one bracket each."""
    if not any("\uf8eb" <= c <= "\uf8fe" for c in text):
        return text
    return "".join(_PRIVATE.get(c, c) for c in text)


def page_dict(page: Any, flags: int) -> dict[str, Any]:
    """The page's text as PyMuPDF's "dict", with CMEX codes read as symbols and bracket
    pieces as one bracket each. On a page set with a CMEX font the characters are read one
    by one ("rawdict"): a space MuPDF put in for a gap must stay a space, while the same
    code drawn in CMEX is a big parenthesis."""
    if not any(is_extension_font(str(font[3])) for font in page.get_fonts()):
        result: dict[str, Any] = page.get_text("dict", flags=flags)
        for span in _spans(result):
            span["text"] = _unknown_as_replacement(private_pieces(span.get("text", "")))
        return result
    result = page.get_text("rawdict", flags=flags)
    for span in _spans(result):
        chars = span.pop("chars", ())
        if is_extension_font(str(span.get("font", ""))):
            span["text"] = "".join(
                c["c"] if c.get("synthetic") else extension_text(c["c"]) for c in chars
            )
        else:
            span["text"] = _unknown_as_replacement(private_pieces("".join(c["c"] for c in chars)))
    return result


def _unknown_as_replacement(text: str) -> str:
    """Outside CMEX an unknown glyph's code means nothing: U+FFFD, as without the flag."""
    return _CONTROL.sub("\ufffd", text)


def _spans(page_dict: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        span
        for block in page_dict.get("blocks", ())
        for line in block.get("lines", ())
        for span in line.get("spans", ())
    ]
