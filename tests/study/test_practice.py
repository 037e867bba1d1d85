"""`reader practice`: starter files, and the checker on right, wrong, broken and endless code."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from cli_runner import run_reader

from reader.settings import Settings
from reader.study.practice.checker import check_file
from reader.study.practice.exercises import EXERCISES, exercise
from reader.study.practice.starter import starter_text

FILES = Path(__file__).parent / "practice_files"
CORRECT = {
    "attention": "attention.py",
    "multi-head-attention": "multi_head_attention.py",
    "positional-encoding": "positional_encoding.py",
    "layer-norm": "layer_norm.py",
    "gelu": "gelu.py",
    "clip-loss": "clip_loss.py",
}


def check_json(file: Path, name: str, **env: str) -> tuple[int, dict[str, object]]:
    done = run_reader(None, "practice", "check", name, str(file), "--json", env=env)
    assert done.stderr == "", done.stderr
    return done.returncode, json.loads(done.stdout)


def failures(report: dict[str, object]) -> dict[str, str]:
    checks = report["checks"]
    assert isinstance(checks, list)
    return {c["name"]: c["message"] for c in checks if not c["passed"]}


def test_every_exercise_has_a_correct_solution_here() -> None:
    assert sorted(CORRECT) == sorted(ex.name for ex in EXERCISES)


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_a_correct_implementation_passes_every_check(name: str) -> None:
    code, report = check_json(FILES / "correct" / CORRECT[name], name)
    assert failures(report) == {}
    assert code == 0 and report["passed"] is True and report["exercise"] == name
    assert len(report["checks"]) >= 5  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "file", "hint"),
    [
        ("attention", "attention_unscaled.py", "divide the scores by sqrt(d_k)"),
        ("attention", "attention_inverted_mask.py", "True means 'may attend'"),
        ("multi-head-attention", "mha_one_head.py", "split d_model into 4 heads"),
        ("positional-encoding", "pe_swapped.py", "sines go on even dimensions"),
        ("layer-norm", "layer_norm_unbiased.py", "biased variance"),
        ("clip-loss", "clip_unnormalised.py", "L2-normalise"),
        ("clip-loss", "clip_one_direction.py", "symmetric"),
    ],
)
def test_a_known_mistake_fails_with_its_hint(name: str, file: str, hint: str) -> None:
    code, report = check_json(FILES / "wrong" / file, name)
    failed = failures(report)
    assert code == 1 and report["passed"] is False
    assert any(hint in message for message in failed.values()), failed


def test_the_tanh_gelu_fails_only_the_exactness_check() -> None:
    code, report = check_json(FILES / "wrong" / "gelu_tanh.py", "gelu")
    assert code == 1
    failed = failures(report)
    assert list(failed) == ["exact, not the tanh approximation"]
    assert "tanh approximation" in failed["exact, not the tanh approximation"]


def test_a_syntax_error_is_shown_as_the_learners_own_error(tmp_path: Path) -> None:
    broken = tmp_path / "gelu.py"
    broken.write_text("import torch\n\ndef gelu(x)\n    return x\n", encoding="utf-8")
    done = run_reader(None, "practice", "check", "gelu", str(broken))
    assert done.returncode == 1
    assert "SyntaxError" in done.stdout and f'"{broken}", line 3' in done.stdout
    assert "harness" not in done.stdout and "importlib" not in done.stdout
    assert done.stdout.count("SyntaxError") == 1
    assert "Traceback" not in done.stderr


def test_an_exception_shows_their_frames_once() -> None:
    code, report = check_json(FILES / "wrong" / "gelu_raises.py", "gelu")
    assert code == 1
    messages = list(failures(report).values())
    first = messages[0]
    assert "gelu_raises.py" in first and "no_such_method" in first and "in scale" in first
    assert "reader/study" not in first  # the checker's own frames are not the learner's problem
    assert all(m.startswith("the same error as in") for m in messages[1:]), messages


@pytest.mark.timeout(120)
def test_an_endless_loop_is_stopped_at_the_time_limit() -> None:
    code, report = check_json(
        FILES / "wrong" / "gelu_endless.py", "gelu", READER_PRACTICE_TIME_LIMIT_SECONDS="15"
    )
    assert code == 1 and report["timed_out"] is True
    assert any("stopped after 15 s" in m for m in failures(report).values())


def test_the_learners_code_never_runs_in_the_calling_process(tmp_path: Path) -> None:
    marker = tmp_path / "pid.txt"
    spy = tmp_path / "gelu.py"
    spy.write_text(
        f"import os\nopen({str(marker)!r}, 'w').write(str(os.getpid()))\n"
        "import math, torch\n\ndef gelu(x):\n"
        "    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))\n",
        encoding="utf-8",
    )
    report = check_file(exercise("gelu"), spy, time_limit=120)
    assert report.passed
    assert int(marker.read_text()) != os.getpid()
    assert "learner_solution" not in sys.modules


def test_unknown_exercise_and_missing_file_are_usage_errors(tmp_path: Path) -> None:
    unknown = run_reader(None, "practice", "check", "softmax", str(FILES / "correct" / "gelu.py"))
    assert unknown.returncode == 2
    assert unknown.stderr.strip().startswith("error: no exercise 'softmax'")
    assert "layer-norm" in unknown.stderr and len(unknown.stderr.strip().splitlines()) == 1
    missing = run_reader(None, "practice", "check", "gelu", str(tmp_path / "nope.py"))
    assert missing.returncode == 2
    assert "reader practice start gelu" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


def test_start_writes_a_runnable_starter_and_never_overwrites(tmp_path: Path) -> None:
    done = run_reader(None, "practice", "start", "multi-head-attention", str(tmp_path / "ex"))
    assert done.returncode == 0, done.stderr
    starter = tmp_path / "ex" / "multi_head_attention.py"
    text = starter.read_text(encoding="utf-8")
    assert "class MultiHeadAttention(nn.Module):" in text
    assert "def forward(self, query, key, value, mask=None):" in text
    assert "3.2.2 Multi-Head Attention" in text and "1706.03762" in text
    assert "raise NotImplementedError" in text
    starter.write_text(text + "# my work\n", encoding="utf-8")
    again = run_reader(None, "practice", "start", "multi-head-attention", str(tmp_path / "ex"))
    assert again.returncode == 2 and "already exists" in again.stderr
    assert starter.read_text(encoding="utf-8") == text + "# my work\n"
    code, report = check_json(starter, "multi-head-attention")
    assert code == 1 and "NotImplementedError" in json.dumps(report)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.name)
def test_every_starter_compiles_and_names_its_symbol(ex: object) -> None:
    text = starter_text(ex)  # type: ignore[arg-type]
    compile(text, "starter.py", "exec")
    assert ex.symbol in text and ex.paper_id in text  # type: ignore[attr-defined]


def test_list_shows_every_exercise_with_its_paper() -> None:
    done = run_reader(None, "practice", "list", "--json")
    listed = json.loads(done.stdout)["exercises"]
    assert [e["name"] for e in listed] == [ex.name for ex in EXERCISES]
    assert {e["paper_id"] for e in listed} >= {"1706.03762", "1606.08415", "2103.00020"}


def test_an_exercise_links_to_its_section_when_the_paper_is_ingested(
    corpus_settings: Settings,
) -> None:
    from reader import Library

    study = Library(corpus_settings).study
    section = study.exercise_section("attention")
    assert section is not None and section.title == "Scaled Dot-Product Attention"
    assert study.exercise_section("clip-loss") is None  # CLIP is not in the dev corpus
