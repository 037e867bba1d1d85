"""Settings: defaults, READER_* variables, explicit overrides, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.errors import SettingsError
from reader.settings import Settings


def test_env_overrides_defaults_and_explicit_overrides_env() -> None:
    env = {"READER_INDEX_DIR": "/tmp/x", "READER_OFFLINE": "yes", "READER_SEARCH_K": "7"}
    settings = Settings.from_env(env)
    assert settings.index_dir == Path("/tmp/x")
    assert settings.offline is True and settings.search_k == 7
    assert settings.pdf_cache_dir == Path("/tmp/x/pdfs")
    assert Settings.from_env(env, index_dir=Path("/y"), offline=None).index_dir == Path("/y")


def test_bad_value_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="READER_SEARCH_K='many'"):
        Settings.from_env({"READER_SEARCH_K": "many"})
    with pytest.raises(SettingsError, match="READER_OFFLINE"):
        Settings.from_env({"READER_OFFLINE": "perhaps"})


def test_every_knob_is_described() -> None:
    rows = Settings.describe()
    assert all(env.startswith("READER_") and help_text for env, _, help_text in rows)
    assert "READER_EMBEDDING_MODEL" in {env for env, _, _ in rows}
