"""Choose the passage store by `settings.store`: the one place that knows both engines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.settings import Settings

if TYPE_CHECKING:
    from reader.store.base import PassageStore


def open_store(settings: Settings, *, create: bool = False) -> PassageStore:
    """The store of `settings` (for writing with `create=True`)."""
    if settings.store == "milvus":
        from reader.store.milvus.store import MilvusStore

        return MilvusStore.open(settings, create=create)
    from reader.store.index_store import IndexStore

    return IndexStore.open(settings, create=create)


def store_exists(settings: Settings) -> bool:
    if settings.store == "milvus":
        from reader.store.milvus.store import MilvusStore

        return MilvusStore.exists(settings)
    from reader.store.index_store import IndexStore

    return IndexStore.exists(settings)


def delete_store(settings: Settings) -> None:
    """Drop the library for a rebuild; progress and notes stay."""
    if settings.store == "milvus":
        from reader.store.milvus.store import MilvusStore

        MilvusStore.delete_library(settings)
        return
    from reader.store.index_store import IndexStore

    IndexStore.delete_library(settings)
