"""The one Library per process (cached), and the paths of the pages that link to each other."""

from __future__ import annotations

import logging
import threading

import streamlit as st

from reader import Library, ReaderError, Settings

LIBRARY_PAGE = "app_pages/library.py"
READ_PAGE = "app_pages/read.py"
ASK_PAGE = "app_pages/ask.py"
CONCEPTS_PAGE = "app_pages/concepts.py"
PRACTICE_PAGE = "app_pages/practice.py"

WARM_UP_DELAY_SECONDS = 1.0

log = logging.getLogger(__name__)


def library() -> Library:
    """The process-wide Library for the current settings: the index and model load once."""
    settings = Settings.from_env()
    return _cached_library(repr(settings), settings)


@st.cache_resource(show_spinner=False)
def _cached_library(key: str, _settings: Settings) -> Library:
    # `key` (the settings' repr) is what the cache hashes; `_settings` is passed through unhashed.
    lib = Library(_settings)
    # The model loads in the background so the first question does not wait for it; a moment
    # later, so that its imports do not compete with painting the first page.
    warm = threading.Timer(WARM_UP_DELAY_SECONDS, _warm_up, args=(lib,))
    warm.daemon = True
    warm.start()
    return lib


def _warm_up(lib: Library) -> None:
    try:
        lib.warm_up()
    except ReaderError as exc:  # the page that needs the model shows the error itself
        log.warning("warm-up skipped: %s", exc)
