"""Sentence embeddings behind the `Embedder` protocol: sentence-transformers and ONNX Runtime."""
