"""Reads: what a person may see, a page at a time (see docs/architecture.md)."""
