"""`reader add`: append a paper to the reading list, keeping every other byte of the file.

The file is edited with a round-trip YAML library (ruamel.yaml), so comments, blank lines,
quoting and indentation stay as they were; the new entry is appended as the list's last item.
It is written to a temporary file beside it and moved over it in one step (a crash leaves the
old file or the new one, never half of one), then read back with the project's own loader; if
that fails the old bytes are put back. A bad id, a duplicate or an unreadable file changes
nothing.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reader.catalog import load_reading_list, split_arxiv_id
from reader.errors import CatalogError
from reader.models import PaperEntry, PaperMeta
from reader.study.records import AddedPaper

# (id, version or None) -> arXiv's record; None when offline (the id alone goes in).
MetadataLookup = Callable[[str, int | None], PaperMeta]


def add_paper(
    path: Path, raw_id: str, *, stage: int | None = None, lookup: MetadataLookup | None = None
) -> AddedPaper:
    """Append `raw_id` (an id, 'id'vN or an abs/pdf URL) to the reading list at `path`."""
    try:
        paper_id, version = split_arxiv_id(raw_id)
    except CatalogError as exc:
        raise CatalogError(f"{exc}; nothing was added to {path}") from None
    if stage is not None and stage < 1:
        raise CatalogError(f"stage must be a whole number >= 1, got {stage}; nothing was added")
    reading = load_reading_list(path)  # a missing or invalid file stops here, untouched
    for index, entry in enumerate(reading.papers, start=1):
        if entry.id == paper_id:
            raise CatalogError(
                f"{paper_id} is already in {path} (entry {index}"
                + (f", v{entry.version}" if entry.version else "")
                + "); nothing was added"
            )
    meta = lookup(paper_id, version) if lookup is not None else None
    new = PaperEntry(
        id=paper_id,
        version=meta.version if meta is not None else version,
        title=meta.title if meta is not None else None,
        stage=stage,
    )
    original = path.read_bytes()
    _write_atomically(path, _appended(original, new, path))
    try:
        after = load_reading_list(path)
        if after.papers[:-1] != reading.papers or after.papers[-1].id != paper_id:
            raise CatalogError(f"{path}: the list read back is not the old one plus {paper_id}")
    except CatalogError as exc:
        _write_atomically(path, original)
        raise CatalogError(f"adding {paper_id} broke the file, so it was put back: {exc}") from None
    return AddedPaper(
        path=str(path),
        id=paper_id,
        version=new.version,
        title=new.title,
        stage=stage,
        from_arxiv=meta is not None,
    )


def _appended(original: bytes, entry: PaperEntry, path: Path) -> bytes:
    """The file's bytes with `entry` appended to its `papers:` list, nothing else changed."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString
    from ruamel.yaml.util import load_yaml_guess_indent

    text = original.decode("utf-8")
    crlf = "\r\n" in text
    if crlf:
        text = text.replace("\r\n", "\n")
    # Round-trip mode: comments, key order and quotes are kept, and only plain YAML types
    # are built (no arbitrary objects), so this is as safe as yaml.safe_load.
    editor = YAML(typ="rt")
    editor.preserve_quotes = True
    editor.width = 4096  # never re-wrap a long line
    try:
        data: Any = editor.load(text)
        _, indent, dash = load_yaml_guess_indent(text)
    except YAMLError as exc:
        raise CatalogError(f"{path}: cannot edit the YAML ({exc}); nothing was added") from None
    papers = data.get("papers") if isinstance(data, dict) else None
    if not isinstance(papers, CommentedSeq):
        raise CatalogError(f"{path}: no 'papers:' list to append to; nothing was added")
    # papers.yaml's layout is "  - id: ...": the dash 2 in, the keys 4 in.
    if indent is None or dash is None:  # nothing in block style to go by
        indent, dash = 4, 2
    editor.indent(mapping=max(indent - dash, 2), sequence=indent, offset=dash)
    item = CommentedMap()
    item["id"] = DoubleQuotedScalarString(entry.id)  # unquoted 2103.00020 would be a float
    if entry.version is not None:
        item["version"] = entry.version
    if entry.title is not None:
        item["title"] = DoubleQuotedScalarString(entry.title)
    if entry.stage is not None:
        item["stage"] = entry.stage
    papers.append(item)
    out = io.StringIO()
    editor.dump(data, out)
    written = out.getvalue()
    if not written.startswith(text):
        raise CatalogError(
            f"{path}: appending would rewrite other lines of the file (a flow-style list?); "
            f"add '- id: \"{entry.id}\"' by hand; nothing was added"
        )
    tail = written[len(text) :]
    if re.search(r"\n[ \t]*\n[ \t]*- ", text) and not text.endswith("\n\n"):
        tail = "\n" + tail  # the entries are a blank line apart: so is the new one
    written = text + tail
    if crlf:
        written = written.replace("\n", "\r\n")
    return written.encode("utf-8")


def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`."""
    target = path.resolve()  # through a symlink: replace the file, keep the link
    try:
        mode = target.stat().st_mode & 0o7777
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise CatalogError(
            f"cannot write {path} ({exc.strerror or exc}); nothing was added"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise CatalogError(
            f"cannot write {path} ({exc.strerror or exc}); nothing was added"
        ) from None
