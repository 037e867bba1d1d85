"""A small real library for the app's tests: three short papers, ingested once per test run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from repo_paths import PAPERS

from reader import Library, Settings

INGESTED = ("1706.03762", "1606.08415", "2003.04297")
NOT_INGESTED = "2301.12597"  # on the reading list, no PDF here: "not fetched"
READING_LIST = """\
papers:
  - id: "1706.03762"
    version: 7
    title: "Attention Is All You Need"
    short_name: "Transformer"
    stage: 1
    weeks: "1-2"
    read_first: [introduction, method]
    focus:
      - scaled dot-product attention and why it divides by sqrt(d_k)
      - positional encoding (sinusoidal)
    focus_zh:
      - 缩放点积注意力，为什么要除以 sqrt(d_k)
      - 位置编码（正弦）
    key_concepts: [multi-head attention, positional encoding]
  - id: "1606.08415"
    version: 4
    title: "Gaussian Error Linear Units (GELUs)"
    short_name: "GELU"
    stage: 1
    weeks: "1-2"
    focus: [the definition x·Φ(x) and its tanh approximation]
    key_concepts: [GELU]
  - id: "2003.04297"
    version: 1
    title: "Improved Baselines with Momentum Contrastive Learning"
    short_name: "MoCo v2"
    stage: 2
    weeks: "3-4"
    key_concepts: [InfoNCE]
  - id: "2301.12597"
    title: "BLIP-2: Bootstrapping Language-Image Pre-training with Frozen Image Encoders"
    short_name: "BLIP-2"
    stage: 3
    weeks: "5-9"
    focus: [look for the Q-Former design]
    key_concepts: [Q-Former]
"""

_built: dict[str, Path] = {}


def build_library(root: Path) -> Path:
    """Ingest the small reading list into root/index once per process; returns root."""
    if "root" in _built:
        return _built["root"]
    missing = [i for i in INGESTED if not (PAPERS / f"{i}.pdf").exists()]
    if missing:
        pytest.skip(f"../shared/papers lacks {', '.join(missing)}")
    (root / "papers.yaml").write_text(READING_LIST, encoding="utf-8")
    with Library(settings_for(root / "index", root / "papers.yaml")) as lib:
        report = lib.ingest(only=INGESTED)
    assert not report.failed, report.failed
    _built["root"] = root
    return root


def settings_for(index_dir: Path, papers_file: Path) -> Settings:
    return Settings(index_dir=index_dir, papers_file=papers_file, pdf_dir=PAPERS, offline=True)


def copy_library(built: Path, dest: Path) -> Path:
    """A private copy of the index, so one test's progress and notes never leak to another."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(built / "papers.yaml", dest / "papers.yaml")
    shutil.copytree(built / "index", dest / "index", ignore=shutil.ignore_patterns("*.lock"))
    return dest


def app_environment(index_dir: Path, papers_file: Path) -> dict[str, str]:
    """The environment the app reads its settings from, nothing else of READER_* inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    env.update(
        READER_INDEX_DIR=str(index_dir),
        READER_PAPERS_FILE=str(papers_file),
        READER_PDF_DIR=str(PAPERS),
        READER_OFFLINE="1",
    )
    return env
