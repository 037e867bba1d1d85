"""Retrieval and answers: hybrid search, extractive cited answers, optional reranker and LLM."""
