"""What a question asks for (a quantity, a formula, a reason, a method, named instances) and
how much a sentence carries it. Rules on the question's wording, not on any one paper."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from reader.text.query import STOP_WORDS
from reader.text.stems import as_printed, match_stem, match_stems, printed_symbols


class Kind(StrEnum):
    QUANTITY = "quantity"  # a number or setting: "how many layers", "which β2"
    FORMULA = "formula"  # "how is X computed", "what is the update rule"
    REASON = "reason"  # "why ..."
    METHOD = "method"  # "how does X do Y"
    INSTANCES = "instances"  # "which biases", "which two losses"
    OTHER = "other"


# Bonuses are in the units of windows.py's lexical score (coverage weighs 0.45 there).
CARRIES = 0.08  # the sentence has the kind of content asked for
CARRIES_CLOSE = 0.2  # ... right where the asked noun is: "β2 = 0.98", "two losses: A and B"

_HOW_MANY = re.compile(r"\bhow\s+(?:many|much|large|big|long|often|deep|wide)\b(.*)", re.I)
_WHAT_FRACTION = re.compile(
    r"\b(?:what|which)\s+(?:fraction|percentage|proportion|share|number|ratio|amount|"
    r"values?|settings?|hyper-?parameters?)\b(.*)",
    re.I,
)
# "Which β2 does ...", "what learning rate ...", "which temperature τ works best".
_WH_NOUN = re.compile(r"^\s*(?:what|which)\s+(.*)", re.I)
_SETTING_WORDS = """rate size dimension dimensionality temperature decay momentum dropout epoch
    step layer head ratio width depth length batch warmup schedule coefficient threshold percent
    percentage margin setting hyperparameter hyper-parameter value number"""
_SETTING_NOUNS = frozenset(match_stem(w) for w in _SETTING_WORDS.split())
_SYMBOL = re.compile(r"^(?:[α-ωΑ-Ω]\w{0,3}|[a-zA-Z]_?\d|d_?\w{1,6}|[a-zA-Z])$")
_FORMULA = re.compile(
    r"\bhow\s+(?:is|are|was|were|does|do)\b.*\b(?:computed?|calculated?|defined?|"
    r"formulated?|formed?|obtained?|derived?|given|expressed|estimated?|updated?|normali[sz]ed?)\b"
    r"|\b(?:formula|equation|update\s+rule|objective\s+function|expression\s+for|"
    r"loss\s+function)\b|^\s*what\s+(?:is|are)\s+the\s+(?:\w+\s+){0,3}(?:loss|objective)\b",
    re.I,
)
_WHY = re.compile(r"^\s*why\b|\bwhat\s+is\s+the\s+(?:reason|motivation|purpose)\b", re.I)
_HOW = re.compile(r"^\s*(?:how|in\s+what\s+way)\b", re.I)
_WHICH = re.compile(r"^\s*which\b", re.I)
_COUNT = re.compile(r"^\s*which\s+(two|three|four|five|\d)\b", re.I)
_VERB = re.compile(
    r"^(?:is|are|was|were|does|do|did|has|have|can|could|should|would|will|works?|"
    r"used?|set|sets|chosen|gives?)$",
    re.I,
)

# A quantity, not a cross-reference ("Section 3.1", "Table 2", "[12]").
_REFERENCE_WORDS = (
    "Section", "Sec.", "Sections", "Figure", "Fig.", "Figures", "Table", "Tables", "Eq.",
    "Eqn.", "Equation", "Equations", "Appendix", "Algorithm", "Chapter", "Step", "Line",
)  # fmt: skip
_NOT_AFTER = "".join(f"(?<!{re.escape(w)} )(?<!{re.escape(w.lower())} )" for w in _REFERENCE_WORDS)
NUMBER = re.compile(
    rf"(?<![\[\d.\w]){_NOT_AFTER}(?:\d+(?:[.,]\d+)*|\.\d+)(?:\s*[%×x]|\s*[kKMB]\b)?(?![\]\w])"
)
REASON = re.compile(
    r"\b(?:because|since|due\s+to|so\s+that|in\s+order\s+to|the\s+reason|suspect|hypothesi[sz]e|"
    r"to\s+(?:avoid|prevent|counteract|address|overcome|alleviate|remedy|ensure|make|keep|reduce)|"
    r"which\s+(?:is\s+)?not|cannot|caused\s+by|leads?\s+to|leading\s+to|otherwise|"
    r"this\s+(?:allows|enables|ensures|makes|means|is\s+because)|as\s+a\s+result)\b",
    re.I,
)
# A reason said outright: "The reason is that ...", "This is because ...".
STATED_REASON = re.compile(
    r"\b(?:because|the\s+reason|the\s+purpose|the\s+motivation|in\s+order\s+to|so\s+that|"
    r"so\s+as\s+to|due\s+to|(?:is|are)\s+caused\s+by|we\s+(?:suspect|hypothesi[sz]e))\b",
    re.I,
)
METHOD = re.compile(
    r"\bwe\s+(?:\w+ly\s+)?(?:use|add|apply|reshape|prepend|append|compute|employ|adopt|replace|"
    r"feed|map|concatenate|insert|split|maintain|encode|build|introduce|define|let|scale|"
    r"multiply|sum|average|mask|sample|train|treat|transpose|omit|cascade)\b"
    r"|\bby\s+(?:\w+ing)\b|\bis\s+(?:computed|obtained|defined|given)\s+(?:as|by)\b",
    re.I,
)
INSTANCES = re.compile(
    r"\b(?:such\s+as|namely|including|e\.g\.|i\.e\.)\s|\b\w+,\s+\w+,?\s+and\s+\w+",
    re.I,
)
# Math in a sentence: an equality or sum with symbols, or an equation number "(3)".
# "←" is an algorithm's update line ("mt ← β1 · mt−1 + (1 − β1) · gt").
MATH = re.compile(r"[=←∑∏√≈≤≥∝]|\(\d{1,2}\)\s*$|\bis\s+(?:computed|defined|given)\s+(?:as|by)\b")
DEFINES_MATH = re.compile(
    r"\b(?:computed|calculated|defined|given|obtained|formulated)\s+(?:as|by)\b|:\s*$"
    r"|\bas\s+follows\b|\bformula\b|\bequation\b",
    re.I,
)
_TOKEN = re.compile(r"[^\s,;:()\[\]]+")
_RELATION = re.compile(r"^[=≈∝≡←]|^:=")
# Describing words, not names: "image-specific", "inductive", "standard", "additional".
_ADJECTIVE = re.compile(r"(?:ic|al|ive|ous|ful|less|ing|ed|able|ible|ary|ard|ent|ant|er|est)$")


@dataclass(frozen=True)
class AnswerType:
    """The kind of answer a question wants, and the nouns or symbols it asks about."""

    kind: Kind
    nouns: frozenset[str] = frozenset()  # match stems of the asked noun ("layer", "rate")
    # symbols as printed, in lower case like the query ("β2", "τ", "dk", "lcap")
    symbols: frozenset[str] = frozenset()
    context: frozenset[str] = frozenset()  # every match stem of the question

    def bonus(self, sentence: str) -> float:
        """How much `sentence` carries what is asked for."""
        if self.kind == Kind.QUANTITY:
            return self._quantity(sentence)
        if self.kind == Kind.FORMULA:
            if not (MATH.search(sentence) or DEFINES_MATH.search(sentence)):
                return 0.0
            # The formula for the symbol asked about ("u_t" -> "ut = max(β2 · ut−1, |gt|)"):
            # the symbol, then a relation a few tokens on.
            tokens = _TOKEN.findall(sentence)
            for i, token in enumerate(tokens):
                if token.lower() in self.symbols and any(
                    _RELATION.match(t) for t in tokens[i + 1 : i + 5]
                ):
                    return CARRIES_CLOSE
            return CARRIES
        if self.kind == Kind.INSTANCES:
            # Instances listed ("such as A and B") and the asked noun named by a modifier the
            # question lacks ("a gelu activation"): each is evidence, both together more.
            listed = INSTANCES.search(sentence) is not None
            return CARRIES * (listed + self._named_instance(sentence))
        if self.kind == Kind.REASON and STATED_REASON.search(sentence):
            return CARRIES_CLOSE
        pattern = {Kind.REASON: REASON, Kind.METHOD: METHOD, Kind.INSTANCES: INSTANCES}.get(
            self.kind
        )
        return CARRIES if pattern is not None and pattern.search(sentence) else 0.0

    def _named_instance(self, sentence: str) -> bool:
        """The asked noun named by words the question does not have: "which activation" ->
        "a gelu activation" (a name, not an adjective), "which losses" -> "contrastive loss
        and captioning loss" (two kinds of it)."""
        words = re.findall(r"[^\W_][\w-]*", sentence.lower())
        modifiers: set[str] = set()
        for i in range(1, len(words)):
            if match_stem(words[i]) not in self.nouns:
                continue
            before = words[i - 1]
            if before not in STOP_WORDS and match_stem(before) not in self.context:
                modifiers.add(before)
        if len(modifiers) >= 2:
            return True
        return any("-" not in m and not _ADJECTIVE.search(m) for m in modifiers)

    def _quantity(self, sentence: str) -> float:
        numbers = [m.start() for m in NUMBER.finditer(sentence)]
        if not numbers:
            return 0.0
        tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(sentence)]
        for i, (_, token) in enumerate(tokens):
            asked = token.lower() in self.symbols or (
                match_stem(token.strip(".").lower()) in self.nouns
            )
            if not asked:
                continue
            # The asked noun with a number a few words either side: "β2 = 0.98",
            # "a batch size of 4096", "12 layers".
            near = tokens[max(0, i - 3) : i + 9]
            if any(NUMBER.fullmatch(t.strip(".,")) for _, t in near):
                return CARRIES_CLOSE
        return CARRIES / 2


def answer_type(question: str) -> AnswerType:
    """What the question asks for."""
    if _WHY.search(question):
        return AnswerType(Kind.REASON)
    if _FORMULA.search(question):
        return AnswerType(Kind.FORMULA, symbols=printed_symbols(question))
    for pattern in (_HOW_MANY, _WHAT_FRACTION):
        m = pattern.search(question)
        if m:
            nouns, symbols = _asked(m.group(1))
            return AnswerType(Kind.QUANTITY, nouns, symbols)
    m = _WH_NOUN.search(question)
    if m and not _COUNT.search(question):
        nouns, symbols = _asked(m.group(1))
        if symbols or nouns & _SETTING_NOUNS:
            return AnswerType(Kind.QUANTITY, nouns, symbols)
    if _HOW.search(question):
        return AnswerType(Kind.METHOD)
    if _WHICH.search(question):
        nouns, symbols = _asked(question.split(None, 1)[1] if " " in question else "")
        head = _head_noun(question, nouns)
        asked = frozenset({head}) if head else nouns
        return AnswerType(Kind.INSTANCES, asked, symbols, frozenset(match_stems(question)))
    return AnswerType(Kind.OTHER)


def _asked(rest: str) -> tuple[frozenset[str], frozenset[str]]:
    """The noun phrase right after the question word, up to its verb: "β2", "learning rate
    schedule, weight decay and momentum"."""
    nouns: set[str] = set()
    symbols: set[str] = set()
    started = False
    for raw in _TOKEN.findall(rest)[:10]:
        word = re.sub(r"['’]s$", "", raw.strip("?.!\"'"))
        if not word:
            break
        if _VERB.match(word):
            if started or word.lower() not in ("is", "are", "was", "were"):
                break  # "what does the dropout rate control" asks no quantity
            continue  # "what is the learning rate": the noun comes after the verb
        started = started or word.lower() not in STOP_WORDS
        if _SYMBOL.match(word) and (len(word) <= 4 or "_" in word):
            symbols.add(as_printed(word).lower())  # "d_k" is printed "dk"
            if not word.isalpha() or not word.isascii():
                continue
        if word.lower() in STOP_WORDS:
            continue
        nouns.add(match_stem(word.lower()))
    return frozenset(nouns), frozenset(symbols)


def is_display_equation(text: str) -> bool:
    """A displayed formula line: short, an equality or an equation number, a few letters."""
    letters = sum(ch.isalpha() for ch in text)
    return len(text) <= 240 and letters >= 2 and bool(re.search(r"[=←≈≤≥∝]|\(\d{1,2}\)\s*$", text))


def is_settings_sentence(text: str) -> bool:
    """A sentence that states settings: words around numbers and symbols ("We used the Adam
    optimizer with β1 = 0.9, β2 = 0.98 and ϵ = 10−9."), which a prose filter calls symbols."""
    words = re.findall(r"[A-Za-z]{3,}", text)
    return (
        len(text) >= 25
        and len(words) >= 4
        and text[:1].isupper()
        and NUMBER.search(text) is not None
        and not re.search(r"\barXiv\b|\bIn Proceedings\b|\bpp\. \d", text)
    )


def _head_noun(question: str, nouns: frozenset[str]) -> str | None:
    """The first noun of the asked phrase: in "which activation function does", the thing is
    named by its modifier ("a gelu activation"), so the head to look for is "activation"."""
    words = [w for w in re.findall(r"[^\W_][\w-]*", question.lower())[1:4] if w not in STOP_WORDS]
    return next((match_stem(w) for w in words if match_stem(w) in nouns), None)
