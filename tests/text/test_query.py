"""Query normalisation and safe FTS5 expressions."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.text.query import compact, fts_expression, normalize_query, term_pattern


def expr(text: str) -> str | None:
    return fts_expression(normalize_query(text, 2000))


@pytest.mark.parametrize("spelling", ["Q-Former", "QFormer", "q former", "Q‐Former", "qformer"])
def test_q_former_spellings_match_the_same_text(spelling: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("create virtual table f using fts5(text, tokenize='porter unicode61')")
    db.execute("insert into f(rowid, text) values (1, 'The Q-Former bridges the two models.')")
    db.execute("insert into f(rowid, text) values (2, 'A QFormer variant.')")
    db.execute("insert into f(rowid, text) values (3, 'Nothing to see here.')")
    match = expr(spelling)
    assert match is not None
    rows = {r[0] for r in db.execute("select rowid from f where f match ?", (match,))}
    assert rows == {1, 2} or (spelling == "qformer" and 2 in rows)


@pytest.mark.parametrize("spelling", ["d_k", "dk", "d k", "d_{k}", "D_k"])
def test_a_subscript_typed_any_way_matches_the_same_text(spelling: str) -> None:
    """The index holds "dk" (the PDF's text layer) or "d k" (a script set apart); the Read
    view shows "d_k"; any of them typed finds both, and the words around them too."""
    db = sqlite3.connect(":memory:")
    db.execute("create virtual table f using fts5(text, tokenize='porter unicode61')")
    db.execute("insert into f(rowid, text) values (1, 'keys of dimension dk, and values')")
    db.execute("insert into f(rowid, text) values (2, 'for large values of d k the dot products')")
    db.execute("insert into f(rowid, text) values (3, 'the dimension of the model')")
    match = expr(f"scaling by {spelling}")
    assert match is not None
    rows = {r[0] for r in db.execute("select rowid from f where f match ?", (match,))}
    assert rows == {1, 2}
    # The text the question is embedded and weighed by is the same for every spelling.
    assert normalize_query(f"scaling by {spelling}", 2000).text == "scaling by dk"


@pytest.mark.parametrize(
    ("typed", "indexed"),
    [
        ("d_{model}", "dmodel"),
        ("W_i^Q", "wiq"),
        ("10000^{2i/d_{model}}", "100002i/dmodel"),
        ("QK^T", "qkt"),
        ("x 2", "x2"),
        # Not scripts: an identifier, an article, two capitals.
        ("self_attention", "self_attention"),
        ("what is a k", "what is a k"),
        ("Q K V", "q k v"),
    ],
)
def test_scripts_read_as_the_index_holds_them(typed: str, indexed: str) -> None:
    assert normalize_query(typed, 2000).text == indexed


def test_plural_acronyms_and_ligatures() -> None:
    assert normalize_query("What are GELUs?", 2000).terms == ("gelu",)
    assert normalize_query("ﬁne-tuning", 2000).text == "fine-tuning"
    assert normalize_query("Why divide by sqrt(d_k)?", 2000).terms[-1] == "dk"
    assert "vit" in normalize_query("the class token in ViT", 2000).terms


def test_stop_words_dropped_but_content_kept() -> None:
    q = normalize_query("What is the mean and variance of a layer?", 2000)
    assert q.terms == ("mean", "variance", "layer")
    assert expr("what is the") is None
    assert expr("   ") is None


def test_query_is_cut_to_max_chars() -> None:
    assert len(normalize_query("word " * 1000, 50).text) <= 50


@given(st.text(max_size=200))
def test_any_input_gives_a_valid_fts_expression(text: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("create virtual table f using fts5(text, tokenize='porter unicode61')")
    db.execute("insert into f(rowid, text) values (1, 'some text')")
    match = expr(text)
    if match is not None:
        db.execute("select rowid from f where f match ?", (match,)).fetchall()


def test_compact_keys_ignore_spelling() -> None:
    assert compact("Q-Former") == compact("qformers") == compact("Q Former")
    assert compact("Layer Norm") == compact("layernorm")


def test_term_pattern_matches_variants_with_word_boundaries() -> None:
    p = term_pattern("Q-Former")
    assert p.search("the Q-Former and") and p.search("QFormer") and p.search("q former")
    assert not p.search("aq-formers2")
    gelu = term_pattern("GELU")
    assert gelu.search("GELUs are smooth") and gelu.search("a gelu activation")
    assert not gelu.search("GELU1") and not term_pattern("IT").search("it is")
    assert term_pattern("layer normalization").search("Layer Normalization (LN)")
