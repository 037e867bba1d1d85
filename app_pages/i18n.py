"""The app's words in English and Chinese, and the sidebar switch between them.

Every label, button, message and empty state the app writes is here, in both languages;
tests/app/test_i18n.py fails on a string left in one language or written into a page directly.
Paper text, answers and the library's own error details stay in English, as the papers are.
"""

from __future__ import annotations

import streamlit as st

from reader import Library, ReaderError

LANGUAGE = "ui_language"  # session key: the language of this browser session
_PICKED = "w_ui_language"  # the sidebar widget's own key
_SAVE_FAILED = "ui_language_not_saved"
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

# key: (English, 中文). {name} fields are filled by t(key, name=...).
STRINGS: dict[str, tuple[str, str]] = {
    # navigation and the language switch
    "nav.library": ("Library", "书库"),
    "nav.read": ("Read", "阅读"),
    "nav.ask": ("Ask", "提问"),
    "nav.concepts": ("Concepts", "概念"),
    "nav.practice": ("Practice", "练习"),
    "language.label": ("Language · 语言", "语言 · Language"),
    "language.not_saved": (
        "Your pick holds for this session only: {error}",
        "本次会话内有效，但没能保存：{error}",
    ),
    # shared notices
    "index.missing": (
        "No index yet: your papers have not been ingested. ",
        "还没有索引：论文尚未导入。",
    ),
    "index.help": (
        "Build it once from a terminal in the project folder with `make run` (or "
        "`reader ingest --pdf-dir ../shared/papers`), or press **Ingest all** below.",
        "在项目文件夹的终端里运行一次 `make run`（或 "
        "`reader ingest --pdf-dir ../shared/papers`）即可建立，或点击下方的 **全部导入**。",
    ),
    "error.detail": ("{error}", "出错了（详情为英文）：{error}"),
    "searched.english": ("Searched in English: {english}", "按英文检索：{english}"),
    "searched.unmatched": (
        "No English match for {words} (left out)",
        "没有找到英文对应：{words}（已略过）",
    ),
    # background ingest
    "ingest.reading_list": ("the reading list", "阅读清单"),
    "ingest.running": (
        "Ingesting {what}… (embedding runs on the CPU)",
        "正在导入{what}……（向量化在 CPU 上运行）",
    ),
    "ingest.stage.fetch": ("fetch", "下载"),
    "ingest.stage.extract": ("extract", "提取文本"),
    "ingest.stage.embed": ("embed", "向量化"),
    "ingest.progress": ("{stage}: {done}/{total}", "{stage}：{done}/{total}"),
    "ingest.last": (", last {paper}", "，刚完成 {paper}"),
    "ingest.starting": ("Starting…", "正在开始……"),
    "ingest.meanwhile": (
        "You can go on reading and asking meanwhile.",
        "导入期间可以继续阅读和提问。",
    ),
    "ingest.failed": ("Ingest of {what} failed: {error}", "导入{what}失败：{error}"),
    "ingest.done": ("Ingest done", "导入完成"),
    "ingest.done_failed": ("Ingest done, {failed} failed", "导入完成，{failed} 篇失败"),
    "ingest.outcome.ingested": ("ingested", "已导入"),
    "ingest.outcome.unchanged": ("unchanged", "未变化"),
    "ingest.outcome.failed": ("failed", "失败"),
    "ingest.detail": ("{pages} pages, {chunks} passages", "{pages} 页，{chunks} 个段落"),
    "ingest.one": ("Ingest {paper}", "导入 {paper}"),
    # library page
    "library.title": ("Reading list", "阅读清单"),
    "add.button": ("Add {paper} to the reading list", "把 {paper} 加入阅读清单"),
    "add.listed": ("{paper} is on your reading list.", "{paper} 已在阅读清单中。"),
    "add.id_alone": ("Add the id {paper} alone", "只添加编号 {paper}"),
    "add.lookup_failed": (
        "Nothing was added: {error}. You can add the id alone and give it a title later.",
        "没有添加：{error}。可以只添加编号，标题以后再补。",
    ),
    "add.done": (
        "Added {paper}{title} to {path}. Ingest it from the reading list.",
        "已把 {paper}{title} 加入 {path}。可在阅读清单中导入。",
    ),
    "refs.title": (
        "References: {count}, {with_id} with an arXiv id",
        "参考文献：{count} 条，其中 {with_id} 条有 arXiv 编号",
    ),
    "refs.none_with_id": (
        "No entry of this list prints an arXiv id.",
        "这份参考文献里没有一条写出 arXiv 编号。",
    ),
    "concepts.add_intro": (
        "{concept} was introduced in {paper}, which is not on your reading list.",
        "{concept} 由 {paper} 提出，这篇论文不在你的阅读清单中。",
    ),
    "week.no_start": (
        "**Study plan.** Set the day you started (or start) the plan, and this page opens with "
        "the week: what to read now, what is overdue, the cards due and this stage's exercises.",
        "**学习计划。** 设定计划的开始日期，本页就会先显示这一周："
        "现在要读的、已逾期的、今天到期的卡片和本阶段的练习。",
    ),
    "week.start_on": ("The plan starts on", "计划开始日期"),
    "week.start": ("Start the plan", "开始计划"),
    "week.title": ("Week {week} of {total}", "第 {week} 周（共 {total} 周）"),
    "week.before": ("The plan starts on {start}", "计划将于 {start} 开始"),
    "week.over": (
        "Week {week}: the {total}-week plan is over",
        "第 {week} 周：{total} 周的计划已结束",
    ),
    "week.to_read": ("**To read now**", "**现在读**"),
    "week.overdue": ("**Overdue**", "**已逾期**"),
    "week.nothing_now": ("Nothing planned for this week.", "这一周没有安排论文。"),
    "week.nothing_overdue": ("Nothing overdue.", "没有逾期的论文。"),
    "week.cards_due": ("Cards due today", "今天到期的卡片"),
    "week.exercises": ("Exercises for this stage: ", "本阶段的练习："),
    "week.practice": ("Practice", "练习"),
    "week.read_first": (" · first: {sections}", " · 先读：{sections}"),
    "library.no_index": (
        "No index yet: nothing has been ingested. ",
        "还没有索引：尚未导入任何论文。",
    ),
    "library.empty": (
        "The reading list {path} is empty or missing; add papers to it (see papers.yaml).",
        "阅读清单 {path} 为空或不存在；请在其中添加论文（参见 papers.yaml）。",
    ),
    "library.ingest_all": ("Ingest all", "全部导入"),
    "library.stage": ("Stage {stage}", "第 {stage} 阶段"),
    "library.other": ("Other papers", "其他论文"),
    "library.weeks": (" · weeks {weeks}", " · 第 {weeks} 周"),
    "library.papers_ingested": ("Papers ingested", "已导入论文"),
    "library.sections_read": ("Sections read", "已读章节"),
    "library.notes": ("Notes", "笔记"),
    "library.look_for": ("Look for: ", "重点："),
    "library.sections_progress": ("{read}/{total} sections", "{read}/{total} 节"),
    "library.read": ("Read", "阅读"),
    "library.ingest": ("Ingest", "导入"),
    "state.not fetched": ("not fetched", "未下载"),
    "state.fetched": ("PDF at hand, not ingested", "已有 PDF，未导入"),
    "state.ingested": ("ingested, unread", "已导入，未读"),
    "state.reading": ("reading", "在读"),
    "state.read": ("read", "已读完"),
    # read page
    "read.paper": ("Paper", "论文"),
    "read.sections": ("Sections (★ read first, ✓ read)", "章节（★ 先读，✓ 已读）"),
    "read.pdf_page": ("PDF page (of {count})", "PDF 页码（共 {count} 页）"),
    "read.no_text": (
        "This section has no text of its own; pick a subsection.",
        "本节没有自己的正文，请选择一个小节。",
    ),
    "read.mark_read": ("I have read this section", "我已读完这一节"),
    "read.notes": ("My notes on this section", "我对这一节的笔记"),
    "read.notes_placeholder": (
        "Saved in the index, kept across re-ingests",
        "保存在索引中，重新导入也不会丢失",
    ),
    "read.note_saved": ("Note saved", "笔记已保存"),
    "read.save_note": ("Save note", "保存笔记"),
    "read.last_saved": ("Last saved {when}", "上次保存于 {when}"),
    "read.look_for": ("**Look for** · {where}", "**阅读重点** · {where}"),
    "read.stage_weeks": ("Stage {stage}, weeks {weeks}", "第 {stage} 阶段，第 {weeks} 周"),
    "read.study_plan": ("Study plan", "学习计划"),
    "read.key_concepts": ("Key concepts: {concepts}", "关键概念：{concepts}"),
    "read.whole_page": ("Whole page", "整页"),
    "read.page_caption": ("Page {page} of {count}", "第 {page} 页，共 {count} 页"),
    "read.highlighted_cited": (" · highlighted: the cited passage", " · 高亮：引用的段落"),
    "read.highlighted_section": (" · highlighted: this section's text", " · 高亮：本节正文"),
    "read.cited_elsewhere": (
        " · the cited passage is not on this page",
        " · 引用的段落不在这一页",
    ),
    "read.on_arxiv": ("Open on arXiv", "在 arXiv 上打开"),
    "read.equation": ("Equation ({number}) · p.{page}", "公式 ({number}) · 第 {page} 页"),
    "read.figure": ("Figure {number} · p.{page}", "图 {number} · 第 {page} 页"),
    "read.table": ("Table {number} · p.{page}", "表 {number} · 第 {page} 页"),
    "read.footnotes": ("Footnotes", "脚注"),
    "role.abstract": ("abstract", "摘要"),
    "role.introduction": ("introduction", "引言"),
    "role.method": ("method", "方法"),
    "role.related_work": ("related work", "相关工作"),
    "role.background": ("background", "背景"),
    "role.experiments": ("experiments", "实验"),
    "role.conclusion": ("conclusion", "结论"),
    "role.references": ("references", "参考文献"),
    "role.appendix": ("appendix", "附录"),
    "role.other": ("other", "其他"),
    # ask page
    "ask.title": ("Ask", "提问"),
    "ask.question": ("Your question", "你的问题"),
    "ask.placeholder": (
        "e.g. How does the Transformer inject information about position? 或：什么是多头注意力？",
        "例如：什么是多头注意力？为什么要除以 sqrt(d_k)？ or: What is layer normalization?",
    ),
    "ask.only_paper": ("Only in paper", "只在这篇论文中"),
    "ask.all_papers": ("All papers", "全部论文"),
    "ask.only_role": ("Only in sections of kind", "只在这类章节中"),
    "ask.any_section": ("Any section", "任意章节"),
    "ask.button": ("Ask", "提问"),
    "ask.empty": (
        "Type a question first, e.g. “Why is attention scaled by √d_k?”",
        "请先输入问题，例如：“为什么注意力要除以 √d_k？”",
    ),
    "ask.searching": ("Searching your papers…", "正在检索你的论文……"),
    "ask.not_ingested": (
        "“{title}” ({paper}) is on your reading list but not ingested yet, so it cannot "
        "answer this.",
        "《{title}》（{paper}）在你的阅读清单上，但还没有导入，所以无法回答这个问题。",
    ),
    "ask.not_found": ("Not found in your library.", "在你的书库中没有找到答案。"),
    "ask.generated": (
        "Written by the language model from the cited passages only.",
        "由语言模型仅根据所引段落写成。",
    ),
    "ask.llm_not_used": (
        "Language model answer not used: {reason}.",
        "未采用语言模型的回答：{reason}。",
    ),
    "ask.quoted": ("The papers' own sentences, quoted.", "引用的是论文原文（英文）。"),
    "ask.sources": (
        "**Sources** (open the section in Read, the passage highlighted)",
        "**出处**（在“阅读”中打开该节，段落已高亮）",
    ),
    "ask.other_answers": ("Other answers from your papers", "论文中的其他答案"),
    "ask.from_other_papers": (
        "**From other papers** (not an answer about this one)",
        "**来自其他论文**（并非关于这篇论文的答案）",
    ),
    "ask.supporting": ("**Supporting passages**", "**支持的段落**"),
    "ask.nearest": ("**Nearest passages**", "**最接近的段落**"),
    "ask.score": ("score {score}", "得分 {score}"),
    "ask.open_in_read": ("Open in Read", "在“阅读”中打开"),
    # concepts page
    "concepts.title": ("Concepts", "概念"),
    "concepts.look_up": ("Look up a term", "查一个术语"),
    "concepts.placeholder": (
        "e.g. GELU, InfoNCE, LayerNorm, 位置编码",
        "例如：位置编码、层归一化、GELU、InfoNCE",
    ),
    "concepts.try": (
        "Try one of your study plan's key concepts",
        "试试学习计划里的关键概念",
    ),
    "concepts.glossary_only": (
        "No papers are ingested yet, so only the glossary can answer.",
        "还没有导入论文，只能由术语表回答。",
    ),
    "concepts.not_found": (
        "“{term}” is not found in the papers of your library.",
        "在你书库的论文中没有找到“{term}”。",
    ),
    "concepts.from_papers": ("**From the papers** (quoted)", "**论文中的定义**（原文引用）"),
    "concepts.other_definitions": (
        "Other passages that define it:",
        "其他给出定义的段落：",
    ),
    "concepts.glossary": (
        "**Glossary** · written for this project, not a quote from a paper",
        "**术语表** · 为本项目编写，不是论文原文",
    ),
    "concepts.introduced_by": ("Introduced by {paper}", "提出者：{paper}"),
    "concepts.where": ("**Where it occurs**", "**出现位置**"),
    "concepts.occurrence": (
        "{paper}: {count}×, first in §{section}, p.{page}",
        "{paper}：{count} 次，首次出现在 §{section}，第 {page} 页",
    ),
    "concepts.related": ("Related concepts", "相关概念"),
    "concepts.on_list": (
        "“{title}” ({paper}) is on your reading list, not ingested.",
        "《{title}》（{paper}）在你的阅读清单上，尚未导入。",
    ),
    "concepts.introduced_hint": (
        "{concept} is introduced by {paper}, which is on your reading list but not ingested.",
        "{concept} 由 {paper} 提出；这篇论文在你的阅读清单上，但尚未导入。",
    ),
    "concepts.key_concept_hint": (
        "{concept} is a key concept of {paper}, which is on your reading list but not ingested.",
        "{concept} 是 {paper} 的关键概念；这篇论文在你的阅读清单上，但尚未导入。",
    ),
    # practice: code exercises and interview cards
    "practice.title": ("Practice", "练习"),
    "practice.exercise": ("Exercise", "练习题"),
    "practice.from_paper": ("From {paper}, section {section}", "出自 {paper}，第 {section} 节"),
    "practice.open_section": ("Open §{section} in Read", "在阅读页打开 §{section}"),
    "practice.not_ingested": (
        "{paper} is not ingested yet; once it is, its section opens in Read from here.",
        "{paper} 尚未导入；导入后可从这里在阅读页打开对应章节。",
    ),
    "practice.starter": ("Starter file", "起始代码"),
    "practice.download": ("Download {file}", "下载 {file}"),
    "practice.code": (
        "Your code: paste it here, or upload a .py file below",
        "你的代码：粘贴在这里，或在下方上传 .py 文件",
    ),
    "practice.upload": ("Upload a .py file", "上传 .py 文件"),
    "practice.run": ("Run the checks", "运行检查"),
    "practice.empty": ("Paste or upload your code first.", "请先粘贴或上传你的代码。"),
    "practice.running": (
        "Running your code in a separate process…",
        "正在独立进程中运行你的代码……",
    ),
    "practice.passed": ("All {n} checks passed.", "{n} 项检查全部通过。"),
    "practice.failed": (
        "{passed} of {n} checks passed; each failure says what differed, with a hint.",
        "{n} 项检查通过了 {passed} 项；每项未通过的检查都写明了差异和提示。",
    ),
    "practice.timed_out": (
        "Your code was stopped at the time limit: an endless loop, or far too slow?",
        "你的代码运行超时被停止：是否有死循环，或者太慢？",
    ),
    "practice.messages_note": (
        "Check names and hints are in English, like the papers.",
        "检查项和提示为英文，与论文一致。",
    ),
    "cards.title": ("Interview cards", "面试卡片"),
    "cards.due": ("{n} due today", "今天到期 {n} 张"),
    "cards.none_due": (
        "No card is due now; the next is due on {when}.",
        "现在没有到期的卡片；下一张在 {when} 到期。",
    ),
    "cards.show": ("Show the answer", "显示答案"),
    "cards.from_papers": ("**From the papers** (quoted)", "**论文原文**（引用）"),
    "cards.rate.again": ("Again", "重来"),
    "cards.rate.hard": ("Hard", "困难"),
    "cards.rate.good": ("Good", "良好"),
    "cards.rate.easy": ("Easy", "简单"),
    "cards.graded": (
        "Recorded. Next due on {date} (in {days} days).",
        "已记录。下次复习：{date}（{days} 天后）。",
    ),
}


def language() -> str:
    """This session's language ('en' or 'zh')."""
    value = st.session_state.get(LANGUAGE, "en")
    return value if value in LANGUAGE_NAMES else "en"


def t(key: str, **values: object) -> str:
    """The text for `key` in this session's language, its {fields} filled."""
    english, chinese = STRINGS[key]
    text = chinese if language() == "zh" else english
    return text.format(**values) if values else text


def t_or(key: str, fallback: str) -> str:
    """The text for `key`, or `fallback` for a value the table does not know (a new stage)."""
    return t(key) if key in STRINGS else fallback


def language_switch(lib: Library) -> None:
    """中文 / English in the sidebar. The first run of a session takes the learner's last pick
    (kept in the index folder); a new pick is saved at once."""
    if LANGUAGE not in st.session_state:
        st.session_state[LANGUAGE] = lib.ui_language()
    st.session_state[_PICKED] = st.session_state[LANGUAGE]

    def picked() -> None:
        choice = st.session_state[_PICKED]
        st.session_state[LANGUAGE] = choice
        try:
            lib.set_ui_language(choice)
            st.session_state.pop(_SAVE_FAILED, None)
        except ReaderError as exc:
            st.session_state[_SAVE_FAILED] = str(exc)

    st.sidebar.radio(
        t("language.label"),
        list(LANGUAGE_NAMES),
        key=_PICKED,
        format_func=LANGUAGE_NAMES.__getitem__,
        horizontal=True,
        on_change=picked,
    )
    failed = st.session_state.get(_SAVE_FAILED)
    if failed:
        st.sidebar.caption(t("language.not_saved", error=failed))
