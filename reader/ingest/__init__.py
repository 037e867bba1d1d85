"""Ingest: papers -> passages -> vectors -> the index, one paper per transaction."""
