"""Chinese and mixed queries mapped to English questions: made-up words, the real grammar."""

from __future__ import annotations

from reader.chinese.cedict import GeneralDictionary
from reader.chinese.lexicon import Lexicon
from reader.chinese.mapping import QueryMapper
from reader.models import GlossaryEntry

ATTENTION = GlossaryEntry(
    term="multi-head attention", definition="d", zh_names=("多头注意力", "多头注意力机制")
)
NORM = GlossaryEntry(
    term="LayerNorm",
    definition="d",
    aliases=("layer normalization",),
    zh_names=("层归一化", "捷径归一化"),
    zh_translates="layer normalization",
    zh_specific=(("捷径归一化", "shortcut norm"),),
)
WORDS = {
    "预训练": ("pre-training",),
    "遮盖": ("mask", "masked"),
    "比例": ("fraction", "proportion"),
    "词": ("token", "word"),
    "注入": ("inject",),
    "位置": ("position",),
    "信息": ("information",),
    "激活函数": ("activation function",),
    "定义": ("define",),
    "除以": ("divide",),
    "根号": ("square root",),
    "编码器": ("encoder",),
    "使用": ("use",),
    "范围": ("range",),
    "计算": ("compute",),
    "均值": ("mean",),
    "方差": ("variance",),
    "共享": ("share",),
    "学习率": ("learning rate",),
    "权重": ("weight",),
    "取": ("set", "take"),
    "比较好": ("works best", "better"),
}


class SpaceSegmenter:
    """The tests type words apart; each Chinese run is one word."""

    def cut(self, text: str) -> list[str]:
        return [text]


def mapper(general: GeneralDictionary | None = None) -> QueryMapper:
    concepts = {name: e for e in (ATTENTION, NORM) for name in e.zh_names}
    return QueryMapper(Lexicon(concepts=concepts, words=WORDS), SpaceSegmenter(), general)


def english(query: str) -> str:
    return mapper().map(query).english


def test_english_only_queries_pass_through_as_typed() -> None:
    m = mapper().map("What is multi-head attention?")
    assert not m.chinese
    assert m.english == "What is multi-head attention"
    assert m.words == () and m.unmatched == ()


def test_what_is_both_word_orders_name_the_concept() -> None:
    for query in ("什么 是 多头注意力？", "多头注意力 是 什么?", "多头注意力机制 是 什么"):
        m = mapper().map(query)
        assert m.english == "what is multi-head attention", query
        assert m.form == "what"
        assert m.concept is ATTENTION
        assert m.concept_english == "multi-head attention"


def test_a_chinese_name_stands_for_its_english_name_not_the_short_form() -> None:
    m = mapper().map("层归一化")
    assert m.english == "layer normalization" and m.concept is NORM
    assert mapper().map("捷径归一化").english == "shortcut norm"  # a name of one alias


def test_why_comes_first_english_tokens_stay_as_typed() -> None:
    assert english("为什么 要 除以 sqrt(d_k)？") == "why divide sqrt(d_k)"
    assert english("为什么 多头注意力 要 除以 根号 d_k") == (
        "why multi-head attention divide square root d_k"
    )


def test_how_asks_for_a_method_or_with_a_formula_verb_for_a_formula() -> None:
    assert english("Transformer 是 如何 注入 位置 信息 的？") == (
        "how does Transformer inject position information"
    )
    assert english("GELU 激活函数 是 怎么 定义 的？") == "how is GELU activation function defined"


def test_how_many_and_what_fraction() -> None:
    assert english("编码器 有 几层") == "how many layers does encoder"
    assert english("BERT 预训练 时 遮盖 多少 比例 的 词") == (
        "what fraction of tokens does mask during BERT pre-training"
    )
    # 多大 before a judgement asks a value: "m取多大比较好".
    assert english("m 取 多大 比较好") == "what value of m works best"
    # A value with no noun after the question word: "what value of ..."
    assert english("学习率 是 多少？") == "what value of learning rate"
    assert english("权重 设为 多少") == "what value of weight"


def test_which_puts_the_asked_noun_first() -> None:
    m = mapper().map("BERT 使用 哪种 激活函数")
    assert m.english == "which activation function does BERT use"
    assert m.form == "which"
    assert english("BERT 使用 哪 种 激活函数") == "which activation function does BERT use"


def test_negation_and_locatives_are_kept_in_english_order() -> None:
    assert english("为什么 编码器 不 共享 权重") == "why encoder not share weight"
    assert english("BLIP 里 的 CapFilt 是 什么？") == "what is CapFilt in BLIP"
    assert english("层归一化 在 什么 范围 内 计算 均值 和 方差") == (
        "what range does layer normalization compute mean and variance"
    )


def test_a_name_glossed_in_the_other_language_keeps_its_english() -> None:
    # Chinese, then its English name in brackets: the papers' name is the English one.
    assert english("什么 是 多头注意力 (MHA)？") == "what is MHA"
    # English, then its Chinese name in brackets (full-width, as typed in Chinese).
    assert english("什么 是 internal covariate shift（内部 协变量）？") == (
        "what is internal covariate shift"
    )


def test_unknown_chinese_words_are_reported_not_dropped_silently() -> None:
    m = mapper().map("什么 是 量子纠缠 的 预训练")
    assert m.unmatched == ("量子纠缠",)
    assert m.english == "what is pre-training"
    assert [w.chinese for w in m.words] == ["预训练"]


def test_an_unknown_word_made_of_known_words_is_read_as_them() -> None:
    m = mapper().map("位置信息")
    assert m.english == "position information" and m.unmatched == ()


def test_the_general_dictionary_fills_in_words_the_lists_lack(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cedict = tmp_path / "cedict.txt"
    cedict.write_text(
        "隊列 队列 [dui4 lie4] /formation (of troops)/(computing) queue/\n"
        "維護 维护 [wei2 hu4] /to maintain/to defend/\n",
        encoding="utf-8",
    )
    m = mapper(GeneralDictionary(cedict)).map("为什么 使用 队列 维护 编码器")
    assert m.english == "why use queue maintain encoder"
    assert {(w.chinese, w.source) for w in m.words} >= {
        ("队列", "cc-cedict"),
        ("维护", "cc-cedict"),
    }
    assert m.unmatched == ()


def test_only_question_words_give_an_empty_english_query() -> None:
    m = mapper().map("什么 是 的 吗？")
    assert m.chinese and m.english == "" and m.unmatched == ()


def test_full_width_punctuation_is_read_as_ascii() -> None:
    assert english("什么是多头注意力？") == english("什么 是 多头注意力?")
    assert english("（多头注意力）") == "multi-head attention"


def test_a_short_name_is_read_with_each_sense_for_the_papers_to_choose() -> None:
    words = {**WORDS, "核": ("kernel", "nucleus"), "采样": ("sampling", "sample")}
    m = QueryMapper(Lexicon(concepts={}, words=words), SpaceSegmenter()).map("核 采样")
    assert m.english == "kernel sampling"
    assert m.readings[:2] == ("kernel sampling", "kernel sample")
    assert "nucleus sampling" in m.readings
    # The likeliest senses come first: a later sense of one word before later senses of both.
    assert m.readings.index("nucleus sampling") < m.readings.index("nucleus sample")
    # A question is not a name: it has no readings; a glossary concept needs none.
    assert mapper().map("为什么 要 遮盖 词").readings == ()
    assert mapper().map("多头注意力").readings == ()


def test_rather_than_is_instead_of() -> None:
    assert english("为什么 使用 根号 而不 使用 均值") == "why use square root instead of use mean"
    assert english("为什么 使用 根号 而不是 均值") == "why use square root instead of mean"


def test_a_noun_in_front_of_another_is_also_read_as_its_adjective() -> None:
    words = {**WORDS, "归纳": ("sum up", "induction"), "偏好": ("preference", "bias")}
    m = QueryMapper(Lexicon(concepts={}, words=words), SpaceSegmenter()).map("归纳 偏好")
    assert "inductive bias" in m.readings and "induction bias" in m.readings
    assert not any(r.endswith("inductive") for r in m.readings)  # the last word stays a noun


def test_word_forms_the_papers_may_print_are_tried_next_to_each_sense() -> None:
    words = {
        **WORDS,
        "指数": ("exponential",),
        "移动": ("move",),
        "平均": ("average",),
        "实例": ("instance",),
        "判别": ("discriminate",),
        "编码": ("code",),
    }
    lexicon = Lexicon(concepts={}, words=words)

    def readings(query: str) -> tuple[str, ...]:
        return QueryMapper(lexicon, SpaceSegmenter()).map(query).readings

    moving = readings("指数 移动 平均")
    assert moving[0] == "exponential move average"  # the senses as written come first
    assert moving.index("exponential moving average") < 3  # a derived form right after
    assert "instance discrimination" in readings("实例 判别")
    assert "instance coding" in readings("实例 编码")


def test_a_quality_of_a_known_word_is_its_noun() -> None:
    words = {**WORDS, "不变": ("constant", "invariant"), "稳定": ("stable",)}
    lexicon = Lexicon(concepts={}, words=words)
    m = QueryMapper(lexicon, SpaceSegmenter()).map("不变性")
    assert m.english == "invariance" and m.unmatched == ()  # not "constance"
    assert QueryMapper(lexicon, SpaceSegmenter()).map("稳定性").english == "stability"
    assert QueryMapper(lexicon, SpaceSegmenter()).map("未知性").unmatched != ()


def test_taking_a_value_before_the_count_word_is_the_question_itself() -> None:
    # 取多大: "what value", not "set what value"; 取 elsewhere keeps its sense.
    assert english("学习率 取 多大") == "what value of learning rate"
    assert "set" not in english("学习率 取 多少")
    assert "set" in english("学习率 怎么 取")
