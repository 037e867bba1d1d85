"""TeX's math extension font (CMEX) read as the symbols it draws."""

from __future__ import annotations

from reader.pdf.texfonts import extension_text, is_extension_font, private_pieces


def test_sums_products_roots_and_big_brackets_read_as_symbols() -> None:
    assert extension_text("X") == "∑" and extension_text("P") == "∑"  # display, text size
    assert extension_text("Q") == "∏" and extension_text("Z") == "∫"
    assert extension_text("\x10\x11") == "()" and extension_text(" !") == "()"
    assert extension_text("\x14\x15") == "[]" and extension_text("q") == "√"
    assert extension_text("b") == "ˆ"  # a wide hat, set before the symbol it covers
    assert extension_text("uv") == ""  # a root's extension and top: drawing only


def test_the_font_is_known_by_its_name_with_or_without_a_subset_tag() -> None:
    assert is_extension_font("VAFIKD+CMEX10") and is_extension_font("CMEX9")
    assert not is_extension_font("CMMI10") and not is_extension_font("Times-Roman")


def test_pieces_of_large_brackets_stand_as_one_bracket() -> None:
    assert private_pieces("\uf8ee\uf8ef\uf8f0") == "["
    assert private_pieces("\uf8f9\uf8fa\uf8fb") == "]"
    assert private_pieces("plain text") == "plain text"
