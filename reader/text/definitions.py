"""Which sentences of the papers define a term: acronym definitions, "X is…", "we call…"."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from reader.models import Definition, SectionRole, StoredChunk
from reader.text.prose import (
    cut_off,
    experiment_log,
    formula_opening,
    label_run,
    subfigure_caption,
)
from reader.text.query import term_pattern
from reader.text.sentences import SentenceSpan, is_prose, opens_aside, split_sentences

T = "\u27e8T\u27e9"  # placeholder the term's surface forms are replaced with
_T = re.escape(T)
_ART = r"(?:(?:an?|the|our|this|new|novel)\s+)*"

# "can be thought of as", "is a way of", after a citation and an aside: what the term is, said
# as a way of seeing it.
_VIEWED_AS = (
    r"(?:\s*\[[^\]]*\])?(?:,[^,]{1,40},)?\s+(?:can\s+be\s+(?:thought\s+of|viewed|seen|"
    r"interpreted|regarded|understood)\s+as|(?:is|are)\s+(?:a|one)\s+way\s+(?:of|to))\b"
)
# (pattern over the sentence with the term replaced by T, weight)
CUES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p, re.IGNORECASE), w)
    for p, w in (
        # "Gaussian Error Linear Unit (GELU)", "GELU (Gaussian Error Linear Unit)"
        (rf"\(\s*[“\"']?{_T}(?:['’]s)?[”\"']?\s*[),;]", 3.0),
        # The parenthesis holds words, not a formula ("LayerNorm(x + Sublayer(x))") or an aside
        # ("(which RMSNorm abandons)").
        (
            rf"{_T}[”\"']?\s*\((?!\s*(?:which|that|where|when|see|cf|e\.g|i\.e|as|and|or|with"
            r"|without|in|on|for|from|by|not|also)\b)(?![^)]*(?:\d|et al))"
            r"[A-Za-z][A-Za-z\s'’-]{3,}\)",
            2.5,
        ),
        # "we call it X", "which we call X", "called X", "referred to as X"
        (
            # "We call our particular attention "Scaled Dot-Product Attention"": a few words
            # may name what is called.
            rf"\b(?:we\s+(?:will\s+)?(?:call|name|term|dub|denote|refer\s+to)"
            r"(?:\s+(?:it|this|them|these)|(?:\s+(?:our|the|this|a|an)(?:\s+[\w-]+){1,2}))?"
            rf"|called|named|termed|dubbed|known\s+as|referred\s+to\s+as)\s+(?:as\s+)?{_ART}[“\"']?{_T}",
            3.0,
        ),
        # "we define X as", "X is defined as", "X refers to", "X denotes"
        (
            rf"\bdefine\s+{_ART}{_T}|{_T}[”\"']?\s+(?:is|are)\s+defined\b"
            rf"|{_T}[”\"']?\s+(?:refers?\s+to|denotes?|stands?\s+for|means|implies)\b",
            3.0,
        ),
        # "X is a ...", "The X function is ..." at the start of a sentence
        (
            rf"^(?:(?:in\s+short|formally|briefly),?\s+)?{_ART}{_T}(?:\s+[\w-]+){{0,3}}?\s*(?:\([^)]*\)\s*)?"
            r"(?:is|are)\s+(?!(?:not|also|only|used|shown|applied|trained|then|more|less|very|highly|"
            r"often|widely|commonly|still|now|effective|important|crucial|useful|better|worse|able|"
            r"critical|key|helpful|beneficial|known|computed\s+over|modified)\b)",
            2.5,
        ),
        # "Self-attention, sometimes called intra-attention, is an attention mechanism …"
        (
            rf"^{_ART}{_T},?\s+(?:[\w-]+\s+){{0,2}}?(?:called|known\s+as|referred\s+to\s+as"
            r"|or|also|i\.e\.)\s+[^,]{1,50}?,?\s+(?:is|are)\s+(?:an?|the)\b",
            2.5,
        ),
        # "Contrastive learning [29], and its recent developments, can be thought of as …"
        (rf"^{_ART}{_T}{_VIEWED_AS}", 2.5),
        # "A memory bank consists of …", "X is composed of …"
        (
            rf"^{_ART}{_T}(?:\s+[\w-]+){{0,2}}?\s+(?:consists?\s+of|(?:is|are)\s+composed\s+of"
            r"|comprises?)\b",
            2.5,
        ),
        # "the memory bank approach proposed by [61]", "X was first introduced in …"
        (
            rf"{_T}(?:\s+[\w-]+){{0,2}}?\s+(?:(?:was|were)\s+)?(?:first\s+|originally\s+)?"
            r"(?:proposed|introduced)\s+(?:by|in)\b",
            2.0,
        ),
        # "X, which ...", "X that computes ..."
        (
            rf"{_T}[”\"']?,?\s+(?:which|that)\s+(?:is|are|computes?|uses?|maps?|learns?|takes?)\b",
            2.0,
        ),
        # "we propose X", "we introduce a new X", "we transpose A into X by ..."
        (rf"\bwe\s+(?:propose|introduce|present|develop|adopt|add|use)\s+{_ART}[“\"']?{_T}", 2.0),
        (rf"\binto\s+{_ART}{_T}\s+by\b|{_T}\s+by\s+(?:computing|using|adding|taking)\b", 1.8),
        # Below 2.0: cues that introduce more often than define (`defines` ignores them).
        # "Here, X is a …": the sentence-start "X is" after a short opening phrase.
        (
            rf"^[\w\s-]{{2,30}},\s+{_ART}{_T}(?:\s+[\w-]+){{0,2}}?\s+(?:is|are)\s+(?:an?|the)\b",
            1.9,
        ),
        # "We propose Adam, a method for …", "CapFilt: a new dataset bootstrapping method"
        (rf"{_T}[”\"']?\)?\s*[,:]\s+(?:an?|the)\s+(?:new\s+|novel\s+)?[\w-]+", 1.8),
        # "Multi-head attention allows the model to …", "ITM activates the encoder": the term
        # as the subject of what it does.
        (
            rf"^{_ART}{_T}(?:\s+[\w-]+)?\s*(?:\([^)]*\)\s*)?"
            r"(?!(?:is|was|has|does|uses|seems|remains|performs|outperforms|achieves|shows)\b)"
            r"[a-z]{3,}(?<!ss)s\b",
            1.5,
        ),
    )
)
# Sentences that say what the term is, not only name it ("which we call X", "X (Y)"):
# "X is a ...", "X refers to ...", "X consists of ...", "(X), which regularizes ...",
# "X, a framework for ...".
_DESCRIBING = re.compile(
    rf"^{_ART}{_T}(?:\s+[\w-]+){{0,3}}?\s*(?:\([^)]*\)\s*)?(?:is|are)\s+(?:an?|the|one)\s"
    rf"|^{_ART}{_T}{_VIEWED_AS}"
    rf"|{_T}[”\"']?\s+(?:is\s+defined|refers?\s+to|denotes?|stands?\s+for|means|implies)\b"
    rf"|{_T}(?:\s+[\w-]+){{0,2}}?\s+(?:consists?\s+of|(?:is|are)\s+composed\s+of|comprises?)\b"
    rf"|{_T}[”\"']?\)?,?\s+(?:which|that)\s+(?!is\s+not)[a-z]{{3,}}(?<!ss)s\b"
    rf"|{_T}[”\"']?\)?,\s+(?:an?|the)\s+(?:new\s+|novel\s+|simple\s+)?[\w-]+\s+(?:for|that|which|to|of)\b",
    re.IGNORECASE,
)
# A sentence of a section named after the term that defines without naming it.
_IMPLICIT = re.compile(
    r"\b(?:we\s+(?:use|define|compute|propose)|is\s+(?:defined|computed|given)\s+(?:as|by)"
    r"|as\s+follows)\b|:\s*$",
    re.IGNORECASE,
)
# A paragraph's run-in heading naming the term, then its first sentence, with no period
# between: "Task #2: Next Sentence Prediction (NSP) Many important downstream tasks ...".
_RUN_IN_HEADING = re.compile(
    rf"^(?:[\w#]+(?:\s+[\w#]+){{0,2}}:\s*)?{_T}(?:\s*\({_T}\))?\s+(?:[A-Z][a-z]+\s+){{1,3}}[a-z]"
)
_SKIP_ROLES = {SectionRole.REFERENCES}
_ARTICLE = re.compile(r"^(?:an?|the)\s+", re.IGNORECASE)
_ACRONYM_CUES = 2  # CUES[:2] are "long form (SHORT)" parentheticals, the rest defining phrases
# "GELU (Gaussian Error Linear Unit)" spells out a short name; after a phrase ("the pretext
# task (dash curve)") the parenthesis is an aside.
_SHORT_NAME = re.compile(r"\S*[A-Z]\S*[A-Z]\S*|[A-Z][\w-]*")
# 'The term "pretext" implies ...': a word of the term, named as a word.
_NAMED_WORD = re.compile(r"\bthe\s+(?:term|word|name)\s+([“\"'‘]?([\w-]+)[”\"'’]?)", re.IGNORECASE)
STRONG_CUE = 3.0  # a cue this strong ("called X", "X (Y)") outweighs numbers in the sentence
DEFINES = 2.0  # a cue at least this strong defines the term (weaker ones introduce it)
WEAK = 0.2  # the term is used, nothing defines it: only shown when little else does


@dataclass(frozen=True)
class Candidate:
    """A definition passage and why: `cue` is how strongly the sentence defines the term."""

    score: float
    cue: float
    definition: Definition
    sentence: str = ""  # the defining sentence itself (the passage may add the next one)
    describes: bool = False  # it says what the term is, not only its name ("which we call X")


def _placeholder(text: str, patterns: Sequence[re.Pattern[str]]) -> str:
    for p in patterns:
        text = p.sub(T, text)
    return text


def quotable(sentence: str, marked: str | None = None) -> bool:
    """Prose a definition may quote: not labels, a formula, a caption or a reference entry.

    `marked`: the sentence with the term replaced by the placeholder, so a term written in
    lower case may open it ("einsum is …").
    """
    if not is_prose(sentence) or opens_aside(sentence) or subfigure_caption(sentence):
        return False
    if label_run(sentence) or cut_off(sentence):
        return False
    return not formula_opening(marked if marked is not None else sentence, T)


def definition_candidates(
    chunks: Sequence[StoredChunk],
    forms: Sequence[str],
    max_chars: int,
) -> list[Candidate]:
    """Scored definition passages (a defining sentence plus the one after it), best first.

    Sentences in a caption's paragraph, figure labels, formulas and experiment logs are never
    candidates; sentences that only use the term are kept only when few sentences define it.
    """
    patterns = [term_pattern(f) for f in sorted(forms, key=len, reverse=True)]
    term_words = {w.lower() for f in forms for w in f.split() if len(w) > 3}
    cues = CUES if any(_SHORT_NAME.fullmatch(f) for f in forms) else CUES[:1] + CUES[2:]
    section_start: dict[tuple[str, str], int] = {}
    for sc in chunks:
        key = (sc.chunk.paper_id, sc.chunk.section_number + sc.chunk.section_title)
        section_start[key] = min(section_start.get(key, sc.chunk.ordinal), sc.chunk.ordinal)
    found: list[Candidate] = []
    seen: set[str] = set()
    for sc in chunks:
        c = sc.chunk
        if c.section_role in _SKIP_ROLES:
            continue
        # A section named after the term ("3.3 CapFilt", "2.3 InfoNCE Loss and …"), not one
        # that mentions it ("D.1 SGD vs. Adam for ResNets").
        title = _ARTICLE.sub("", c.section_title.strip())
        titled = any(p.match(title) for p in patterns)
        opening = section_start[(c.paper_id, c.section_number + c.section_title)] == c.ordinal
        spans = split_sentences(c.text)
        asides = _aside_paragraphs(spans)
        for j, span in enumerate(spans):
            if span.paragraph in asides:
                continue
            sentence = span.text
            marked = _placeholder(sentence, patterns)
            if T not in marked:
                marked = _named_word(marked, term_words)
            has_term = T in marked
            # Cheap test first: most sentences of a passage do not name the term.
            if not has_term and not (titled and _IMPLICIT.search(sentence)):
                continue
            if not quotable(sentence, marked):
                continue
            if has_term:
                cue = max((w for p, w in cues if p.search(marked)), default=0.0) or WEAK
            else:
                cue = 1.0
            # Only a defining verb ("called", "we define") outweighs an experiment's numbers:
            # "a layer of 1000 rectified linear hidden units (ReLU’s)" describes a setup.
            verbal = max((w for p, w in CUES[_ACRONYM_CUES:] if p.search(marked)), default=0.0)
            if verbal < STRONG_CUE and experiment_log(sentence):
                continue
            describes = has_term and _DESCRIBING.search(marked) is not None
            score = cue
            if titled:
                score += 1.2 + (0.3 if opening and j < 4 else 0.0)
            if c.section_role in (
                SectionRole.ABSTRACT,
                SectionRole.INTRODUCTION,
                SectionRole.METHOD,
            ):
                score += 0.3
            heading = has_term and _RUN_IN_HEADING.match(marked) is not None
            if heading:
                # "Task #2: Next Sentence Prediction (NSP) Many important tasks ...": the
                # paragraph a heading opens is about the term; what defines it comes after.
                describes = True
                text = _paragraph_from(spans, j, max_chars)
            else:
                text = _with_next(spans, j, max_chars, asides)
            if text in seen:
                continue
            seen.add(text)
            label = f"{c.section_number} {c.section_title}".strip()
            definition = Definition(c.paper_id, label, c.page, text)
            found.append(Candidate(score, cue, definition, sentence, describes))
    # Sentences that only use the term come after every sentence that defines it.
    found.sort(key=lambda cand: (cand.cue <= WEAK, -cand.score))
    return found


def rank_definitions(
    candidates: Sequence[Candidate], introducer: str | None, limit: int
) -> list[Definition]:
    """The introducing paper's definitions first (when it has one), then the rest by score; at
    most three from one paper, so other papers' wording shows too."""
    leads = introducer is not None and any(
        c.definition.paper_id == introducer and c.cue > WEAK for c in candidates
    )
    ordered = sorted(
        candidates,
        key=lambda c: (
            not (leads and c.definition.paper_id == introducer and c.cue > WEAK),
            c.cue <= WEAK,
            -c.score,
        ),
    )
    per_paper: Counter[str] = Counter()
    kept: list[Definition] = []
    for cand in _describing_second(ordered):
        pid = cand.definition.paper_id
        # A passage is a sentence and the next: one whose sentence is already shown adds little.
        if per_paper[pid] < 3 and not any(cand.sentence in d.text for d in kept):
            per_paper[pid] += 1
            kept.append(cand.definition)
    return kept[:limit]


def _describing_second(ordered: Sequence[Candidate]) -> list[Candidate]:
    """Per paper, the sentences that say what the term is come right after the paper's first,
    which often only names it ("... which we call Contrastive Predictive Coding"), ahead of
    more sentences that only name it."""
    out = list(ordered)
    for paper in dict.fromkeys(c.definition.paper_id for c in ordered):
        at = [i for i, c in enumerate(out) if c.definition.paper_id == paper]
        if len(at) < 3 or out[at[0]].describes:
            continue
        # Only what truly defines ("X is a ...", "X, which computes ...") moves up.
        moving = [i for i in at[1:] if out[i].describes and out[i].cue >= DEFINES]
        staying = [i for i in at[1:] if i not in moving]
        for i, cand in zip(at[1:], [out[k] for k in moving + staying], strict=True):
            out[i] = cand
    return out


def _named_word(marked: str, term_words: set[str]) -> str:
    """'The term "pretext" implies' names the term by one of its words: mark it as the term."""
    m = _NAMED_WORD.search(marked)
    if m is None or m.group(2).lower() not in term_words:
        return marked
    return marked[: m.start(1)] + T + marked[m.end(1) :]


def defining_papers(candidates: Sequence[Candidate], min_cue: float = 2.5) -> set[str]:
    """Papers with a sentence that defines the term outright."""
    return {c.definition.paper_id for c in candidates if c.cue >= min_cue}


def _aside_paragraphs(spans: Sequence[SentenceSpan]) -> set[int]:
    """Paragraphs that are captions or footnotes as a whole (their first sentence says so)."""
    firsts: dict[int, str] = {}
    for span in spans:
        firsts.setdefault(span.paragraph, span.text)
    return {n for n, text in firsts.items() if opens_aside(text)}


def _with_next(spans: Sequence[SentenceSpan], j: int, max_chars: int, asides: set[int]) -> str:
    """The sentence, and the next one when both fit and the next is prose: definitions often
    finish there ("… as follows. The loss is …"), but a formula, caption or log line does not.
    The next may open a paragraph: extraction breaks one where a display formula stood."""
    text = _without_formula_tail(spans[j].text)
    if j + 1 < len(spans) and text == spans[j].text:
        nxt = spans[j + 1]
        if (
            nxt.paragraph not in asides
            and len(text) + 1 + len(nxt.text) <= max_chars
            and quotable(nxt.text)
            and not experiment_log(nxt.text)
        ):
            text = f"{text} {nxt.text}"
    if len(text) > max_chars:
        text = text[: max_chars - 1].rsplit(" ", 1)[0] + "…"
    return text


def _paragraph_from(spans: Sequence[SentenceSpan], j: int, max_chars: int) -> str:
    """The sentence and the rest of its paragraph, cut at `max_chars`."""
    parts = [spans[j].text]
    for span in spans[j + 1 :]:
        if span.paragraph != spans[j].paragraph or sum(map(len, parts)) >= max_chars:
            break
        parts.append(span.text)
    text = " ".join(parts)
    if len(text) > max_chars:
        text = text[: max_chars - 1].rsplit(" ", 1)[0] + "…"
    return text


def _without_formula_tail(text: str) -> str:
    """ "… the root mean square (RMS) statistic: 1 n n ai ¯ai = where RMS(a) …" ends at the
    colon: what follows it is a display formula's remains, not words."""
    head, colon, tail = text.partition(": ")
    if colon and tail and label_run(tail):
        return head + ":"
    return text


_QUESTION = re.compile(
    r"^\s*(?:what|who)\s+(?:is|are|was|were)\s+(?:an?\s+|the\s+)?(?P<a>.+?)\s*\??\s*$"
    r"|^\s*(?:define|definition\s+of|meaning\s+of)\s+(?:an?\s+|the\s+)?(?P<b>.+?)\s*\??\s*$"
    r"|^\s*what\s+(?:does|do)\s+(?:an?\s+|the\s+)?(?P<c>.+?)\s+(?:mean|stand\s+for)\s*\??\s*$",
    re.IGNORECASE,
)


def defined_term(question: str) -> str | None:
    """The X of "what is X?", "define X", "what does X mean?"; "X in <paper>" drops the paper."""
    m = _QUESTION.match(question)
    if m is None:
        return None
    term = next(g for g in m.groups() if g)
    # "CapFilt in BLIP", "X according to the paper": the tail names where, not what.
    term = re.sub(r"\s+(?:in|from|used\s+in|according\s+to)\s+(?:\S+\s*){1,3}$", "", term)
    words = term.split()
    return term if 0 < len(words) <= 6 else None


def defines(text: str, term: str, min_weight: float = DEFINES) -> bool:
    """True when `text` has a sentence that defines `term` (by the cues above)."""
    pattern = term_pattern(term)
    if not pattern.search(text):
        return False
    marked = pattern.sub(T, text)
    return any(w >= min_weight and p.search(s) for p, w in CUES for s in _sentences_with_t(marked))


def _sentences_with_t(marked: str) -> list[str]:
    return [s.text for s in split_sentences(marked) if T in s.text]
