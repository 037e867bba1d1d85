"""Query normalisation (the way the index normalises text) and safe FTS5 MATCH expressions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Function words and question scaffolding: they carry no topic, and OR-ing them floods BM25.
_STOP_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing done down during each either
    else few for from further get gets give gives given had has have having he her here hers
    herself him himself his how however i if in into is it its itself just let like may me might
    more most much must my myself neither no nor not now of off on once one only or other our
    ours ourselves out over own per rather same shall she should so some such than that the their
    theirs them themselves then there these they this those through thus to too under until up
    upon us use used uses using very via was we were what when where whether which while who whom
    whose why will with within without would yet you your yours yourself yourselves
    explain describe tell paper papers work authors
    """
STOP_WORDS = frozenset(_STOP_TEXT.split())

_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_TOKEN = re.compile(r"[^\W_]+(?:[-_][^\W_]+)*")
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_PLURAL_ACRONYM = re.compile(r"^([A-Z]{2,})s$")
# A script written the way the Read view shows it ("d_k", "W_i^Q", "10^{-4}"): the index
# holds the printed letters run together ("dk", "WiQ", "10-4").
_BRACED_SCRIPT = re.compile(r"(?<=[\w})])[_^]\{([^{}\s]*)\}")
# A bare "_" after a longer word is an identifier's ("self_attention"), not a subscript.
_BARE_SUBSCRIPT = re.compile(r"(?<![\w])(\w{1,3})_(?=[\w(])")
_BARE_SUPERSCRIPT = re.compile(r"(?<=[\w})])\^(?=[\w(])")
# "d k": a subscript typed with a space, a letter and then a lower-case letter or a digit.
_SPACED_SCRIPT = re.compile(r"(?<![\w-])([A-Za-z]) ([a-z0-9])(?![\w-])")


@dataclass(frozen=True)
class NormalizedQuery:
    """`text`: the query as the index sees text; `terms`: content terms, lower-case.

    A term with a space is a compound ("q former" from "Q-Former", "QFormer" or "q former"); it
    matches both as a phrase and run together ("qformer").
    """

    text: str
    terms: tuple[str, ...]
    # As typed, before scripts were run together ("u_t"): what a question asks for and which
    # term it asks to define are read from this.
    typed: str = ""

    @property
    def has_words(self) -> bool:
        """False for an empty, punctuation-only or emoji-only query."""
        return _TOKEN.search(self.text) is not None


def normalize_text(text: str) -> str:
    """NFKC (ligatures, full-width forms), one dash, no soft hyphens, collapsed whitespace."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = _DASHES.sub("-", text)
    return " ".join(text.split())


def unscripted(text: str) -> str:
    """Sub- and superscripts as the index holds them: "d_k", "d k" and "dk" all read "dk"
    ("d_{model}" → "dmodel", "W_i^Q" → "WiQ"); a lone "a" or "I" is never joined."""
    for _ in range(3):  # nested braces, innermost first
        joined = _BRACED_SCRIPT.sub(r"\1", text)
        if joined == text:
            break
        text = joined
    text = _BARE_SUPERSCRIPT.sub("", _BARE_SUBSCRIPT.sub(r"\1", text))
    return _SPACED_SCRIPT.sub(_join_spaced, text)


def _join_spaced(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    if first.lower() in STOP_WORDS or second in STOP_WORDS:
        return match.group(0)
    return first + second


def _variants(raw: str) -> list[str]:
    """Lower-case terms for one raw query token (hyphen, underscore, camel case, plural acronym)."""
    plural = _PLURAL_ACRONYM.match(raw)
    if plural:
        return [plural.group(1).lower()]
    parts = [p for p in re.split(r"[-_]", raw) if p]
    if len(parts) == 1:
        camel = [p for p in CAMEL.split(raw) if p]
        # "QFormer" is "Q Former", but "ViT" is not "Vi T".
        if len(camel) > 1 and all(len(p) > 1 for p in camel[1:]):
            return [" ".join(camel).lower()]
        return [raw.lower()]
    return [" ".join(parts).lower()]


def normalize_query(text: str, max_chars: int) -> NormalizedQuery:
    """Normalise a query; `terms` drops stop words and lone letters (except in compounds)."""
    typed = normalize_text(text[: max_chars * 2])[:max_chars].rstrip()
    clean = unscripted(typed)
    raw_tokens = _TOKEN.findall(clean)
    terms: list[str] = []
    i = 0
    while i < len(raw_tokens):
        raw = raw_tokens[i]
        # "q former" typed with a space is the same compound as "Q-Former".
        nxt = raw_tokens[i + 1] if i + 1 < len(raw_tokens) else ""
        letter = len(raw) == 1 and raw.isalpha() and raw.lower() not in STOP_WORDS
        if letter and len(nxt) > 1 and nxt.lower() not in STOP_WORDS:
            terms.append(f"{raw.lower()} {' '.join(_variants(nxt))}")
            i += 2
            continue
        for term in _variants(raw):
            if term in STOP_WORDS or (len(term) == 1 and not term.isdigit()):
                continue
            terms.append(term)
        i += 1
    unique = tuple(dict.fromkeys(terms))
    return NormalizedQuery(text=clean.lower(), terms=unique, typed=typed.lower())


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts_expression(q: NormalizedQuery) -> str | None:
    """An OR of the query's terms, every token quoted so no user text is FTS5 syntax."""
    parts: list[str] = []
    for term in q.terms:
        words = re.findall(r"[^\W_]+", term)
        if not words:
            continue
        if len(words) == 1:
            word = words[0]
            # "qformer" may be written "Q-Former": also try a one-letter prefix as its own token.
            # "dk" may be printed "d k" (a subscript set apart).
            if (len(word) >= 5 or len(word) == 2) and word.isalpha() and word.isascii():
                parts.append(f"({_quote(word)} OR {_quote(word[0] + ' ' + word[1:])})")
            else:
                parts.append(_quote(word))
        else:
            parts.append(f"({_quote(' '.join(words))} OR {_quote(''.join(words))})")
    if not parts:
        return None
    return " OR ".join(parts)


def compact(term: str) -> str:
    """A key that ignores case, spacing, hyphens and a plural 's' ("Q-Former" == "qformers")."""
    key = re.sub(r"[\W_]+", "", normalize_text(term).lower())
    return key[:-1] if len(key) > 3 and key.endswith("s") and not key.endswith("ss") else key


def term_pattern(term: str) -> re.Pattern[str]:
    """A regex for a term in running text: any case, with or without
    hyphens and spaces between its parts ("Q-Former", "QFormer", "q former"), plural allowed."""
    clean = normalize_text(term)
    parts: list[str] = []
    for chunk in re.split(r"[\s\-_/]+", clean):
        parts.extend(p for p in CAMEL.split(chunk) if p)
    words = [re.escape(p) for p in parts if p]
    body = r"[\s\-]?".join(words)
    # Case matters only for an acronym that is also a common word ("IT", "ON").
    flags = 0 if clean.isupper() and clean.lower() in STOP_WORDS else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w])", flags)
