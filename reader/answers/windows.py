"""Candidate answers: windows of one to three consecutive sentences of a passage, scored
lexically (question-term coverage, answer-type cues, novelty, rank) before any embedding."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reader.answers.answer_types import (
    CARRIES_CLOSE,
    AnswerType,
    Kind,
    is_display_equation,
    is_settings_sentence,
)
from reader.answers.retrieval import score_key
from reader.concepts.acronyms import defined_short_forms
from reader.models import Hit, SectionRole
from reader.text.definitions import defines
from reader.text.sentences import SentenceSpan, is_prose, opens_aside, split_sentences
from reader.text.stems import match_stem, match_stems

MAX_SENTENCES = 3  # the issue: one to three sentences
MIN_TAIL = 80  # a window's last sentence may be clipped, but must show this many characters
KEYWORD_WEIGHT = 0.45
RANK_WEIGHT = 0.08
DEFINITION_BONUS = 0.25  # "what is X?" and the window opens by defining X
# The question names a paper and this window is from another: the named paper's windows
# come first (a passage of B that mentions A's words is not A's answer).
OTHER_PAPER_PENALTY = 0.5
# A section about a variant the paper builds from its method's name ("7.1 AdaMax" in the Adam
# paper, "5 pRMSNorm") answers for the variant, not for the method the question names.
VARIANT_PENALTY = 0.1
EXTRA_SENTENCE_COST = 0.03  # a longer window must earn its extra sentences
NOVELTY_WEIGHT = 0.2  # a window that only restates the question is not an answer
NOVEL_ENOUGH = 6  # new content words that make a window more than a restatement
ANAPHORA_PENALTY = 0.05
ROLE_PENALTY = {SectionRole.APPENDIX: 0.05, SectionRole.REFERENCES: 0.2, SectionRole.OTHER: 0.02}
# Thanks, funding and who did what say nothing about the method, whatever words they share
# with the question ("for coining the name Adam"): as far back as the references.
BACK_MATTER_PENALTY = ROLE_PENALTY[SectionRole.REFERENCES]
_BACK_MATTER = re.compile(
    r"^[\d.\s]*(?:acknowledg|funding|author\s+contribution|contributions\b|competing\s+interest)",
    re.IGNORECASE,
)

# A caption, or a caption the extractor ran into a sentence ("... Figure 9: Comparison of").
# "(a) X" is left alone: enumerations in prose are often the answer.
_CAPTION = re.compile(
    r"^(?:Figure|Fig\.|Table|Tab\.)\s*\d|^\((?:left|right|top|bottom|middle)\)\s"
    r"|\b(?:Figure|Fig\.|Table)\s*\d+\s*:\s|^\([a-z]\):\s"
)
# A footnote: its number run into the first word ("1Code is available at ..."), or a link.
_FOOTNOTE = re.compile(r"^\d{1,2}[A-Z][a-z]|https?://|\bwww\.")
_FINISHED = re.compile(r"[.!?][\"'”’)\]]*$")
# A sentence that leans on the one before it ("This allows ...", "If the i-th token is chosen").
_ANAPHORIC = re.compile(
    r"^(?:It|Its|They|Their|Thus|Hence|Therefore|Moreover|Also|Furthermore|In\s+this\s+case|"
    r"In\s+addition|Then|Similarly|If\s+the|Here)\b|^To\s+(?:\w+\s+)?(?:this|these|that|such)\b"
)
# Meta-discourse that points elsewhere rather than saying something.
_CROSS_REFERENCE = re.compile(
    r"^(?:In|As\s+(?:described|explained|mentioned|shown|discussed)\s+in)\s+"
    r"(?:Section|Sec\.|Appendix|Table|Figure|Fig\.)\s*[\dA-Z]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Window:
    """Consecutive sentences of one passage and their lexical evidence."""

    hit_index: int  # index into the pool of hits
    position: int  # index of the first sentence inside its passage
    sentences: tuple[str, ...]
    coverage: float  # IDF-weighted share of question terms the window contains
    lexical: float  # everything but the dense similarity

    @property
    def text(self) -> str:
        return " ".join(self.sentences)

    @property
    def places(self) -> tuple[tuple[int, int], ...]:
        return tuple((self.hit_index, self.position + k) for k in range(len(self.sentences)))


@dataclass(frozen=True)
class Question:
    """What the windows are scored against."""

    weights: Mapping[str, float]  # match stem -> IDF, without the names of asked-about papers
    stems: frozenset[str]  # every match stem of the question, names included
    term: str | None  # "what is X?" -> X
    answer_type: AnswerType
    named: frozenset[str]  # papers the question names
    names: frozenset[str] = frozenset()  # the words it names them by ("adam")


@dataclass(frozen=True)
class _Sentence:
    text: str
    stems: frozenset[str]
    bonus: float  # it has the kind of content the question asks for
    penalty: float  # caption, fragment or cross-reference
    aside: bool  # caption or footnote: quoted alone, never run into the prose around it
    equation: bool = False  # a display equation: quoted after the prose that leads to it


def windows(question: Question, pool: Sequence[Hit], limit: int) -> list[Window]:
    """Every window of one to three prose sentences of the pool (for a formula question, with
    the display equations they lead to), best lexical evidence first."""
    total = sum(question.weights.values()) or 1.0
    aliases = _short_forms(question, pool)
    found: list[Window] = []
    for i, hit in enumerate(pool):
        base = RANK_WEIGHT / (1 + i) - ROLE_PENALTY.get(hit.section_role, 0.0)
        if _BACK_MATTER.search(hit.section):
            base -= BACK_MATTER_PENALTY
        if question.named and hit.paper_id not in question.named:
            base -= OTHER_PAPER_PENALTY
        elif _variant_section(hit.section, question):
            base -= VARIANT_PENALTY
        spans = split_sentences(hit.text)
        aside = _aside_sentences(spans)
        sents = [
            _sentence(span.text, question, a, n == 0)
            for n, (span, a) in enumerate(zip(spans, aside, strict=True))
        ]
        # A passage's section title says what it is about ("7.1 AdaMax"): its words count
        # for the coverage of every window of it, at half weight.
        context = match_stems(hit.section)
        for j, first in enumerate(sents):
            if first is None or first.equation:
                continue
            stems: set[str] = set()
            length = -1
            group: list[_Sentence] = []
            for k in range(j, min(j + MAX_SENTENCES, len(sents))):
                s = sents[k]
                if s is None or length + 1 + MIN_TAIL > limit or s.aside != first.aside:
                    break
                group.append(s)
                stems |= s.stems
                length += 1 + len(s.text)
                if s.equation or _FINISHED.search(s.text) or k == len(sents) - 1:
                    # An answer never stops mid-sentence (before a display equation or a list).
                    said = _with_aliases(stems, aliases)
                    found.append(_window(question, i, j, group, stems, said, context, base, total))
    found.sort(key=lambda w: (score_key(w.lexical), w.hit_index, w.position, len(w.sentences)))
    return found


def _short_forms(question: Question, pool: Sequence[Hit]) -> dict[str, frozenset[str]]:
    """Short forms the passages define for several of the question's words ("image-text
    contrastive loss" -> "ITC"), so a sentence that uses one says those words, and a sentence
    that spells out a short form the question uses says it."""
    aliases: dict[str, frozenset[str]] = {}
    asked = set(question.weights)
    for hit in pool:
        for short_form, long_form in defined_short_forms(hit.text):
            short = next(iter(match_stems(short_form)), "")
            words = frozenset(match_stems(long_form))
            if len(words) >= 2 and (short in asked or len(words & asked) >= 2):
                aliases.setdefault(short, words)
    return aliases


def _with_aliases(stems: set[str], aliases: Mapping[str, frozenset[str]]) -> set[str]:
    """The stems a window says, short forms and their long forms counted both ways."""
    said = set(stems)
    for short, words in aliases.items():
        if short in stems:
            said |= words
        elif words <= stems:
            said.add(short)
    return said


def _variant_section(section: str, question: Question) -> bool:
    """The section is titled by a longer name built from one the question uses, and the
    question does not say that longer name."""
    for word in re.findall(r"[^\W\d_][\w-]*", section.lower()):
        if word in question.names or match_stem(word) in question.stems:
            continue
        if any(len(n) >= 3 and n in word and len(word) > len(n) for n in question.names):
            return True
    return False


def _aside_sentences(spans: Sequence[SentenceSpan]) -> list[bool]:
    """Which sentences are captions or footnotes: those that look like one, and every sentence
    of a paragraph (passages keep paragraph breaks) that opens like one."""
    aside: list[bool] = []
    paragraph_is_aside = False
    for i, span in enumerate(spans):
        if i == 0 or span.paragraph != spans[i - 1].paragraph:
            paragraph_is_aside = opens_aside(span.text)
        aside.append(
            paragraph_is_aside or bool(_CAPTION.search(span.text) or _FOOTNOTE.search(span.text))
        )
    return aside


def _sentence(text: str, question: Question, aside: bool, opens: bool) -> _Sentence | None:
    if not is_prose(text):
        kind = question.answer_type.kind
        if kind == Kind.FORMULA and is_display_equation(text):
            # "How is X computed?": the equation is the answer, as the PDF prints it.
            return _Sentence(text, frozenset(match_stems(text)), CARRIES_CLOSE, 0.0, False, True)
        if not (kind == Kind.QUANTITY and is_settings_sentence(text)):
            return None  # "with β1 = 0.9, β2 = 0.98 and ϵ = 10−9" is mostly symbols, yet prose
    penalty = 0.0
    if aside:
        penalty = 0.1
    elif opens and text[:1].islower():
        penalty = 0.05  # a fragment: the passage starts mid-sentence
    elif _CROSS_REFERENCE.search(text):
        penalty = 0.05
    bonus = question.answer_type.bonus(text)
    return _Sentence(text, frozenset(match_stems(text)), bonus, penalty, aside)


def _window(
    question: Question,
    hit_index: int,
    position: int,
    group: Sequence[_Sentence],
    stems: set[str],
    said: set[str],
    context: set[str],
    base: float,
    total: float,
) -> Window:
    # `said`: its stems with the short forms it uses spelled out (and the other way round).
    found = sum(w for s, w in question.weights.items() if s in said)
    around = sum(w for s, w in question.weights.items() if s in context and s not in said)
    coverage = min(1.0, (found + 0.5 * around) / total)
    # New words, not numbers or symbols: what the window says beyond the question.
    novel = [s for s in stems - question.stems if s.isalpha() and len(s) > 2]
    novelty = min(1.0, len(novel) / NOVEL_ENOUGH)
    lexical = (
        base
        + KEYWORD_WEIGHT * coverage
        + _kind_bonus(question, group)
        - sum(s.penalty for s in group)
        - EXTRA_SENTENCE_COST * (len(group) - 1)
        - NOVELTY_WEIGHT * (1.0 - novelty)
    )
    if position > 0 and _ANAPHORIC.search(group[0].text):
        lexical -= ANAPHORA_PENALTY  # quote it with the sentence it leans on
    if question.term and defines(group[0].text, question.term):
        # Naming the term ("we propose X (Y)") is not yet saying what it is.
        lexical += DEFINITION_BONUS * novelty
    return Window(hit_index, position, tuple(s.text for s in group), coverage, lexical)


def _kind_bonus(question: Question, group: Sequence[_Sentence]) -> float:
    """The evidence that the window carries what is asked. For "why", a claim and then its
    reason ("... share all parameters except the SA layers. The reason is that ...") is the
    answer: cues in two sentences count twice."""
    bonuses = sorted((s.bonus for s in group), reverse=True)
    if question.answer_type.kind == Kind.REASON:
        return sum(bonuses[:2])
    return bonuses[0]
