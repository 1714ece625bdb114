"""Ingestion: report files → normalized text → a Report (place, period) and its Records."""
