"""Answers: search result → the extractive answer (or the LLM's, every figure checked) → terminal, Telegram, JSON."""
