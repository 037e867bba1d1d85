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


def test_paths_given_as_strings_become_paths_once(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HOME", str(tmp_path))
    settings = Settings.from_env({}, index_dir="idx", pdf_dir="~/papers", cache_dir=None)
    assert settings.index_dir == Path("idx") and isinstance(settings.index_dir, Path)
    assert settings.pdf_dir == tmp_path / "papers"
    assert settings.pdf_cache_dir == Path("idx") / "pdfs"
    assert isinstance(settings.replace(papers_file="list.yaml").papers_file, Path)


def test_a_path_setting_of_another_type_is_one_clear_error() -> None:
    with pytest.raises(SettingsError, match="index_dir must be a path"):
        Settings.from_env({}, index_dir=42)


def test_the_python_api_takes_a_string_index_dir_end_to_end(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """What a user of `reader.Library` writes: string paths, then a query on an empty index."""
    from reader import IndexMissingError, Library

    monkeypatch.chdir(tmp_path)
    library = Library(Settings.from_env({}, index_dir="idx", offline=True))
    with pytest.raises(IndexMissingError):
        library.search("attention")
    library.close()
