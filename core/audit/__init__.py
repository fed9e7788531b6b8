"""Append-only, hash-chained audit log of every change and every security event."""
