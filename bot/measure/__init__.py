"""Tooling beside the product: `minsheng eval` (scoring a question file), `minsheng bench` (a synthetic corpus at
scale), and the plain dense baseline both hold our figures against."""
