"""The interview deck: the curated topic cards (interview_cards.yaml) and one "What is X?" card
per key concept of the reading list, in the order new cards are shown."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reader.errors import CatalogError
from reader.models import GlossaryEntry, ReadingList
from reader.study.records import QuizCard

DEFAULT_PATH = Path(__file__).with_name("interview_cards.yaml")
_FIELDS = frozenset({"id", "stage", "paper", "also", "question", "question_zh", "concepts", "ask"})
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

Lookup = Callable[[str], GlossaryEntry | None]


def slug(text: str) -> str:
    """An id from a name: "Q-Former" -> "q-former", "label smoothing" -> "label-smoothing"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_topic_cards(path: Path | None = None) -> tuple[QuizCard, ...]:
    """The curated interview topics, checked: unique slug ids, both questions, some concepts."""
    import yaml

    source = path or DEFAULT_PATH
    try:
        raw: Any = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"cannot read the interview cards {source} ({exc}); fix it") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cards"), list):
        raise CatalogError(f"interview cards {source} need a top-level 'cards:' list")
    cards = tuple(_topic(item, f"{source} card {i}") for i, item in enumerate(raw["cards"], 1))
    seen: set[str] = set()
    for card in cards:
        if card.id in seen:
            raise CatalogError(f"interview cards {source}: id {card.id!r} is used twice")
        seen.add(card.id)
    return cards


def _text(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"{where}: '{key}' must be a non-empty string")
    return " ".join(value.split())


def _topic(item: Any, where: str) -> QuizCard:
    if not isinstance(item, dict):
        raise CatalogError(f"{where} must be a mapping with id, question and question_zh")
    unknown = sorted(set(item) - _FIELDS)
    if unknown:
        raise CatalogError(f"{where}: unknown field {unknown[0]!r}")
    card_id = _text(item, "id", where)
    if not _SLUG.fullmatch(card_id):
        raise CatalogError(f"{where}: id {card_id!r} must be a slug such as 'q-former'")
    concepts = item.get("concepts")
    if (
        not concepts
        or not isinstance(concepts, list)
        or not all(isinstance(c, str) for c in concepts)
    ):
        raise CatalogError(f"{where}: 'concepts' must be a non-empty list of glossary terms")
    stage = item.get("stage")
    if stage is not None and not isinstance(stage, int):
        raise CatalogError(f"{where}: 'stage' must be a number")
    paper = item.get("paper")
    also = item.get("also") or []
    if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
        raise CatalogError(f"{where}: 'also' must be a list of quoted arXiv ids")
    return QuizCard(
        id=card_id,
        kind="topic",
        question=_text(item, "question", where),
        question_zh=_text(item, "question_zh", where),
        concepts=tuple(concepts),
        paper_id=str(paper) if paper is not None else None,
        stage=stage,
        ask=_text(item, "ask", where) if item.get("ask") is not None else None,
        also=tuple(also),
    )


def concept_cards(
    reading_list: ReadingList | None, lookup: Lookup, covered: Sequence[QuizCard] = ()
) -> tuple[QuizCard, ...]:
    """ "What is X?" for each key concept of the reading list, once per concept (its first paper),
    leaving out the concepts a topic card of `covered` is mainly about."""
    if reading_list is None:
        return ()
    taken = {_key(c.concepts[0], lookup) for c in covered}
    cards: list[QuizCard] = []
    for paper in reading_list.papers:
        for term in paper.key_concepts:
            key = _key(term, lookup)
            if not key or key in taken:
                continue
            taken.add(key)
            entry = lookup(term)
            zh = entry.zh_names[0] if entry and entry.zh_names else term
            cards.append(
                QuizCard(
                    id=f"concept:{key}",
                    kind="concept",
                    question=f"What {_verb(term)} {term}?",
                    question_zh=f"什么是{zh}？",
                    concepts=(entry.term if entry else term,),
                    paper_id=paper.id,
                    stage=paper.stage,
                )
            )
    return tuple(cards)


def _key(term: str, lookup: Lookup) -> str:
    """One key per concept, whichever of its names is used: the glossary term's slug."""
    entry = lookup(term)
    return slug(entry.term if entry else term)


def build_deck(reading_list: ReadingList | None, lookup: Lookup) -> tuple[QuizCard, ...]:
    """Every card, in the order new ones are shown: earlier stages first, within a stage the
    topic cards before the concept cards, then by id."""
    topics = load_topic_cards()
    deck = [*topics, *concept_cards(reading_list, lookup, topics)]
    return tuple(sorted(deck, key=new_card_order))


def new_card_order(card: QuizCard) -> tuple[int, int, str]:
    stage = card.stage if card.stage is not None else 1_000
    return (stage, 0 if card.kind == "topic" else 1, card.id)


def _verb(term: str) -> str:
    """ "What are learned queries?", "What is InfoNCE?" (a plural ends in s, not in ss)."""
    last = term.split()[-1]
    return "are" if last.endswith("s") and not last.endswith("ss") and last.islower() else "is"
