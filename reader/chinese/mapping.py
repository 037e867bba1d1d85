"""A query typed in Chinese, or Chinese mixed with English, as the English question the rest
of `reader` answers: known terms become the papers' English, the question's form becomes an
English question word in front, English tokens stay as typed, and unknown words are reported."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from reader.chinese.cedict import GeneralDictionary
from reader.chinese.lexicon import Lexicon
from reader.chinese.segment import Segmenter, has_chinese, split_runs
from reader.models import GlossaryEntry, MappedWord, QueryMapping
from reader.text.query import normalize_text


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Function words: they shape the sentence, not its topic.
_STOP = _set(
    "的 了 在 把 被 要 会 能 可以 呢 啊 吧 呀 这 那 这个 那个 这些 那些 "
    "一个 个 之 其 对 对于 从 为 所 地 得 着 过 就 都 也 还 又 而 并 让 "
    "使 给 向 到 于 以 由 请问 请 一下 我 我们 你 你们 他们 它 它们 该 此 "
    "有 去 来 所以 因此 等 的话 如果 那么 这样 这么 论文 文中 本文 文章 一种 "
    "到底 究竟 具体 么样 意思 指 指的是 是指 叫 叫做 称为 所谓 做 进行 一共 "
    "总共 很 非常 比较 分别 各自 主要 通常 一般 只 仅 仅仅 样 出来 "
    "起来 更 最 完 说 所说 这种 那种 此类 这类 反而 一条 一些 一组 一项 一张 一篇 一句 一段"
)
_COPULA = _set("是 为 即")
_NOT = _set("不 没 没有 未 无 非 不是 并非 无法 不能 不会 不用 不必")
_INSTEAD = _set("而不是 而非 而不 而不用")
_AND = _set("和 与 及 以及 跟 同 并且 而且")
_OR = _set("或 或者")
# 里 / 中 after a name: "BLIP里的CapFilt" is "CapFilt in BLIP"; 时: "预训练时" is "during".
_LOCATIVES = {"里": "in", "中": "in", "里面": "in", "当中": "in", "之中": "in", "内": "in",
              "上": "on", "时": "during", "时候": "during", "的时候": "during",
              "期间": "during", "过程中": "during"}  # fmt: skip
_WHY = _set("为什么 为何 为啥 何以 凭什么")
_HOW = _set("如何 怎么 怎样 怎么样 咋 怎麼 如何才能 怎么才能")
_WHAT = _set("什么 啥 什麼 何为 何谓 干什么 干嘛")
_YES_NO = _set("是否 是不是 有没有 能否 可否 会不会 能不能 对不对")
_YES_NO_END = _set("吗 嘛 么")
_HOW_MUCH = {"多大": "how large", "多长": "how long", "多深": "how deep", "多宽": "how wide",
             "多久": "how long", "多高": "how high", "多快": "how fast"}  # fmt: skip
_NUMERALS = {"一": "one", "两": "two", "二": "two", "三": "three", "四": "four", "五": "five",
             "六": "six", "七": "seven", "八": "eight", "九": "nine", "十": "ten"}  # fmt: skip
# Measure words after 几 / 哪: 几层 is "how many layers", 哪种 just "which".
_MEASURES = {"层": "layers", "个": "", "种": "", "类": "", "些": "", "次": "times", "步": "steps",
             "倍": "times", "项": "", "部分": "parts", "块": "blocks", "头": "heads",
             "点": "points", "方面": "aspects"}  # fmt: skip
_RATIO = _set("fraction proportion percentage percent ratio share")
# Said of the thing asked about, never the thing itself: "m取多大比较好" asks a value.
_PREDICATES = _set("best better good")
# "怎么计算" asks for a formula: "how is X computed", as an English reader would ask it.
_PARTICIPLES = {"compute": "computed", "calculate": "calculated", "define": "defined",
                "obtain": "obtained", "derive": "derived", "update": "updated",
                "normalize": "normalized", "formulate": "formulated"}  # fmt: skip
_FORMULA_VERBS = frozenset(_PARTICIPLES)
_QUESTION_WORDS = sorted(
    {*_WHY, *_HOW, *_WHAT, *_YES_NO, *_HOW_MUCH, "多少", "第几", "百分之多少"},
    key=len,
    reverse=True,
)
# Cut the text at question words first, so the segmenter cannot merge one into a neighbour
# ("取多大" is 取 + 多大, not 取多 + 大).
_QUESTION_SPLIT = re.compile("(" + "|".join(map(re.escape, _QUESTION_WORDS)) + ")")
# "对比预测编码 (CPC)" / "internal covariate shift (内部协变量偏移)": the two name one thing.
_GLOSSED = re.compile(r"\(\s*([^()]*?)\s*\)")
_TRAILING = " ?!.,;:。，？！；：、\"'“”‘’"


def question_words() -> list[str]:
    """The question words, for the segmenter's dictionary."""
    return list(_QUESTION_WORDS)


def _modifier_forms(sense: str) -> tuple[str, ...]:
    """What a one-word sense may be in front of a noun: induction → inductive, contrast →
    contrastive, move → moving."""
    if " " in sense or not sense.isalpha() or len(sense) < 4:
        return ()
    forms = []
    if sense.endswith("ion"):
        forms.append(sense[: -len("ion")] + "ive")
    elif sense.endswith(("ct", "st")):
        forms.append(sense + "ive")
    return (*forms, *_gerund(sense))


def _gerund(sense: str) -> tuple[str, ...]:
    """A verb's -ing form (move → moving, code → coding); nouns and adjectives have none."""
    if sense.endswith(("ing", "on", "ive", "al", "ic", "y", "ment", "ness", "er", "or", "ce")):
        return ()
    return ((sense[:-1] if sense.endswith("e") else sense) + "ing",)


def _quality_noun(sense: str) -> str | None:
    """The noun of a one-word quality: invariant → invariance, stable → stability."""
    if " " in sense or not sense.isalpha() or len(sense) < 4 or sense.endswith("stant"):
        return None  # constant → constancy, not "constance": too irregular to guess
    for adjective, noun in (("ble", "bility"), ("ant", "ance"), ("ent", "ence"), ("al", "ality")):
        if sense.endswith(adjective):
            return sense[: -len(adjective)] + noun
    return sense + "ness" if sense.endswith(("ust", "ive", "ous", "ear", "ict")) else None


def _noun_forms(sense: str) -> tuple[str, ...]:
    """The noun a one-word verb sense names: discriminate → discrimination, normalize →
    normalization, invariant → invariance."""
    if " " in sense or not sense.isalpha() or len(sense) < 4:
        return ()
    for verb, noun in (("ate", "ation"), ("ize", "ization"), ("ant", "ance"), ("ent", "ence")):
        if sense.endswith(verb):
            return (sense[: -len(verb)] + noun,)
    return _gerund(sense)


@dataclass
class _Item:
    english: str
    cue: bool = False  # a question word's place, "and", "or": not a topic word
    copula: bool = False  # 是: "什么是X" asks "what is X"
    locative: str = ""  # "in" / "on" / "during": moves its name after the words it governs
    chinese: bool = False  # mapped from a Chinese word
    senses: tuple[str, ...] = ()  # every English the word lists give it, the first in use
    zh: str = ""  # the Chinese word it came from (for the other senses of a short name)


@dataclass
class _Parse:
    items: list[_Item] = field(default_factory=list)
    form: str | None = None  # why | how | what | count | which | yes-no
    form_at: int = -1  # index in items where the question word stood
    count_words: str = ""  # "how large", "two" (哪两个), "layers" (几层)
    ratio: str = ""  # "percentage" (百分之多少)


class QueryMapper:
    """Maps Chinese and mixed queries; English-only queries pass through unchanged."""

    def __init__(
        self,
        lexicon: Lexicon,
        segmenter: Segmenter,
        general: GeneralDictionary | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.segmenter = segmenter
        self.general = general

    def map(self, query: str) -> QueryMapping:
        text = _drop_glosses(normalize_text(query))
        if not has_chinese(text):
            return QueryMapping(original=query, english=_join(_english_tokens(text)))
        state = _State()
        for chinese, run in split_runs(text):
            if not chinese:
                if re.match(r"\s*\(\s*[A-Za-z]", run) and state.parse.items:
                    _english_name_of_chinese(state.parse)
                state.parse.items.extend(_Item(t) for t in _english_tokens(run))
                continue
            for part in _QUESTION_SPLIT.split(run):
                if not part:
                    continue
                tokens = [part] if part in _QUESTION_WORDS else self.segmenter.cut(part)
                for token in self._rejoined(tokens):
                    self._token(token, state)
        parse = state.parse
        content = [i for i in parse.items if i.english and not i.cue]
        only = len(state.concepts) == 1 and len(content) == 1 and parse.form in (None, "what")
        return QueryMapping(
            original=query,
            english=_english(parse),
            form=parse.form,
            words=tuple(state.words),
            unmatched=tuple(dict.fromkeys(state.unmatched)),
            concept=state.concepts[0] if only else None,
            concept_english=_words(parse.items)[0] if only else None,
            readings=self._readings(content) if parse.form in (None, "what") and not only else (),
            chinese=True,
        )

    def _rejoined(self, tokens: list[str]) -> list[str]:
        """A word the segmenter split off its last character (统计 + 量) is put back together
        when that character means nothing alone and the whole is a known word (统计量)."""
        out: list[str] = []
        for token in tokens:
            if out and len(token) == 1 and has_chinese(token) and self._meaningless(token):
                joined = out[-1] + token
                if has_chinese(out[-1]) and self._known_word(joined):
                    out[-1] = joined
                    continue
            out.append(token)
        return out

    def _meaningless(self, char: str) -> bool:
        trial = _State()
        self._token(char, trial)
        return not trial.parse.items and not trial.words and trial.unmatched == [char]

    def _known_word(self, word: str) -> bool:
        if word in self.lexicon.concepts or word in self.lexicon.words:
            return True
        return self.general is not None and self.general.get(word) is not None

    def _token(self, token: str, state: _State) -> None:
        parse = state.parse
        entry = self.lexicon.concepts.get(token)
        if entry is not None:
            english = entry.english_for(token)
            state.concepts.append(entry)
            state.words.append(MappedWord(token, english, source="glossary"))
            parse.items.append(_Item(english, chinese=True))
            return
        if _cue(token, parse) or _grammar(token, parse) or token in _STOP:
            return
        known = self.lexicon.words.get(token)
        if known is not None:
            state.words.append(MappedWord(token, known[0], source="lexicon"))
            parse.items.append(_Item(known[0], chinese=True, senses=known, zh=token))
            return
        if not has_chinese(token):
            return
        general = self.general.get(token) if self.general is not None and len(token) > 1 else None
        if general is None and self._quality(token, state):
            return
        if general is not None:
            state.words.append(MappedWord(token, general[0], source="cc-cedict"))
            parse.items.append(_Item(general[0], chinese=True, senses=general, zh=token))
            return
        self._pieces(token, state)

    def _readings(self, content: list[_Item]) -> tuple[str, ...]:
        """A short name read with each sense of its words (核采样: "kernel sampling",
        "nucleus sampling", ...), likeliest senses first, for the papers to choose from; the
        first is `english`. A noun in front of another may be the adjective the papers print
        (归纳偏置: "induction" → "inductive bias")."""
        if not 1 <= len(content) <= 3:
            return ()
        options: list[list[str]] = []
        for position, item in enumerate(content):
            general = self.general.get(item.zh) if self.general and item.zh else None
            senses = list(dict.fromkeys([*item.senses[:4], *(general or ())[:4]]))
            derive = _modifier_forms if position < len(content) - 1 else _noun_forms
            # Each derived form right after the sense it comes from: as likely as that sense.
            forms = [form for sense in senses or [item.english] for form in (sense, *derive(sense))]
            options.append(list(dict.fromkeys(forms)))
        combos = sorted(
            itertools.product(*(range(len(o)) for o in options)), key=lambda ranks: sum(ranks)
        )[:_MAX_READINGS]  # a stable sort: equal ranks keep the first word's order
        readings = [" ".join(options[i][r] for i, r in enumerate(ranks)) for ranks in combos]
        return tuple(readings) if len(readings) > 1 else ()

    def _quality(self, token: str, state: _State) -> bool:
        """X性 names the quality of a known X: 不变性 → invariance, 稳定性 → stability."""
        if len(token) < 3 or not token.endswith("性"):
            return False
        stem = token[:-1]
        known = self.lexicon.words.get(stem) or (self.general.get(stem) if self.general else None)
        nouns = tuple(dict.fromkeys(n for sense in known or () if (n := _quality_noun(sense))))
        if not nouns:
            return False
        state.words.append(MappedWord(token, nouns[0], source="derived"))
        state.parse.items.append(_Item(nouns[0], chinese=True, senses=nouns, zh=token))
        return True

    def _pieces(self, token: str, state: _State) -> None:
        """An unknown word read as known words in a row ("位置信息" = 位置 + 信息)."""
        i, rest = 0, ""
        while i < len(token):
            piece = self.lexicon.longest_known(token, i)
            if piece is None:
                rest += token[i]
                i += 1
                continue
            _unknown(rest, state)
            rest = ""
            self._token(piece, state)
            i += len(piece)
        _unknown(rest, state)


@dataclass
class _State:
    parse: _Parse = field(default_factory=_Parse)
    words: list[MappedWord] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    concepts: list[GlossaryEntry] = field(default_factory=list)


def _english_name_of_chinese(parse: _Parse) -> None:
    """ "对比预测编码 (CPC)": the English in brackets names the Chinese words right before it,
    so those words' own translations go (the bracketed name is the papers' own)."""
    while parse.items and parse.items[-1].chinese and not parse.items[-1].cue:
        parse.items.pop()


def _unknown(text: str, state: _State) -> None:
    if text and not all(ch in _STOP or ch in _LOCATIVES or ch in _COPULA for ch in text):
        state.unmatched.append(text)


def _grammar(token: str, parse: _Parse) -> bool:
    """Words that shape the English question: and, or, not, is, in, measure words."""
    if token in _AND:
        parse.items.append(_Item("and", cue=True))
    elif token in _OR:
        parse.items.append(_Item("or", cue=True))
    elif token in _NOT and parse.items and parse.items[-1].english == "but":
        parse.items[-1] = _Item("instead of")  # 而不 (用 X): "rather than X"
    elif token in _NOT:
        parse.items.append(_Item("not"))
    elif token in _INSTEAD:
        parse.items.append(_Item("instead of"))
    elif token == "而":
        parse.items.append(_Item("but", cue=True))
    elif token in _COPULA:
        parse.items.append(_Item("", cue=True, copula=True))
    elif token in _LOCATIVES:
        parse.items.append(_Item("", cue=True, locative=_LOCATIVES[token]))
    elif (
        token in _MEASURES
        and parse.items
        and parse.items[-1].cue
        and parse.form
        in (
            "count",
            "which",
        )
    ):
        # 哪/种, 几/个 cut apart: the measure word belongs to the question word.
        parse.count_words = parse.count_words or _MEASURES[token]
    else:
        return False
    return True


def _cue(token: str, parse: _Parse) -> bool:
    """Record a question word; True when `token` was one."""
    form: str | None = None
    if token in _WHY:
        form = "why"
    elif token in _HOW:
        form = "how"
    elif token in _WHAT:
        form = "what"
    elif token in _YES_NO or token in _YES_NO_END:
        form = "yes-no"
    elif token in _HOW_MUCH:
        form, parse.count_words = "count", _HOW_MUCH[token]
    elif token in ("多少", "百分之多少") or (token.startswith("几") and len(token) <= 3):
        form = "count"
        parse.count_words = _MEASURES.get(token[1:], "") if token.startswith("几") else ""
        last = next((i for i in reversed(parse.items) if i.english or not i.cue), None)
        if token == "百分之多少":
            parse.ratio = "percentage"
        elif last is not None and last.english in _RATIO:
            parse.ratio = last.english  # "百分比是多少"
            parse.items.remove(last)
    elif token.startswith("哪") and len(token) <= 4 and token != "哪里":
        form = "which"
        rest = token[1:]
        parse.count_words = _NUMERALS.get(rest[:1], "") or _MEASURES.get(rest, "")
    elif token == "第几":
        form = "which"
    if form is None:
        return False
    if form == "count" and parse.items and parse.items[-1].zh in _TAKES_VALUE:
        parse.items.pop()  # 取多大 / 设为多少: "what value", not "set what value"
    # The first question word sets the form, but "why" wins over any, and any over "what"
    # ("用什么方法如何..." asks how).
    first = parse.form is None or (parse.form == "what" and form != "what")
    if parse.form != "why" and (first or form == "why"):
        parse.form, parse.form_at = form, len(parse.items)
    parse.items.append(_Item("", cue=True))
    return True


_TAKES_VALUE = _set("取 取值 设 设为 设置为 设成 设置成 定为")
_MAX_READINGS = 128  # each is one FTS phrase count, ~0.15 ms


def _english(parse: _Parse) -> str:
    """The English question: its question word in front, the words in the order typed."""
    items = parse.items
    if not any(i.english and not i.cue for i in items):
        return ""  # only question and function words: nothing to ask about
    if parse.form is None:
        return _join(_words(items))
    before = _reorder(items[: parse.form_at])
    after_items = items[parse.form_at + 1 :]
    after = _words(_reorder(after_items))
    if parse.form == "why":
        return _join(["why", *_words(before), *after])
    if parse.form == "yes-no":
        return _join(["does", *_words(before), *after])
    if parse.form == "how":
        verb = next((w for w in after if w), "")
        if verb in _FORMULA_VERBS:
            rest = after[after.index(verb) + 1 :]
            return _join(["how", "is", *_words(before), _PARTICIPLES[verb], *rest])
        return _join(["how", "does" if _words(before) else "to", *_words(before), *after])
    subject = _words(before)
    asks_is = (bool(after_items) and after_items[0].copula) or (bool(before) and before[-1].copula)
    noun, rest = _wh_noun(after_items)
    if parse.form == "what":
        if asks_is or not noun or not rest:
            # "X是什么", "什么是X", "X的作用是什么": what is X.
            return _join(["what", "is", *subject, *noun, *rest])
        return _join(["what", *noun, "does", *subject, *rest])
    if parse.form == "which":
        lead = ["which", parse.count_words, *noun]
        return _join([*lead, "does", *subject, *rest] if subject else [*lead, *rest])
    # count: "how many layers", "what percentage of tokens", "what value of β2"
    does = ["does", *subject] if subject else []
    if parse.count_words.startswith("how") and noun and rest:
        return _join([parse.count_words, *noun, *does, *rest])
    if parse.ratio:
        return _join(["what", parse.ratio, "of", *_plural(noun), *rest, *does])
    if parse.count_words and not parse.count_words.startswith("how"):
        return _join(["how", "many", parse.count_words, *_plural(noun), *does, *rest])
    if noun and noun[0].split(" ")[0] in _RATIO:
        return _join(["what", noun[0], "of", *_plural(noun[1:]), *does, *rest])
    if not noun:
        return _join(["what", "value", "of", *subject, *rest])  # "β2设为多少", "m取多大比较好"
    return _join(["how", "many", *_plural(noun), *does, *rest])


def _plural(noun: list[str]) -> list[str]:
    """ "how many layer" reads "how many layers": the last word of a counted noun, plural."""
    if not noun or not noun[-1][-1:].isalpha() or not noun[-1].islower():
        return noun
    word = noun[-1]
    if word.endswith("s"):
        plural = word
    elif word.endswith("y") and word[-2:-1] not in "aeiou":
        plural = word[:-1] + "ies"
    else:
        plural = word + "s"
    return [*noun[:-1], plural]


def _reorder(items: list[_Item]) -> list[_Item]:
    """ "BLIP 里 CapFilt" -> "CapFilt in BLIP": a locative's name (the words since the last
    question word) goes after the words it holds."""
    for k, item in enumerate(items):
        if not item.locative:
            continue
        start = max((j + 1 for j in range(k) if _boundary(items[j])), default=0)
        lead, head, tail = items[:start], items[start:k], _reorder(items[k + 1 :])
        named = [i for i in head if i.english and not i.cue]
        if named and any(i.english and not i.cue for i in tail):
            return [*lead, *tail, _Item(item.locative), *head]
        return [*lead, *head, *tail]
    return items


def _boundary(item: _Item) -> bool:
    """A question word's place: a locative's name does not reach back past it."""
    return item.cue and not item.english and not item.locative and not item.copula


def _words(items: Iterable[_Item]) -> list[str]:
    return [i.english for i in items if i.english]


def _wh_noun(after: list[_Item]) -> tuple[list[str], list[str]]:
    """The noun a question word asks about: the next word, and one more when the first is a
    ratio ("多少比例的词" -> "fraction", "token")."""
    words = _words(after)
    first = next((k for k, i in enumerate(after) if i.english), None)
    if first is None or after[first].cue or any(i.copula for i in after[:first]):
        return [], words
    if after[first].english.split(" ")[-1] in _PREDICATES:
        return [], words
    noun = [after[first].english]
    following = [i for i in after[first + 1 :] if i.english]
    if following and not following[0].cue and noun[0].split(" ")[0] in _RATIO:
        return [*noun, following[0].english], _words(following[1:])
    return noun, _words(following)


def _english_tokens(run: str) -> list[str]:
    """English typed in the query, as typed, without trailing punctuation or stray brackets."""
    tokens: list[str] = []
    for raw in run.split():
        token = raw.strip(_TRAILING)
        if token.startswith("(") and token.endswith(")"):
            token = token[1:-1]
        if token.startswith("(") and ")" not in token:
            token = token[1:]
        if token.endswith(")") and "(" not in token:
            token = token[:-1]
        if re.search(r"\w", token):
            tokens.append(token)
    return tokens


def _drop_glosses(text: str) -> str:
    """ "internal covariate shift (内部协变量偏移)": the Chinese in brackets names the English
    before it again, so it goes."""

    def one(m: re.Match[str]) -> str:
        before = text[: m.start()].rstrip()
        if has_chinese(m.group(1)) and before[-1:].isascii() and before[-1:].isalnum():
            return " "
        return m.group(0)

    return _GLOSSED.sub(one, text)


def _join(words: Iterable[str]) -> str:
    kept: list[str] = []
    for w in words:
        if w and (not kept or kept[-1] != w):
            kept.append(w)
    while kept and kept[-1] in ("and", "or"):
        kept.pop()
    start = next((k for k, w in enumerate(kept) if w not in ("and", "or")), len(kept))
    return " ".join(kept[start:])
