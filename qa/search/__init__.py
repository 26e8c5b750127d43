"""Search: the words of a text (tokens), its vectors (encoders), the stores that hold a library's
vectors (stores: FAISS, Milvus), the built index of a library (index) and hybrid retrieval over it
(retrieve: BM25 and dense, fused, with a second stage)."""
