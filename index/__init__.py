"""Ingestion and retrieval: report files → records → chunks → indexes → hits."""
