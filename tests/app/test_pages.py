"""The Streamlit app, driven with AppTest against a small real index: what a reader sees."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from app_driver import (
    ASK,
    CONCEPTS,
    READ,
    after_ingest,
    ask,
    links,
    sections_tree,
    start,
    texts,
    use,
)
from app_library import (
    INGESTED,
    NOT_INGESTED,
    READING_LIST,
    settings_for,
)
from repo_paths import ROOT

from reader import Library

pytestmark = pytest.mark.slow  # the shared index is built by ingesting three real papers


# ------------------------------------------------------------------ no index yet


def test_without_an_index_every_page_explains_how_to_build_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "papers.yaml").write_text(READING_LIST, encoding="utf-8")
    use(monkeypatch, tmp_path)
    at = start()
    shown = texts(at)
    assert "No index yet" in shown and "reader ingest" in shown
    assert "Stage 1 · weeks 1-2" in shown and "not ingested" in shown  # the plan, PDFs at hand
    assert any(b.label == "Ingest all" for b in at.button)
    for page in (READ, ASK):
        at.switch_page(page).run()
        assert not at.exception and "No index yet" in texts(at)
    at.switch_page(CONCEPTS).run()
    assert not at.exception
    assert not (tmp_path / "index").exists()  # looking around builds nothing


def test_ingest_all_builds_the_index_from_the_library_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    one_paper = READING_LIST.split('  - id: "1606.08415"')[0].replace("1706.03762", "2003.04297")
    (tmp_path / "papers.yaml").write_text(one_paper, encoding="utf-8")
    use(monkeypatch, tmp_path)
    at = start()
    next(b for b in at.button if b.label == "Ingest all").click().run()
    assert not at.exception
    # The ingest runs in the background: the page is drawn at once, with its progress.
    assert any("Ingesting the reading list" in e.proto.label for e in at.status)
    at.switch_page(ASK).run()  # and the other pages stay usable meanwhile
    assert not at.exception
    at.switch_page("app_pages/library.py").run()
    shown = texts(after_ingest(at))
    assert "2003.04297: ingested" in shown and "No index yet" not in shown
    assert "ingested, unread" in shown
    assert at.metric[0].value == "1 / 1"


def test_a_paper_that_cannot_be_fetched_is_reported_not_crashed(
    monkeypatch: pytest.MonkeyPatch, private: Path
) -> None:
    use(monkeypatch, private)
    at = start()
    next(b for b in at.button if b.label == "Ingest").click().run()  # the paper with no PDF
    after_ingest(at)
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any(f"{NOT_INGESTED}: failed" in e for e in errors), errors
    assert "ingested, unread" in texts(at)  # the others are still there


# ------------------------------------------------------------------ library


def test_library_lists_the_plan_in_order_with_each_papers_state(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start()
    assert [s.value for s in at.subheader] == [
        "Stage 1 · weeks 1-2",
        "Stage 2 · weeks 3-4",
        "Stage 3 · weeks 5-9",
    ]
    shown = texts(at)
    assert shown.index("Attention Is All You Need") < shown.index("Gaussian Error Linear Units")
    assert "ingested, unread" in shown and "not fetched" in shown
    assert at.metric[0].value == f"{len(INGESTED)} / {len(INGESTED) + 1}"
    assert ("Read", "paper=1706.03762") in links(at)
    assert any(b.label == "Ingest" for b in at.button)  # for the paper not ingested
    assert "https://arxiv.org/abs/2301.12597" in shown


# ------------------------------------------------------------------ read


def test_read_opens_on_the_introduction_with_the_plans_focus_and_the_page(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start(READ)
    assert at.header[0].value.replace("\\", "") == "1 Introduction"
    shown = texts(at)
    assert "Recurrent neural networks" in shown
    assert "why it divides by sqrt(d_k)" in shown  # the study plan's focus, beside the text
    images = at.get("image")
    assert len(images) == 1
    assert "Page 2 of 15 · highlighted" in str(images[0].proto)
    assert at.query_params["paper"] == "1706.03762"  # the address bar follows the reader


def test_the_section_tree_and_next_button_move_through_the_paper(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start(READ)
    sections_tree(at).set_value("3.2").run()
    assert at.header[0].value.replace("\\", "") == "3.2 Attention"
    assert "3.2.1 Scaled Dot-Product Attention" in [s.value.replace("\\", "") for s in at.subheader]
    next_button = next(b for b in at.button if b.label.endswith("→"))
    next_button.click().run()
    assert at.header[0].value.replace("\\", "") == "3.3 Position-wise Feed-Forward Networks"
    assert at.number_input(key="w_page").value == 5


def test_a_link_opens_the_section_at_the_cited_page_with_the_passage_highlighted(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    quote = "we scale the dot products by 1/√dk"  # as the index stores it
    link = {
        "paper": "1706.03762",
        "section": "3.2.1 Scaled Dot-Product Attention",
        "page": "4",
        "hl": "To counteract this effect, " + quote,
    }
    at = start(READ, link)
    assert at.header[0].value.replace("\\", "") == "3.2.1 Scaled Dot-Product Attention"
    images = [str(image.proto) for image in at.get("image")]
    # The equation in the text pane is drawn from the PDF; the page beside it is highlighted.
    assert any('caption: "Equation (1) · p.4"' in i for i in images), images
    assert any("highlighted: the cited passage" in i for i in images), images
    marked = [m.value for m in at.markdown if m.value.startswith(":orange-background[")]
    assert len(marked) == 1 and "counteract this effect" in marked[0]  # in the text too


def test_marking_read_and_notes_survive_a_restart_and_show_in_the_library(
    monkeypatch: pytest.MonkeyPatch, private: Path
) -> None:
    use(monkeypatch, private)
    at = start(READ)
    at.toggle[0].set_value(True).run()
    note = "Why LayerNorm after the residual? <b>check</b> *later*"
    at.text_area[0].input(note).run()
    next(b for b in at.button if b.label == "Save note").click().run()
    assert not at.exception

    st.cache_resource.clear()  # a restart: a new Library, reading the index afresh
    again = start(READ)
    assert again.header[0].value.replace("\\", "") == "3 Model Architecture"  # next unread
    sections_tree(again).set_value("1").run()
    assert again.toggle[0].value is True
    assert again.text_area[0].value == note
    assert "✓ 1 Introduction" in sections_tree(again).options

    with Library(settings_for(private / "index", private / "papers.yaml")) as lib:
        saved = {p.section_number: p for p in lib.progress("1706.03762")}
    assert saved["1"].read and saved["1"].note == note
    library_page = start()
    assert "1/8 sections" in str([p.proto for p in library_page.get("progress")])
    assert "reading" in texts(library_page)


def test_notes_survive_a_re_ingest(monkeypatch: pytest.MonkeyPatch, private: Path) -> None:
    use(monkeypatch, private)
    at = start(READ)
    at.text_area[0].input("kept across ingests").run()
    next(b for b in at.button if b.label == "Save note").click().run()
    with Library(settings_for(private / "index", private / "papers.yaml")) as lib:
        lib.ingest(only=["1706.03762"], rebuild=True)
    st.cache_resource.clear()
    again = start(READ)
    sections_tree(again).set_value("1").run()
    assert again.text_area[0].value == "kept across ingests"


# ------------------------------------------------------------------ ask


def test_asking_shows_a_cited_answer_with_links_into_read(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start(ASK)
    ask(at, "Why are the dot products scaled in attention?")
    shown = texts(at)
    assert "extremely small gradients" in shown or "scale the dot products" in shown
    cited = [q for label, q in links(at) if label.startswith("[Transformer")]
    assert cited and "paper=1706.03762" in cited[0] and "hl=" in cited[0]
    assert len(at.expander) >= 1  # the supporting passages, expandable

    # The citation link opens Read there.
    query = dict(p.split("=", 1) for p in cited[0].split("&"))
    from urllib.parse import unquote_plus

    read = start(READ, {k: unquote_plus(v) for k, v in query.items()})
    assert read.header[0].value.replace("\\", "").startswith("3.2")


def test_an_llm_that_is_down_is_named_beside_the_papers_answer(
    monkeypatch: pytest.MonkeyPatch, shared: Path, closed_port_url: str
) -> None:
    use(monkeypatch, shared)
    down = closed_port_url.rsplit("/api", 1)[0]
    monkeypatch.setenv("READER_LLM_URL", down)
    at = start(ASK)
    ask(at, "Why are the dot products scaled in attention?")
    shown = texts(at)
    assert "The papers' own sentences, quoted." in shown
    assert (
        f"Language model answer not used: cannot connect to {down} (connection refused)." in shown
    )


def test_other_answers_are_offered_collapsed_below_the_best(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start(ASK)
    ask(at, "Why are the dot products scaled in attention?")
    other = [e for e in at.expander if e.label == "Other answers from your papers"]
    assert len(other) == 1 and not other[0].proto.expanded
    assert other[0].markdown  # the alternatives, each with its citation


def test_a_question_about_a_listed_paper_not_ingested_offers_to_ingest_it(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start(ASK)
    ask(at, "What does the Q-Former do in BLIP-2?")
    shown = texts(at)
    assert "not ingested yet" in shown and NOT_INGESTED in shown
    assert any(b.label == f"Ingest {NOT_INGESTED}" for b in at.button)
    assert "From other papers" in shown
    assert not [e for e in at.expander if e.label == "Other answers from your papers"]


def test_asking_within_one_paper_cites_only_that_paper(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start(ASK)
    ask(at, "How is the activation defined?", paper="1606.08415")
    cited = [q for _, q in links(at)]
    assert cited and all("paper=1606.08415" in q for q in cited)


def test_an_answer_quoting_a_formula_draws_its_equation_from_the_pdf(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start(ASK)
    ask(at, "What is the formula of the feed-forward network?", paper="1706.03762")
    drawn = [str(e.proto) for e in at.get("image")]
    assert any("Equation (2) · p.5" in d for d in drawn), drawn
    # The text-layer pieces of the formula are not shown as the answer's words.
    answer = texts(at).split("Supporting passages")[0]
    assert "xW1 + b1" not in answer and "two linear transformations" in answer


def test_an_empty_question_asks_for_one(monkeypatch: pytest.MonkeyPatch, shared: Path) -> None:
    use(monkeypatch, shared)
    at = start(ASK)
    next(b for b in at.button if b.label == "Ask").click().run()
    assert not at.exception and "Type a question first" in texts(at)


# ------------------------------------------------------------------ concepts


def test_a_concept_lookup_shows_the_papers_definition_then_the_labelled_glossary(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start(CONCEPTS)
    at.text_input(key="concept_term").input("GELU").run()
    shown = texts(at)
    assert "GELU (Gaussian Error Linear Unit)" in shown
    assert "standard Gaussian cumulative distribution function" in shown
    assert shown.index("From the papers") < shown.index("Glossary")
    assert "not a quote from a paper" in shown
    assert any("paper=1606.08415" in q for _, q in links(at))
    chips = at.get("button_group")
    assert chips and "ReLU" in str(chips[-1].proto)


def test_a_variant_shows_what_it_resolved_to(monkeypatch: pytest.MonkeyPatch, shared: Path) -> None:
    use(monkeypatch, shared)
    at = start(CONCEPTS)
    at.text_input(key="concept_term").input("GELUs").run()
    assert not at.exception and "GELUs → GELU (Gaussian Error Linear Unit)" in texts(at)


def test_a_term_from_a_paper_not_ingested_says_so_and_offers_to_ingest(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start(CONCEPTS)
    at.text_input(key="concept_term").input("Q-Former").run()
    shown = texts(at)
    assert "not found in the papers of your library" in shown
    assert "not ingested" in shown and NOT_INGESTED in shown
    assert any(b.label == f"Ingest {NOT_INGESTED}" for b in at.button)


# ------------------------------------------------------------------ safety of PDF text


def test_a_question_in_chinese_is_answered_from_the_english_paper(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start(ASK)
    ask(at, "为什么点积注意力要除以根号d_k？")
    shown = texts(at)
    assert "Searched in English: why scaled dot-product attention divide square root d_k" in shown
    assert "extremely small gradients" in shown or "scale the dot products" in shown
    assert any(label.startswith("[Transformer") for label, _ in links(at))


def test_a_chinese_concept_name_shows_both_names_and_the_chinese_gloss(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    use(monkeypatch, shared)
    at = start(CONCEPTS)
    at.text_input(key="concept_term").input("位置编码").run()
    shown = texts(at)
    assert not at.exception
    assert "位置编码 → positional encoding" in shown
    assert "positional encoding · 位置编码" in shown
    assert "positional encodings" in shown  # the paper's own definition, in English
    assert any("paper=1706.03762" in q for _, q in links(at))


def test_pdf_text_is_shown_escaped_never_as_markup() -> None:
    from app_pages.widgets import md

    hostile = "<script>alert(1)</script> **bold** $x$ :red[hi] [link](http://x) # title"
    escaped = md(hostile)
    for special in "<>*$[]()#:":
        assert all(escaped[i - 1] == "\\" for i, ch in enumerate(escaped) if ch == special), special
    assert md("    indented code") == "indented code"


def test_the_server_listens_on_loopback_only_by_default() -> None:
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["headless"] is True
    assert config["browser"]["gatherUsageStats"] is False
