"""Acronyms and their expansions as papers define them ("Gaussian Error Linear Unit (GELU)")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

_PAREN = re.compile(r"\(([^()]{1,80})\)")
_WORDS = re.compile(r"[A-Za-z0-9][\w'-]*")
_PLURAL = r"(?:s|['’]s)?"  # "GELUs", "ReLU’s"


def looks_like_acronym(term: str) -> bool:
    """'GELU', 'MLM', 'CapFilt', 'InfoNCE': short, one token, capitals after the first letter."""
    token = term.strip()
    if not token or " " in token or len(token) > 12:
        return False
    letters = [ch for ch in token if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) >= 2


def _singular(acronym: str) -> tuple[str, bool]:
    if len(acronym) > 2 and acronym.endswith("s") and acronym[:-1].isupper():
        return acronym[:-1], True
    return acronym, False


def match_long_form(short: str, words_before: str) -> str | None:
    """Schwartz-Hearst: the shortest tail of `words_before` whose letters spell `short`.

    Letters of the short form are matched right to left; its first letter must start a word.
    """
    short_chars = [ch.lower() for ch in short if ch.isalnum()]
    if len(short_chars) < 2:
        return None
    text = re.sub(r"[“”\"‘’`]", " ", words_before).rstrip(" ,;:-")
    words = _WORDS.findall(text)
    if not words:
        return None
    words = words[-(min(len(short_chars) + 5, 2 * len(short_chars))) :]
    long_text = " ".join(words)
    s = len(short_chars) - 1
    ell = len(long_text) - 1
    while s >= 0:
        ch = short_chars[s]
        while ell >= 0 and (
            long_text[ell].lower() != ch or (s == 0 and ell > 0 and long_text[ell - 1].isalnum())
        ):
            ell -= 1
        if ell < 0:
            return None
        ell -= 1
        s -= 1
    start = long_text.rfind(" ", 0, ell + 1) + 1
    candidate = long_text[start:].strip()
    n_words = len(candidate.split())
    if candidate.lower() == short.lower() or n_words > len(short_chars) + 1 or n_words < 1:
        return None
    # The long form must be words, not one squashed token equal to the short form.
    if n_words == 1 and len(candidate) <= len(short) + 1:
        return None
    return candidate


# "Image-Text Contrastive Loss (ITC)", "(ITCs)": a short form defined right after its long form.
_SHORT_FORM = re.compile(r"\(([A-Z][A-Za-z0-9-]{1,10}?)s?\)")


def defined_short_forms(text: str) -> Iterator[tuple[str, str]]:
    """(short form, long form) for each "(SHORT)" of `text` whose long form precedes it."""
    for m in _SHORT_FORM.finditer(text):
        long_form = match_long_form(m.group(1), text[max(0, m.start() - 120) : m.start()])
        if long_form is not None:
            yield m.group(1), long_form


def find_expansions(term: str, texts: Iterable[str]) -> Counter[str]:
    """Long forms that `texts` give for acronym `term`, counted (either order of definition)."""
    found: Counter[str] = Counter()
    short, plural = _singular(term.strip())
    # "(GELUs)", "(ReLU’s)", "(MLM;": the acronym alone in parentheses, maybe plural.
    pattern = re.compile(rf"\(\s*{re.escape(short)}{_PLURAL}\s*[,;)]")
    after = re.compile(rf"\b{re.escape(short)}{_PLURAL}\s*\(([^()]{{3,80}})\)")
    for text in texts:
        for m in pattern.finditer(text):
            long_form = match_long_form(short, text[max(0, m.start() - 200) : m.start()])
            if long_form:
                written_plural = re.search(r"s\s*[,;)]$", text[m.start() : m.end()])
                found[_clean(long_form, plural or bool(written_plural))] += 1
        for m in after.finditer(text):
            inner = m.group(1).strip()
            long_form = match_long_form(short, inner)
            if long_form and long_form == " ".join(_WORDS.findall(inner)):
                found[_clean(long_form, False)] += 1
    return found


def _clean(long_form: str, plural: bool) -> str:
    if plural and long_form.endswith("s") and not long_form.endswith("ss"):
        long_form = long_form[:-1]
    return long_form


def best_expansion(
    found: Counter[str], short: str = "", preferred: Iterable[str] = ()
) -> str | None:
    """The expansion to show: one the glossary knows, else one word per letter ("masked
    language model" over "masked LM"), else the most frequent."""
    if not found:
        return None
    by_key: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    # The commonest spelling; "layer normalization" over "Layer normalization", whose capital
    # may only open a sentence.
    for form, n in sorted(found.items(), key=lambda kv: (-kv[1], not kv[0][:1].islower())):
        key = form.lower()
        by_key[key] += n
        spelling.setdefault(key, form)
    known = {" ".join(p.lower().replace("-", " ").split()) for p in preferred}
    letters = len(_singular(short)[0]) if short else 0

    def rank(item: tuple[str, int]) -> tuple[bool, bool, int, int]:
        key, n = item
        words = key.replace("-", " ").split()
        return (" ".join(words) in known, len(words) == letters, n, len(key))

    key, _ = max(by_key.items(), key=rank)
    return spelling[key]


def find_acronym(long_form: str, texts: Iterable[str]) -> Counter[str]:
    """Acronyms `texts` define for exactly this long form ("masked language model (MLM)"),
    counted; any case, hyphens or spaces between its words, plural allowed."""
    words = [w for w in re.split(r"[\s\-]+", long_form) if w]
    found: Counter[str] = Counter()
    if len(words) < 2:
        return found
    body = r"[\s\-]*".join(re.escape(w) for w in words)
    pattern = re.compile(
        rf"(?<![\w-]){body}(?:s|es)?[”\"’']?\s*\(([A-Za-z][\w-]{{1,11}}?){_PLURAL}\)",
        re.IGNORECASE,
    )
    key = _key(long_form)
    for text in texts:
        for m in pattern.finditer(text):
            short = m.group(1)
            if not looks_like_acronym(short):
                continue
            # The letters must come from this long form, not from words before it
            # ("root mean square layer normalization (RMSNorm)" is not "layer normalization").
            matched = match_long_form(short, text[max(0, m.start() - 200) : m.start(1)])
            if matched and _key(_clean(matched, True)) == key:
                found[short] += 1
    return found


def _key(phrase: str) -> str:
    return re.sub(r"[\W_]+", "", phrase.lower()).removesuffix("s")
