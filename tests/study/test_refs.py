"""`reader refs`: reference lists split into entries, with titles and arXiv ids.

The splitter is tested on short pieces of real reference lists (text and boxes as the PDF stage
stores them), then on the References sections of the 13 real papers of the dev corpus.
"""

from __future__ import annotations

import json
import re

import pytest
from cli_runner import run_reader

from reader.models import Block, BlockKind, Section, SectionRole
from reader.settings import Settings
from reader.study.references import (
    entry_arxiv_id,
    entry_title,
    paper_references,
    references_from_text,
)

Box = tuple[int, float, float, float, float, str]  # page, x0, y0, x1, y1, text


def references_section(*boxes: Box) -> list[Section]:
    blocks = tuple(
        Block(BlockKind.PARAGRAPH, text, page, (x0, y0, x1, y1), 0)
        for page, x0, y0, x1, y1, text in boxes
    )
    pages = [b.page for b in blocks]
    section = Section("", "References", 1, SectionRole.REFERENCES, min(pages), max(pages), "", 0)
    return [dataclass_replace(section, blocks=blocks)]


def dataclass_replace(section: Section, **changes: object) -> Section:
    import dataclasses

    return dataclasses.replace(section, **changes)  # type: ignore[arg-type]


# ---------------------------------------------------------------- numbered lists


def test_two_numbered_entries_in_one_block_are_split_at_the_second_number() -> None:
    # ResNet (1512.03385), p.9: the PDF stage merged [12] and [13] into one block.
    refs = paper_references(
        references_section(
            (
                9,
                50,
                100,
                286,
                130,
                "[11] K. He and J. Sun. Convolutional neural networks at "
                "constrained time cost. In CVPR, 2015.",
            ),
            (
                9,
                50,
                131,
                286,
                170,
                "[12] K. He, X. Zhang, S. Ren, and J. Sun. Spatial pyramid "
                "pooling in deep convolutional networks for visual recognition. In ECCV, 2014. "
                "[13] K. He, X. Zhang, S. Ren, and J. Sun. Delving deep into rectifiers:",
            ),
            (
                9,
                62,
                170.5,
                286,
                180,
                "Surpassing human-level performance on imagenet classification. In ICCV, 2015.",
            ),
        )
    )
    assert [r.number for r in refs] == [11, 12, 13]
    assert refs[1].text.endswith("In ECCV, 2014.")
    assert refs[2].text == (
        "K. He, X. Zhang, S. Ren, and J. Sun. Delving deep into rectifiers: Surpassing "
        "human-level performance on imagenet classification. In ICCV, 2015."
    )
    assert refs[2].title == (
        "Delving deep into rectifiers: Surpassing human-level performance on imagenet "
        "classification"
    )


def test_a_citation_inside_an_entry_does_not_start_one() -> None:
    refs = references_from_text(
        "[1] A. Author. A title, as used in [7]. In ICML, 2019.\n"
        "[2] B. Author. Another title. In CVPR, 2020.\n"
        "[3] C. Author. Third. In ECCV, 2020.\n"
    )
    assert [r.number for r in refs] == [1, 2, 3]
    assert "[7]" in refs[0].text


def test_a_missing_number_is_skipped_not_invented() -> None:
    refs = references_from_text(
        "[1] A. One. First. 2019.\n[2] B. Two. Second. 2019.\n[4] D. Four. Fourth. 2020.\n"
    )
    assert [r.number for r in refs] == [1, 2, 4]


def test_dotted_numbers_are_a_numbered_list_too() -> None:
    refs = references_from_text(
        "1. Ba, J.L., Kiros, J.R., Hinton, G.E.: Layer normalization. arXiv:1607.06450 (2016)\n"
        "2. He, K., Zhang, X., Ren, S., Sun, J.: Deep residual learning for image recognition.\n"
        "In: CVPR (2016)\n"
        "3. Kingma, D.P., Ba, J.: Adam: A method for stochastic optimization. In: ICLR (2015)\n"
    )
    assert [r.number for r in refs] == [1, 2, 3]
    assert refs[1].text.endswith("In: CVPR (2016)")
    assert refs[0].arxiv_id == "1607.06450"


# ---------------------------------------------------------------- author-year lists


def test_an_indented_block_continues_the_entry_also_at_the_top_of_the_next_column() -> None:
    # BLIP (2201.12086), p.9: entries start at x=55.4 / 307.4, their second lines sit 10pt in.
    refs = paper_references(
        references_section(
            (
                9,
                55.4,
                649.1,
                290.7,
                695.0,
                "Anaby-Tavor, A., Carmeli, B., Goldbraich, E., "
                "Kantor, A., Kour, G., Shlomov, S., Tepper, N., and Zwerdling, N. Do not have "
                "enough data? deep learning to the rescue! In AAAI, pp. 7383–7390, 2020.",
            ),
            (
                9,
                55.4,
                707.4,
                290.7,
                717.5,
                "Antol, S., Agrawal, A., Lu, J., Mitchell, M., Batra, D.,",
            ),
            (
                9,
                317.4,
                246.0,
                541.4,
                268.0,
                "Zitnick, C. L., and Parikh, D. VQA: visual "
                "question answering. In ICCV, pp. 2425–2433, 2015.",
            ),
            (
                9,
                307.4,
                277.5,
                541.4,
                311.3,
                "Bain, M., Nagrani, A., Varol, G., and Zisserman, "
                "A. Frozen in time: A joint video and image encoder for end-to-end retrieval. In "
                "ICCV, 2021.",
            ),
            (
                9,
                307.4,
                549.1,
                542.8,
                559.2,
                "Devlin, J., Chang, M., Lee, K., and Toutanova, K. BERT:",
            ),
            (
                9,
                317.4,
                561.0,
                543.1,
                595.0,
                "pre-training of deep bidirectional transformers "
                "for language understanding. In NAACL, pp. 4171–4186, 2019.",
            ),
        )
    )
    assert [r.number for r in refs] == [1, 2, 3, 4]
    assert refs[1].text.startswith("Antol, S.,") and refs[1].text.endswith("2425–2433, 2015.")
    assert refs[1].title == "VQA: visual question answering"
    assert (
        refs[2].title == "Frozen in time: A joint video and image encoder for end-to-end retrieval"
    )
    assert refs[3].title == (
        "BERT: pre-training of deep bidirectional transformers for language understanding"
    )


def test_back_matter_after_the_last_entry_is_left_out() -> None:
    # BERT (1810.04805), p.12: the section's span runs into the appendix's first lines, and
    # ViT's (2010.11929) into a table's cells on the next page.
    refs = paper_references(
        references_section(
            (
                12,
                72.0,
                579.6,
                290.3,
                655.3,
                "Yukun Zhu, Ryan Kiros, Rich Zemel, Ruslan "
                "Salakhutdinov, Raquel Urtasun, Antonio Torralba, and Sanja Fidler. 2015. Aligning "
                "books and movies: Towards story-like visual explanations by watching movies and "
                "reading books. In Proceedings of the IEEE international conference on computer "
                "vision, pages 19–27.",
            ),
            (
                12,
                85.9,
                669.2,
                276.4,
                708.3,
                "Appendix for “BERT: Pre-training of Deep "
                "Bidirectional Transformers for Language Understanding”",
            ),
            (12, 82.9, 716.9, 281.1, 727.8, "We organize the appendix into three sections:"),
        )
    )
    assert len(refs) == 1
    assert refs[0].text.endswith("pages 19–27.")
    table = paper_references(
        references_section(
            (
                12,
                108.0,
                557.5,
                504.0,
                578.4,
                "Hengshuang Zhao, Jiaya Jia, and Vladlen Koltun. "
                "Exploring self-attention for image recognition. In CVPR, 2020.",
            ),
            (
                13,
                121.4,
                85.6,
                490.6,
                238.0,
                "Models Dataset Epochs Base LR LR decay Weight "
                "decay Dropout ViT-B/{16,32} JFT-300M 7 8 · 10^{−4} linear 0.1 0.0",
            ),
        )
    )
    assert len(table) == 1 and table[0].text.endswith("In CVPR, 2020.")


def test_text_alone_splits_an_acl_list_whose_year_line_was_cut_off() -> None:
    # BERT (1810.04805): "Authors. Year. Title." with the year on a line of its own.
    refs = references_from_text(
        "Alan Akbik, Duncan Blythe, and Roland Vollgraf.\n"
        "2018. Contextual string embeddings for sequence labeling. In Proceedings of the 27th "
        "International Conference on Computational Linguistics, pages 1638–1649.\n"
        "Z. Chen, H. Zhang, X. Zhang, and L. Zhao. 2018.\n"
        "Quora question pairs.\n"
        "Felix Hill, Kyunghyun Cho, and Anna Korhonen. 2016.\n"
        "Learning distributed representations of sentences from unlabelled data. In NAACL.\n"
        "Dan Hendrycks and Kevin Gimpel. 2016. Bridging nonlinearities and stochastic "
        "regularizers with gaussian error linear units. CoRR, abs/1606.08415.\n"
    )
    assert [r.title for r in refs] == [
        "Contextual string embeddings for sequence labeling",
        "Quora question pairs",
        "Learning distributed representations of sentences from unlabelled data",
        "Bridging nonlinearities and stochastic regularizers with gaussian error linear units",
    ]
    assert [r.number for r in refs] == [1, 2, 3, 4]
    assert refs[3].arxiv_id == "1606.08415"


def test_surname_first_lists_split_and_keep_their_titles() -> None:
    # Adam (1412.6980): a long author list broken after a comma is one entry.
    refs = references_from_text(
        "Deng, Li, Li, Jinyu, Huang, Jui-Ting, Yao, Kaisheng, Yu, Dong, Seide, Frank,\n"
        "He, Xiaodong, Williams, Jason, et al. Recent advances in deep learning for speech "
        "research at microsoft. ICASSP 2013, 2013.\n"
        "Hinton, G.E. and Salakhutdinov, R.R. Reducing the dimensionality of data with neural "
        "networks. Science, 313(5786):504–507, 2006.\n"
        "Krizhevsky, Alex, Sutskever, Ilya, and Hinton, Geoffrey E. Imagenet classification "
        "with deep convolutional neural networks. In NIPS, 2012.\n"
    )
    assert [r.title for r in refs] == [
        "Recent advances in deep learning for speech research at microsoft",
        "Reducing the dimensionality of data with neural networks",
        "Imagenet classification with deep convolutional neural networks",
    ]


# ---------------------------------------------------------------- one entry


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Jimmy Lei Ba, Jamie Ryan Kiros, and Geoffrey E Hinton. Layer normalization. arXiv "
            "preprint arXiv:1607.06450, 2016.",
            "1607.06450",
        ),
        (
            "Jonas Gehring et al. Convolutional sequence to sequence learning. arXiv preprint "
            "arXiv:1705.03122v2, 2017.",
            "1705.03122",
        ),
        (
            "Dzmitry Bahdanau, Kyunghyun Cho, and Yoshua Bengio. Neural machine translation. CoRR, "
            "abs/1409.0473, 2014.",
            "1409.0473",
        ),
        (
            "E. Witten. Anti-de Sitter space and holography. arXiv:hep-th/9802150v2, 1998.",
            "hep-th/9802150",
        ),
        ("J. Maldacena. The large N limit. hep-th/9711200, 1997.", "hep-th/9711200"),
        (
            "R. K. Srivastava, K. Greff, and J. Schmidhuber. Training very deep networks. "
            "1507.06228, 2015.",
            "1507.06228",
        ),
        ("A. Author. Paper. https://arxiv.org/abs/2103.00020v1, 2021.", "2103.00020"),
        (
            "B. T. Polyak and A. B. Juditsky. Acceleration of stochastic approximation. SIAM "
            "Journal on Control and Optimization, 30(4):838–855, 1992. doi: 10.1137/0330046.",
            None,
        ),
        ("Alan Akbik. Contextual string embeddings. In COLING, pages 1638–1649, 2018.", None),
        ("C. Author. A paper. arXiv:1713.12345, 2017.", None),  # month 13: not an id
    ],
)
def test_the_arxiv_id_an_entry_prints(text: str, expected: str | None) -> None:
    assert entry_arxiv_id(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ba, J. L., Kiros, J. R., and Hinton, G. E. Layer normalization. arXiv preprint "
            "arXiv:1607.06450, 2016.",
            "Layer normalization",
        ),
        (
            "Łukasz Kaiser and Samy Bengio. Can active memory replace attention? In Advances in "
            "Neural Information Processing Systems, (NIPS), 2016.",
            "Can active memory replace attention?",
        ),
        (
            "Olutobi Owoputi, Brendan O’Connor, Chris Dyer, and Noah A. Smith. Improved "
            "part-of-speech tagging for online conversational text with word clusters. In NAACL, "
            "2013.",
            "Improved part-of-speech tagging for online conversational text with word clusters",
        ),
        (
            'A. Vaswani, N. Shazeer, et al., "Attention is all you need," in NIPS, 2017.',
            "Attention is all you need",
        ),
        (
            "Alex Krizhevsky. Learning Multiple Layers of Features from Tiny Images, 2009.",
            "Learning Multiple Layers of Features from Tiny Images",
        ),
        ("In International Conference on Learning Representations, 2017.", None),
    ],
)
def test_the_title_read_off_an_entry(text: str, expected: str | None) -> None:
    assert entry_title(text) == expected


# ---------------------------------------------------------------- the 13 real papers


@pytest.mark.slow
def test_the_reference_lists_of_the_13_dev_papers(corpus_settings: Settings) -> None:
    from reader import Library

    with Library(corpus_settings) as library:
        papers = library.papers()
        assert len(papers) == 13
        found = {p.id: library.study.references(p.id).references for p in papers}
    for paper_id, refs in found.items():
        assert len(refs) >= 15, (paper_id, len(refs))
        numbers = [r.number for r in refs]
        assert numbers == sorted(set(numbers)), paper_id
        for r in refs:
            assert r.text.strip(), (paper_id, r.number)
            # One entry each: no second "[n]" marker, no second run of authors-and-year.
            assert not re.search(r"(?:^|\s)\[\d{1,3}\]\s", r.text), (paper_id, r.text)
            assert len(r.text) < 700, (paper_id, r.text)
    attention = {r.title: r for r in found["1706.03762"]}
    assert 35 <= len(found["1706.03762"]) <= 45  # the paper prints 40
    assert attention["Layer normalization"].arxiv_id == "1607.06450"
    assert attention["Layer normalization"].number == 1
    assert attention["Convolutional sequence to sequence learning"].arxiv_id == "1705.03122"
    # Author-year lists too: BERT cites the Transformer, ViT cites BERT, Adam's list is 23 long.
    assert "Attention is all you need" in {r.title for r in found["1810.04805"]}
    assert any(r.title and r.title.startswith("BERT: Pre-training") for r in found["2010.11929"])
    assert 20 <= len(found["1412.6980"]) <= 26
    # A paper that prints its arXiv ids: most of CoCa's do.
    assert sum(1 for r in found["2205.01917"] if r.arxiv_id) >= 30


@pytest.mark.slow
def test_refs_prints_json_and_one_line_for_an_unknown_paper(corpus_settings: Settings) -> None:
    done = run_reader(corpus_settings, "refs", "1706.03762", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["paper_id"] == "1706.03762"
    first = payload["references"][0]
    assert set(first) == {"number", "text", "title", "arxiv_id"}
    assert first["arxiv_id"] == "1607.06450"
    text = run_reader(corpus_settings, "refs", "1706.03762")
    assert "arXiv 1607.06450  (reader add 1607.06450)" in text.stdout
    missing = run_reader(corpus_settings, "refs", "9912.00001")
    assert missing.returncode != 0
    assert missing.stderr.count("\n") == 1 and "not in the index" in missing.stderr
