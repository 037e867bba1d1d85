"""The English query `reader` runs for what the learner typed, or a QueryError saying why none."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from reader.chinese.segment import has_chinese
from reader.errors import QueryError
from reader.models import QueryMapping

if TYPE_CHECKING:
    from reader.chinese.mapping import QueryMapper


def english_query(query: str, text: str, mapper: Callable[[], QueryMapper]) -> QueryMapping:
    """`text` (the query, cut to the length limit) in the papers' English: Chinese words mapped,
    the question's form kept; English comes back as typed. `mapper` is built only if needed."""
    if not has_chinese(text):
        if not re.search(r"[A-Za-z0-9]", text):
            raise QueryError(
                "the query has no English or Chinese words: reader maps only those two, "
                "type it in English or Chinese"
            )
        return QueryMapping(original=query, english=text)
    mapping = mapper().map(text)
    if not mapping.english:
        unknown = "、".join(mapping.unmatched)
        raise QueryError(
            f"no English match for {unknown}: name a concept or a paper's words, "
            "e.g. 什么是多头注意力？"
            if unknown
            else "the query has only question words: add what to ask about, e.g. 什么是位置编码？"
        )
    return mapping
