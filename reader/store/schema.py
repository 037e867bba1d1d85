"""SQL layout of library.sqlite and progress.sqlite: DDL, connection setup, layout checks,
and row <-> dataclass conversion. IndexStore (store.py) is the only caller."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from reader.errors import IndexCorruptError, IndexLockedError, IndexMissingError
from reader.models import (
    Block,
    BlockKind,
    Chunk,
    PageMark,
    PaperRecord,
    Section,
    SectionRole,
    StoredChunk,
)

# Bump on any layout change: an older file then asks for `reader ingest --rebuild`.
SCHEMA_VERSION = 3
FORMAT = "reader-index"

LIBRARY_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE papers(
    id TEXT PRIMARY KEY,
    version INTEGER,
    title TEXT NOT NULL,
    short_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    page_count INTEGER NOT NULL,
    section_count INTEGER NOT NULL,
    chunk_count INTEGER NOT NULL,
    authors TEXT NOT NULL,              -- JSON list of names
    published TEXT,
    arxiv_url TEXT,
    pdf_path TEXT,
    fingerprint TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE sections(
    paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    level INTEGER NOT NULL,
    role TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    body_end INTEGER NOT NULL,
    marks TEXT NOT NULL,                -- JSON list of [offset, page]
    blocks TEXT NOT NULL,               -- JSON list of typed blocks (see block_json)
    PRIMARY KEY (paper_id, position)
);
-- AUTOINCREMENT: a chunk id is never reused, so a stale id can never name another passage.
CREATE TABLE chunks(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    section_number TEXT NOT NULL,
    section_title TEXT NOT NULL,
    section_role TEXT NOT NULL,
    page INTEGER NOT NULL,
    text TEXT NOT NULL,
    vector BLOB NOT NULL                -- little-endian float32, L2-normalised
);
CREATE INDEX chunks_by_paper ON chunks(paper_id, ordinal);
CREATE INDEX chunks_by_role ON chunks(section_role);
CREATE VIRTUAL TABLE chunks_fts USING fts5(
    text, section_title,
    content='chunks', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text, section_title)
    VALUES (new.id, new.text, new.section_title);
END;
CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text, section_title)
    VALUES ('delete', old.id, old.text, old.section_title);
END;
CREATE TRIGGER chunks_fts_update AFTER UPDATE OF text, section_title ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text, section_title)
    VALUES ('delete', old.id, old.text, old.section_title);
    INSERT INTO chunks_fts(rowid, text, section_title)
    VALUES (new.id, new.text, new.section_title);
END;
"""

PROGRESS_SCHEMA = """
CREATE TABLE IF NOT EXISTS progress(
    paper_id TEXT NOT NULL,
    section_number TEXT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (paper_id, section_number)
);
"""

# The study plan's settings (key 'start': its first day, ISO), in progress.sqlite beside the marks.
PLAN_STATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS plan_state(
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""

# Interview cards: each card's scheduler state (fsrs Card JSON) and every grade given.
CARD_STATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS card_state(
    card_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,                -- fsrs Card.to_json()
    due TEXT NOT NULL,                  -- ISO datetime, UTC
    updated_at TEXT NOT NULL
);
"""
CARD_REVIEWS_SCHEMA = """
CREATE TABLE IF NOT EXISTS card_reviews(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    card_id TEXT NOT NULL,
    rating TEXT NOT NULL,               -- again | hard | good | easy
    reviewed_at TEXT NOT NULL,          -- ISO datetime, UTC
    due TEXT NOT NULL                   -- when the grade made it due next
);
"""

# bm25 column weights (text, section_title): a title is shared by every chunk of its section.
BM25 = "bm25(chunks_fts, 1.0, 0.5)"

CHUNK_COLUMNS = (
    "c.id, c.paper_id, c.ordinal, c.section_number, c.section_title, c.section_role, c.page, "
    "c.text, p.title AS paper_title"
)


def paper_row(record: PaperRecord, fingerprint: str, updated_at: str) -> dict[str, Any]:
    return {
        "id": record.id,
        "version": record.version,
        "title": record.title,
        "short_name": record.short_name,
        "sha256": record.sha256,
        "page_count": record.page_count,
        "section_count": record.section_count,
        "chunk_count": record.chunk_count,
        "authors": json.dumps(list(record.authors), ensure_ascii=False),
        "published": record.published,
        "arxiv_url": record.arxiv_url,
        "pdf_path": record.pdf_path,
        "fingerprint": fingerprint,
        "updated_at": updated_at,
    }


def paper_from_row(row: sqlite3.Row) -> PaperRecord:
    return PaperRecord(
        id=row["id"],
        version=row["version"],
        title=row["title"],
        short_name=row["short_name"],
        sha256=row["sha256"],
        page_count=row["page_count"],
        section_count=row["section_count"],
        chunk_count=row["chunk_count"],
        authors=tuple(str(a) for a in json.loads(row["authors"])),
        published=row["published"],
        arxiv_url=row["arxiv_url"],
        pdf_path=row["pdf_path"],
    )


def block_json(block: Block) -> dict[str, Any]:
    return {
        "kind": block.kind.value,
        "text": block.text,
        "page": block.page,
        "bbox": [round(v, 2) for v in block.bbox],
        "offset": block.offset,
        "number": block.number,
        "caption": block.caption,
    }


def block_from_json(data: dict[str, Any]) -> Block:
    try:
        kind = BlockKind(data["kind"])
    except ValueError:
        kind = BlockKind.PARAGRAPH  # a kind added by a newer version reads as a paragraph
    x0, y0, x1, y1 = (float(v) for v in data["bbox"])
    return Block(
        kind=kind,
        text=str(data["text"]),
        page=int(data["page"]),
        bbox=(x0, y0, x1, y1),
        offset=int(data["offset"]),
        number=data.get("number"),
        caption=data.get("caption"),
    )


def section_row(paper_id: str, position: int, section: Section) -> tuple[Any, ...]:
    marks = json.dumps([[m.offset, m.page] for m in section.marks])
    blocks = json.dumps([block_json(b) for b in section.blocks], ensure_ascii=False)
    return (
        paper_id,
        position,
        section.number,
        section.title,
        section.level,
        section.role.value,
        section.page_start,
        section.page_end,
        section.text,
        section.body_end,
        marks,
        blocks,
    )


def section_from_row(row: sqlite3.Row) -> Section:
    return Section(
        number=row["number"],
        title=row["title"],
        level=row["level"],
        role=role_of(row["role"]),
        page_start=row["page_start"],
        page_end=row["page_end"],
        text=row["text"],
        body_end=row["body_end"],
        marks=tuple(PageMark(int(o), int(p)) for o, p in json.loads(row["marks"])),
        blocks=tuple(block_from_json(b) for b in json.loads(row["blocks"])),
    )


def stored_chunk_from_row(row: sqlite3.Row) -> StoredChunk:
    chunk = Chunk(
        paper_id=row["paper_id"],
        section_number=row["section_number"],
        section_title=row["section_title"],
        section_role=role_of(row["section_role"]),
        page=row["page"],
        ordinal=row["ordinal"],
        text=row["text"],
    )
    return StoredChunk(id=row["id"], chunk=chunk, paper_title=row["paper_title"])


def role_of(value: str) -> SectionRole:
    try:
        return SectionRole(value)
    except ValueError:
        return SectionRole.OTHER  # a role added by a newer version reads as OTHER, not a crash


REBUILD = "rebuild it with `reader ingest --rebuild`"


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), usable from any thread."""
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}?mode=rwc"
    # check_same_thread off: the app shares one store between threads, under the store's lock.
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA foreign_keys = ON")
        if readonly:
            conn.execute("PRAGMA query_only = ON")
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection, mode: str = "IMMEDIATE") -> Iterator[None]:
    conn.execute(f"BEGIN {mode}")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def initialise(conn: sqlite3.Connection) -> None:
    """Create the layout in an empty library database; leave an existing one alone."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")  # in WAL mode still safe against kill -9
    with transaction(conn):
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            return
        # Statement by statement: executescript would commit this transaction half-way.
        buffer = ""
        for line in LIBRARY_SCHEMA.splitlines(keepends=True):
            buffer += line
            if sqlite3.complete_statement(buffer):
                conn.execute(buffer)
                buffer = ""
        conn.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?)",
            [
                ("format", FORMAT),
                ("schema_version", str(SCHEMA_VERSION)),
                ("generation", "0"),
                ("index_id", uuid.uuid4().hex),  # tells this library's vectors.faiss from another's
                ("created_at", now()),
            ],
        )


def open_library(path: Path, *, create: bool) -> sqlite3.Connection:
    """Connect to library.sqlite (read-only unless `create`), creating or checking its layout."""
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(path, readonly=not create)
    except (OSError, sqlite3.Error) as exc:
        raise IndexCorruptError(f"cannot open {path} ({exc}); {REBUILD}") from None
    try:
        if create:
            initialise(conn)
        check_layout(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise IndexCorruptError(f"{path} is damaged or not a database ({exc}); {REBUILD}") from None
    except BaseException:
        conn.close()
        raise
    return conn


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in conn.execute("SELECT key, value FROM meta")}


def check_layout(conn: sqlite3.Connection, path: Path) -> None:
    """IndexMissingError for an empty file, IndexCorruptError for a foreign or older layout."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        raise IndexMissingError(f"no index in {path.parent}; build it with `reader ingest`")
    meta: dict[str, str] = {}
    if "meta" in tables:
        meta = read_meta(conn)
    if meta.get("format") != FORMAT:
        raise IndexCorruptError(f"{path} is not a reader index; {REBUILD}")
    if meta.get("schema_version") != str(SCHEMA_VERSION):
        raise IndexCorruptError(
            f"{path} uses index layout {meta.get('schema_version')}, this reader needs "
            f"{SCHEMA_VERSION}; {REBUILD}"
        )


def chunk_filters(
    paper_ids: Collection[str] | None, role: SectionRole | None
) -> tuple[str, list[object]]:
    """`AND ...` SQL over chunks `c` for the paper and role filters, with its parameters."""
    clauses: list[str] = []
    params: list[object] = []
    if paper_ids is not None:
        ids = list(paper_ids)
        clauses.append(f"c.paper_id IN ({', '.join('?' * len(ids))})")
        params.extend(ids)
    if role is not None:
        clauses.append("c.section_role = ?")
        params.append(role.value)
    return "".join(f" AND {c}" for c in clauses), params


@contextlib.contextmanager
def sqlite_errors(path: Path, busy: str, fix: str) -> Iterator[None]:
    """SQLite failures as one-line errors: `busy` when another process holds the file, else
    "<path> is damaged (<sqlite's reason>); <fix>"."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise IndexLockedError(busy) from None
        raise damaged(path, exc, fix) from None
    except sqlite3.DatabaseError as exc:
        raise damaged(path, exc, fix) from None


def damaged(path: Path, exc: Exception, fix: str) -> IndexCorruptError:
    return IndexCorruptError(f"{path} is damaged ({exc}); {fix}")
