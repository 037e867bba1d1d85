"""Is a sentence prose worth quoting as a definition, or figure labels, a formula, a log line?

`is_prose` in sentences.py only keeps out table rows and reference entries. Figure labels that
reach the text ("contrastive loss contrastive loss gradient gradient q·k encoder q …") are
letters too, so these checks look at what English prose has and labels lack: function words,
little repetition, and an opening that is a word rather than a formula.
"""

from __future__ import annotations

import re
from collections import Counter

from reader.text.query import STOP_WORDS

# One whitespace token that is a plain word, maybe in brackets or quotes, maybe with punctuation.
_WORD = re.compile(r"^[(\"“‘']?([A-Za-z][a-z]*(?:['’\-][A-Za-z]+)*)[)\"”’',.;:!?]*$")
_MATH = re.compile(r"[=+×·∈≤≥⊙∑Σ∏∂∇^_|{}\[\]≜→←∼≈√∗⊤⊕⊗∝]|−|\w\(")
_CITATION = re.compile(r"\[[\d,;\s–-]+\]|\([^()]*\b(?:19|20)\d\d[a-z]?\)")
# A number standing alone ("100", "76.5%", "5e-5,", "(2)"), not a name with digits ("ResNet-50").
_NUMBER = re.compile(r"[(\[]?[-+±~]?\d[\d.,]*(?:e-?\d+)?[%×xkKMB]?[)\],;:.]*")
_EXPERIMENT = re.compile(
    r"\b(?:epochs?|iterations?|steps|experiments?|accuracy|acc|top-?[15]|error\s+rates?|BLEU|F1|mAP|AP\d*"
    r"|CIDEr|perplexity|batch\s+size|learning\s+rate|we\s+train(?:ed)?"
    r"|trained\s+(?:for|on|with)|fine-?tun\w*|achiev\w*|outperform\w*|improvements?|results?"
    r"|baselines?|hyper-?parameters?|benchmarks?|gains?|warm-?up|schedule)\b"
    r"|\d\s?%|(?:\bof|=)\s*[-+]?\d",  # "a dropout probability of 0.1", "ϵls = 0.1"
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"\s*\[[^\[\]]{1,60}\]")
# "Table 3", "Fig. 2b", "Eq. (4)", "Section 3.2": pointers, not numbers of an experiment.
_POINTER = re.compile(
    r"\b(?:table|tab\.|fig(?:ure)?\.?|eqn?\.?|equation|sec(?:tion)?\.?|appendix)\s*\(?[A-Z]?\d+(?:\.\d+)*[a-z]?\)?",
    re.IGNORECASE,
)
# "(a)", "(b):" opening a sentence: a sub-figure's caption.
_SUBFIGURE = re.compile(r"^\([a-h]\)\s*:\s")
_ENUMERATOR = re.compile(r"^(?:\((?:[a-h]|[ivx]{1,4}|\d{1,2})\)|[a-h1-9][.)]|•)\s+")
# Past or present verb forms, for a short sentence with no function word ("X utilized Y").
_VERBISH = re.compile(r"^[a-z]{3,}(?:ed|es|izes|ises)$")


def words(sentence: str) -> list[str]:
    """The plain words of a sentence, lower-case (no numbers, symbols or variables with digits)."""
    found = []
    for token in sentence.split():
        m = _WORD.match(token)
        if m:
            found.append(m.group(1).lower())
    return found


def label_run(sentence: str) -> bool:
    """True for figure or table labels run together: few plain words, hardly any function word,
    or the same few words repeated ("encoder q encoder k encoder", "gar gar gar zt zt+1")."""
    tokens = sentence.split()
    if len(tokens) < 4:
        return True
    plain = words(sentence)
    if len(plain) < 0.5 * len(tokens):
        return True
    function = [w for w in plain if w in STOP_WORDS]
    content = Counter(w for w in plain if w not in STOP_WORDS)
    top = content.most_common(1)[0][1] if content else 0
    few_function = len(function) < 0.2 * len(plain)
    if top >= 3 and len(content) < 0.6 * sum(content.values()) and few_function:
        return True
    if re.search(r"\b(\w+)(?:\s+\1\b){2}", sentence):
        return True  # "gradient gradient gradient", "genc genc genc": a figure's labels
    if not function:
        # "Early neurons utilized threshold units" is prose with no function word; labels are not.
        return not any(_VERBISH.match(w) for w in plain)
    return len(plain) >= 10 and len(function) < 0.1 * len(plain)


def formula_opening(sentence: str, allowed_start: str = "") -> bool:
    """True when a sentence opens with a formula or in the middle of one ("p E] + Epos, E ∈",
    "exp(q·k+/τ) Lq = …", "= LN(z)"), or mid-sentence in lower case ("the cost of …").

    `allowed_start`: a prefix that may open the sentence anyway (a term written in lower case).
    """
    # An enumerator opens items of prose lists: "(b) Captioning and Filtering (CapFilt): …".
    text = _ENUMERATOR.sub("", sentence.lstrip())
    if allowed_start and text.startswith(allowed_start):
        return False
    if not text or not (text[0].isalpha() or text[0] in "\"“‘'(" or text[0].isdigit()):
        return True
    # Citations and bracketed tokens ("[2, 34]", "[Decode]") are words here, not formulas.
    opening = _BRACKETED.sub("", text).split()[:3]
    if not opening:
        return True
    if any(_MATH.search(t) for t in opening):
        return True
    first = opening[0].strip("\"“‘'(")
    if not first:
        return True
    if first[0].isdigit():
        # "5The final model …" is a footnote; "16 heads …" is rare in a definition either way.
        return bool(re.match(r"\d+[A-Za-z]", first)) or len(opening) < 2
    # A lone variable ("x is the input") or a lower-case start cut from a longer sentence.
    return first[0].islower() or (len(first) == 1 and first not in {"A", "I"})


def experiment_log(sentence: str) -> bool:
    """True for a sentence that reports an experiment: numbers with training or result words
    ("we train for 100 epochs … achieves 76.5%"), a hyper-parameter list, a table of results."""
    text = _CITATION.sub(" ", sentence)
    pointers = len(_POINTER.findall(text))
    text = _POINTER.sub(" ", text)
    numbers = sum(1 for t in text.split() if _NUMBER.fullmatch(t))
    cues = len(_EXPERIMENT.findall(text))
    if numbers >= 4:
        return True
    return cues >= 1 and (numbers >= 1 or pointers >= 1)


def cut_off(sentence: str) -> bool:
    """True for a sentence that stops without punctuation on content words: figure labels
    broke into it ("… unable to find solutions that x weight layer relu")."""
    text = sentence.rstrip()
    if not text or text[-1] in ".!?:;…)]\"”’'":
        return False
    tail = text.split()[-3:]
    return not any(w.strip(",").lower() in STOP_WORDS for w in tail)


def subfigure_caption(sentence: str) -> bool:
    """True for "(b): The key representations are sampled …", a caption's part."""
    return bool(_SUBFIGURE.match(sentence))
