"""Building an index generation: records → chunks → vectors (Chroma) and BM25, with the catalog and manifest."""
