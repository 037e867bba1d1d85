"""preferences.json: the app's language survives a restart, and a bad file never stops the app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader import Library, Settings
from reader.errors import SettingsError
from reader.models import AppPreferences
from reader.store.preferences import load_preferences, save_preferences

ENGLISH = AppPreferences(ui_language="en")


def test_a_saved_language_is_read_back(tmp_path: Path) -> None:
    path = tmp_path / "index" / "preferences.json"  # the folder does not exist yet
    save_preferences(path, AppPreferences(ui_language="zh"))
    assert load_preferences(path, ENGLISH) == AppPreferences(ui_language="zh")
    assert json.loads(path.read_text(encoding="utf-8")) == {"ui_language": "zh"}
    assert [p.name for p in path.parent.iterdir()] == ["preferences.json"]  # no temp file left


def test_no_file_gives_the_default(tmp_path: Path) -> None:
    assert load_preferences(tmp_path / "preferences.json", ENGLISH) == ENGLISH


@pytest.mark.parametrize(
    "text", ["{not json", '{"ui_language": "fr"}', '["zh"]', "\xff\xfe", '{"ui_language": 1}']
)
def test_a_damaged_file_is_ignored_and_left_as_it_was(tmp_path: Path, text: str) -> None:
    path = tmp_path / "preferences.json"
    path.write_text(text, encoding="latin-1")
    assert load_preferences(path, ENGLISH) == ENGLISH
    assert path.read_text(encoding="latin-1") == text


def test_an_unknown_language_is_refused_and_the_saved_one_kept(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    save_preferences(path, AppPreferences(ui_language="zh"))
    with pytest.raises(SettingsError, match="'fr' is not one of en, zh"):
        save_preferences(path, AppPreferences(ui_language="fr"))
    assert load_preferences(path, ENGLISH).ui_language == "zh"


def test_a_folder_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "index"
    blocker.write_text("a file where the index folder should be", encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        save_preferences(blocker / "preferences.json", AppPreferences(ui_language="zh"))
    message = str(info.value)
    assert "\n" not in message and "READER_INDEX_DIR" in message


def test_the_library_starts_in_the_configured_language_then_keeps_the_learners_pick(
    tmp_path: Path,
) -> None:
    settings = Settings(index_dir=tmp_path / "index", ui_language="zh")
    assert Library(settings).ui_language() == "zh"
    Library(settings).set_ui_language("en")
    assert Library(settings).ui_language() == "en"  # a new Library: as after a restart
    assert Library(settings.replace(ui_language="zh")).ui_language() == "en"


def test_an_unknown_configured_language_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="READER_UI_LANGUAGE"):
        Settings.from_env({"READER_UI_LANGUAGE": "fr"})
