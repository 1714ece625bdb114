"""Searching: question → Query (with follow-up completion), hybrid retrieval, ranking, abstention."""
