"""Light stemming for matching question words in passages ('captions'/'caption',
'computing'/'compute'), without a stemmer dependency."""

from __future__ import annotations

import re
from functools import lru_cache

from reader.text.query import STOP_WORDS

WORD = re.compile(r"[^\W_]+")
# "x_{t+k}", "u_t", "d_k": a symbol typed with a subscript, which a PDF's text prints run
# together ("xt+k", "ut", "dk").
_SUBSCRIPT = re.compile(r"(?<![\w])([^\W\d_]{1,2})_\{?([^\W_]{1,3}(?:[+\-][^\W_]{1,3})?)\}?")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")


@lru_cache(maxsize=1 << 16)
def word_stem(word: str) -> str:
    """A light plural/inflection stem, enough to match 'captions' with 'caption'."""
    w = word.lower()
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("es", "e"), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            return w[: len(w) - len(suffix)] + keep
    return w


def as_printed(question: str) -> str:
    """A question's words as a paper prints them: subscripts run together (`u_t` -> `ut`) and
    no possessive `'s` ("MoCo's" would otherwise ask for a word "s")."""
    return _SUBSCRIPT.sub(r"\1\2", _POSSESSIVE.sub("", question))


def printed_symbols(question: str) -> frozenset[str]:
    """The subscripted symbols a question types, as a paper prints them, in lower case like
    the query: `u_t` -> `ut`, `L_Cap` -> `lcap`."""
    return frozenset((m.group(1) + m.group(2)).lower() for m in _SUBSCRIPT.finditer(question))


def content_stems(text: str) -> list[str]:
    """Stems of the non-stop words of `text`, in order."""
    return [word_stem(w) for w in WORD.findall(text.lower()) if w not in STOP_WORDS]


_SUFFIXES = (
    "izations", "ization", "isation", "ations", "ation", "izes", "ized", "izing", "ize",
    "ings", "ing", "ed", "ly", "al", "e",
)  # fmt: skip


@lru_cache(maxsize=1 << 16)
def match_stem(word: str) -> str:
    """A stem for matching question words in sentences: 'computing'/'compute', 'biases'/'bias'."""
    w = word.lower()
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "ches", "shes", "xes", "ses")) and len(w) > 5:
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is", "as")) and len(w) > 3:
        w = w[:-1]
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def match_stems(text: str) -> set[str]:
    """The match stems of the non-stop words of `text`."""
    return {match_stem(w) for w in WORD.findall(text.lower()) if w not in STOP_WORDS}
