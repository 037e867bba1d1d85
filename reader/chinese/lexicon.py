"""The Chinese words `reader` knows: the glossary's Chinese names (concepts) and the word list
lexicon.yaml (ordinary research vocabulary), each mapped to the English the papers use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.concepts.glossary import Glossary
from reader.errors import CatalogError
from reader.models import GlossaryEntry

DEFAULT_PATH = Path(__file__).with_name("lexicon.yaml")


@dataclass(frozen=True)
class Lexicon:
    """`concepts`: a Chinese name -> its glossary entry; `words`: a Chinese word -> English
    words, the one to put in the English question first."""

    concepts: Mapping[str, GlossaryEntry]
    words: Mapping[str, tuple[str, ...]]

    def english(self, word: str) -> tuple[str, ...] | None:
        """The English for one Chinese word: a concept's English name, else the word list's."""
        entry = self.concepts.get(word)
        if entry is not None:
            return (entry.english_for(word),)
        return self.words.get(word)

    def all_words(self) -> list[str]:
        """Every Chinese word known, for the segmenter's dictionary."""
        return [*self.concepts, *self.words]

    def longest_known(self, text: str, start: int) -> str | None:
        """The longest known word of `text` starting at `start`."""
        for end in range(min(len(text), start + _LONGEST), start, -1):
            piece = text[start:end]
            if piece in self.concepts or piece in self.words:
                return piece
        return None


_LONGEST = 12  # characters: longer than any name in the glossary or word list


def load_lexicon(glossary: Glossary, path: Path | None = None) -> Lexicon:
    """The glossary's Chinese names and the word list at `path` (default: the packaged one)."""
    import yaml

    source = path or DEFAULT_PATH
    try:
        raw: Any = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"cannot read the Chinese word list {source}: {exc.strerror}") from None
    except yaml.YAMLError:
        raise CatalogError(f"the Chinese word list {source} is not valid YAML: fix it") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("words"), dict):
        raise CatalogError(f"the Chinese word list {source} needs a top-level 'words:' mapping")
    words: dict[str, tuple[str, ...]] = {}
    for zh, en in raw["words"].items():
        values = [en] if isinstance(en, str) else en
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) for v in values)
        ):
            raise CatalogError(
                f"the Chinese word list {source}: '{zh}' needs an English word or a list of them"
            )
        words[str(zh)] = tuple(" ".join(v.split()) for v in values)
    concepts: dict[str, GlossaryEntry] = {}
    for entry in glossary.entries:
        for name in entry.zh_names:
            concepts.setdefault(name, entry)
    return Lexicon(concepts=concepts, words=words)
