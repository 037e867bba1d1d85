"""Concept lookup: occurrences, expansions, definitions and the project's glossary."""
