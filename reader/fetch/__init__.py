"""Fetch: the reading list's papers from arXiv (metadata, PDF download into the cache)."""
