"""The reading list: load and validate papers.yaml, and validate arXiv ids."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from reader.errors import CatalogError
from reader.models import PaperEntry, ReadingList

# New-style ids: YYMM.NNNN (2007-2014) or YYMM.NNNNN (2015 on).
_NEW_ID = re.compile(r"(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5})")
# Old-style ids: archive[.SUBJECT]/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136.
_OLD_ID = re.compile(
    r"(?P<archive>[a-z]+(?:-[a-z]+)*)(?:\.[A-Z]{2})?/(?P<yy>\d{2})(?P<mm>\d{2})\d{3}"
)
_VERSION = re.compile(r"v(?P<version>[1-9]\d{0,3})")
_PREFIXES = ("arxiv:", "https://arxiv.org/abs/", "http://arxiv.org/abs/", "https://arxiv.org/pdf/")
_WEEKS = re.compile(r"(?P<start>\d{1,2})(?:\s*-\s*(?P<end>\d{1,2}))?")

DEFAULT_READ_FIRST: tuple[str, ...] = ("introduction", "method")
_FIELDS = (
    "id",
    "version",
    "title",
    "short_name",
    "stage",
    "weeks",
    "read_first",
    "focus",
    "key_concepts",
    "focus_zh",
)
_LIST_FIELDS = ("read_first", "focus", "key_concepts", "focus_zh")


def split_arxiv_id(raw: str) -> tuple[str, int | None]:
    """Normalise an id or abs/pdf URL into (id without version, version or None)."""
    if not isinstance(raw, str):
        raise CatalogError(f"arXiv id {raw!r} is not text; write it as a quoted string")
    text = raw.strip()
    lowered = text.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
            break
    text = text.removesuffix(".pdf")
    version: int | None = None
    match = re.search(r"v(\d+)$", text)
    if match and _VERSION.fullmatch(match.group(0)):
        version = int(match.group(1))
        text = text[: match.start()]
    if not _is_arxiv_id(text):
        raise CatalogError(
            f"{raw!r} is not an arXiv id; use the new form '2103.00020' "
            "or the old form 'hep-th/9901001'"
        )
    return text, version


def validate_arxiv_id(raw: str) -> str:
    """Return the normalised id without version; CatalogError if `raw` is not an arXiv id."""
    return split_arxiv_id(raw)[0]


def safe_file_stem(paper_id: str) -> str:
    """A file name for a validated id: old-style 'hep-th/9901001' becomes 'hep-th_9901001'."""
    return validate_arxiv_id(paper_id).replace("/", "_")


def _is_arxiv_id(text: str) -> bool:
    new = _NEW_ID.fullmatch(text)
    if new:
        yymm = int(new["yy"] + new["mm"])
        month_ok = 1 <= int(new["mm"]) <= 12
        # arXiv switched from 4- to 5-digit numbers in January 2015.
        digits_ok = (len(new["num"]) == 4) == (yymm < 1501)
        return month_ok and digits_ok and yymm >= 704
    old = _OLD_ID.fullmatch(text)
    if old:
        yy = int(old["yy"])
        return 1 <= int(old["mm"]) <= 12 and (yy >= 91 or yy <= 7)
    return False


def load_reading_list(path: Path) -> ReadingList:
    """Load and validate a reading list; raise CatalogError naming the file, entry and fix."""
    import yaml

    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(
            f"{where}: reading list not found; create it or pass the right file with --papers"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{where}: cannot read the reading list ({exc}); fix the file") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{where}: {_yaml_problem(exc)}; fix the YAML there") from None

    if not isinstance(data, dict) or "papers" not in data:
        raise CatalogError(f"{where}: no top-level 'papers:' list; start the file with 'papers:'")
    extra = sorted(str(k) for k in data if k != "papers")
    if extra:
        raise CatalogError(
            f"{where}: unknown top-level field {extra[0]!r}; only 'papers:' is allowed"
        )
    raw_papers = data["papers"]
    if not isinstance(raw_papers, list) or not raw_papers:
        raise CatalogError(f"{where}: 'papers:' must be a non-empty list of '- id: ...' entries")

    papers: list[PaperEntry] = []
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for index, raw in enumerate(raw_papers, start=1):
        entry = _parse_entry(raw, f"{where}: entry {index}")
        label = f"{where}: entry {index} (id {entry.id})"
        if entry.id in seen_ids:
            raise CatalogError(
                f"{label}: duplicate id, already listed as entry {seen_ids[entry.id]}; "
                "remove one of them"
            )
        seen_ids[entry.id] = index
        if entry.short_name is not None:
            key = entry.short_name.casefold()
            if key in seen_names:
                raise CatalogError(
                    f"{label}: short_name {entry.short_name!r} is already used by entry "
                    f"{seen_names[key]}; citations need a unique short_name"
                )
            seen_names[key] = index
        papers.append(entry)
    return ReadingList(path=path, papers=tuple(papers))


def _yaml_problem(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return f"YAML syntax error ({problem})"
    where = f"line {mark.line + 1}, column {mark.column + 1}"
    # An unclosed bracket or quote is noticed late; the line where it opened helps more.
    if context is not None and context.line != mark.line:
        problem = f"{problem}; the construct started at line {context.line + 1}"
    return f"YAML syntax error at {where} ({problem})"


def _parse_entry(raw: Any, label: str) -> PaperEntry:
    if not isinstance(raw, dict):
        raise CatalogError(f"{label}: expected a mapping like '- id: \"2103.00020\"', got {raw!r}")
    if "id" not in raw:
        raise CatalogError(f"{label}: missing 'id'; add the arXiv id, e.g. id: \"2103.00020\"")
    paper_id, label = _parse_id(raw["id"], label)

    for key in raw:
        if key not in _FIELDS:
            close = difflib.get_close_matches(str(key), _FIELDS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(_FIELDS)}"
            raise CatalogError(f"{label}: unknown field {key!r}; {hint}")

    lists = {name: _string_list(raw, name, label) for name in _LIST_FIELDS}
    read_first = lists["read_first"] if "read_first" in raw else DEFAULT_READ_FIRST
    return PaperEntry(
        id=paper_id,
        version=_positive_int(raw, "version", label),
        title=_string(raw, "title", label),
        short_name=_string(raw, "short_name", label),
        stage=_positive_int(raw, "stage", label),
        weeks=_weeks(raw, label),
        read_first=read_first,
        focus=lists["focus"],
        key_concepts=lists["key_concepts"],
        focus_zh=lists["focus_zh"],
    )


def _parse_id(value: Any, label: str) -> tuple[str, str]:
    if isinstance(value, float | int) and not isinstance(value, bool):
        # Unquoted 2103.00020 is read by YAML as the float 2103.0002: the id is already lost.
        raise CatalogError(
            f'{label} (id {value!r}): YAML read the id as a number; quote it, e.g. id: "{value}"'
        )
    if not isinstance(value, str):
        raise CatalogError(f'{label}: id must be a quoted string like "2103.00020"')
    try:
        paper_id, version = split_arxiv_id(value)
    except CatalogError:
        raise CatalogError(
            f"{label} (id {value!r}): not an arXiv id; use '2103.00020' or 'hep-th/9901001'"
        ) from None
    label = f"{label} (id {paper_id})"
    if version is not None or paper_id != value:
        raise CatalogError(
            f"{label}: write the bare id {paper_id!r}"
            + (f" and put the version in 'version: {version}'" if version else "")
        )
    return paper_id, label


def _string(raw: dict[Any, Any], name: str, label: str) -> str | None:
    value = raw.get(name)
    if value is None and name not in raw:
        return None
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"{label}: {name} must be non-empty text, got {value!r}")
    return " ".join(value.split())


def _positive_int(raw: dict[Any, Any], name: str, label: str) -> int | None:
    if name not in raw:
        return None
    value = raw[name]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CatalogError(f"{label}: {name} must be a whole number >= 1, got {value!r}")
    return value


def _weeks(raw: dict[Any, Any], label: str) -> str | None:
    if "weeks" not in raw:
        return None
    value = raw["weeks"]
    # YAML reads `weeks: 3` as an int; that is a fine single week.
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    match = _WEEKS.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None or (match["end"] and int(match["end"]) < int(match["start"])):
        raise CatalogError(f'{label}: weeks must look like "3" or "1-2", got {value!r}')
    return f"{match['start']}-{match['end']}" if match["end"] else match["start"]


def _string_list(raw: dict[Any, Any], name: str, label: str) -> tuple[str, ...]:
    if name not in raw:
        return ()
    value = raw[name]
    if not isinstance(value, list):
        raise CatalogError(f"{label}: {name} must be a list like [a, b], got {value!r}")
    if not value:
        raise CatalogError(f"{label}: {name} is an empty list; add items or remove the field")
    items: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise CatalogError(f"{label}: every {name} item must be non-empty text, got {item!r}")
        items.append(" ".join(item.split()))
    return tuple(items)
