"""Adapters between the check-in and the libraries below it (no Textual here)."""
