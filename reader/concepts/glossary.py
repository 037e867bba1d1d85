"""The project's own glossary of study-plan concepts (package data glossary.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.errors import CatalogError
from reader.models import GlossaryEntry
from reader.text.query import compact

DEFAULT_PATH = Path(__file__).with_name("glossary.yaml")


@dataclass(frozen=True)
class Glossary:
    """Entries looked up by term or alias, ignoring case, spacing, hyphens and plurals."""

    entries: tuple[GlossaryEntry, ...]

    def lookup(self, term: str) -> GlossaryEntry | None:
        key = compact(term)
        if not key:
            return None
        for entry in self.entries:
            if compact(entry.term) == key:
                return entry
        for entry in self.entries:
            if any(compact(alias) == key for alias in entry.aliases):
                return entry
        return None

    def names(self, entry: GlossaryEntry) -> tuple[str, ...]:
        """The term and its aliases."""
        return (entry.term, *entry.aliases)


def load_glossary(path: Path | None = None) -> Glossary:
    """Read a glossary YAML file (default: the packaged one)."""
    import yaml

    source = path or DEFAULT_PATH
    try:
        raw: Any = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"cannot read glossary {source}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise CatalogError(
            f"glossary {source} is not valid YAML: fix line "
            f"{getattr(getattr(exc, 'problem_mark', None), 'line', 0) + 1}"
        ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        raise CatalogError(f"glossary {source} needs a top-level 'entries:' list")
    entries = tuple(_entry(item, source, i) for i, item in enumerate(raw["entries"], start=1))
    return Glossary(entries)


def _strings(value: Any, field: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError(f"{where}: '{field}' must be a list of strings")
    return tuple(value)


def _optional(value: Any, field: str, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise CatalogError(f"{where}: '{field}' must be a string")
    return " ".join(value.split())


def _zh_name(raw: str) -> tuple[str, str | None]:
    """ "快捷连接 (shortcut connection)": a Chinese name and the English name it translates."""
    m = re.fullmatch(r"\s*(.+?)\s*\(\s*([A-Za-z][^()]*?)\s*\)\s*", raw)
    return (m.group(1), m.group(2)) if m else (raw.strip(), None)


def _entry(item: Any, source: Path, index: int) -> GlossaryEntry:
    where = f"glossary {source} entry {index}"
    if not isinstance(item, dict):
        raise CatalogError(f"{where} must be a mapping with term and definition")
    term = _optional(item.get("term"), "term", where)
    definition = _optional(item.get("definition"), "definition", where)
    if not term or not definition:
        raise CatalogError(f"{where} needs both 'term' and 'definition'")
    zh = [_zh_name(n) for n in _strings(item.get("zh_names"), "zh_names", where)]
    return GlossaryEntry(
        term=term,
        definition=definition,
        formula=_optional(item.get("formula"), "formula", where),
        aliases=_strings(item.get("aliases"), "aliases", where),
        related=_strings(item.get("related"), "related", where),
        introduced_by=_optional(item.get("introduced_by"), "introduced_by", where),
        zh_names=tuple(name for name, _ in zh),
        zh_specific=tuple((name, en) for name, en in zh if en),
        zh_gloss=_optional(item.get("zh_gloss"), "zh_gloss", where),
        zh_translates=_optional(item.get("zh_translates"), "zh_translates", where),
    )
