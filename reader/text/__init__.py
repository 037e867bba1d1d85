"""Language helpers shared by chunking, retrieval, answers and concepts (pure, no heavy imports)."""
