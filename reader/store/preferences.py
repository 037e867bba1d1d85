"""preferences.json: what the learner picked in the app (its language), kept across restarts."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from reader.errors import SettingsError, first_line
from reader.models import AppPreferences
from reader.settings import UI_LANGUAGES

log = logging.getLogger(__name__)


def load_preferences(path: Path, default: AppPreferences) -> AppPreferences:
    """The saved preferences, or `default` when none are saved. A damaged file is ignored
    (and logged): a preference is not worth refusing to open the app for."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("ignoring %s: %s", path, first_line(exc))
        return default
    language = data.get("ui_language") if isinstance(data, dict) else None
    if language not in UI_LANGUAGES:
        log.warning("ignoring %s: ui_language %r is not one of %s", path, language, UI_LANGUAGES)
        return default
    return AppPreferences(ui_language=language)


def save_preferences(path: Path, preferences: AppPreferences) -> None:
    """Write atomically: a crash mid-write leaves the previous file, never half of one."""
    if preferences.ui_language not in UI_LANGUAGES:
        raise SettingsError(
            f"language {preferences.ui_language!r} is not one of {', '.join(UI_LANGUAGES)}; "
            "pick en or zh"
        )
    text = json.dumps({"ui_language": preferences.ui_language}, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise SettingsError(
            f"cannot save the app's preferences to {path} ({first_line(exc)}); "
            "make the index folder writable or set READER_INDEX_DIR"
        ) from None
