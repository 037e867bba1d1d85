"""Where the learner stands: every paper's state (not ingested, ingested) and sections read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.models import PaperEntry, PaperRecord, PaperStatus, SectionRole
from reader.settings import Settings

if TYPE_CHECKING:
    from reader.store.base import PassageStore


def reading_status(
    settings: Settings,
    listed: Sequence[PaperEntry],
    records: Sequence[PaperRecord],
    store: PassageStore | None,
) -> list[PaperStatus]:
    """The reading list's papers in plan order, then other ingested ones; for each ingested one
    the top-level sections worth reading (not the references), how many are read, notes."""
    from reader.render import pdf_candidates

    by_id = {r.id: r for r in records}
    ids = {e.id for e in listed}
    entries = [*listed, *(PaperEntry(r.id, title=r.title) for r in records if r.id not in ids)]
    statuses = []
    for entry in entries:
        record = by_id.get(entry.id)
        if record is None or store is None:
            available = bool(pdf_candidates(settings, entry.id))
            statuses.append(PaperStatus(entry, None, available))
            continue
        worth = {
            s.key
            for s in store.sections(entry.id)
            if s.level == 1 and s.role != SectionRole.REFERENCES
        }
        marks = store.progress(entry.id)
        read = sum(1 for m in marks if m.read and m.section_number in worth)
        notes = sum(1 for m in marks if m.note.strip())
        statuses.append(PaperStatus(entry, record, True, len(worth), read, notes))
    return statuses
