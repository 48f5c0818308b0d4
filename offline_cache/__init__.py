"""The encrypted offline store (SQLCipher)."""
