"""The app's tests share one small real index (three papers ingested once per run)."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_library import build_library, copy_library


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_library(tmp_path_factory.mktemp("app-library"))


@pytest.fixture(scope="session")
def shared(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy for the tests that only read (asking, looking up, navigating)."""
    return copy_library(built, tmp_path_factory.mktemp("app-shared"))


@pytest.fixture
def private(built: Path, tmp_path: Path) -> Path:
    """A copy of its own for a test that marks sections read or saves notes."""
    return copy_library(built, tmp_path / "library")
