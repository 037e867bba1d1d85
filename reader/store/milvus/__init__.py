"""The Milvus passage store (READER_STORE=milvus): Milvus Lite or a Milvus server."""
