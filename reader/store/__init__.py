"""The index on disk: SQLite + FTS5 (the source of truth), the FAISS file, progress, the lock."""
