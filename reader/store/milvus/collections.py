"""The two Milvus collections and row <-> dataclass conversion.

- `<prefix>library`: papers, sections (split into parts below VARCHAR's byte limit) and a
  meta row (model, generation, the live passages collection), keyed by a string;
- `<prefix>passages_<n>`: one row per passage: dense vector (FLAT: exact, and a filtered search
  returns k hits on Lite too), stemmed terms with Milvus's BM25 function into a sparse field.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from reader.models import Chunk, PageMark, PaperRecord, Section, StoredChunk
from reader.store import schema
from reader.text.stems import word_stem

PREFIX = "reader_"
LIBRARY = f"{PREFIX}library"
PASSAGES = f"{PREFIX}passages"
META_KEY = "meta"
PART_CHARS = 60_000  # ASCII JSON, under VARCHAR's 65,535-byte limit
TEXT_BYTES = 16_384
QUERY_LIMIT = 16_384  # Milvus caps offset + limit of one query/search at 16,384
_WORD = re.compile(r"[^\W_]+")
_QUOTED = re.compile(r'"((?:[^"]|"")*)"')
_GROUP = re.compile(r'\((?:[^()"]|"(?:[^"]|"")*")*\)|"(?:[^"]|"")*"')


def terms(text: str) -> str:
    """The words BM25 indexes, stemmed like the query: Lite's analyzer has no stemmer, so both
    engines get the same pre-stemmed tokens (FTS5's porter tokenizer does this in SQLite)."""
    return " ".join(word_stem(w) for w in _WORD.findall(text.lower()))


def query_terms(match_expr: str) -> str:
    """The words of an FTS5 expression built by `fts_expression`: OR-ed terms, some as a group
    `("word" OR "w ord")`. BM25 here takes words, not phrases, so of a group only the first
    form and a one-word alternative count: "a ctivation" would add the word "a"."""
    words: list[str] = []
    for group in _GROUP.findall(match_expr):
        forms = [q.replace('""', '"') for q in _QUOTED.findall(group)]
        words.extend(forms[:1] + [f for f in forms[1:] if len(_WORD.findall(f)) == 1])
    return terms(" ".join(words) if words else match_expr)


def chunk_id(paper_id: str, fingerprint: str, ordinal: int) -> int:
    """Stable while a paper is unchanged, new when it changes (a stale id never names another
    passage); positive int64."""
    digest = hashlib.blake2b(f"{paper_id}\0{fingerprint}\0{ordinal}".encode(), digest_size=8)
    return (int.from_bytes(digest.digest(), "big") & ((1 << 63) - 1)) or 1


def literal(value: str) -> str:
    """A string literal for a Milvus filter expression."""
    return json.dumps(value)


def create_library(client: Any) -> None:
    from pymilvus import DataType

    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("key", DataType.VARCHAR, is_primary=True, max_length=512)
    s.add_field("kind", DataType.VARCHAR, max_length=16)
    s.add_field("paper_id", DataType.VARCHAR, max_length=256)
    s.add_field("fingerprint", DataType.VARCHAR, max_length=128)
    s.add_field("position", DataType.INT64)
    s.add_field("name", DataType.VARCHAR, max_length=256)
    s.add_field("body", DataType.VARCHAR, max_length=65_535)
    s.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus needs a vector field; unused
    index = client.prepare_index_params()
    index.add_index(field_name="v", index_type="FLAT", metric_type="L2")
    client.create_collection(LIBRARY, schema=s, index_params=index, consistency_level="Strong")


def create_passages(client: Any, name: str, dim: int) -> None:
    from pymilvus import DataType, Function, FunctionType

    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("id", DataType.INT64, is_primary=True)
    s.add_field("paper_id", DataType.VARCHAR, max_length=256)
    s.add_field("fingerprint", DataType.VARCHAR, max_length=128)
    s.add_field("ordinal", DataType.INT64)
    s.add_field("section_number", DataType.VARCHAR, max_length=256)
    s.add_field("section_title", DataType.VARCHAR, max_length=4096)
    s.add_field("role", DataType.VARCHAR, max_length=64)
    s.add_field("page", DataType.INT64)
    s.add_field("text", DataType.VARCHAR, max_length=TEXT_BYTES)
    s.add_field("terms", DataType.VARCHAR, max_length=TEXT_BYTES, enable_analyzer=True)
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    s.add_function(
        Function(
            name="terms_bm25",
            function_type=FunctionType.BM25,
            input_field_names=["terms"],
            output_field_names=["sparse"],
        )
    )
    index = client.prepare_index_params()
    index.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
    index.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    client.create_collection(name, schema=s, index_params=index, consistency_level="Strong")


def library_row(key: str, kind: str, paper_id: str = "", **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "key": key,
        "kind": kind,
        "paper_id": paper_id,
        "fingerprint": "",
        "position": 0,
        "name": "",
        "body": "",
        "v": [0.0, 0.0],
    }
    row.update(fields)
    return row


def paper_body(record: PaperRecord) -> dict[str, Any]:
    return schema.paper_row(record, "", "") | {"authors": list(record.authors)}


def paper_from_body(data: dict[str, Any]) -> PaperRecord:
    return PaperRecord(
        id=str(data["id"]),
        version=data.get("version"),
        title=str(data["title"]),
        short_name=str(data["short_name"]),
        sha256=str(data["sha256"]),
        page_count=int(data["page_count"]),
        section_count=int(data["section_count"]),
        chunk_count=int(data["chunk_count"]),
        authors=tuple(str(a) for a in data.get("authors", ())),
        published=data.get("published"),
        arxiv_url=data.get("arxiv_url"),
        pdf_path=data.get("pdf_path"),
    )


def section_rows(
    paper_id: str, fingerprint: str, position: int, section: Section
) -> list[dict[str, Any]]:
    """One section as library rows: its JSON in parts, keyed by paper, version and position."""
    body = json.dumps(
        {
            "number": section.number,
            "title": section.title,
            "level": section.level,
            "role": section.role.value,
            "page_start": section.page_start,
            "page_end": section.page_end,
            "text": section.text,
            "body_end": section.body_end,
            "marks": [[m.offset, m.page] for m in section.marks],
            "blocks": [schema.block_json(b) for b in section.blocks],
        },
        ensure_ascii=True,  # so that characters = bytes against the VARCHAR limit
    )
    parts = [body[i : i + PART_CHARS] for i in range(0, len(body), PART_CHARS)] or [""]
    return [
        library_row(
            f"s:{paper_id}:{fingerprint}:{position:06d}:{n:04d}",
            "section",
            paper_id,
            fingerprint=fingerprint,
            position=position * 10_000 + n,
            name=section.number,
            body=part,
        )
        for n, part in enumerate(parts)
    ]


def sections_from_rows(rows: list[dict[str, Any]]) -> list[Section]:
    by_position: dict[int, list[tuple[int, str]]] = {}
    for r in rows:
        position, part = divmod(int(r["position"]), 10_000)
        by_position.setdefault(position, []).append((part, str(r["body"])))
    sections = []
    for position in sorted(by_position):
        data = json.loads("".join(body for _, body in sorted(by_position[position])))
        sections.append(
            Section(
                number=data["number"],
                title=data["title"],
                level=data["level"],
                role=schema.role_of(data["role"]),
                page_start=data["page_start"],
                page_end=data["page_end"],
                text=data["text"],
                body_end=data["body_end"],
                marks=tuple(PageMark(int(o), int(p)) for o, p in data["marks"]),
                blocks=tuple(schema.block_from_json(b) for b in data["blocks"]),
            )
        )
    return sections


PASSAGE_FIELDS = [
    "id", "paper_id", "fingerprint", "ordinal", "section_number", "section_title", "role",
    "page", "text",
]  # fmt: skip


def passage_row(cid: int, fingerprint: str, chunk: Chunk, vector: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "paper_id": chunk.paper_id,
        "fingerprint": fingerprint,
        "ordinal": chunk.ordinal,
        "section_number": chunk.section_number,
        "section_title": chunk.section_title,
        "role": chunk.section_role.value,
        "page": chunk.page,
        "text": chunk.text,
        # Title words count too, as the title column does in FTS5.
        "terms": terms(f"{chunk.text} {chunk.section_title}"),
        "dense": [float(x) for x in vector],
    }


def stored_chunk(row: dict[str, Any], paper_title: str) -> StoredChunk:
    chunk = Chunk(
        paper_id=str(row["paper_id"]),
        section_number=str(row["section_number"]),
        section_title=str(row["section_title"]),
        section_role=schema.role_of(str(row["role"])),
        page=int(row["page"]),
        ordinal=int(row["ordinal"]),
        text=str(row["text"]),
    )
    return StoredChunk(id=int(row["id"]), chunk=chunk, paper_title=paper_title)
