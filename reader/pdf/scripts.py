"""Inline sub- and superscripts in a line of prose, from PyMuPDF span sizes and baselines:
`d_k`, `W_i^Q`, `x^2`, `10000^{2i/d_model}` (braces when longer than one character)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

SCRIPT_SIZE = 0.85  # a span this much smaller than the one it follows may be a script
RAISED = 0.15  # baseline this share of the base size above the base's: a superscript
LOWERED = 0.08  # ... below it: a subscript
ATTACHED = 0.3  # at most this share of the base size of a gap between a base and its script
# Marks raised after names and numbers that are not exponents: affiliations, notes, "equal
# contribution" stars.
_MARKS_ONLY = re.compile(r"^[\s∗*†‡§¶#⋆★✝,]+$")


def scripted_text(pieces: Sequence[tuple[str, dict[str, Any] | None]]) -> str:
    """A line's text with scripts marked, or "" when it has none.

    `pieces` is the line's plain text as it was put together: each span's text with its
    PyMuPDF span, and the spaces put between spans (None). A script follows its base with no
    space; a script of a script ("d_model" in a superscript) is written inside its braces.
    """
    out: list[str] = []
    group: list[str] = []  # the open script's characters, nested scripts already written
    role = ""  # "_" or "^" of the open script
    inner: list[str] = []  # a script of the open script
    inner_role = ""
    anchor: tuple[float, float] | None = None  # (size, baseline) of the last base span
    last_script: tuple[float, float] | None = None
    marked = False
    space = False
    prev_x1 = 0.0

    def close_inner() -> None:
        nonlocal inner_role
        if inner:
            group.append(_written(inner_role, "".join(inner)))
            inner.clear()
        inner_role = ""

    def close() -> None:
        nonlocal role, last_script
        close_inner()
        if group:
            out.append(_written(role, "".join(group)))
            group.clear()
        role, last_script = "", None

    for text, span in pieces:
        if span is None or not text.strip():
            # Put in for a gap, or a span of its own (TeX sets one between a base and a
            # stacked superscript, "W" " " "O").
            space = True
            continue
        # A script touches its base: no space in the text, and a gap put in for a space
        # narrow enough to be kerning.
        attached = bool(out) and not text.startswith(" ") and not out[-1].endswith(" ")
        if attached and space and anchor is not None:
            attached = span["bbox"][0] - prev_x1 < ATTACHED * anchor[0]
        kind = _script_of(span, anchor, text) if attached else ""
        prev_x1 = span["bbox"][2]
        if kind:
            marked = True
            nested = _script_of(span, last_script, text) if last_script is not None else ""
            if group and nested and nested != role:
                if inner_role and inner_role != nested:
                    close_inner()
                inner_role = nested
                inner.append(text.strip())
            elif group and kind != role:
                close()  # a subscript then a superscript, stacked on one base ("W_i^Q")
                role = kind
                group.append(text.strip())
                last_script = (span["size"], span["origin"][1])
            else:
                close_inner()
                role = kind
                group.append(text.strip())
                last_script = (span["size"], span["origin"][1])
            space = False
            continue
        close()
        if space and out:
            out.append(" ")
        space = False
        out.append(text)
        anchor = (span["size"], span["origin"][1])
    close()
    return "".join(out).strip() if marked else ""


def _script_of(span: dict[str, Any], base: tuple[float, float] | None, text: str) -> str:
    """ "^" or "_" when `span` is set smaller and raised or lowered against `base`."""
    if base is None:
        return ""
    size, baseline = base
    stripped = text.strip()
    if not stripped or span["size"] > SCRIPT_SIZE * size or _MARKS_ONLY.match(stripped):
        return ""
    shift = span["origin"][1] - baseline
    if shift < -RAISED * size:
        return "^"
    if shift > LOWERED * size:
        return "_"
    return ""


def _written(role: str, text: str) -> str:
    return f"{role}{text}" if len(text) == 1 else f"{role}{{{text}}}"
