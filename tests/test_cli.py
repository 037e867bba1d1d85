"""The `reader` command as a user runs it: JSON contracts, text output, errors, start-up cost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cli_runner import run_reader
from repo_paths import ROOT

from reader.settings import Settings

GOLD = ROOT.parent / "shared" / "eval"


def test_help_is_instant_and_imports_no_heavy_library() -> None:
    code = (
        "import sys; from reader.cli import cli; "
        "heavy = [m for m in ('torch', 'faiss', 'pymupdf', 'sentence_transformers', 'streamlit') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    help_text = run_reader(None, "--help").stdout
    for command in ("ingest", "sections", "read", "search", "ask", "concept", "eval"):
        assert command in help_text


def test_no_index_is_one_clear_line(tmp_path: Path) -> None:
    result = run_reader(None, "search", "attention", env={"READER_INDEX_DIR": str(tmp_path)})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "reader ingest" in lines[0]


def test_bad_reading_list_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "papers.yaml"
    bad.write_text("papers:\n  - id: '../../etc/passwd'\n")
    result = run_reader(
        None, "ingest", "--papers", str(bad), env={"READER_INDEX_DIR": str(tmp_path / "i")}
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert str(bad) in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "i" / "library.sqlite").exists()


@pytest.mark.slow
def test_sections_json_contract(corpus_settings: Settings) -> None:
    result = run_reader(corpus_settings, "sections", "1706.03762", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["paper"] == {
        "id": "1706.03762",
        "version": 7,
        "title": "Attention Is All You Need",
    }
    sections = data["sections"]
    assert set(sections[0]) == {
        "number",
        "title",
        "level",
        "role",
        "page_start",
        "page_end",
        "text",
        "blocks",
    }
    # Each section's own body as typed blocks; §3.2.1 holds equation (1) as one block.
    sdpa = next(s for s in sections if s["number"] == "3.2.1")
    kinds = [b["kind"] for b in sdpa["blocks"]]
    assert set(kinds) <= {"paragraph", "equation", "figure", "table", "footnote"}
    (eq,) = [b for b in sdpa["blocks"] if b["kind"] == "equation"]
    assert set(eq) == {"kind", "text", "page", "bbox", "number", "caption"}
    assert (eq["number"], eq["page"], eq["caption"]) == ("1", 4, None)
    assert eq["text"] == "Attention(Q, K, V) = softmax(QK^T / √d_k)V"
    x0, y0, x1, y1 = eq["bbox"]
    assert 0 <= x0 < x1 <= 612 and 0 <= y0 < y1 <= 792
    assert kinds.index("equation") > 0 and kinds[-1] == "paragraph"
    top = [s for s in sections if s["level"] == 1]
    assert top[0]["role"] == "abstract" and top[-1]["role"] in {"references", "appendix"}
    method = next(s for s in sections if s["role"] == "method" and s["level"] == 1)
    assert method["title"] == "Model Architecture"
    # A section's text covers its subsections, without its own heading line.
    assert "Scaled Dot-Product Attention" in method["text"]
    assert not method["text"].lstrip().startswith("Model Architecture")
    pages = [(s["page_start"], s["page_end"]) for s in sections]
    assert all(1 <= a <= b <= 15 for a, b in pages)
    assert [a for a, _ in pages] == sorted(a for a, _ in pages)


@pytest.mark.slow
def test_search_json_contract_and_filters(corpus_settings: Settings) -> None:
    result = run_reader(
        corpus_settings,
        "search",
        "sine and cosine positional encoding",
        "--paper",
        "1706.03762",
        "--section",
        "method",
        "-k",
        "3",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["query"] == "sine and cosine positional encoding"
    assert 1 <= len(data["hits"]) <= 3
    hit = data["hits"][0]
    assert set(hit) == {
        "paper_id",
        "paper_title",
        "section",
        "section_role",
        "page",
        "text",
        "score",
    }
    assert all(h["paper_id"] == "1706.03762" for h in data["hits"])
    assert all(h["section_role"] == "method" for h in data["hits"])
    scores = [h["score"] for h in data["hits"]]
    assert scores == sorted(scores, reverse=True)
    assert "sine and cosine functions of different frequencies" in " ".join(hit["text"].split())


@pytest.mark.slow
def test_read_opens_on_introduction_then_method(corpus_settings: Settings) -> None:
    result = run_reader(corpus_settings, "read", "1810.04805")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    intro, method = out.find("1 Introduction"), out.find("3 BERT")
    assert 0 <= intro < method
    assert "Language model pre-training has been shown to be effective" in out
    one = run_reader(corpus_settings, "read", "1810.04805", "--section", "3.1")
    assert one.stdout.startswith("3.1 Pre-training BERT")
    # Equations, figures and tables are marked where they stand; the formula is kept whole.
    sdpa = run_reader(corpus_settings, "read", "1706.03762", "--section", "3.2").stdout
    assert "[Equation (1), p.4]\n    Attention(Q, K, V) = softmax(QK^T / √d_k)V\n" in sdpa
    assert "\n√dk\n" not in sdpa and ")V (1)" not in sdpa
    assert "[Figure 2, p.4: Figure 2: (left) Scaled Dot-Product Attention." in sdpa
    assert sdpa.index("3.2.1 Scaled Dot-Product Attention") < sdpa.index("[Equation (1)")
    missing = run_reader(corpus_settings, "read", "1810.04805", "--section", "99")
    assert missing.returncode != 0 and "no section '99'" in missing.stderr


@pytest.mark.slow
def test_unknown_paper_names_the_fix(corpus_settings: Settings) -> None:
    result = run_reader(corpus_settings, "sections", "2301.12597")
    assert result.returncode != 0
    assert "2301.12597" in result.stderr and "reader ingest" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_dev_questions_are_found_in_the_top_five(corpus_library: object) -> None:
    from reader import Library

    assert isinstance(corpus_library, Library)
    questions = yaml.safe_load((GOLD / "questions-dev.yaml").read_text())
    missed = []
    for q in questions:
        hits = corpus_library.search(q["question"], k=5)
        texts = [" ".join(h.text.lower().split()) for h in hits if h.paper_id == q["paper"]]
        if not any(p in t for p in q["phrases"] for t in texts):
            missed.append(q["id"])
    assert missed == []


def test_ask_json_gives_alternatives_and_text_prints_them_with_n(corpus_settings: Settings) -> None:
    question = "Why does BERT add a next sentence prediction task?"
    result = run_reader(corpus_settings, "ask", question, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert not data["abstained"] and data["missing_paper"] is None
    answers = data["answers"]
    assert 2 <= len(answers) <= 3
    assert answers[0]["answer"] == data["answer"]
    assert answers[0]["citations"] == data["citations"]
    assert [a["score"] for a in answers] == sorted((a["score"] for a in answers), reverse=True)
    quotes = [{c["quote"] for c in a["citations"]} for a in answers]
    assert not (quotes[0] & quotes[1])  # another passage, not the same sentences again

    text = run_reader(corpus_settings, "ask", question, "-n", "3").stdout
    assert text.startswith(data["answer"][:40]) and "Answer 2" in text
    assert "Answer 2" not in run_reader(corpus_settings, "ask", question).stdout


def test_ask_with_an_llm_down_says_so_on_stderr_and_answers_from_the_papers(
    corpus_settings: Settings, closed_port_url: str
) -> None:
    down = closed_port_url.rsplit("/api", 1)[0]
    question = "Why does BERT add a next sentence prediction task?"
    result = run_reader(corpus_settings, "ask", question, env={"READER_LLM_URL": down})
    assert result.returncode == 0 and result.stdout.strip()
    assert result.stderr.strip() == (
        f"LLM answer not used: cannot connect to {down} (connection refused); "
        "showing the papers' own sentences"
    )
    data = json.loads(
        run_reader(corpus_settings, "ask", question, "--json", env={"READER_LLM_URL": down}).stdout
    )
    assert (
        data["generation"]["used"] is False and "connection refused" in data["generation"]["reason"]
    )
    bad = run_reader(corpus_settings, "ask", question, env={"READER_LLM_URL": down[7:]})
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1
    assert "READER_LLM_URL" in bad.stderr and "http://" in bad.stderr


def test_ask_about_a_listed_paper_not_ingested_says_how_to_ingest(
    corpus_settings: Settings,
) -> None:
    env = {"READER_PAPERS_FILE": str(ROOT / "papers.yaml")}  # lists BLIP-2; the corpus lacks it
    question = "What does the Q-Former do in BLIP-2?"
    result = run_reader(corpus_settings, "ask", question, "--json", env=env)
    data = json.loads(result.stdout)
    assert data["abstained"] and data["answers"] == [] and data["citations"] == []
    assert data["missing_paper"]["id"] == "2301.12597"
    assert "BLIP-2" in data["missing_paper"]["title"]
    assert data["hits"] and all(h["paper_id"] != "2301.12597" for h in data["hits"])
    text = run_reader(corpus_settings, "ask", question, env=env).stdout
    assert "reader ingest --paper 2301.12597" in text
    assert "From other papers" in text


@pytest.mark.slow
def test_concept_json_reports_canonical_and_text_shows_the_resolution(
    corpus_settings: Settings,
) -> None:
    result = run_reader(corpus_settings, "concept", "ReLUs", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["term"] == "ReLUs" and data["canonical"] == "ReLU" and data["found"]
    same = json.loads(run_reader(corpus_settings, "concept", "GELU", "--json").stdout)
    assert same["canonical"] == "GELU"  # nothing changed: the input
    text = run_reader(corpus_settings, "concept", "ReLUs").stdout
    assert text.splitlines()[0].startswith("ReLUs → ReLU")
